"""The QObject behind the PIN pad and the manager screen."""

from __future__ import annotations

import errno
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QEnum, QObject, QTimer, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ces import __version__
from ces.keys import CHOSEN_SURVEY, HOME_LOCALE, HQ_URL, STORE_ID, TOKEN, TOUCHPOINT
from ces.survey import Survey
from ces.timestamps import iso_utc
from kiosk.flow.clock import Clock
from kiosk.flow.localtime import local_time
from kiosk.flow.machine import Flow, Screen
from kiosk.flow.manager import Manager
from kiosk.flow.manager import Mode as ManagerMode
from kiosk.flow.pin import PinFormatError, PinGuard, check_format
from kiosk.flow.survey_choice import choosable, friendly, touchpoint_after
from kiosk.flow.texts import LANGUAGE_NAMES, manager_text, problem_text
from kiosk.flow.today import summarise
from kiosk.own_surveys import own_surveys
from kiosk.survey_source import remember_survey

# QmlElement reads the module's name and version from this module's globals.
from kiosk.ui.qmlmodule import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME  # noqa: F401
from sync import problems
from sync.manager_events import record_event
from sync.outbox import Outbox
from sync.remote_config import load_saved
from sync.settings import Settings, SettingsDamaged
from sync.worker import SyncWorker, read_status

log = logging.getLogger("effortless.ui.manager")

REFRESH_MS = 1000
TICK_MS = 500
# How often the screen looks for the outcome of "Sync now" while it waits for one.
SYNC_POLL_MS = 100


def _export_reason(exc: OSError) -> str:
    """The manager catalog's key for why a file could not be written."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "export_not_writable"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "export_full"
    return "export_error"


# PySide's stub gives QmlUncreatable no __call__; mypy reports that on the class line.
@QmlElement
@QmlUncreatable("the kiosk makes its manager controller once its database can be used")
class ManagerController(QObject):  # type: ignore[operator]
    """The PIN pad's and the manager screen's view of ``kiosk.flow.manager.Manager``."""

    @QEnum
    class Mode(IntEnum):
        """What the manager sees (``kiosk.flow.manager.Mode``, by name) for QML to compare."""

        CLOSED = 0
        PIN = 1
        OPEN = 2

    modeChanged = Signal()
    pinChanged = Signal()
    dataChanged = Signal()
    messageChanged = Signal()
    # Past tense, for tests: the manager asked to leave the app or to restart it.
    exit_requested = Signal()
    restart_requested = Signal()
    # The gesture on a kiosk that lost its settings: there is no PIN to ask for.
    setup_requested = Signal()
    # "Connect to HQ" on a kiosk set up without HQ: the setup screen's enrolment part.
    hq_requested = Signal()

    def __init__(
        self,
        flow: Flow,
        settings: Settings,
        outbox: Outbox,
        clock: Clock,
        data_dir: Path,
        worker: Callable[[], SyncWorker | None],
        parent: QObject | None = None,
        surveys: Callable[[], Sequence[Survey]] = own_surveys,
    ) -> None:
        super().__init__(parent)
        self._flow = flow
        self._settings = settings
        self._outbox = outbox
        # Set while the kiosk has no usable settings: the gesture asks for enrolment.
        self.enrolment_only = False
        self._clock = clock
        self._data_dir = data_dir
        self._worker = worker
        # The surveys a kiosk without HQ has (an enrolled one runs what HQ offers).
        self._own_surveys = surveys
        # A survey tapped on the manager screen, waiting for the manager to confirm it.
        self._confirming: Survey | None = None
        self._sync_ticket = 0
        self._sync_poll = QTimer(self)
        self._sync_poll.setInterval(SYNC_POLL_MS)
        self._sync_poll.timeout.connect(self._check_sync)
        self.guard = PinGuard(settings, clock.utcnow)
        self.model = Manager(
            self.guard, clock, on_event=lambda e: record_event(outbox, e.kind, e.at)
        )
        self.model.subscribe(self._on_mode_changed)
        self._digits = ""
        self._message = ""
        self._data: dict[str, Any] = {}
        self._refresh = QTimer(self)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._on_refresh)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()

    def shutdown(self) -> None:
        """Stop the timers: the database they read is about to close."""
        self._refresh.stop()
        self._tick.stop()
        self._sync_poll.stop()

    # -- properties -------------------------------------------------------------------

    # An int to Qt (PySide cannot type a property with a Python enum); QML compares it
    # with ManagerController.Mode's values.
    @Property(int, notify=modeChanged)
    def mode(self) -> ManagerController.Mode:
        return ManagerController.Mode[self.model.mode.name]

    @Property(int, notify=pinChanged)
    def pinLength(self) -> int:
        return len(self._digits)

    @Property(str, notify=pinChanged)
    def pinTitle(self) -> str:
        """What the PIN is asked for: to open the manager screen, or to leave the app."""
        return self._words()["pin_title_exit" if self.model.purpose == "exit" else "pin_title"]

    @Property(str, notify=pinChanged)
    def pinMessage(self) -> str:
        attempt = self.model.last_attempt
        words = self._words()
        if attempt is None or attempt.accepted:
            return ""
        if attempt.locked_for_s > 0:
            return words["locked"].format(seconds=round(attempt.locked_for_s))
        return words["wrong_pin"].format(left=attempt.tries_left)

    @Property("QVariantMap", notify=dataChanged)  # type: ignore[arg-type]
    def data(self) -> dict[str, Any]:
        return self._data

    @Property(str, notify=messageChanged)
    def message(self) -> str:
        return self._message

    # -- the way in -------------------------------------------------------------------

    @Slot()
    def cornerTapped(self) -> None:
        if self._flow.state.screen not in (Screen.ATTRACT, Screen.OUT_OF_ORDER, Screen.CLOSED):
            return
        if self.model.corner_tapped(then_pin=not self.enrolment_only) and self.enrolment_only:
            self.setup_requested.emit()

    @Slot(str)
    def pinDigit(self, digit: str) -> None:
        self.model.touched()
        if digit.isdigit() and len(digit) == 1 and len(self._digits) < 8:
            self._digits += digit
            self.pinChanged.emit()

    @Slot()
    def pinClear(self) -> None:
        self.model.touched()
        self._digits = ""
        self.pinChanged.emit()

    @Slot()
    def pinSubmit(self) -> None:
        pin, self._digits = self._digits, ""
        purpose = self.model.purpose
        attempt = self.model.enter_pin(pin)
        self.pinChanged.emit()
        if attempt.accepted and purpose == "exit":
            log.info("manager left the kiosk app")
            self.exit_requested.emit()

    @Slot()
    def close(self) -> None:
        self._digits = ""
        self._confirming = None
        self._sync_poll.stop()
        self._set_message("")
        self.model.close()

    @Slot()
    def touched(self) -> None:
        self.model.touched()

    def _on_mode_changed(self, mode: ManagerMode) -> None:
        if mode is ManagerMode.CLOSED:
            self._refresh.stop()
        else:
            self._on_refresh()
            self._refresh.start()
        self.modeChanged.emit()
        self.pinChanged.emit()

    # -- actions ----------------------------------------------------------------------

    @Slot()
    def syncNow(self) -> None:
        self.model.touched()
        worker = self._worker()
        if worker is None:
            self._set_message(self._words()["not_enrolled"])
            return
        # Wakes the worker out of any wait, a backoff too; the outcome shows when it comes.
        self._sync_ticket = worker.sync_now()
        self._set_message(self._words()["sync_sending"])
        self._sync_poll.start()
        self._on_refresh()

    def _check_sync(self) -> None:
        worker = self._worker()
        report = worker.report() if worker is not None else None
        if report is None or report.ticket < self._sync_ticket:
            return
        self._sync_poll.stop()
        words = self._words()
        if report.problem is None and report.sent == 0:
            self._set_message(words["sync_nothing"])
        elif report.problem is None:
            self._set_message(words["sync_sent"].format(n=report.sent))
        else:
            problem = report.problem
            reason = problem_text(self._locale(), problem.kind, problem.values, problem.retry_in_s)
            self._set_message(words["sync_not_sent"].format(reason=reason))
        self._on_refresh()

    @Slot()
    def connectHq(self) -> None:
        self.model.touched()
        if self._worker() is None:
            self.hq_requested.emit()

    @Slot(str)
    def setLanguage(self, locale: str) -> None:
        self.model.touched()
        survey = self._flow.survey
        if survey is None or locale not in survey.locales:
            return
        self._settings.update({HOME_LOCALE: locale})
        self._flow.set_home_locale(locale)
        self._on_refresh()

    @Slot(str)
    def chooseSurvey(self, survey_id: str) -> None:
        """A survey tapped: ask the manager to confirm the switch (``confirmSurvey``)."""
        self.model.touched()
        chosen = next((s for s in self._choosable() if s.id == survey_id), None)
        current = self._flow.survey
        if chosen is None or (current is not None and current.id == chosen.id):
            self._confirming = None
        else:
            self._confirming = chosen
        self._on_refresh()

    @Slot()
    def cancelSurvey(self) -> None:
        self.model.touched()
        self._confirming = None
        self._on_refresh()

    @Slot()
    def confirmSurvey(self) -> None:
        """Run the survey tapped, from the next shopper on; the kiosk's touchpoint follows
        it where the kiosk decides its touchpoint (kiosk/flow/survey_choice.py)."""
        self.model.touched()
        chosen, self._confirming = self._confirming, None
        if chosen is None or chosen not in self._choosable():
            self._on_refresh()
            return
        enrolled = self._enrolled()
        touchpoint = touchpoint_after(chosen, self._setting(TOUCHPOINT), enrolled=enrolled)
        remember_survey(chosen, self._data_dir)
        values = {CHOSEN_SURVEY: chosen.id}
        if touchpoint is not None:
            values[TOUCHPOINT] = touchpoint
        self._settings.update(values)
        self._flow.set_placement(replace(self._flow.placement, touchpoint=touchpoint))
        self._flow.replace_survey(chosen)
        log.info(
            "manager chose survey %s v%s (touchpoint %s)", chosen.id, chosen.version, touchpoint
        )
        self._on_refresh()

    @Slot(str, str)
    def changePin(self, new: str, repeat: str) -> None:
        self.model.touched()
        words = self._words()
        if new != repeat:
            self._set_message(words["pins_differ"])
            return
        try:
            check_format(new)
        except PinFormatError:
            self._set_message(words["pin_format"])
            return
        self.guard.set_pin(new)
        log.info("manager PIN changed")
        self._set_message(words["pin_changed"])

    @Slot(str)
    def exportRejected(self, folder: str) -> None:
        self.model.touched()
        words = self._words()
        rows = self._outbox.rejected()
        target_dir = Path(folder).expanduser()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kiosk_id = self._settings.kiosk_id()
        target = target_dir / f"effortless-rejected-{kiosk_id[:8]}-{stamp}.json"
        if not target_dir.is_dir():
            reason = words["export_no_folder"].format(path=target_dir)
            self._set_message(words["export_failed"].format(reason=reason))
            return
        try:
            target.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
        except OSError as exc:
            # The manager reads why in the screen's language; the log keeps the English.
            log.warning("could not export rejected answers to %s: %s", target, exc)
            self._set_message(words["export_failed"].format(reason=words[_export_reason(exc)]))
            return
        self._set_message(words["exported"].format(n=len(rows), path=target))

    @Slot()
    def restartApp(self) -> None:
        log.info("manager restarts the kiosk app")
        self.restart_requested.emit()

    @Slot()
    def exitApp(self) -> None:
        # Leaving the kiosk asks for the PIN again.
        self._digits = ""
        self.model.ask_pin("exit")

    # -- data for the screen ----------------------------------------------------------

    def _locale(self) -> str:
        # The screen's language, out of order too (that screen speaks it as well).
        return self._flow.state.locale

    def _words(self) -> dict[str, str]:
        return manager_text(self._locale())

    def _setting(self, key: str) -> str | None:
        try:
            return self._settings.get(key)
        except SettingsDamaged:
            return None

    def _enrolled(self) -> bool:
        return bool(self._setting(TOKEN))

    def _choosable(self) -> tuple[Survey, ...]:
        """What the manager may switch to: the surveys of the kiosk's touchpoint that HQ
        offers when enrolled, any survey the kiosk has without HQ."""
        enrolled = self._enrolled()
        published = None
        if enrolled:
            config = load_saved(self._data_dir)
            surveys: Sequence[Survey] = config.surveys if config is not None else ()
            published = config.published if config is not None else None
        else:
            surveys = self._own_surveys()
        return choosable(surveys, self._setting(TOUCHPOINT), enrolled=enrolled, published=published)

    def _survey_label(self, survey: Survey) -> str:
        touchpoint = survey.served_touchpoint
        if survey.id == touchpoint:
            return friendly(survey.id)
        return f"{friendly(touchpoint)}: {friendly(survey.id)}"

    def _set_message(self, text: str) -> None:
        self._message = text
        self.messageChanged.emit()

    def _offered_surveys(self) -> list[dict[str, str]]:
        offered = self._choosable()
        # One survey is no choice: the section is left out.
        if len(offered) < 2:
            return []
        return [{"id": s.id, "label": self._survey_label(s)} for s in offered]

    def _confirm_data(self) -> dict[str, str]:
        chosen = self._confirming
        if chosen is None:
            return {}
        words = self._words()
        key = "confirm_survey" if self._enrolled() else "confirm_survey_touchpoint"
        return {
            "id": chosen.id,
            "question": words[key].format(
                survey=self._survey_label(chosen), touchpoint=friendly(chosen.served_touchpoint)
            ),
        }

    def _last_error(self, english: str | None) -> str:
        """The last sync error in the screen's language (English only from an older kiosk)."""
        problem = problems.last(self._outbox)
        if problem is None:
            return english or self._words()["none"]
        return problem_text(self._locale(), problem.kind, problem.values, problem.retry_in_s)

    def _on_refresh(self) -> None:
        words = self._words()
        status = read_status(self._outbox)
        stats = self._outbox.stats()
        survey = self._flow.survey
        try:
            settings = self._settings.load()
        except SettingsDamaged:
            settings = {}
        hq = settings.get(HQ_URL)
        version = f"{__version__} / {survey.id} v{survey.version}" if survey else __version__
        # Times in the store's own time, not the protocol's UTC.
        now = self._clock.utcnow()
        oldest_unsent = local_time(stats.oldest_unsent_at, now)
        last_sync = local_time(status.last_sync_at, now)
        touchpoint = settings.get(TOUCHPOINT)
        rows = [
            ("synced", words["synced"], str(stats.synced)),
            ("pending", words["pending"], str(stats.pending)),
            ("rejected", words["rejected"], str(stats.rejected)),
            ("oldest_unsent", words["oldest_unsent"], oldest_unsent or words["none"]),
            ("last_sync", words["last_sync"], last_sync or words["never"]),
            ("last_error", words["last_error"], self._last_error(status.last_error)),
            ("hq", words["hq"], hq or words["not_enrolled"]),
            ("store", words["store"], settings.get(STORE_ID) or "-"),
            ("touchpoint", words["touchpoint"], friendly(touchpoint) if touchpoint else "-"),
            ("versions", words["versions"], version),
        ]
        local_now = self._clock.utcnow().astimezone()
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        today = summarise(
            self._outbox.answers_since(iso_utc(midnight)), survey.scale.id if survey else "ces7"
        )
        most = max((count for _, count in today.distribution), default=0)
        factor_label = "-"
        if today.top_factor and survey is not None:
            factor = survey.factor(today.top_factor)
            locale = self._flow.state.locale
            factor_label = (
                factor.label.get(locale, today.top_factor) if factor else today.top_factor
            )
        self._data = {
            "words": words,
            # A row to show in the danger colour: the last sync error, while there is one.
            "status": [
                {
                    "key": k,
                    "label": label,
                    "value": value,
                    "alert": k == "last_error" and bool(status.last_error),
                }
                for k, label, value in rows
            ],
            "pending": stats.pending,
            # Answers of a kiosk without HQ are never sent: no "Sync now", "Connect to HQ".
            "enrolled": bool(hq),
            "today": {
                "n": today.n,
                "easy": "-" if today.easy_pct is None else f"{today.easy_pct:g}%",
                "scale": today.scale,
                "bars": [
                    {"point": p, "count": c, "fraction": (c / most) if most else 0.0}
                    for p, c in today.distribution
                ],
                "topFactor": factor_label,
            },
            "languages": [
                {"code": c, "name": LANGUAGE_NAMES[c]} for c in (survey.locales if survey else ())
            ],
            "homeLocale": settings.get(HOME_LOCALE) or (survey.default_locale if survey else ""),
            "exportPath": "/media",
            "surveys": self._offered_surveys(),
            "confirmSurvey": self._confirm_data(),
            "currentSurvey": survey.id if survey else "",
        }
        self.dataChanged.emit()
