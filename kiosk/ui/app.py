"""Puts the kiosk together: outbox, survey, flow, controller and the QML window."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLoggingCategory, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QFont, QFontDatabase, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow
from PySide6.QtQuickControls2 import QQuickStyle

from ces.answer import NewAnswer
from ces.assets import fonts_dir
from ces.keys import CHOSEN_SURVEY, HOME_LOCALE, STORE_ID, TOKEN, TOUCHPOINT
from ces.survey import Survey
from kiosk.flow.clock import Clock, SystemClock
from kiosk.flow.hours import StoreHours
from kiosk.flow.machine import (
    IDLE_SCREENS,
    QUESTION_SCREENS,
    Flow,
    FlowState,
    Placement,
    Recorder,
    Screen,
    Timing,
)
from kiosk.flow.setup import Access, access
from kiosk.flow.survey_choice import choosable
from kiosk.flow.texts import SUPPORTED_LOCALES, problem_text
from kiosk.own_surveys import own_survey, own_surveys
from kiosk.survey_source import SurveyChoice, choose_survey, remember_survey
from kiosk.ui.controller import KioskController
from kiosk.ui.keys import InputWatcher
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.manager import ManagerController
from kiosk.ui.qmlmodule import MAIN_COMPONENT, QML_IMPORT_NAME, QML_IMPORT_PATH
from kiosk.ui.qtlog import route_qt_messages
from kiosk.ui.setup import SetupController
from kiosk.ui.sound import SoundCue, still_there_sound
from kiosk.ui.speech import DEFAULT_ENGINE as DEFAULT_SPEECH_ENGINE
from kiosk.ui.speech import Speech
from kiosk.ui.theme import FALLBACK_FONT_FAMILIES, FONT_FAMILY

# Imported for QmlElement's registration: Main uses the Theme singleton, which QML makes.
from kiosk.ui.themeobject import Theme  # noqa: F401
from sync import problems
from sync.checkpoint import Checkpointer
from sync.outbox import Outbox, OutboxError, OutboxUnavailable, diagnose
from sync.problems import Problem
from sync.remote_config import RemoteConfig, load_saved
from sync.settings import Settings, SettingsDamaged
from sync.worker import CONFIG_POLL_S, HEARTBEAT_S, IDLE_WAKE_S, SyncWorker

log = logging.getLogger("effortless.app")


QUIET_QT_CATEGORIES = "qt.multimedia.symbolsresolver=false;qt.qml.propertyCache.append=false"


# The app exits with this when the manager asks for a restart; ces-kiosk then starts
# itself again (and under systemd, Restart=always would too).
RESTART_EXIT_CODE = 75
SWITCH_INTERVAL_S = 0.001
# While the database cannot be used for a passing reason, try again this often.
STORAGE_RETRY_MS = 10_000


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
    storage_retry_ms: int = STORAGE_RETRY_MS
    # How often the sync worker asks HQ for the config and sends a heartbeat.
    config_poll_s: float = CONFIG_POLL_S
    heartbeat_s: float = HEARTBEAT_S
    # Qt TextToSpeech's engine for the accessibility mode's speech (kiosk.ui.speech); None
    # for none (the tests', except the speech tests with their own speech-dispatcher).
    speech_engine: str | None = DEFAULT_SPEECH_ENGINE


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
    for font_file in sorted([*fonts_dir().glob("*.otf"), *fonts_dir().glob("*.ttf")]):
        if QFontDatabase.addApplicationFont(str(font_file)) < 0:
            log.warning("could not load font %s", font_file.name)
    font = QFont(FONT_FAMILY)
    font.setFamilies([FONT_FAMILY, *FALLBACK_FONT_FAMILIES])
    QGuiApplication.setFont(font)
    _fonts_loaded = True


def _survey_from(config: RemoteConfig, chosen: str | None) -> Survey | None:
    """The manager's choice among HQ's surveys of this touchpoint, else the one for it."""
    offered = choosable(
        config.surveys, config.touchpoint, enrolled=True, published=config.published
    )
    for survey in offered:
        if survey.id == chosen:
            return survey
    return config.survey_for(config.touchpoint)


def _store_hours(config: RemoteConfig) -> StoreHours:
    return StoreHours(config.opening_hours, config.time_zone)


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
        # Ends the event loop with an exit code (ces-kiosk sets it); the manager screen may
        # only appear later, once the database can be used.
        self.quit_with: Callable[[int], None] | None = None
        data_dir = options.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        # Settings first, apart from the answers: a damaged kiosk.db must not lose them.
        # (Taken over from an older kiosk.db here, the first time; damage is reported just
        # below, never repaired by writing over the file.)
        self.settings = Settings(data_dir)
        self.access, why = access(self.settings)
        if self.access == Access.LOST:
            log.error("kiosk not set up (%s): out of order until the store manager sets it up", why)
        self.outbox: Outbox | None = None
        outbox_problem: Problem | None = None
        self._storage_retry: QTimer | None = None
        try:
            self.outbox = Outbox.open(data_dir)
        except OutboxUnavailable as exc:
            # Passing: the same file is tried again until it can be used.
            log.error("kiosk database unavailable: %s", exc.reason)
            outbox_problem = exc.problem
            self._storage_retry = QTimer()
        except OutboxError as exc:
            log.error("%s", exc)
            outbox_problem = exc.problem
        saved = load_saved(data_dir) if options.survey_path is None else None
        choice = choose_survey(options.survey_path, data_dir)
        if saved is not None:
            from_hq = _survey_from(saved, self._setting(CHOSEN_SURVEY))
            if from_hq is not None:
                # The survey HQ assigned (or the manager chose from HQ's) wins over the default.
                choice = SurveyChoice(from_hq)
        else:
            # Without HQ: the survey of the touchpoint picked at setup.
            picked = own_survey(self._setting(CHOSEN_SURVEY), options.survey_path)
            if picked is not None:
                choice = SurveyChoice(picked)
        # The survey to run once the kiosk may serve shoppers (storage back, set up again).
        self._survey = choice.survey
        survey = choice.survey
        # Why the kiosk is out of order, in the out-of-order screen's language (the
        # English is in the log above).
        problem = None
        if outbox_problem is not None:
            survey, problem = None, outbox_problem
        elif self.access == Access.LOST:
            survey, problem = None, Problem(problems.SETTINGS_LOST)
        elif survey is None:
            problem = Problem(problems.NO_SURVEY)
        start_locale = options.lang or self._setting(HOME_LOCALE)
        if start_locale not in SUPPORTED_LOCALES:
            start_locale = SUPPORTED_LOCALES[0]
        reason = problem_text(start_locale, problem.kind, problem.values) if problem else ""
        self.checkpointer: Checkpointer | None = None
        self._recorder = _OutboxRecorder(self)
        recorder: Recorder = self._recorder
        if options.wrap_recorder is not None:
            recorder = options.wrap_recorder(recorder)
        self.flow = Flow(
            survey,
            recorder,
            options.clock,
            self._placement(),
            timing=options.timing,
            out_of_order_reason=reason,
            default_locale=options.lang or self._setting(HOME_LOCALE),
            failure_reason=self._failure_reason,
        )
        if saved is not None:
            self.flow.set_store_hours(_store_hours(saved))
        self.survey_problem = choice.problem
        self._config_bridge = _ConfigBridge()
        self._config_bridge.received.connect(self._apply_config)
        self.sync_worker: SyncWorker | None = None
        self._last_screen = self.flow.state.screen
        self.flow.subscribe(self._on_state_changed)
        self.engine = QQmlApplicationEngine()
        # Owned by the engine, so it outlives the QML that binds to it on teardown.
        self.controller = KioskController(self.flow, parent=self.engine)
        if saved is not None:
            self.controller.set_messages(saved.messages)
        self.manager: ManagerController | None = None
        self.setup: SetupController | None = None
        self._window: QQuickWindow | None = None
        # Main's properties: set before it is made, and on the window once it is there.
        self._main_properties: dict[str, object] = {"controller": self.controller}
        if self.outbox is not None:
            self._storage_ready()
        if self._storage_retry is not None:
            self._storage_retry.setInterval(options.storage_retry_ms)
            self._storage_retry.timeout.connect(self._retry_storage)
            self._storage_retry.start()
        self.engine.addImportPath(str(QML_IMPORT_PATH))
        self.engine.setInitialProperties(self._main_properties)
        self.engine.loadFromModule(QML_IMPORT_NAME, MAIN_COMPONENT)
        roots = self.engine.rootObjects()
        if not roots or not isinstance(roots[0], QQuickWindow):
            raise KioskStartError("the kiosk's QML did not load; see the log for Qt's message")
        self._window = roots[0]
        # Keys or touch: whether buttons show a focus ring (Main.qml).
        self._input_watcher = InputWatcher(self._window, self.controller)
        self.speech: Speech | None = None
        if options.speech_engine is not None:
            self.speech = Speech(self.controller, self._window, options.speech_engine)
        # The still-there overlay's chime.
        self.sound = SoundCue(self.controller, still_there_sound(), self.controller)
        self._place_window()

    @property
    def window(self) -> QQuickWindow:
        assert self._window is not None, "the window is made at the end of __init__"
        return self._window

    def _set_main_property(self, name: str, value: QObject) -> None:
        self._main_properties[name] = value
        if self._window is not None:
            self._window.setProperty(name, value)

    def _setting(self, key: str) -> str | None:
        try:
            return self.settings.get(key)
        except SettingsDamaged:
            return None

    def _placement(self) -> Placement:
        try:
            values = self.settings.load()
            kiosk_id = self.settings.kiosk_id()
        except (SettingsDamaged, OSError):
            return Placement(kiosk_id="unknown")
        return Placement(
            kiosk_id=kiosk_id, store_id=values.get(STORE_ID), touchpoint=values.get(TOUCHPOINT)
        )

    def _storage_ready(self) -> None:
        """The database can be used: everything that works on it starts now."""
        outbox = self.outbox
        assert outbox is not None
        data_dir = self.options.data_dir
        self.checkpointer = Checkpointer(data_dir)
        self.checkpointer.start()
        self.flow.set_placement(self._placement())
        self.manager = ManagerController(
            self.flow,
            self.settings,
            outbox,
            self.options.clock,
            data_dir,
            lambda: self.sync_worker,
            self.engine,
            surveys=lambda: own_surveys(self.options.survey_path),
        )
        self.manager.exit_requested.connect(self._on_exit_requested)
        self.manager.restart_requested.connect(self._on_restart_requested)
        survey = self._survey
        locales = survey.locales if survey is not None else ()
        lost = self.access == Access.LOST
        self.setup = SetupController(
            self.settings,
            outbox,
            self.manager.guard,
            locales,
            self.engine,
            active=self.access == Access.FIRST_RUN,
            standalone=not lost,
            surveys=lambda: own_surveys(self.options.survey_path),
        )
        self.setup.completed.connect(self._on_setup_completed)
        setup = self.setup
        self.manager.hq_requested.connect(lambda: setup.open_for_hq(self.flow.state.locale))
        if lost:
            self.manager.enrolment_only = True
            self.manager.setup_requested.connect(self.setup.open_for_enrolment)
        self._set_main_property("manager", self.manager)
        self._set_main_property("setup", self.setup)
        if self._setting(TOKEN):
            self._start_sync()

    def _failure_reason(self, exc: Exception, locale: str) -> str:
        """The out-of-order screen's words for an answer that could not be stored."""
        if isinstance(exc, OutboxError):
            problem = exc.problem
        elif isinstance(exc, sqlite3.Error | OSError):
            problem = diagnose(exc, self.options.data_dir)
        else:
            problem = Problem(problems.DB_FAILED)
        return problem_text(locale, problem.kind, problem.values)

    def _retry_storage(self) -> None:
        if self._closed:
            return
        try:
            self.outbox = Outbox.open(self.options.data_dir)
        except OutboxUnavailable as exc:
            log.info("kiosk database still unavailable: %s", exc.reason)
            return
        except OutboxError as exc:
            log.error("%s", exc)
            return
        assert self._storage_retry is not None
        self._storage_retry.stop()
        log.info("kiosk database available again; carrying on")
        self._storage_ready()
        if self.access != Access.LOST and self._survey is not None:
            self.flow.replace_survey(self._survey)

    def _on_setup_completed(self, enrolled: bool) -> None:
        was_lost = self.access == Access.LOST
        self.access = Access.LOCKED
        if self.manager is not None:
            self.manager.enrolment_only = False
        self.flow.set_placement(self._placement())
        home = self._setting(HOME_LOCALE)
        if home and self.options.lang is None:
            self.flow.set_home_locale(home)
        if not enrolled:
            picked = own_survey(self._setting(CHOSEN_SURVEY), self.options.survey_path)
            if picked is not None:
                self._survey = picked
                self.flow.replace_survey(picked)
        if was_lost and self._survey is not None:
            self.flow.replace_survey(self._survey)
        if enrolled and self.sync_worker is None:
            self._start_sync()

    def _start_sync(self) -> None:
        # The worker thread holds the GIL while it encodes a batch; Python hands it over
        # every 5 ms by default, which a tap can feel. 1 ms keeps the UI thread's wait
        # well inside a frame.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        survey = self.flow.survey
        version = (survey.id, survey.version) if survey is not None else None
        options = self.options
        self.sync_worker = SyncWorker(
            options.data_dir,
            survey=version,
            on_config=self._config_bridge.received.emit,
            config_poll_s=options.config_poll_s,
            heartbeat_s=options.heartbeat_s,
            # Awake often enough to keep to both.
            idle_wake_s=min(IDLE_WAKE_S, options.config_poll_s, options.heartbeat_s),
        )
        self.sync_worker.start()

    def _apply_config(self, config: RemoteConfig) -> None:
        """A checked config from HQ: new place, survey and messages, between shoppers."""
        self.flow.set_placement(
            Placement(
                kiosk_id=self._placement().kiosk_id,
                store_id=config.store,
                touchpoint=config.touchpoint,
            )
        )
        survey = _survey_from(config, self._setting(CHOSEN_SURVEY))
        if survey is not None and self.options.survey_path is None:
            remember_survey(survey, self.options.data_dir)
            self._survey = survey
            self.flow.replace_survey(survey)
        self.controller.set_messages(config.messages)
        self.flow.set_store_hours(_store_hours(config))

    def _on_exit_requested(self) -> None:
        # The window may close now; ces-kiosk ends the event loop (see kiosk/cli.py).
        if self.lockdown is not None:
            self.lockdown.release()
        if self.quit_with is not None:
            self.quit_with(0)

    def _on_restart_requested(self) -> None:
        if self.lockdown is not None:
            self.lockdown.release()
        if self.quit_with is not None:
            self.quit_with(RESTART_EXIT_CODE)

    def _on_state_changed(self, state: FlowState) -> None:
        # Back between shoppers: the welcome, or the closed screen after closing time.
        came_back = state.screen in IDLE_SCREENS and self._last_screen not in IDLE_SCREENS
        finished = state.screen is Screen.THANKS and self._last_screen is not Screen.THANKS
        self._last_screen = state.screen
        if self.sync_worker is not None:
            # HQ's fleet page shows what the kiosk runs now, not what it started with.
            survey = self.flow.survey
            self.sync_worker.survey = (survey.id, survey.version) if survey is not None else None
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
        self.window.frameSwapped.connect(
            self._on_first_frame_swapped, Qt.ConnectionType.SingleShotConnection
        )
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

    def _on_first_frame_swapped(self) -> None:
        # The comment scrubber compiles its patterns on import (tens of ms on a slow
        # tablet): on a thread once the attract screen is up, so neither the start nor the
        # first shopper's comment waits for it.
        threading.Thread(target=_load_scrubber, name="scrubber-load", daemon=True).start()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.lockdown is not None:
            self.lockdown.release()
        if self._cursor_hidden:
            QGuiApplication.restoreOverrideCursor()
        # Timers first: a tick after the database closed would find nothing to read.
        if self._storage_retry is not None:
            self._storage_retry.stop()
        self.controller.shutdown()
        if self.speech is not None:
            self.speech.shutdown()
        self.sound.shutdown()
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


class _OutboxRecorder:
    """The flow's recorder: the kiosk's outbox once it can be used. Until then the flow is
    out of order, and a write that gets here anyway is refused, never lost silently."""

    def __init__(self, kiosk: Kiosk) -> None:
        self._kiosk = kiosk

    def _outbox(self) -> Outbox:
        if self._kiosk.outbox is None:
            raise OutboxError("no database")
        return self._kiosk.outbox

    def begin(self, answer: NewAnswer) -> str:
        return self._outbox().begin(answer)

    def update(self, answer_id: str, changes: Mapping[str, Any]) -> None:
        self._outbox().update(answer_id, changes)


def _load_scrubber() -> None:
    import ces.scrub  # noqa: F401
