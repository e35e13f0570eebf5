"""Puts the kiosk together: outbox, survey, flow, controller and the QML window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLoggingCategory, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCursor, QFont, QFontDatabase, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow
from PySide6.QtQuickControls2 import QQuickStyle

from kiosk.assets import fonts_dir, qml_dir
from kiosk.flow.clock import Clock, SystemClock
from kiosk.flow.machine import (
    QUESTION_SCREENS,
    Flow,
    FlowState,
    Placement,
    Recorder,
    Screen,
    Timing,
)
from kiosk.flow.survey import Survey
from kiosk.survey_source import SurveyChoice, choose_survey, remember_survey
from kiosk.ui.controller import KioskController
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.manager import CHOSEN_SURVEY, HOME_LOCALE, ManagerController
from kiosk.ui.qtlog import route_qt_messages
from kiosk.ui.setup import SetupController
from kiosk.ui.theme import FONT_FAMILY
from kiosk.ui.themeobject import Theme
from sync.checkpoint import Checkpointer
from sync.outbox import NewAnswer, Outbox, OutboxError
from sync.remote_config import RemoteConfig, load_saved
from sync.worker import TOKEN, SyncWorker

log = logging.getLogger("effortless.app")


QUIET_QT_CATEGORIES = "qt.multimedia.symbolsresolver=false;qt.qml.propertyCache.append=false"


# The app exits with this when the manager asks for a restart; ces-kiosk then starts
# itself again (and under systemd, Restart=always would too).
RESTART_EXIT_CODE = 75
SWITCH_INTERVAL_S = 0.001


class KioskStartError(RuntimeError):
    pass


@dataclass
class KioskOptions:
    data_dir: Path
    survey_path: Path | None = None
    lang: str | None = None
    windowed: bool = False
    size: tuple[int, int] = (1280, 800)
    show_cursor: bool = False
    clock: Clock = field(default_factory=SystemClock)
    timing: Timing | None = None
    # Lets the simulator time each answer's transaction.
    wrap_recorder: Callable[[Recorder], Recorder] | None = None


def application(argv: list[str] | None = None) -> QGuiApplication:
    """The one QGuiApplication, made with the environment the kiosk needs."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        _load_fonts()
        return existing
    # The on-screen keyboard is an input method; it must be chosen before Qt starts.
    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    # Two messages Qt prints on every start that say nothing about the kiosk: no
    # PipeWire (the keyboard has no sound) and a note about Qt's own popup type.
    # QT_LOGGING_RULES from the environment still overrides this.
    QLoggingCategory.setFilterRules(QUIET_QT_CATEGORIES.replace(";", "\n"))
    route_qt_messages()
    QQuickStyle.setStyle("Basic")
    app = QGuiApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Effortless")
    app.setOrganizationName("Effortless")
    _load_fonts()
    return app


_fonts_loaded = False


def _load_fonts() -> None:
    global _fonts_loaded
    if _fonts_loaded:
        return
    for font_file in sorted(fonts_dir().glob("*.otf")):
        if QFontDatabase.addApplicationFont(str(font_file)) < 0:
            log.warning("could not load font %s", font_file.name)
    QGuiApplication.setFont(QFont(FONT_FAMILY))
    _fonts_loaded = True


def _survey_from(config: RemoteConfig, chosen: str | None) -> Survey | None:
    """The manager's choice among HQ's surveys, else the one for this touchpoint."""
    for survey in config.surveys:
        if survey.id == chosen:
            return survey
    return config.survey_for(config.touchpoint)


class _ConfigBridge(QObject):
    """Carries a config from the sync thread to the UI thread (a queued signal)."""

    received = Signal(object)


class Kiosk:
    """One running kiosk: its window, its flow and its database."""

    def __init__(self, options: KioskOptions) -> None:
        self.options = options
        self._closed = False
        self.lockdown: Lockdown | None = None
        self._cursor_hidden = False
        data_dir = options.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.outbox: Outbox | None = None
        outbox_problem = ""
        try:
            self.outbox = Outbox.open(data_dir)
        except OutboxError as exc:
            log.error("%s", exc)
            outbox_problem = str(exc)
        saved = load_saved(data_dir) if options.survey_path is None else None
        choice = choose_survey(options.survey_path, data_dir)
        if saved is not None and self.outbox is not None:
            from_hq = _survey_from(saved, self.outbox.meta(CHOSEN_SURVEY))
            if from_hq is not None:
                # The survey HQ assigned (or the manager chose from HQ's) wins over the default.
                choice = SurveyChoice(from_hq)
        survey = choice.survey
        reason = choice.problem
        if outbox_problem:
            survey, reason = None, outbox_problem
        self.checkpointer: Checkpointer | None = None
        if self.outbox is not None:
            self.checkpointer = Checkpointer(data_dir)
            self.checkpointer.start()
            placement = Placement(
                kiosk_id=self.outbox.kiosk_id(),
                store_id=self.outbox.meta("store_id"),
                touchpoint=self.outbox.meta("touchpoint"),
            )
        else:
            placement = Placement(kiosk_id="unknown")
        recorder: Recorder = self.outbox if self.outbox is not None else _NoStorage()
        if options.wrap_recorder is not None:
            recorder = options.wrap_recorder(recorder)
        self.flow = Flow(
            survey,
            recorder,
            options.clock,
            placement,
            timing=options.timing,
            out_of_order_reason=reason,
            default_locale=options.lang
            or (self.outbox.meta(HOME_LOCALE) if self.outbox is not None else None),
        )
        self.survey_problem = choice.problem
        self._config_bridge = _ConfigBridge()
        self._config_bridge.received.connect(self._apply_config)
        self.sync_worker: SyncWorker | None = None
        if self.outbox is not None and self.outbox.meta(TOKEN):
            self._start_sync()
        self._last_screen = self.flow.state.screen
        self.flow.subscribe(self._on_state_changed)
        self.engine = QQmlApplicationEngine()
        # Owned by the engine, so it outlives the QML that binds to it on teardown.
        self.controller = KioskController(self.flow, parent=self.engine)
        if saved is not None:
            self.controller.set_messages(saved.messages)
        self.manager: ManagerController | None = None
        if self.outbox is not None:
            self.manager = ManagerController(
                self.flow,
                self.outbox,
                options.clock,
                data_dir,
                lambda: self.sync_worker,
                self.engine,
            )
            self.manager.exit_requested.connect(self._on_exit_requested)
            self.manager.restart_requested.connect(self._on_restart_requested)
        self.setup: SetupController | None = None
        if self.outbox is not None and self.manager is not None:
            locales = survey.locales if survey is not None else ()
            self.setup = SetupController(self.outbox, self.manager.guard, locales, self.engine)
            self.setup.completed.connect(self._on_setup_completed)
        self.theme = Theme(self.engine)
        self.engine.rootContext().setContextProperty("controller", self.controller)
        self.engine.rootContext().setContextProperty("theme", self.theme)
        self.engine.rootContext().setContextProperty("manager", self.manager)
        self.engine.rootContext().setContextProperty("setup", self.setup)
        self.engine.load(QUrl.fromLocalFile(str(qml_dir() / "Main.qml")))
        roots = self.engine.rootObjects()
        if not roots or not isinstance(roots[0], QQuickWindow):
            raise KioskStartError("the kiosk's QML did not load; see the log for Qt's message")
        self.window: QQuickWindow = roots[0]
        self._place_window()

    def _on_setup_completed(self, enrolled: bool) -> None:
        outbox = self.outbox
        assert outbox is not None
        self.flow.set_placement(
            Placement(
                kiosk_id=outbox.kiosk_id(),
                store_id=outbox.meta("store_id"),
                touchpoint=outbox.meta("touchpoint"),
            )
        )
        home = outbox.meta(HOME_LOCALE)
        if home and self.options.lang is None:
            self.flow.set_home_locale(home)
        if enrolled and self.sync_worker is None:
            self._start_sync()

    def _start_sync(self) -> None:
        # The worker thread holds the GIL while it encodes a batch; Python hands it over
        # every 5 ms by default, which a tap can feel. 1 ms keeps the UI thread's wait
        # well inside a frame.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        survey = self.flow.survey
        version = (survey.id, survey.version) if survey is not None else None
        self.sync_worker = SyncWorker(
            self.options.data_dir, survey=version, on_config=self._config_bridge.received.emit
        )
        self.sync_worker.start()

    def _apply_config(self, config: RemoteConfig) -> None:
        """A checked config from HQ: new place, survey and messages, between shoppers."""
        outbox = self.outbox
        assert outbox is not None
        self.flow.set_placement(
            Placement(
                kiosk_id=outbox.kiosk_id(), store_id=config.store, touchpoint=config.touchpoint
            )
        )
        survey = _survey_from(config, outbox.meta(CHOSEN_SURVEY))
        if survey is not None and self.options.survey_path is None:
            remember_survey(survey, self.options.data_dir)
            self.flow.replace_survey(survey)
        self.controller.set_messages(config.messages)

    def _on_exit_requested(self) -> None:
        # The window may close now; ces-kiosk ends the event loop (see kiosk/cli.py).
        if self.lockdown is not None:
            self.lockdown.release()

    def _on_restart_requested(self) -> None:
        if self.lockdown is not None:
            self.lockdown.release()

    def _on_state_changed(self, state: FlowState) -> None:
        came_back = state.screen is Screen.ATTRACT and self._last_screen is not Screen.ATTRACT
        finished = state.screen is Screen.THANKS and self._last_screen is not Screen.THANKS
        self._last_screen = state.screen
        if self.sync_worker is not None:
            # Sync gives way while a shopper is answering.
            if state.screen in QUESTION_SCREENS:
                self.sync_worker.shopper_active.set()
            else:
                self.sync_worker.shopper_active.clear()
        if (finished or came_back) and self.sync_worker is not None:
            # A finished or timed-out answer is ready for HQ.
            self.sync_worker.wake()
        if not came_back:
            return
        # Housekeeping while nobody is tapping: the WAL checkpoint on its thread, and the
        # QML engine's garbage, so memory stays flat over thousands of shoppers.
        if self.checkpointer is not None:
            self.checkpointer.request()
        QTimer.singleShot(0, self.engine.collectGarbage)

    def _place_window(self) -> None:
        width, height = self.options.size
        if self.options.windowed:
            self.window.resize(width, height)
            self.window.show()
        else:
            self.window.setFlags(
                self.window.flags()
                | Qt.WindowType.FramelessWindowHint
                | Qt.WindowType.WindowStaysOnTopHint
            )
            self.window.resize(width, height)
            self.window.showFullScreen()
            self.lockdown = Lockdown(self.window)
        if not self.options.show_cursor and not self.options.windowed:
            # An override, so no control's own cursor (a text field's I-beam) shows either.
            QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self._cursor_hidden = True

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.lockdown is not None:
            self.lockdown.release()
        if self._cursor_hidden:
            QGuiApplication.restoreOverrideCursor()
        # Timers first: a tick after the database closed would find nothing to read.
        self.controller.shutdown()
        if self.manager is not None:
            self.manager.shutdown()
        self.window.close()
        self.engine.deleteLater()
        if self.sync_worker is not None:
            self.sync_worker.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        if self.outbox is not None:
            self.outbox.close()


class _NoStorage:
    """Stands in when the database cannot be opened; the flow is out of order then."""

    def begin(self, answer: NewAnswer) -> str:
        raise OutboxError("no database")

    def update(self, answer_id: str, changes: Mapping[str, Any]) -> None:
        raise OutboxError("no database")
