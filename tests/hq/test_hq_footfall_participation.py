"""Participation: answers per 100 visitors per store and local day, recomputed here from
the answers themselves and the footfall loaded, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dashboard_data import Spec, add, kiosk

from ces.answer import COMPLETED, RAPID_FLAG, TIMEOUT
from hq import footfall, storeinfo
from hq.db.database import HQDatabase

FIRST = date(2026, 11, 16)
DAYS = 7
ZONES = {"s001": "Europe/Amsterdam", "s002": "America/New_York", "s003": "UTC"}


def seed(db: HQDatabase) -> list[footfall.Row]:
    """A week of answers at three stores in three time zones, many near midnight UTC (their
    local day differs from the UTC one), some rapid and some timeouts; footfall for most
    days (s003 has none on the last two)."""
    rng = random.Random(15)
    for store, zone in ZONES.items():
        storeinfo.set_store(db, store, time_zone=zone)
    given: list[tuple[str, Spec]] = []
    for store in ZONES:
        specs = []
        for _ in range(600):
            day = FIRST + timedelta(days=rng.randint(-1, DAYS))
            minute = rng.choice(
                [rng.randint(0, 1439), rng.randint(0, 120), rng.randint(1300, 1439)]
            )
            at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute)
            rapid = rng.random() < 0.1
            outcome = TIMEOUT if rng.random() < 0.15 else COMPLETED
            specs.append(Spec(at, rng.randint(1, 7), "service", outcome=outcome, rapid=rapid))
        add(db, kiosk(db, store), specs)
        given += [(store, s) for s in specs]
    rows = []
    for store in ZONES:
        for d in range(DAYS - (2 if store == "s003" else 0)):
            for hour in range(8, 22):
                rows.append(
                    footfall.Row(store, FIRST + timedelta(days=d), hour, rng.randint(0, 90))
                )
    footfall.load(db, rows)
    assert sum(s.rapid for _, s in given) > 100  # some rapid answers to leave out
    return rows


def expected(
    db: HQDatabase, rows: list[footfall.Row], timeouts: bool = True
) -> dict[tuple[str, date], tuple[int, int]]:
    """(answers, visitors) per store and local day, from the stored answers themselves
    (HQ flags the rest of a rapid burst too) and the rows loaded."""
    visitors: Counter[tuple[str, date]] = Counter()
    for r in rows:
        visitors[(r.store, r.day)] += r.visitors
    answers: Counter[tuple[str, date]] = Counter()
    for a in db.answers():
        if RAPID_FLAG in json.loads(a["flags"]) or (not timeouts and a["outcome"] == TIMEOUT):
            continue
        zone = ZoneInfo(ZONES[a["store_id"]])
        answers[(a["store_id"], a["answered_at"].astimezone(zone).date())] += 1
    return {key: (answers[key], n) for key, n in visitors.items()}


def test_answers_per_100_visitors_per_store_and_local_day(db: HQDatabase) -> None:
    rows = seed(db)
    last = FIRST + timedelta(days=DAYS - 1)
    found = footfall.participation(db, None, FIRST, last)
    want = expected(db, rows)
    assert {(p.store, p.day): (p.answers, p.visitors) for p in found} == want
    assert len(found) == 3 * DAYS - 2  # only days with footfall
    for p in found:
        answers, visitors = want[(p.store, p.day)]
        assert p.per_100 == (100 * answers / visitors if visitors else None)
        assert p.too_low == (p.per_100 is not None and p.per_100 < 1.0)
    # Answers before the first and after the last day of the range are not counted.
    assert all(FIRST <= p.day <= last for p in found)


def test_leaving_out_timeouts_and_one_store(db: HQDatabase) -> None:
    rows = seed(db)
    last = FIRST + timedelta(days=DAYS - 1)
    found = footfall.participation(db, frozenset({"s002"}), FIRST, last, timeouts=False)
    want = {k: v for k, v in expected(db, rows, timeouts=False).items() if k[0] == "s002"}
    assert {(p.store, p.day): (p.answers, p.visitors) for p in found} == want
    assert footfall.participation(db, frozenset(), FIRST, last) == []
    assert footfall.participation(db, frozenset({"nowhere"}), FIRST, last) == []


def test_store_totals_over_the_range_count_only_days_with_footfall(db: HQDatabase) -> None:
    rows = seed(db)
    last = FIRST + timedelta(days=DAYS - 1)
    want = expected(db, rows)
    totals = {t.store: t for t in footfall.participation_totals(db, None, FIRST, last)}
    assert sorted(totals) == sorted(ZONES)
    for store, total in totals.items():
        days = [v for k, v in want.items() if k[0] == store]
        assert total.days == len(days)
        assert total.answers == sum(a for a, _ in days)
        assert total.visitors == sum(v for _, v in days)
        assert total.per_100 == 100 * total.answers / total.visitors
    assert totals["s003"].days == DAYS - 2


def test_too_low_below_one_answer_per_100_visitors(db: HQDatabase) -> None:
    day = date(2026, 11, 2)
    at = datetime(2026, 11, 2, 12, tzinfo=UTC)
    add(db, kiosk(db, "s010"), [Spec(at + timedelta(minutes=i), 6, "service") for i in range(9)])
    add(db, kiosk(db, "s011"), [Spec(at + timedelta(minutes=i), 6, "service") for i in range(10)])
    footfall.load(
        db,
        [
            footfall.Row("s010", day, 12, 1000),  # 9 answers: 0.9 per 100
            footfall.Row("s011", day, 12, 1000),  # 10 answers: 1.0 per 100
            footfall.Row("s012", day, 12, 0),  # a closed day: no share at all
        ],
    )
    found = {p.store: p for p in footfall.participation(db, None, day, day)}
    assert (found["s010"].per_100, found["s010"].too_low) == (0.9, True)
    assert (found["s011"].per_100, found["s011"].too_low) == (1.0, False)
    assert (found["s012"].answers, found["s012"].per_100, found["s012"].too_low) == (0, None, False)
