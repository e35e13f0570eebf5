"""The QObject behind the first-run setup screen. Enrolment talks to HQ on its own
thread; the answer comes back to the UI thread as a signal.

A kiosk that was in use but lost its settings does not show this screen by itself: the
manager's gesture opens it (``open_for_enrolment``), and then only with a new enrolment
code from HQ, never "without HQ"."""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from kiosk.flow.pin import PinGuard
from kiosk.flow.setup import SetupError, check_pin_pair, configure_standalone, finish
from kiosk.flow.texts import LANGUAGE_NAMES, SUPPORTED_LOCALES, manager_text

# QmlElement reads the module's name and version from this module's globals.
from kiosk.ui.qmlmodule import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME  # noqa: F401
from sync.enrolment import EnrolmentError, enrol, remember
from sync.outbox import Outbox
from sync.settings import Settings

log = logging.getLogger("effortless.ui.setup")


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
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._outbox = outbox
        self._guard = guard
        self._locales = locales or SUPPORTED_LOCALES[:2]
        self._active = active
        self._standalone = standalone
        self._busy = False
        self._error = ""
        self._locale = self._locales[0]
        self._pending: tuple[str, str] | None = None
        self._enrolment_finished.connect(self._on_enrolment_finished)

    @Property(bool, notify=activeChanged)
    def active(self) -> bool:
        return self._active

    @Property(bool, notify=stateChanged)
    def busy(self) -> bool:
        return self._busy

    @Property(str, notify=stateChanged)
    def error(self) -> str:
        return self._error

    @Property("QVariantMap", notify=stateChanged)  # type: ignore[arg-type]
    def words(self) -> dict[str, str]:
        return manager_text(self._locale)

    @Property("QVariantList", constant=True)  # type: ignore[arg-type]
    def languages(self) -> list[dict[str, str]]:
        return [{"code": c, "name": LANGUAGE_NAMES[c]} for c in self._locales]

    @Property(str, notify=stateChanged)
    def locale(self) -> str:
        return self._locale

    @Property(bool, notify=stateChanged)
    def standaloneAllowed(self) -> bool:
        return self._standalone

    def open_for_enrolment(self) -> None:
        """The manager's gesture on a kiosk that lost its settings: enrolment only."""
        if self._active:
            return
        self._standalone = False
        self._active = True
        self._set(error="")
        self.activeChanged.emit()

    def set_outbox(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def _set(self, *, busy: bool | None = None, error: str | None = None) -> None:
        if busy is not None:
            self._busy = busy
        if error is not None:
            self._error = error
        self.stateChanged.emit()

    @Slot(str)
    def chooseLanguage(self, locale: str) -> None:
        if locale in self._locales:
            self._locale = locale
            self._set()

    @Slot(str, str, str, str)
    def connectHq(self, url: str, code: str, pin: str, repeat: str) -> None:
        if self._busy:
            return
        try:
            check_pin_pair(pin, repeat, self._locale)
        except SetupError as exc:
            self._set(error=str(exc))
            return
        self._pending = (pin, self._locale)
        self._set(busy=True, error="")
        threading.Thread(
            target=self._enrol, args=(url.strip(), code), name="effortless-enrol", daemon=True
        ).start()

    def _enrol(self, url: str, code: str) -> None:
        # Never on the UI thread: HQ may take its time to answer, or never answer.
        try:
            result: Any = enrol(url, code)
        except EnrolmentError as exc:
            result = exc
        self._enrolment_finished.emit(result)

    def _on_enrolment_finished(self, result: object) -> None:
        if isinstance(result, EnrolmentError):
            self._set(busy=False, error=str(result))
            return
        assert isinstance(result, tuple)
        assert self._pending is not None
        base_url, enrolment = result
        pin, locale = self._pending
        # A damaged settings file is kept aside, not overwritten; a new code from HQ is
        # what allows starting afresh.
        self._settings.replace_damaged()
        remember(self._settings, self._outbox, base_url, enrolment, False)
        finish(self._settings, self._guard, pin, locale)
        log.info("kiosk enrolled with HQ for store %s", enrolment.store)
        self._done(enrolled=True)

    @Slot(str, str, str, str)
    def useStandalone(self, store: str, touchpoint: str, pin: str, repeat: str) -> None:
        if self._busy or not self._standalone:
            return
        try:
            check_pin_pair(pin, repeat, self._locale)
            configure_standalone(self._settings, self._guard, store, touchpoint, pin, self._locale)
        except SetupError as exc:
            self._set(error=str(exc))
            return
        log.info("kiosk set up without HQ")
        self._done(enrolled=False)

    def _done(self, *, enrolled: bool) -> None:
        self._active = False
        self._set(busy=False, error="")
        self.activeChanged.emit()
        self.completed.emit(enrolled)
