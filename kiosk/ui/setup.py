"""The QObject behind the first-run setup screen. Enrolment talks to HQ on its own
thread; the answer comes back to the UI thread as a signal.

A kiosk that was in use but lost its settings does not show this screen by itself: the
manager's gesture opens it (``open_for_enrolment``), and then only with a new enrolment
code from HQ, never "without HQ". A kiosk set up without HQ is connected later from the
manager screen (``open_for_hq``): the enrolment part only, keeping its PIN.

Every message is kept as a key of the manager's catalog (with its values) and worded when
the screen reads it, so it follows the language chosen on the screen."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ces.survey import Survey
from kiosk.flow.pin import PinGuard
from kiosk.flow.setup import (
    SetupError,
    check_pin_pair,
    configure_standalone,
    finish,
    pick_survey,
)
from kiosk.flow.texts import (
    LANGUAGE_NAMES,
    RTL_LOCALES,
    SUPPORTED_LOCALES,
    manager_text,
    problem_text,
)

# QmlElement reads the module's name and version from this module's globals.
from kiosk.ui.qmlmodule import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME  # noqa: F401
from sync.enrolment import CA_FILENAME, EnrolmentError, enrol, kept_ca, remember
from sync.outbox import Outbox
from sync.problems import Problem
from sync.settings import Settings

log = logging.getLogger("effortless.ui.setup")

# What the screen says: a key of the manager's catalog with its values, or sync's problem.
Message = tuple[str, dict[str, str]] | Problem


# PySide's stub gives QmlUncreatable no __call__; mypy reports that on the class line.
@QmlElement
@QmlUncreatable("the kiosk makes its setup controller once its database can be used")
class SetupController(QObject):  # type: ignore[operator]
    """The first-run setup screen's state and actions."""

    activeChanged = Signal()
    stateChanged = Signal()
    # Past tense: setup is done and the kiosk may welcome shoppers (enrolled with HQ or not).
    completed = Signal(bool)
    _enrolment_finished = Signal(object)

    def __init__(
        self,
        settings: Settings,
        outbox: Outbox | None,
        guard: PinGuard,
        locales: tuple[str, ...],
        parent: QObject | None = None,
        *,
        active: bool,
        standalone: bool = True,
        surveys: Callable[[], Sequence[Survey]] = tuple,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._outbox = outbox
        self._guard = guard
        self._locales = locales or SUPPORTED_LOCALES[:2]
        self._active = active
        self._standalone = standalone
        # Connecting a kiosk already in use: it keeps its PIN, and the manager may go back.
        self._later = False
        self._busy = False
        # A message: a manager catalog key with its values, or a problem from sync.
        self._error: Message | None = None
        self._locale = self._locales[0]
        self._pending: tuple[str, str] | None = None
        # The surveys to pick the touchpoint from: read when first shown, not at start.
        self._surveys_of = surveys
        self._surveys: tuple[Survey, ...] | None = None
        self._touchpoint = ""
        self._enrolment_finished.connect(self._on_enrolment_finished)

    @Property(bool, notify=activeChanged)
    def active(self) -> bool:
        return self._active

    @Property(bool, notify=stateChanged)
    def busy(self) -> bool:
        return self._busy

    @Property(str, notify=stateChanged)
    def error(self) -> str:
        if self._error is None:
            return ""
        if isinstance(self._error, Problem):
            return problem_text(self._locale, self._error.kind, self._error.values)
        key, values = self._error
        return manager_text(self._locale)[key].format(**values)

    @Property("QVariantMap", notify=stateChanged)  # type: ignore[arg-type]
    def words(self) -> dict[str, str]:
        return manager_text(self._locale)

    @Property("QVariantList", constant=True)  # type: ignore[arg-type]
    def languages(self) -> list[dict[str, str]]:
        return [{"code": c, "name": LANGUAGE_NAMES[c]} for c in self._locales]

    @Property(str, notify=stateChanged)
    def locale(self) -> str:
        return self._locale

    # A right-to-left language mirrors the setup screen, as it does the others (Main.qml).
    @Property(bool, notify=stateChanged)
    def rtl(self) -> bool:
        return self._locale in RTL_LOCALES

    @Property(bool, notify=stateChanged)
    def standaloneAllowed(self) -> bool:
        return self._standalone

    @Property(bool, notify=stateChanged)
    def pinNeeded(self) -> bool:
        return not self._later

    @Property(bool, notify=stateChanged)
    def cancellable(self) -> bool:
        return self._later

    @Property("QVariantList", notify=stateChanged)  # type: ignore[arg-type]
    def touchpoints(self) -> list[dict[str, str]]:
        """The touchpoints of the kiosk's surveys, to pick one from."""
        return [
            {"id": s.served_touchpoint, "label": s.served_touchpoint.replace("_", " ")}
            for s in self._own_surveys()
        ]

    @Property(str, notify=stateChanged)
    def touchpoint(self) -> str:
        return self._touchpoint

    def _own_surveys(self) -> tuple[Survey, ...]:
        if self._surveys is None:
            self._surveys = tuple(self._surveys_of())
            if len(self._surveys) == 1:
                self._touchpoint = self._surveys[0].served_touchpoint
        return self._surveys

    def open_for_enrolment(self) -> None:
        """The manager's gesture on a kiosk that lost its settings: enrolment only."""
        if self._active:
            return
        self._standalone = False
        self._later = False
        self._open()

    def open_for_hq(self, locale: str) -> None:
        """The manager connects a kiosk set up without HQ: enrolment only, PIN kept."""
        if self._active:
            return
        self._standalone = False
        self._later = True
        if locale in self._locales:
            self._locale = locale
        self._open()

    def _open(self) -> None:
        self._active = True
        self._set()
        self.activeChanged.emit()

    def set_outbox(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def _set(self, *, busy: bool | None = None, error: Message | None = None) -> None:
        """Change the state and say so; ``error`` replaces the message (None clears it)."""
        if busy is not None:
            self._busy = busy
        self._error = error
        self.stateChanged.emit()

    @Slot(str)
    def chooseLanguage(self, locale: str) -> None:
        if locale in self._locales:
            self._locale = locale
            self._set(error=self._error)

    @Slot(str)
    def chooseTouchpoint(self, touchpoint: str) -> None:
        if touchpoint in (s.served_touchpoint for s in self._own_surveys()):
            self._touchpoint = touchpoint
            self._set(error=self._error)

    @Slot(str, str, str, str)
    def connectHq(self, url: str, code: str, pin: str, repeat: str) -> None:
        if self._busy:
            return
        if not self._later:
            try:
                check_pin_pair(pin, repeat)
            except SetupError as exc:
                self._set(error=(exc.key, {}))
                return
        self._pending = (pin, self._locale)
        self._set(busy=True)
        threading.Thread(
            target=self._enrol, args=(url.strip(), code), name="effortless-enrol", daemon=True
        ).start()

    def _enrol(self, url: str, code: str) -> None:
        # Never on the UI thread: HQ may take its time to answer, or never answer.
        # A kiosk enrolled with its company's CA (ces-kiosk enroll --hq-ca) keeps it.
        ca = kept_ca(self._settings)
        ca_file = self._settings.data_dir / CA_FILENAME if ca is not None else None
        try:
            result: Any = (*enrol(url, code, ca_file=ca_file), ca)
        except EnrolmentError as exc:
            result = exc
        self._enrolment_finished.emit(result)

    def _on_enrolment_finished(self, result: object) -> None:
        if isinstance(result, EnrolmentError):
            log.info("enrolment failed: %s", result)
            self._set(busy=False, error=result.problem)
            return
        assert isinstance(result, tuple)
        assert self._pending is not None
        base_url, enrolment, ca = result
        pin, locale = self._pending
        # A damaged settings file is kept aside, not overwritten; a new code from HQ is
        # what allows starting afresh.
        self._settings.replace_damaged()
        remember(self._settings, self._outbox, base_url, enrolment, False, ca)
        if not self._later:
            finish(self._settings, self._guard, pin, locale)
        log.info("kiosk enrolled with HQ for store %s", enrolment.store)
        self._done(enrolled=True)

    @Slot(str, str, str)
    def useStandalone(self, store: str, pin: str, repeat: str) -> None:
        if self._busy or not self._standalone:
            return
        try:
            check_pin_pair(pin, repeat)
            survey = pick_survey(self._touchpoint, self._own_surveys())
            configure_standalone(
                self._settings,
                self._guard,
                store,
                self._touchpoint,
                pin,
                self._locale,
                survey_id=survey.id,
            )
        except SetupError as exc:
            self._set(error=(exc.key, {}))
            return
        log.info("kiosk set up without HQ for touchpoint %s", self._touchpoint)
        self._done(enrolled=False)

    @Slot()
    def cancel(self) -> None:
        """Back to the manager screen, from connecting a kiosk already in use."""
        if not self._later or self._busy:
            return
        self._active = False
        self._set()
        self.activeChanged.emit()

    def _done(self, *, enrolled: bool) -> None:
        self._active = False
        self._set(busy=False)
        self.activeChanged.emit()
        self.completed.emit(enrolled)
