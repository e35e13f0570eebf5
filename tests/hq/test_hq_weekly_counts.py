"""Whole weeks from the weekly counts, the days at either end from the daily ones: the
figures are the answers' own, counted by hand, for any range (issue 13, chain scale)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dashboard_data import Spec, add, kiosk
from hq_helpers import daily_agrees_with_a_rebuild

from hq import storeinfo
from hq.dashboard import insights
from hq.dashboard.filters import Filters
from hq.db.database import HQDatabase

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FIRST = datetime(2026, 9, 20, 21, 0, tzinfo=UTC)  # a Sunday evening, Monday in Amsterdam soon
DAYS = 45


def _answers(db: HQDatabase) -> list[tuple[str, datetime, int, str | None]]:
    """Answers every few hours over 45 days in two stores, many late in the evening (the
    hours where a UTC day and an Amsterdam day differ)."""
    rng = random.Random(13)
    storeinfo.set_chain_zone(db, "Europe/Amsterdam")
    storeinfo.set_store(db, "s001", region="north")
    storeinfo.set_store(db, "s002", region="south")
    made = []
    for store_id in ("s001", "s002"):
        specs = []
        at = FIRST
        while at < FIRST + timedelta(days=DAYS):
            score = rng.randint(1, 7)
            factor = rng.choice(["queue", "staff", None])
            specs.append(Spec(at, score, factor, outcome="completed"))
            made.append((store_id, at, score, factor))
            at += timedelta(hours=rng.choice([1, 2, 5, 7]), minutes=rng.randint(0, 59))
        add(db, kiosk(db, store_id), specs)
    return made


def _by_hand(
    made: list[tuple[str, datetime, int, str | None]], start: date, end: date
) -> dict[str, Counter[int]]:
    per_store: dict[str, Counter[int]] = defaultdict(Counter)
    for store_id, at, score, _ in made:
        if start <= at.astimezone(AMSTERDAM).date() <= end:
            per_store[store_id][score] += 1
    return per_store


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 9, 21), date(2026, 10, 4)),  # two whole weeks, Monday to Sunday
        (date(2026, 9, 23), date(2026, 10, 29)),  # days, whole weeks, days
        (date(2026, 9, 20), date(2026, 10, 5)),  # a Sunday before, a Monday after
        (date(2026, 9, 22), date(2026, 9, 26)),  # inside one week: days only
        (date(2026, 9, 15), date(2026, 11, 10)),  # wider than the answers
    ],
)
def test_figures_by_store_are_the_answers_counted_by_hand(
    db: HQDatabase, start: date, end: date
) -> None:
    made = _answers(db)
    f = Filters(start=start, end=end)
    expected = _by_hand(made, start, end)
    (groups,) = insights.compare_groups(db, f, "store").values()
    assert {g.key: g.summary.n for g in groups} == {s: sum(c.values()) for s, c in expected.items()}
    for g in groups:
        wanted = expected[g.key]
        assert g.summary.easy == sum(n for score, n in wanted.items() if score >= 5)
        assert g.summary.difficult == sum(n for score, n in wanted.items() if score <= 3)
    (region,) = insights.overview(db, f.narrowed(region="north"))
    assert region.n == sum(expected["s001"].values())
    assert region.mean == pytest.approx(
        sum(score * n for score, n in expected["s001"].items()) / region.n
    )
    # The weekly trend puts each answer in its local week, Monday first.
    trend = insights.trend(db, f, "week", "store")["ces7"]
    for store_id, periods in trend.items():
        weeks: Counter[date] = Counter()
        for s, at, _, _ in made:
            day = at.astimezone(AMSTERDAM).date()
            if s == store_id and start <= day <= end:
                weeks[day - timedelta(days=day.weekday())] += 1
        assert {p.start: p.summary.n for p in periods if p.summary.n} == dict(weeks)
    # Factors per store: the same answers, split by what they named.
    (view,) = insights.factors(db, f.narrowed(store="s002"))
    named = Counter(
        factor or ""
        for s, at, _, factor in made
        if s == "s002" and start <= at.astimezone(AMSTERDAM).date() <= end
    )
    assert {r.factor: r.chosen for r in view.rows} == dict(named)
    assert daily_agrees_with_a_rebuild(db)
