"""Stores' time zones: answers counted on the day where their store is (issue 13)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from dashboard_data import Spec, add, kiosk
from hq_helpers import (
    all_counts,
    daily_agrees_with_a_rebuild,
    has_the_current_indexes,
    mark_schema_version,
    stored_schema_version,
    use_schema_2_indexes,
)
from hqserver import ces_hq
from sqlalchemy import func, select, text

from hq import storeinfo
from hq.db.database import EnrolledKiosk, HQDatabase
from hq.db.tables import SCHEMA_VERSION, daily_answers, store_days, stores
from hq.db.zones import LocalDays, ZoneError, check_zone

# Late on 10 November in the Netherlands (UTC+1 in winter) is 11 November there ...
WINTER_LATE = datetime(2026, 11, 10, 23, 30, tzinfo=UTC)
# ... and 22:30 UTC on 1 July is already 2 July (UTC+2 in summer); 21:30 UTC is not.
SUMMER_LATE = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
SUMMER_EVENING = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)


def days_of(db: HQDatabase, store_id: str | None = None) -> Counter[date]:
    """Answers per day, from daily_answers (all stores) or store_days (one store)."""
    with db.reading() as conn:
        if store_id is None:
            rows = conn.execute(
                select(daily_answers.c.day, func.sum(daily_answers.c.n)).group_by(
                    daily_answers.c.day
                )
            )
        else:
            rows = conn.execute(
                select(store_days.c.day, func.sum(store_days.c.n))
                .where(store_days.c.store_id == store_id)
                .group_by(store_days.c.day)
            )
        return Counter({_day(d): int(n) for d, n in rows})


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def three_answers(db: HQDatabase, store_id: str = "s001") -> None:
    add(
        db,
        kiosk(db, store_id),
        [Spec(WINTER_LATE, 7, "staff"), Spec(SUMMER_LATE, 2, "queue"), Spec(SUMMER_EVENING, 5)],
    )


def test_days_are_utc_until_a_zone_is_set(db: HQDatabase) -> None:
    three_answers(db)
    assert storeinfo.chain_zone(db) == "UTC"
    expected = {date(2026, 11, 10): 1, date(2026, 7, 1): 2}
    assert days_of(db) == expected
    assert days_of(db, "s001") == expected


def test_an_answer_counts_on_its_stores_local_day(db: HQDatabase) -> None:
    storeinfo.set_chain_zone(db, "Europe/Amsterdam")
    three_answers(db)
    expected = {date(2026, 11, 11): 1, date(2026, 7, 2): 1, date(2026, 7, 1): 1}
    assert days_of(db) == expected
    assert days_of(db, "s001") == expected
    assert daily_agrees_with_a_rebuild(db)


def test_a_stores_own_zone_overrides_the_chains(db: HQDatabase) -> None:
    storeinfo.set_chain_zone(db, "Europe/Amsterdam")
    # Kolkata is UTC+5:30: 21:30 UTC on 1 July is 03:00 on 2 July there.
    storeinfo.set_store(db, "s002", time_zone="Asia/Kolkata")
    three_answers(db, "s001")
    three_answers(db, "s002")
    assert days_of(db, "s001") == {
        date(2026, 11, 11): 1,
        date(2026, 7, 2): 1,
        date(2026, 7, 1): 1,
    }
    assert days_of(db, "s002") == {date(2026, 11, 11): 1, date(2026, 7, 2): 2}
    assert days_of(db) == {date(2026, 11, 11): 2, date(2026, 7, 2): 3, date(2026, 7, 1): 1}
    assert daily_agrees_with_a_rebuild(db)


def test_changing_a_stores_zone_moves_its_answers_and_no_others(db: HQDatabase) -> None:
    three_answers(db, "s001")
    three_answers(db, "s002")
    storeinfo.set_store(db, "s001", time_zone="Europe/Amsterdam")
    assert days_of(db, "s001") == {date(2026, 11, 11): 1, date(2026, 7, 2): 1, date(2026, 7, 1): 1}
    assert days_of(db, "s002") == {date(2026, 11, 10): 1, date(2026, 7, 1): 2}
    assert days_of(db) == {
        date(2026, 11, 11): 1,
        date(2026, 11, 10): 1,
        date(2026, 7, 2): 1,
        date(2026, 7, 1): 3,
    }
    assert daily_agrees_with_a_rebuild(db)
    # Cleared: back to the chain's (UTC).
    storeinfo.set_store(db, "s001", time_zone="")
    assert days_of(db, "s001") == {date(2026, 11, 10): 1, date(2026, 7, 1): 2}
    assert daily_agrees_with_a_rebuild(db)


def test_changing_the_chains_zone_moves_stores_without_their_own(db: HQDatabase) -> None:
    storeinfo.set_store(db, "s003", time_zone="America/New_York")
    for store_id in ("s001", "s002", "s003"):
        three_answers(db, store_id)
    assert storeinfo.set_chain_zone(db, "Europe/Amsterdam") == 2
    assert storeinfo.set_chain_zone(db, "Europe/Amsterdam") == 0  # nothing to move
    amsterdam = {date(2026, 11, 11): 1, date(2026, 7, 2): 1, date(2026, 7, 1): 1}
    assert days_of(db, "s001") == days_of(db, "s002") == amsterdam
    # New York (UTC-5 / UTC-4): every one of them is still on the UTC date or the one before.
    assert days_of(db, "s003") == {date(2026, 11, 10): 1, date(2026, 7, 1): 2}
    assert daily_agrees_with_a_rebuild(db)


@pytest.mark.parametrize(
    "bad",
    ["", "Mars/Olympus_Mons", "../../etc/passwd", "Europe/Amsterdam\n", "x" * 300, "UTC\x00"],
)
def test_a_zone_that_is_not_one_is_refused_and_nothing_changes(db: HQDatabase, bad: str) -> None:
    storeinfo.set_chain_zone(db, "Europe/Amsterdam")
    three_answers(db)
    before = all_counts(db)
    with pytest.raises(storeinfo.StoreInfoError, match="time zone"):
        storeinfo.set_chain_zone(db, bad)
    if bad:  # '' clears a store's zone, it is not a bad one there
        with pytest.raises(storeinfo.StoreInfoError, match="time zone"):
            storeinfo.set_store(db, "s001", time_zone=bad)
    assert storeinfo.chain_zone(db) == "Europe/Amsterdam"
    assert storeinfo.store_list(db) == []
    assert all_counts(db) == before


def test_local_days_across_the_clock_change() -> None:
    days = LocalDays("Europe/Amsterdam")
    # 25 October 2026: clocks go back at 03:00 local (01:00 UTC); the local day has 25 hours.
    start, end = days.bounds(date(2026, 10, 25), date(2026, 10, 25))
    assert start == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=25)
    assert days.of("2026-10-25T22:59:59.999999Z") == date(2026, 10, 25)
    assert days.of("2026-10-25T23:00:00.000000Z") == date(2026, 10, 26)
    assert days.of(datetime(2026, 3, 28, 23, 0, tzinfo=UTC)) == date(2026, 3, 29)
    assert check_zone("Asia/Kathmandu") == "Asia/Kathmandu"
    with pytest.raises(ZoneError):
        check_zone("Europe/Nowhere")


def test_a_schema_3_database_gets_zones_and_store_counts(database_url: str) -> None:
    db = HQDatabase.open(database_url)
    three_answers(db)
    expected = all_counts(db)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE store_days"))
        conn.execute(text("DROP TABLE store_factor_days"))
        conn.execute(text("ALTER TABLE stores DROP COLUMN time_zone"))
        # Schema 3 had wide covering indexes of the answers (named as schema 2's).
        use_schema_2_indexes(conn)
        mark_schema_version(conn, 3)
    db.close()
    upgraded = HQDatabase.open(database_url)
    try:
        with upgraded.reading() as conn:
            assert stored_schema_version(conn) == str(SCHEMA_VERSION)
            assert conn.execute(select(stores.c.time_zone)).all() == []
            assert has_the_current_indexes(conn)
        assert all_counts(upgraded) == expected
        storeinfo.set_store(upgraded, "s001", time_zone="Europe/Amsterdam")
        assert days_of(upgraded, "s001")[date(2026, 11, 11)] == 1
    finally:
        upgraded.close()


def test_counts_stay_right_while_zones_change_during_ingest(db: HQDatabase) -> None:
    """Batches arrive while the zones change: every answer is counted once, in the zone
    its store has when the dust settles."""
    where = kiosk(db, "s001")
    other = kiosk(db, "s002")
    errors: list[BaseException] = []

    def send(to: EnrolledKiosk, offset: int) -> None:
        try:
            for i in range(40):
                base = WINTER_LATE + timedelta(minutes=offset + i)
                add(
                    db,
                    to,
                    [Spec(base + timedelta(seconds=s), 1 + s % 7, "staff") for s in range(5)],
                )
        except BaseException as e:  # reported by the test, not lost in the thread
            errors.append(e)

    senders = [
        threading.Thread(target=send, args=(where, 0)),
        threading.Thread(target=send, args=(other, 1000)),
    ]
    for t in senders:
        t.start()
    zones_ = ["Europe/Amsterdam", "Asia/Kolkata", "America/New_York", ""]
    i = 0
    while any(t.is_alive() for t in senders):
        storeinfo.set_store(db, "s001", time_zone=zones_[i % len(zones_)])
        storeinfo.set_chain_zone(db, zones_[(i + 1) % 3])
        i += 1
    for t in senders:
        t.join()
    assert not errors
    assert i > 0
    assert sum(days_of(db).values()) == 2 * 40 * 5
    assert daily_agrees_with_a_rebuild(db)


def test_the_cli_sets_and_shows_zones(sqlite_database_url: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    three_answers(db)
    db.close()
    url = ["--database-url", sqlite_database_url]
    done = ces_hq("store", "time-zone", "Europe/Amsterdam", *url)
    assert done.returncode == 0, done.stderr
    assert "Europe/Amsterdam" in done.stdout
    assert "1 store(s)" in done.stdout
    assert ces_hq("store", "time-zone", *url).stdout.strip() == "Europe/Amsterdam"
    done = ces_hq("store", "set", "s001", "--time-zone", "Asia/Kolkata", *url)
    assert done.returncode == 0, done.stderr
    listing = ces_hq("store", "list", *url).stdout
    assert "Asia/Kolkata" in listing
    assert "Europe/Amsterdam" in listing
    refused = ces_hq("store", "set", "s001", "--time-zone", "Europe/Atlantis", *url)
    assert refused.returncode != 0
    assert "unknown time zone 'Europe/Atlantis'" in refused.stderr
    assert "Traceback" not in refused.stderr
    refused = ces_hq("store", "time-zone", "not a zone", *url)
    assert refused.returncode != 0
    assert "time zone" in refused.stderr
    assert ces_hq("store", "time-zone", *url).stdout.strip() == "Europe/Amsterdam"
