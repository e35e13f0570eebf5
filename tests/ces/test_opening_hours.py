from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ces.opening_hours import (
    MAX_CHARS,
    OpeningHours,
    OpeningHoursError,
    canonical,
    is_open,
    next_opening,
    parse_opening_hours,
)

AMS = ZoneInfo("Europe/Amsterdam")


def hours(text: str) -> OpeningHours:
    parsed = parse_opening_hours(text)
    assert parsed is not None
    return parsed


def test_the_issue_example_reads_as_weekdays_and_saturday() -> None:
    parsed = hours("mon-fri 09:00-21:00; sat 09:00-18:00")
    assert parsed.days[0] == ((540, 1260),)
    assert parsed.days[4] == ((540, 1260),)
    assert parsed.days[5] == ((540, 1080),)
    assert parsed.days[6] == ()
    assert parsed.text() == "mon-fri 09:00-21:00; sat 09:00-18:00; sun closed"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("SAT 9:00-18:00; Mon-Fri 09:00-21:00", "mon-fri 09:00-21:00; sat 09:00-18:00; sun closed"),
        (
            "ma-vr 09:00-17:00; za 10:00-16:00; zo gesloten",
            "mon-fri 09:00-17:00; sat 10:00-16:00; sun closed",
        ),
        ("mon 13:00-17:00, 09:00-12:00", "mon 09:00-12:00,13:00-17:00; tue-sun closed"),
        ("fri-mon 10:00-24:00", "mon 10:00-24:00; tue-thu closed; fri-sun 10:00-24:00"),
        ("sat,sun 00:00-24:00;", "mon-fri closed; sat-sun 00:00-24:00"),
        ("sun closed", "mon-sun closed"),
        ("  mon   08:00 - 12:00 ", "mon 08:00-12:00; tue-sun closed"),
    ],
)
def test_canonical_text_is_sorted_and_normalised(given: str, expected: str) -> None:
    assert canonical(given) == expected
    assert canonical(expected) == expected


def test_empty_text_means_no_hours_and_always_open() -> None:
    assert parse_opening_hours("") is None
    assert parse_opening_hours("   ") is None
    assert canonical("") == ""
    moment = datetime(2026, 3, 1, 3, 0)
    assert is_open(None, moment)
    assert next_opening(None, moment) == moment


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("mon 25:00-26:00", "25:00 is not a time of day"),
        ("mon 09:60-10:00", "09:60 is not a time of day"),
        ("mon 24:00-24:00", "24:00 only ends a range"),
        ("mon 12:00-09:00", "ends before it starts"),
        ("fri 22:00-02:00", "past midnight"),
        ("mon 09:00-09:00", "ends before it starts"),
        ("mon 09:00-12:00,11:00-13:00", "overlap"),
        ("mon 09:00-12:00; mon 13:00-17:00", "mon is named twice"),
        ("mon-fri 09:00-17:00; wed closed", "wed is named twice"),
        ("sat,sat closed", "sat is named twice"),
        ("mon 0\u0669:00-10:00", "is not a time"),
        ("mon \uff10\uff19:00-10:00", "is not a time"),
        ("funday 09:00-17:00", "is not a day"),
        ("mon", "give days and then hours"),
        ("mon open", "is not a time range"),
        ("mon 9-17", "is not a time"),
        ("mon 09:00-17:00\x00", "control characters"),
        ("mon 09:00-17:00\n", "control characters"),
        ("\u2028mon closed", "control characters"),
        ("mön 09:00-17:00", "is not a day"),
        ("x" * (MAX_CHARS + 1), "longer than"),
        (";" * 10 + "mon ;", "give days"),
        ("mon 09:00-17:00-18:00", "is not a time"),
    ],
)
def test_hostile_or_wrong_text_is_refused_in_one_line(given: str, problem: str) -> None:
    with pytest.raises(OpeningHoursError) as caught:
        parse_opening_hours(given)
    message = str(caught.value)
    assert problem in message
    assert "\n" not in message
    assert "\x00" not in message
    assert len(message) < 200
    assert isinstance(caught.value, ValueError)


def test_an_error_names_the_part_that_is_wrong() -> None:
    with pytest.raises(OpeningHoursError, match=r"'sat 09:00-25:00'"):
        parse_opening_hours("mon-fri 09:00-17:00; sat 09:00-25:00")


def test_open_is_start_inclusive_end_exclusive() -> None:
    parsed = hours("mon 09:00-12:00,13:00-17:00")
    monday = datetime(2026, 11, 30)  # a Monday
    assert not is_open(parsed, monday.replace(hour=8, minute=59))
    assert is_open(parsed, monday.replace(hour=9))
    assert is_open(parsed, monday.replace(hour=11, minute=59))
    assert not is_open(parsed, monday.replace(hour=12))
    assert is_open(parsed, monday.replace(hour=13))
    assert not is_open(parsed, monday.replace(hour=17))
    assert not is_open(parsed, datetime(2026, 12, 1, 10))  # Tuesday: closed


def test_next_opening_finds_the_lunch_reopening_and_next_week() -> None:
    parsed = hours("mon 09:00-12:00,13:00-17:00")
    monday = datetime(2026, 11, 30)
    assert next_opening(parsed, monday.replace(hour=12, minute=30)) == monday.replace(hour=13)
    assert next_opening(parsed, monday.replace(hour=10)) == monday.replace(hour=10)
    assert next_opening(parsed, monday.replace(hour=17)) == datetime(2026, 12, 7, 9)
    assert next_opening(hours("sun closed"), monday) is None


def test_24_00_runs_into_the_next_days_midnight_opening() -> None:
    parsed = hours("fri 20:00-24:00; sat 00:00-02:00")
    assert is_open(parsed, datetime(2026, 12, 4, 23, 59))
    assert is_open(parsed, datetime(2026, 12, 5, 0, 0))
    assert not is_open(parsed, datetime(2026, 12, 5, 2, 0))


def test_wall_clock_in_amsterdam_across_spring_forward() -> None:
    # 29 March 2026: the clocks go from 02:00 to 03:00.
    parsed = hours("sun 02:30-10:00")
    saturday_night = datetime(2026, 3, 28, 23, 0, tzinfo=AMS)
    opening = next_opening(parsed, saturday_night)
    assert opening is not None
    assert (opening.hour, opening.minute) == (3, 0)
    assert opening.utcoffset() == ZoneInfo("Europe/Amsterdam").utcoffset(datetime(2026, 7, 1))
    later = hours("mon 09:00-17:00")
    monday = next_opening(later, saturday_night)
    assert monday == datetime(2026, 3, 30, 9, 0, tzinfo=AMS)
    assert monday is not None
    assert monday.utcoffset() == timedelta(hours=2)


def test_wall_clock_in_amsterdam_across_fall_back() -> None:
    # 25 October 2026: 03:00 summer time becomes 02:00 winter time; 02:30 happens twice.
    parsed = hours("sun 02:30-04:00")
    before = datetime(2026, 10, 25, 1, 0, tzinfo=AMS)
    opening = next_opening(parsed, before)
    assert opening is not None
    assert (opening.hour, opening.minute, opening.fold) == (2, 30, 0)
    assert opening.utcoffset() == timedelta(hours=2)
    assert is_open(parsed, datetime(2026, 10, 25, 2, 45, fold=1, tzinfo=AMS))
    assert next_opening(hours("mon 08:00-09:00"), before) == datetime(
        2026, 10, 26, 8, 0, tzinfo=AMS
    )
