"""Outside the store's opening hours the kiosk is closed (kiosk.flow, no Qt): it takes no
answers, lets a shopper who started finish, and wakes by itself at opening, on the
store's wall clock, whatever the kiosk's clock does meanwhile."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ces.assets import surveys_dir
from ces.locales import CLOCK_TIMES, SUPPORTED_LOCALES, WEEKDAY_NAMES
from ces.opening_hours import parse_opening_hours
from ces.survey import load_survey
from kiosk.flow.clock import ManualClock
from kiosk.flow.hours import Reopening, StoreHours, reopening_text
from kiosk.flow.machine import Flow, Placement, Screen
from kiosk.flow.texts import UI_TEXT
from sync.outbox import DB_FILENAME, Outbox
from sync.remote_config import parse_config

IN_STORE = surveys_dir() / "in_store_purchase.json"
WEEKDAYS = "mon-fri 09:00-21:00; sat 09:00-18:00"
AMSTERDAM = "Europe/Amsterdam"


def hours(text: str = WEEKDAYS, zone: str | None = AMSTERDAM) -> StoreHours:
    return StoreHours(parse_opening_hours(text), zone)


@pytest.fixture
def outbox(data_dir: Path) -> Iterator[Outbox]:
    box = Outbox.open(data_dir)
    yield box
    box.close()


def at(utc: str) -> ManualClock:
    return ManualClock(datetime.fromisoformat(utc).replace(tzinfo=UTC))


def make_flow(outbox: Outbox, clock: ManualClock, store: StoreHours | None = None) -> Flow:
    flow = Flow(
        load_survey(IN_STORE),
        outbox,
        clock,
        Placement(kiosk_id=outbox.kiosk_id(), store_id="s042"),
        default_locale="en",
    )
    if store is not None:
        flow.set_store_hours(store)
    return flow


def rows(data_dir: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM responses ORDER BY seq")]
    finally:
        conn.close()


def wait(flow: Flow, clock: ManualClock, seconds: float) -> None:
    """Time passing as on a kiosk: a tick every second (every half minute over hours)."""
    while seconds > 0:
        step = min(30.0 if seconds > 120 else 1.0, seconds)
        clock.advance(step)
        seconds -= step
        flow.tick()


def shown(flow: Flow) -> str:
    state = flow.state
    if state.screen is Screen.CLOSED:
        return f"closed: {reopening_text(state.locale, state.reopens)}"
    return state.screen.value


# Monday 2 November 2026 in Amsterdam is CET (UTC+1): 20:59 there is 19:59 UTC.
BEFORE_CLOSING = "2026-11-02T19:59:00"


def test_the_kiosk_closes_at_closing_time_and_says_when_it_opens(
    outbox: Outbox, data_dir: Path
) -> None:
    clock = at(BEFORE_CLOSING)
    flow = make_flow(outbox, clock, hours())
    assert shown(flow) == "attract"
    wait(flow, clock, 59)
    assert shown(flow) == "attract"
    wait(flow, clock, 1)
    assert shown(flow) == "closed: We open again tomorrow at 09:00"


def test_a_closed_kiosk_takes_no_answers(outbox: Outbox, data_dir: Path) -> None:
    clock = at("2026-11-02T22:00:00")
    flow = make_flow(outbox, clock, hours())
    assert flow.state.screen is Screen.CLOSED
    clock.advance(1.0)
    assert not flow.start()
    assert not flow.answer_score(7)
    assert not flow.choose_locale("nl")
    assert not flow.skip_factor()
    assert not flow.dismiss_thanks()
    wait(flow, clock, 60)
    assert flow.state.screen is Screen.CLOSED
    assert rows(data_dir) == []


def test_the_kiosk_wakes_by_itself_at_opening(outbox: Outbox, data_dir: Path) -> None:
    clock = at(BEFORE_CLOSING)
    flow = make_flow(outbox, clock, hours())
    wait(flow, clock, 60)
    assert flow.state.screen is Screen.CLOSED
    # Tuesday 09:00 in Amsterdam is 08:00 UTC: 12 hours after closing.
    wait(flow, clock, 12 * 3600 - 1)
    assert shown(flow) == "closed: We open again today at 09:00"
    wait(flow, clock, 1)
    assert shown(flow) == "attract"
    clock.advance(1.0)
    assert flow.start()


def test_a_shopper_answering_at_closing_time_finishes(outbox: Outbox, data_dir: Path) -> None:
    clock = at(BEFORE_CLOSING)
    flow = make_flow(outbox, clock, hours())
    wait(flow, clock, 50)
    clock.advance(1.0)
    assert flow.start()
    clock.advance(1.0)
    assert flow.answer_score(6)
    wait(flow, clock, 10)  # past 21:00
    assert flow.state.screen is Screen.WHY
    clock.advance(1.0)
    assert flow.choose_factor(load_survey(IN_STORE).factors[0].id)
    clock.advance(1.0)
    assert flow.submit_comment("the queue was long")
    assert flow.state.screen is Screen.THANKS
    wait(flow, clock, flow.timing.thanks_s)
    assert flow.state.screen is Screen.CLOSED
    [row] = rows(data_dir)
    assert (row["outcome"], row["score"], row["comment"]) == (
        "completed",
        6,
        "the queue was long",
    )


def test_a_shopper_who_walks_away_at_closing_time_times_out_as_usual(
    outbox: Outbox, data_dir: Path
) -> None:
    clock = at(BEFORE_CLOSING)
    flow = make_flow(outbox, clock, hours())
    wait(flow, clock, 55)
    clock.advance(1.0)
    assert flow.start()
    clock.advance(1.0)
    assert flow.answer_score(2)
    wait(flow, clock, 10)
    assert flow.state.screen is Screen.WHY
    survey = load_survey(IN_STORE)
    wait(flow, clock, survey.idle_timeout_s - 10)
    assert flow.state.still_there
    wait(flow, clock, flow.timing.still_there_s)
    assert flow.state.screen is Screen.CLOSED
    [row] = rows(data_dir)
    assert (row["outcome"], row["score"]) == ("timeout", 2)


def test_new_hours_from_hq_apply_at_once_between_shoppers(outbox: Outbox) -> None:
    clock = at("2026-11-02T22:00:00")  # Monday 23:00 in Amsterdam
    flow = make_flow(outbox, clock, hours())
    assert shown(flow) == "closed: We open again tomorrow at 09:00"
    flow.set_store_hours(hours("mon-fri 10:30-18:00"))
    assert shown(flow) == "closed: We open again tomorrow at 10:30"
    flow.set_store_hours(hours("wed-sat 09:00-18:00"))
    assert shown(flow) == "closed: We open again Wednesday at 09:00"
    flow.set_store_hours(hours("mon-sun 00:00-24:00"))
    assert shown(flow) == "attract"
    flow.set_store_hours(hours("tue 08:00-12:00"))
    assert shown(flow) == "closed: We open again tomorrow at 08:00"
    # HQ took the hours away: always open.
    flow.set_store_hours(StoreHours())
    assert shown(flow) == "attract"


def test_new_hours_wake_the_kiosk_at_the_new_opening(outbox: Outbox) -> None:
    clock = at("2026-11-02T22:00:00")
    flow = make_flow(outbox, clock, hours())
    flow.set_store_hours(hours("mon-fri 07:00-21:00"))
    # Tuesday 07:00 in Amsterdam is 06:00 UTC.
    wait(flow, clock, 8 * 3600 - 5)
    assert flow.state.screen is Screen.CLOSED
    wait(flow, clock, 5)
    assert flow.state.screen is Screen.ATTRACT


def test_new_hours_mid_answer_wait_for_the_shopper(outbox: Outbox, data_dir: Path) -> None:
    clock = at("2026-11-02T12:00:00")
    flow = make_flow(outbox, clock, hours())
    clock.advance(1.0)
    assert flow.start()
    flow.set_store_hours(hours("sat 09:00-18:00"))
    assert flow.state.screen is Screen.QUESTION
    clock.advance(1.0)
    assert flow.answer_score(7)
    clock.advance(1.0)
    assert flow.skip_factor()
    clock.advance(1.0)
    assert flow.skip_comment()
    wait(flow, clock, flow.timing.thanks_s)
    assert shown(flow) == "closed: We open again Saturday at 09:00"
    assert [r["outcome"] for r in rows(data_dir)] == ["completed"]


@pytest.mark.parametrize("moment", ["2026-11-02T03:00:00", "2026-11-08T23:30:00"])
def test_without_hours_the_kiosk_is_always_open(outbox: Outbox, moment: str) -> None:
    clock = at(moment)
    flow = make_flow(outbox, clock)
    wait(flow, clock, 3600)
    assert flow.state.screen is Screen.ATTRACT
    flow.set_store_hours(StoreHours())
    wait(flow, clock, 24 * 3600)
    assert flow.state.screen is Screen.ATTRACT


def test_a_config_without_hours_is_always_open() -> None:
    doc = json.loads(IN_STORE.read_text(encoding="utf-8"))
    config = parse_config({"store": "s042", "touchpoint": "in_store_purchase", "surveys": [doc]})
    store = StoreHours(config.opening_hours, config.time_zone)
    assert store.always_open


def test_the_store_zone_counts_not_utc(outbox: Outbox) -> None:
    # 20:30 UTC: 21:30 in Amsterdam (closed), 15:30 in New York (open).
    clock = at("2026-11-02T20:30:00")
    amsterdam = make_flow(outbox, clock, hours(zone=AMSTERDAM))
    new_york = make_flow(outbox, clock, hours(zone="America/New_York"))
    assert amsterdam.state.screen is Screen.CLOSED
    assert new_york.state.screen is Screen.ATTRACT
    # New York closes at 21:00 there: 02:00 UTC.
    wait(new_york, clock, 5.5 * 3600 - 5)
    assert new_york.state.screen is Screen.ATTRACT
    wait(new_york, clock, 5)
    assert shown(new_york) == "closed: We open again tomorrow at 09:00"


def test_the_week_summer_time_ends_opens_at_the_wall_clock_time(outbox: Outbox) -> None:
    # Saturday 24 October 2026, 17:59 in Amsterdam (CEST, UTC+2); the clocks go back an
    # hour in the night to Sunday.
    every_day = "mon-sun 09:00-18:00"
    clock = at("2026-10-24T15:59:00")
    flow = make_flow(outbox, clock, hours(every_day))
    assert flow.state.screen is Screen.ATTRACT
    wait(flow, clock, 60)
    assert shown(flow) == "closed: We open again tomorrow at 09:00"
    # Sunday 09:00 CET is 08:00 UTC: 16 hours after closing, not 15.
    wait(flow, clock, 16 * 3600 - 5)
    assert flow.state.screen is Screen.CLOSED
    wait(flow, clock, 5)
    assert flow.state.screen is Screen.ATTRACT
    # And it closes at 18:00 CET, 17:00 UTC.
    wait(flow, clock, 9 * 3600 - 5)
    assert flow.state.screen is Screen.ATTRACT
    wait(flow, clock, 5)
    assert shown(flow) == "closed: We open again tomorrow at 09:00"


def test_the_week_summer_time_begins_opens_at_the_wall_clock_time(outbox: Outbox) -> None:
    # Saturday 28 March 2026, 18:00 in Amsterdam (CET); Sunday is CEST, UTC+2.
    clock = at("2026-03-28T17:00:00")
    flow = make_flow(outbox, clock, hours("mon-sun 09:00-18:00"))
    assert flow.state.screen is Screen.CLOSED
    # Sunday 09:00 CEST is 07:00 UTC: 14 hours later, not 15.
    wait(flow, clock, 14 * 3600 - 5)
    assert flow.state.screen is Screen.CLOSED
    wait(flow, clock, 5)
    assert flow.state.screen is Screen.ATTRACT


def test_a_wall_clock_that_jumps_forward_past_opening_wakes_the_kiosk(outbox: Outbox) -> None:
    # A kiosk that started with a wrong clock (no network yet) thinks it is night.
    clock = at("2026-11-02T02:00:00")
    flow = make_flow(outbox, clock, hours())
    assert shown(flow) == "closed: We open again today at 09:00"
    # NTP sets it right, or the tablet resumes from a night's suspend: only the wall clock
    # moves, the monotonic one does not.
    clock.jump(8 * 3600)
    flow.tick()
    assert flow.state.screen is Screen.ATTRACT


def test_a_wall_clock_that_jumps_back_into_the_night_closes_the_kiosk(outbox: Outbox) -> None:
    clock = at("2026-11-02T12:00:00")
    flow = make_flow(outbox, clock, hours())
    assert flow.state.screen is Screen.ATTRACT
    clock.jump(-10 * 3600)
    flow.tick()
    assert shown(flow) == "closed: We open again today at 09:00"
    clock.jump(10 * 3600)
    flow.tick()
    assert flow.state.screen is Screen.ATTRACT


def test_a_store_that_never_opens_shows_closed_without_a_time(outbox: Outbox) -> None:
    clock = at("2026-11-02T12:00:00")
    flow = make_flow(outbox, clock, hours("mon-sun closed"))
    assert flow.state.screen is Screen.CLOSED
    assert flow.state.reopens is None
    assert shown(flow) == "closed: "


def test_the_closed_screen_follows_the_managers_language(outbox: Outbox) -> None:
    clock = at("2026-11-02T22:00:00")
    flow = make_flow(outbox, clock, hours())
    assert shown(flow) == "closed: We open again tomorrow at 09:00"
    flow.set_home_locale("nl")
    assert shown(flow) == "closed: Morgen weer open om 09:00"


@pytest.fixture
def kiosk_in_new_york() -> Iterator[None]:
    """The kiosk's own time zone (the operating system's) is New York's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        yield
    finally:
        mp.undo()
        time.tzset()


@pytest.mark.usefixtures("kiosk_in_new_york")
def test_hours_without_a_zone_follow_the_kiosks_own_clock(outbox: Outbox) -> None:
    # 20:30 UTC is 15:30 in New York: open there, though closed in Amsterdam.
    clock = at("2026-11-02T20:30:00")
    flow = make_flow(outbox, clock, hours(zone=None))
    assert flow.state.screen is Screen.ATTRACT
    wait(flow, clock, 5.5 * 3600)
    assert shown(flow) == "closed: We open again tomorrow at 09:00"


# -- the words ---------------------------------------------------------------------------

TUESDAY_9 = datetime(2026, 11, 3, 9, 0)
SATURDAY_1030 = datetime(2026, 11, 7, 10, 30)


@pytest.mark.parametrize(
    ("locale", "later", "tomorrow"),
    [
        ("en", "We open again Saturday at 10:30", "We open again tomorrow at 09:00"),
        ("nl", "Weer open op zaterdag om 10:30", "Morgen weer open om 09:00"),
        (
            "de",
            "Wir öffnen wieder am Samstag um 10:30 Uhr",
            "Wir öffnen morgen wieder um 09:00 Uhr",
        ),
        ("fr", "Nous rouvrons samedi à 10 h 30", "Nous rouvrons demain à 9 h 00"),
    ],
)
def test_the_reopening_in_each_language(locale: str, later: str, tomorrow: str) -> None:
    assert reopening_text(locale, Reopening(SATURDAY_1030, 5)) == later
    assert reopening_text(locale, Reopening(TUESDAY_9, 1)) == tomorrow
    assert "{" not in reopening_text(locale, Reopening(TUESDAY_9, 0))
    assert reopening_text(locale, None) == ""


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_language_has_day_names_a_clock_and_the_closed_words(locale: str) -> None:
    assert len(WEEKDAY_NAMES[locale]) == 7
    assert len(set(WEEKDAY_NAMES[locale])) == 7
    assert CLOCK_TIMES[locale].format(hour=9, minute=5)
    words = UI_TEXT[locale]
    for key, names in (
        ("opens_today", {"time"}),
        ("opens_tomorrow", {"time"}),
        ("opens_on", {"day", "time"}),
    ):
        assert set(re.findall(r"{(\w+)}", words[key])) == names, key
    assert words["closed"].strip()
