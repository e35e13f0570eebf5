"""A store's weekly opening hours: the text people write, checked, and what it means.

The text is parts separated by ";", each a set of days and either "closed" or time ranges:
``mon-fri 09:00-21:00; sat 09:00-12:00,13:00-18:00; sun closed``. Days are English
(mon..sun) or Dutch (ma..zo) three- or two-letter names in any case; a day range may wrap
(``fri-mon``), several days or ranges are separated by "," (``sat,sun``). Times are hh:mm
on the store's wall clock; "24:00" ends a range at midnight. Days not named are closed.

A range past midnight ("22:00-02:00") is refused: it would make one day's hours depend on
the day before. Write it as two parts, ``fri 22:00-24:00; sat 00:00-02:00``.

The empty text means "no hours set": the store counts as always open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

MAX_CHARS = 500
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NUMBERS = {name: i for i, name in enumerate(DAYS)} | {
    name: i for i, name in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))
}
_CLOSED = frozenset({"closed", "gesloten"})
# [0-9], not \d: other scripts' digits are no times here.
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)
_MINUTES_PER_DAY = 24 * 60

Range = tuple[int, int]  # (start minute, end minute) of a day, end exclusive, end <= 1440


class OpeningHoursError(ValueError):
    pass


@dataclass(frozen=True)
class OpeningHours:
    """Per weekday (0 = Monday) the ranges the store is open, sorted; () is closed."""

    days: tuple[tuple[Range, ...], ...]

    def text(self) -> str:
        """The canonical text: days in week order, neighbouring days with the same hours
        as one range, closed days named."""
        parts: list[str] = []
        first = 0
        while first < 7:
            last = first
            while last + 1 < 7 and self.days[last + 1] == self.days[first]:
                last += 1
            days = DAYS[first] if first == last else f"{DAYS[first]}-{DAYS[last]}"
            ranges = self.days[first]
            hours = ",".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in ranges) if ranges else "closed"
            parts.append(f"{days} {hours}")
            first = last + 1
        return "; ".join(parts)


def parse_opening_hours(text: str) -> OpeningHours | None:
    """The hours a text gives, or None for the empty text (no hours set)."""
    if len(text) > MAX_CHARS:
        raise OpeningHoursError(f"opening hours: longer than {MAX_CHARS} characters")
    if not text.isprintable():
        raise OpeningHoursError("opening hours: control characters are not allowed")
    if not text.strip():
        return None
    named: dict[int, tuple[Range, ...]] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        pieces = part.lower().split(None, 1)
        if len(pieces) != 2:
            raise _error(part, "give days and then hours or 'closed', e.g. 'mon-fri 09:00-17:00'")
        days = _days(part, pieces[0])
        ranges = _ranges(part, "".join(pieces[1].split()))
        for day in days:
            if day in named:
                raise _error(part, f"{DAYS[day]} is named twice")
            named[day] = ranges
    return OpeningHours(tuple(named.get(day, ()) for day in range(7)))


def canonical(text: str) -> str:
    """The canonical text of opening hours ('' for none); raises OpeningHoursError."""
    hours = parse_opening_hours(text)
    return "" if hours is None else hours.text()


def is_open(hours: OpeningHours | None, moment: datetime) -> bool:
    """Whether the store is open at a moment of its own wall clock (None: always)."""
    if hours is None:
        return True
    minute = moment.hour * 60 + moment.minute
    return any(start <= minute < end for start, end in hours.days[moment.weekday()])


def next_opening(hours: OpeningHours | None, moment: datetime) -> datetime | None:
    """The first moment at or after ``moment`` at which the store is open, on the same
    clock (the store's zone, if ``moment`` has one); None if it never opens."""
    if is_open(hours, moment):
        return moment
    assert hours is not None  # is_open is True for None
    for ahead in range(8):
        day = moment.date() + timedelta(days=ahead)
        for start, _ in hours.days[day.weekday()]:
            opening = _wall_moment(day, start, moment)
            if opening.hour * 60 + opening.minute != start:
                # The opening time fell in a spring-forward gap: the store opens when the
                # clock jumps past it.
                opening = _gap_end(hours, opening)
            if opening > moment:
                return opening
    return None


def _wall_moment(day: date, minute: int, like: datetime) -> datetime:
    wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=like.tzinfo)
    if like.tzinfo is None:
        return wall
    # Through UTC, so a time in a spring-forward gap becomes a moment that exists.
    return wall.astimezone(UTC).astimezone(like.tzinfo)


def _gap_end(hours: OpeningHours, after: datetime) -> datetime:
    # A gap is at most a few hours: step back minute by minute while the store is open.
    earliest = after
    for _ in range(4 * 60):
        probe = (earliest.astimezone(UTC) - timedelta(minutes=1)).astimezone(after.tzinfo)
        if not is_open(hours, probe):
            break
        earliest = probe
    return earliest


def _days(part: str, given: str) -> list[int]:
    days: list[int] = []
    for item in given.split(","):
        first, dash, last = item.partition("-")
        if first not in _DAY_NUMBERS or (dash and last not in _DAY_NUMBERS):
            raise _error(part, f"{item[:20]!r} is not a day or day range (mon..sun, ma..zo)")
        start = _DAY_NUMBERS[first]
        end = _DAY_NUMBERS[last] if dash else start
        span = (end - start) % 7
        for day in ((start + i) % 7 for i in range(span + 1)):
            if day in days:
                raise _error(part, f"{DAYS[day]} is named twice")
            days.append(day)
    return days


def _ranges(part: str, given: str) -> tuple[Range, ...]:
    if given in _CLOSED:
        return ()
    ranges: list[Range] = []
    for item in given.split(","):
        start_text, dash, end_text = item.partition("-")
        if not dash:
            raise _error(part, f"{item[:20]!r} is not a time range (hh:mm-hh:mm) or 'closed'")
        start, end = _minute(part, start_text), _minute(part, end_text)
        if start == _MINUTES_PER_DAY:
            raise _error(part, "24:00 only ends a range")
        if end <= start:
            raise _error(
                part,
                f"{item} ends before it starts; past midnight, split it at 24:00 over two days",
            )
        ranges.append((start, end))
    ranges.sort()
    for (_, end_before), (start, _) in pairwise(ranges):
        if start < end_before:
            raise _error(part, "time ranges overlap")
    return tuple(ranges)


def _minute(part: str, given: str) -> int:
    found = _TIME.fullmatch(given)
    if found is None:
        raise _error(part, f"{given[:20]!r} is not a time (hh:mm)")
    hour, minute = int(found[1]), int(found[2])
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise _error(part, f"{given} is not a time of day (00:00-24:00)")
    return hour * 60 + minute


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _error(part: str, problem: str) -> OpeningHoursError:
    shown = part if len(part) <= 60 else part[:57] + "..."
    return OpeningHoursError(f"opening hours {shown!r}: {problem}")
