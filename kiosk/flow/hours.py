"""The store's opening hours as the kiosk applies them: open or closed now, and when it
opens again, on the store's own wall clock; and the closed screen's words for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ces.locales import WEEKDAY_NAMES, clock_time
from ces.opening_hours import OpeningHours, is_open, next_opening
from kiosk.flow.texts import UI_TEXT


@dataclass(frozen=True)
class StoreHours:
    """HQ's hours for this kiosk's store; no hours (a config without them, or no config
    yet) is always open."""

    hours: OpeningHours | None = None
    # IANA name; None: the kiosk's own zone.
    zone: str | None = None

    @property
    def always_open(self) -> bool:
        return self.hours is None

    def wall_clock(self, moment: datetime) -> datetime:
        """``moment`` on the store's wall clock."""
        if self.zone is None:
            return moment.astimezone()
        # ZoneInfo keeps each zone it has read: no file is opened per call.
        return moment.astimezone(ZoneInfo(self.zone))

    def is_open(self, local: datetime) -> bool:
        return is_open(self.hours, local)

    def next_opening(self, local: datetime) -> datetime | None:
        return next_opening(self.hours, local)


@dataclass(frozen=True)
class Reopening:
    """When a closed store opens again, on its wall clock: the moment, and how many of its
    calendar days ahead that is (0 today, 1 tomorrow ...)."""

    at: datetime
    days_ahead: int


def reopening(hours: StoreHours, local: datetime) -> Reopening | None:
    """None if the hours never open (every day closed)."""
    opening = hours.next_opening(local)
    if opening is None:
        return None
    return Reopening(opening, (opening.date() - local.date()).days)


def reopening_text(locale: str, when: Reopening | None) -> str:
    """ "We open again Monday at 09:00" in a locale; "" when the store never opens."""
    if when is None:
        return ""
    words = UI_TEXT.get(locale, UI_TEXT["en"])
    days = WEEKDAY_NAMES.get(locale, WEEKDAY_NAMES["en"])
    time = clock_time(locale, when.at.hour, when.at.minute)
    if when.days_ahead == 0:
        return words["opens_today"].format(time=time)
    if when.days_ahead == 1:
        return words["opens_tomorrow"].format(time=time)
    return words["opens_on"].format(day=days[when.at.weekday()], time=time)
