"""Speech in the shopper's accessibility mode: Qt TextToSpeech reads the question when a
question screen shows, each button as it gets the keyboard focus, and the thanks, in the
shopper's language (on Linux through speech-dispatcher, with espeak-ng's voices).

What is said is decided here, from the same texts the screens show (the survey's and the
catalogs', through ``kiosk.ui.controller.texts_for``); a button says its accessible name,
the one a screen reader would read. The engine lives in a process of its own
(``kiosk.ui.speaker``): connecting to speech-dispatcher, or starting it, never holds up a
tap. Outside the mode nothing is said, and that process is not even started until the mode
is first switched on.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal
from PySide6.QtGui import QAccessible
from PySide6.QtQuick import QQuickItem, QQuickWindow

from kiosk.flow.machine import Screen
from kiosk.ui.controller import KioskController

log = logging.getLogger("effortless.speech")

# Qt's engine on Linux: speech-dispatcher, which speaks with espeak-ng (scripts/system-deps).
DEFAULT_ENGINE = "speechd"
# How long closing the kiosk waits for the speaking process.
SHUTDOWN_WAIT_MS = 3000
# A speaking process that keeps ending is not started again and again.
MAX_STARTS = 3
SPEAKER = Path(__file__).with_name("speaker.py")


def screen_text(controller: KioskController) -> str:
    """What a screen says as it shows, in the accessibility mode ("" for nothing)."""
    state = controller.flow.state
    texts = controller.current_texts
    if state.still_there:
        return str(texts["ui"].get("still_there", ""))
    if state.screen is Screen.QUESTION or (
        state.screen is Screen.ATTRACT and texts.get("questionOnAttract")
    ):
        return str(texts.get("question", ""))
    if state.screen is Screen.WHY:
        return str(texts.get("whyPrompt", ""))
    if state.screen is Screen.COMMENT:
        return str(texts.get("commentPrompt", ""))
    if state.screen is Screen.THANKS:
        return str(texts.get("thanks", ""))
    return ""


def item_text(item: QQuickItem | None) -> str:
    """What a focused item says: its accessible name, as a screen reader reads it."""
    if item is None:
        return ""
    interface = QAccessible.queryAccessibleInterface(item)
    if interface is None or not interface.isValid():
        return ""
    return interface.text(QAccessible.Text.Name)


class Speech(QObject):
    """Speaks for the kiosk's controller and window while the accessibility mode is on."""

    # Past tense, for tests and the log: a text was handed to the engine.
    spoke = Signal(str, str)

    def __init__(
        self,
        controller: KioskController,
        window: QQuickWindow,
        engine: str = DEFAULT_ENGINE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._window = window
        self._engine = engine
        self._process: QProcess | None = None
        self._starts = 0
        self._closing = False
        self._last_screen = ""
        # The first focus after a screen's text waits for that text instead of cutting it.
        self._after_screen = False
        controller.screenChanged.connect(self._on_screen_changed)
        controller.stillThereChanged.connect(self._on_screen_changed)
        controller.accessibleChanged.connect(self._on_accessible_changed)
        window.activeFocusItemChanged.connect(self._on_focus_changed)

    def _speaker(self) -> QProcess | None:
        """The speaking process, started on first use (and again should it end)."""
        if self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning:
            return self._process
        if self._starts >= MAX_STARTS:
            return None
        self._starts += 1
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        process.readyReadStandardOutput.connect(self._on_output)
        process.finished.connect(self._on_finished)
        # Asynchronous: what is written before it runs waits in its input.
        # Run as a file, not a module of the package: the package brings the kiosk's storage
        # and sync along, which the speaker does not need (0.4 s and 10 MB less, measured).
        process.start(sys.executable, ["-I", str(SPEAKER), self._engine])
        self._process = process
        return process

    def _on_output(self) -> None:
        process = self._process
        if process is None:
            return
        while process.canReadLine():
            line = bytes(process.readLine().data()).decode("utf-8", "replace")
            try:
                report = json.loads(line)
                level, message = str(report["level"]), str(report["message"])
            except (ValueError, KeyError, TypeError):
                continue
            if level == "warning":
                log.warning("speech: %s", message)
            else:
                log.info("speech: %s", message)

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._closing:
            return
        log.warning("speech: the speaking process ended (%s, %d)", status.name, code)

    def shutdown(self) -> None:
        process = self._process
        if process is None:
            return
        self._closing = True
        # Its input ends, and so does it; a process stuck in a speech-dispatcher that does
        # not answer is killed rather than waited for.
        process.closeWriteChannel()
        if not process.waitForFinished(SHUTDOWN_WAIT_MS):
            log.info("speech: the speaking process did not end in %d ms; killed", SHUTDOWN_WAIT_MS)
            process.kill()
            process.waitForFinished(SHUTDOWN_WAIT_MS)
        self._process = None

    def _send(self, message: dict[str, object]) -> None:
        process = self._speaker()
        if process is not None:
            process.write((json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))

    def _speak(self, text: str, queued: bool = False) -> None:
        if not text:
            return
        locale = self._controller.flow.state.locale
        self._send({"say": text, "locale": locale, "queued": queued})
        self.spoke.emit(text, locale)

    def _on_accessible_changed(self) -> None:
        if self._controller.accessible:
            self._last_screen = ""
            self._on_screen_changed()
            focused = self._window.activeFocusItem()
            if focused is not None and focused is not self._window.contentItem():
                self._on_focus_changed()
        elif self._process is not None:
            self._send({"stop": True})

    def _on_screen_changed(self) -> None:
        if not self._controller.accessible:
            return
        text = screen_text(self._controller)
        if text == self._last_screen:
            return
        self._last_screen = text
        self._after_screen = bool(text)
        self._speak(text)

    def _on_focus_changed(self) -> None:
        if not self._controller.accessible:
            return
        text = item_text(self._window.activeFocusItem())
        if not text:
            return
        queued, self._after_screen = self._after_screen, False
        # The comment field is named by the prompt the screen has just said.
        if queued and text == self._last_screen:
            return
        self._speak(text, queued)
