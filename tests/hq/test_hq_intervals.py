"""Issue 13's methods on figures counted by SQLite and PostgreSQL, against hand-computed values.

The hand calculations are in tests/hq/test_hq_stats.py, on the same counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from dashboard_data import add, kiosk, many

from hq import actions
from hq.dashboard import insights
from hq.dashboard.filters import Filters
from hq.db.database import HQDatabase

DAY = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
RANGE = Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))


def test_small_stores_get_t_and_edge_honest_intervals(db: HQDatabase) -> None:
    # s001: the 12 answers (mean 4.67); s002: 18 answers, all 7.
    add(
        db,
        kiosk(db, "s001"),
        many(DAY, 1, 2, "price") + many(DAY, 4, 1, "price") + many(DAY, 5, 4) + many(DAY, 6, 5),
    )
    add(db, kiosk(db, "s002"), many(DAY, 7, 18, "service"))
    (small,) = insights.overview(db, RANGE.narrowed(store="s001"))
    assert small.n == 12
    assert small.mean_ci is not None
    # Student's t, 11 df (the normal interval was [3.63 - 5.70]).
    assert (small.mean_ci.low, small.mean_ci.high) == pytest.approx((3.5066, 5.8267), abs=1e-3)
    groups = {g.key: g.summary for g in insights.compare_groups(db, RANGE, "store")["ces7"]}
    all_easy = groups["s002"]
    assert all_easy.net_easy == pytest.approx(100.0)
    assert all_easy.net_easy_ci is not None
    assert all_easy.net_easy_ci.high == pytest.approx(100.0)
    assert all_easy.net_easy_ci.low == pytest.approx(70.90, abs=0.01)
    # The mean of 18 sevens: 7 - 6 * 3.841459 / 21.841459 (was [7.00 - 7.00]).
    (same,) = insights.overview(db, RANGE.narrowed(store="s002"))
    assert same.mean_ci is not None
    assert (same.mean_ci.low, same.mean_ci.high) == pytest.approx((5.9447, 7.0), abs=1e-4)


def test_priorities_lead_uses_the_score_test(db: HQDatabase) -> None:
    # 40 difficult answers: price 25, service 13, ease 2. Wald would call price's lead
    # (z = 2.046); the score test does not (z = 12 / sqrt(38) = 1.947).
    add(
        db,
        kiosk(db, "s001"),
        many(DAY, 1, 25, "price") + many(DAY, 2, 13, "service") + many(DAY, 3, 2, "ease"),
    )
    (view,) = insights.factors(db, RANGE)
    assert [(p.factor, p.difficult, p.ahead_of_next) for p in view.priorities] == [
        ("price", 25, False),
        ("service", 13, True),
        ("ease", 2, None),
    ]


def test_an_actions_change_between_tiny_groups_is_not_zero_wide(db: HQDatabase) -> None:
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    a = kiosk(db, "s001")
    add(db, a, many(at - timedelta(days=5), 7, 2, "price"))
    add(db, a, many(at + timedelta(days=5), 7, 3, "price"))
    actions.record(
        db,
        title="New signs",
        started_on=date(2026, 10, 1),
        created_by="anna",
        stores=["s001"],
        touchpoint="in_store_purchase",
    )
    (found,) = actions.all_actions(db)
    (change,) = actions.effect(db, found, today=date(2026, 11, 20)).changes
    assert (change.before.n, change.after.n) == (2, 3)
    assert change.change == pytest.approx(0.0)
    # Newcombe for 2/2 -> 3/3 (the Wald interval was [0.0 - 0.0]).
    assert change.change_ci is not None
    assert (change.change_ci.low, change.change_ci.high) == pytest.approx((-56.15, 65.76), abs=0.01)
