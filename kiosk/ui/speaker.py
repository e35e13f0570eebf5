"""The speaking process: owns Qt TextToSpeech, and says what the kiosk sends it.

Run by ``kiosk.ui.speech.Speech`` as ``python -I speaker.py <engine>``, a process of its
own: Qt's speechd engine connects to speech-dispatcher (starting it if need be, 5.5 s
measured) inside its constructor, and PySide holds Python's lock through that call, so on
any thread of the kiosk's process it would stop the screens; with a speech-dispatcher that
takes the connection and never answers, for good.

Reads one JSON object per line on stdin: ``{"say": text, "locale": "nl", "queued": false}``
or ``{"stop": true}``; ends at the end of stdin. Writes one JSON object per line on stdout
for the kiosk's log: ``{"level": "info" | "warning", "message": ...}``.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QLoggingCategory, QObject, Signal, Slot
from PySide6.QtTextToSpeech import QTextToSpeech


def report(level: str, message: str) -> None:
    print(json.dumps({"level": level, "message": message}), flush=True)


def voice_for(locale: str, offered: list[QLocale]) -> QLocale | None:
    wanted = QLocale(locale).language()
    return next((o for o in offered if o.language() == wanted), None)


class Voice(QObject):
    """The engine, made at the first text (a kiosk whose mode is never used makes none)."""

    def __init__(self, engine: str) -> None:
        super().__init__()
        self._engine = engine
        self._tts: QTextToSpeech | None = None
        self._locale = ""

    def _speaker(self) -> QTextToSpeech:
        if self._tts is None:
            self._tts = QTextToSpeech(self._engine, self)
            self._tts.errorOccurred.connect(self._on_error)
            if self._tts.engine() != self._engine:
                report("warning", f"no text-to-speech engine {self._engine!r}")
        return self._tts

    def _on_error(self, _reason: QTextToSpeech.ErrorReason, text: str) -> None:
        report("warning", text)

    def _set_locale(self, tts: QTextToSpeech, locale: str) -> None:
        if locale == self._locale:
            return
        self._locale = locale
        offered = tts.availableLocales()
        match = voice_for(locale, offered)
        if match is None:
            # Better the words in another voice than silence: English's, else any. (Until
            # a locale is set, speech-dispatcher's engine has no voice and says nothing.)
            match = voice_for("en", offered) or (offered[0] if offered else None)
            report(
                "info",
                f"no voice for {locale}; speaking with "
                + (match.name() if match is not None else "none"),
            )
        if match is not None:
            tts.setLocale(match)

    @Slot(dict)
    def handle(self, message: dict[str, Any]) -> None:
        if message.get("stop"):
            if self._tts is not None:
                self._tts.stop()
            return
        text = str(message.get("say", ""))
        if not text:
            return
        tts = self._speaker()
        self._set_locale(tts, str(message.get("locale", "")))
        if message.get("queued"):
            tts.enqueue(text)
        else:
            tts.say(text)


class Input(QObject):
    """stdin, read on a thread of its own and handed to the Qt thread line by line."""

    received = Signal(dict)
    ended = Signal()

    def start(self) -> None:
        threading.Thread(target=self._read, name="speaker-stdin", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            try:
                message = json.loads(line)
            except ValueError:
                report("warning", "unreadable line from the kiosk")
                continue
            if isinstance(message, dict):
                self.received.emit(message)
        self.ended.emit()


def main(argv: list[str]) -> int:
    engine = argv[1] if len(argv) > 1 else "speechd"
    # As the kiosk's own (kiosk.ui.app): Qt's note that there is no PipeWire says nothing.
    QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver=false")
    app = QCoreApplication(argv[:1])
    voice = Voice(engine)
    reader = Input()
    reader.received.connect(voice.handle)
    reader.ended.connect(app.quit)
    reader.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
