"""An action measured against comparable stores over the same weeks (difference-in-differences).

A known chain: every store's % easy rises with the season; the action's two stores rise
more. Before/after shows the whole rise, the comparison with comparable stores only the
extra, and the test works that out again from the answers it stored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import requests
from dashboard_data import Spec, add, kiosk
from hq_helpers import HQ, PASSWORD, element, log_in, serving, text_of

from hq import actions, roles, users
from hq.db.database import HQDatabase

TODAY = datetime.now(UTC).date()
# The action's date: its 28 days after are over by today.
DAY = TODAY - timedelta(days=40)
EASY, NEUTRAL, DIFFICULT = 6, 4, 2  # on CES 2.0 (1-7)

# Per store: (easy, neutral, difficult) answers in the 28 days before and the 28 after.
TREATED = {"s001": ((60, 20, 40), (100, 10, 10)), "s002": ((40, 10, 30), (72, 4, 4))}
CONTROL = {
    "s003": ((60, 20, 40), (84, 16, 20)),
    "s004": ((50, 10, 40), (70, 10, 20)),
    "s005": ((80, 20, 60), (112, 18, 30)),
}
# Another action changed s006 inside the windows: not comparable, whatever it did.
BUSY = {"s006": ((60, 0, 60), (10, 0, 110))}
# s007 has no answers after the date: nothing to compare there.
BEFORE_ONLY = {"s007": ((60, 0, 60), (0, 0, 0))}
CHAIN = {**TREATED, **CONTROL, **BUSY, **BEFORE_ONLY}


@dataclass(frozen=True)
class Stored:
    store: str
    day: date
    score: int


def _answers(store: str, before: tuple[int, ...], after: tuple[int, ...]) -> list[Stored]:
    """Spread over the windows: before on days -20 .. -1, after on days 0 .. 19."""
    out = []
    for offset, counts in ((-20, before), (0, after)):
        scores = [EASY] * counts[0] + [NEUTRAL] * counts[1] + [DIFFICULT] * counts[2]
        out += [
            Stored(store, DAY + timedelta(days=offset + i % 20), s) for i, s in enumerate(scores)
        ]
    return out


def _store(db: HQDatabase, stored: list[Stored], touchpoint: str = "in_store_purchase") -> None:
    by_store: dict[str, list[Spec]] = {}
    for i, s in enumerate(stored):
        at = datetime.combine(s.day, time(12), UTC) + timedelta(seconds=i)
        by_store.setdefault(s.store, []).append(Spec(at, s.score))
    for store, specs in by_store.items():
        add(db, kiosk(db, store, touchpoint), specs)


@pytest.fixture
def chain(db: HQDatabase) -> tuple[HQDatabase, list[Stored], int]:
    stored = [a for store, (b, af) in CHAIN.items() for a in _answers(store, b, af)]
    _store(db, stored)
    action_id = actions.record(
        db,
        title="Extra till at the weekend",
        started_on=DAY,
        created_by="anna",
        stores=list(TREATED),
        touchpoint="in_store_purchase",
        owner="Anna de Vries",
        factor="service",
        factors=("price", "ease", "service", "reputation"),
    )
    actions.record(
        db,
        title="Rebuilt the entrance",
        started_on=DAY + timedelta(days=3),
        created_by="anna",
        stores=["s006"],
        touchpoint="in_store_purchase",
    )
    return db, stored, action_id


def _found(db: HQDatabase, action_id: int, today: date = TODAY) -> actions.Effect:
    action = actions.find(db, action_id)
    assert action is not None
    return actions.effect(db, action, today)


# --- independently, from the answers stored ---------------------------------------------------


def _group(stored: list[Stored], stores: set[str], after: bool) -> tuple[int, int]:
    """(easy, n) of ``stores`` in the window before or after DAY."""
    first, last = (
        (DAY, DAY + timedelta(days=27))
        if after
        else (DAY - timedelta(days=28), DAY - timedelta(days=1))
    )
    inside = [s for s in stored if s.store in stores and first <= s.day <= last]
    return sum(1 for s in inside if s.score >= 5), len(inside)


def _expected(stored: list[Stored]) -> dict[str, Any]:
    def answered(store: str, after: bool) -> bool:
        return _group(stored, {store}, after)[1] > 0

    everyone = {s.store for s in stored}
    control = {
        s for s in everyone - set(TREATED) - set(BUSY) if answered(s, False) and answered(s, True)
    }
    treated = set(TREATED)
    groups = [
        _group(stored, treated, False),
        _group(stored, treated, True),
        _group(stored, control, False),
        _group(stored, control, True),
    ]
    p = [k / n for k, n in groups]
    points = ((p[1] - p[0]) - (p[3] - p[2])) * 100
    # Price and Bonett (2004): half an easy answer and one answer added to each of the four.
    q = [(k + 0.5) / (n + 1) for k, n in groups]
    se = math.sqrt(sum(x * (1 - x) / (n + 1) for x, (_, n) in zip(q, groups, strict=True)))
    centre = (q[1] - q[0]) - (q[3] - q[2])
    expected_after = p[0] + (p[3] - p[2])
    return {
        "points": points,
        "low": min(centre - 1.959964 * se, points / 100) * 100,
        "high": max(centre + 1.959964 * se, points / 100) * 100,
        "relative": (p[1] - expected_after) / expected_after,
        "control": len(control),
        "groups": groups,
        "before_after": (p[1] - p[0]) * 100,
    }


def test_before_after_shows_the_season_and_did_only_the_extra(
    chain: tuple[HQDatabase, list[Stored], int],
) -> None:
    db, stored, action_id = chain
    expected = _expected(stored)
    e = _found(db, action_id)
    assert not e.running
    (change,) = e.changes
    # Before/after: 50% -> 86%, the season's rise and the action's together.
    assert change.before.pct_easy == pytest.approx(50.0)
    assert change.after.pct_easy == pytest.approx(86.0)
    assert change.change == pytest.approx(expected["before_after"]) == pytest.approx(36.0)
    # Comparable stores rose 50% -> 70% over the same weeks: the action added 16 points.
    d = e.did
    assert d is not None
    assert d.scale == "ces7"
    assert d.points == pytest.approx(expected["points"]) == pytest.approx(16.0)
    assert d.low == pytest.approx(expected["low"], abs=1e-4)
    assert d.high == pytest.approx(expected["high"], abs=1e-4)
    assert 0 < d.low < 16.0 < d.high
    # "% easy +22.9%": 86% against the 70% they would have had on the chain's trend.
    assert d.relative == pytest.approx(expected["relative"]) == pytest.approx(0.16 / 0.70)
    assert d.control_stores == expected["control"] == 3  # not s006 (busy), not s007
    assert d.treated_stores == 2
    got = [
        (g.easy, g.n)
        for g in (d.treated_before, d.treated_after, d.control_before, d.control_after)
    ]
    assert got == expected["groups"]
    assert d.significant and not d.too_few  # noqa: PT018


def test_a_store_another_action_changed_before_the_windows_is_comparable(db: HQDatabase) -> None:
    # s006's own action is dated long before this one's windows: it is in both alike.
    stored = [a for store, (b, af) in CHAIN.items() for a in _answers(store, b, af)]
    _store(db, stored)
    action_id = actions.record(
        db, title="Till", started_on=DAY, created_by="anna", stores=list(TREATED)
    )
    actions.record(
        db, title="Old", started_on=DAY - timedelta(days=60), created_by="anna", stores=["s006"]
    )
    d = _found(db, action_id).did
    assert d is not None
    assert d.control_stores == 4  # s003, s004, s005 and s006


def test_the_page_shows_the_effect_against_comparable_stores(
    chain: tuple[HQDatabase, list[Stored], int], surveys: Any
) -> None:

    db, _, action_id = chain
    with serving(db, surveys) as url:
        session = log_in(HQ(url, db))
        page = session.get(f"{url}/actions", timeout=30).text
        line = text_of(element(page, f"did-{action_id}"))
        assert re.fullmatch(
            r"Net of comparable stores: \+16\.0 pp \[\d+\.\d – \d+\.\d\], % easy \+22\.9%", line
        ), line
        table = element(page, f"did-table-{action_id}")
        assert "50.0% → 86.0% (+36.0 pp), 2 stores" in text_of(table)
        assert "50.0% → 70.0% (+20.0 pp), 3 stores" in text_of(table)
        assert "better, more than noise" in text_of(table)
        details = text_of(element(page, f"a-details-{action_id}"))
        assert "in progress" in details and "Anna de Vries" in details  # noqa: PT018
        dutch = session.get(f"{url}/actions?lang=nl", timeout=30).text
        assert "% makkelijk +22,9%" in text_of(element(dutch, f"did-{action_id}"))


def test_a_store_manager_sees_the_effect_not_the_other_stores_figures(
    chain: tuple[HQDatabase, list[Stored], int], surveys: Any
) -> None:
    db, _, action_id = chain
    with serving(db, surveys) as url:
        users.add_user(db, "anna", PASSWORD)  # an admin stays
        users.add_user(db, "bram", PASSWORD)
        roles.set_member(db, "bram", role="store_manager", stores=list(TREATED))
        session = requests.Session()
        session.post(f"{url}/login", data={"user": "bram", "password": PASSWORD}, timeout=30)
        page = session.get(f"{url}/actions", timeout=30).text
    table = text_of(element(page, f"did-table-{action_id}"))
    assert "+16.0 pp" in table
    assert "3 stores" in table
    assert "70.0%" not in table and "n = 190" not in table  # noqa: PT018


# --- no comparison, still running, too few -------------------------------------------------


def test_without_comparable_stores_it_says_so(hq: HQ) -> None:
    stored = _answers("s001", (30, 0, 30), (40, 0, 20))
    _store(hq.db, stored)
    alone = actions.record(hq.db, title="Signs", started_on=DAY, created_by="a", stores=["s001"])
    everywhere = actions.record(hq.db, title="Music", started_on=DAY, created_by="a")
    assert _found(hq.db, alone).did is None
    assert _found(hq.db, everywhere).did is None
    # Before/after is still there.
    assert _found(hq.db, alone).changes[0].change == pytest.approx(66.6667 - 50, abs=1e-3)
    page = log_in(hq).get(f"{hq.url}/actions", timeout=30).text
    assert "no comparable stores" in text_of(element(page, f"did-table-{alone}"))
    assert f'id="did-{alone}"' not in page
    assert "every store has this action: none to compare with" in text_of(
        element(page, f"did-table-{everywhere}")
    )


def test_still_running_until_the_after_window_is_over(hq: HQ) -> None:
    start = TODAY - timedelta(days=5)
    stored = []
    for store, (before, after) in (
        ("s001", ((30, 0, 30), (50, 0, 10))),
        ("s003", ((30, 0, 30), (35, 0, 25))),
    ):
        stored += [
            Stored(store, start - timedelta(days=1 + i % 10), s)
            for i, s in enumerate([EASY] * before[0] + [DIFFICULT] * before[2])
        ]
        stored += [
            Stored(store, start + timedelta(days=i % 3), s)
            for i, s in enumerate([EASY] * after[0] + [DIFFICULT] * after[2])
        ]
    _store(hq.db, stored)
    action_id = actions.record(
        hq.db, title="Signs", started_on=start, created_by="a", stores=["s001"]
    )
    e = _found(hq.db, action_id)
    assert e.running
    d = e.did
    assert d is not None  # the effect so far
    assert d.points == pytest.approx((50 / 60 - 0.5 - (35 / 60 - 0.5)) * 100)
    page = log_in(hq).get(f"{hq.url}/actions", timeout=30).text
    assert "still running (day 6 of 28)" in text_of(element(page, f"did-table-{action_id}"))
    assert "better, more than noise" not in text_of(element(page, f"did-table-{action_id}"))
    # Once the 28 days are over, a verdict.
    later = _found(hq.db, action_id, today=start + timedelta(days=28))
    assert not later.running


def test_too_few_answers_give_no_verdict(db: HQDatabase) -> None:
    stored = _answers("s001", (5, 0, 5), (10, 0, 0)) + _answers("s003", (50, 0, 50), (50, 0, 50))
    _store(db, stored)
    action_id = actions.record(db, title="Signs", started_on=DAY, created_by="a", stores=["s001"])
    d = _found(db, action_id).did
    assert d is not None
    assert d.points == pytest.approx(50.0)
    assert d.too_few


def test_every_scale_is_compared_apart(db: HQDatabase) -> None:
    # An action on every touchpoint: CES 2.0 and smileys each get their own comparison.
    ces = _answers("s001", (30, 0, 30), (50, 0, 10)) + _answers("s003", (30, 0, 30), (30, 0, 30))
    _store(db, ces)
    smileys = [
        Spec(
            datetime.combine(DAY + timedelta(days=d), time(12), UTC) + timedelta(seconds=i),
            score,
            scale="smiley5",
        )
        for d, scores in ((-3, [5] * 20 + [1] * 20), (3, [5] * 20 + [1] * 20))
        for i, score in enumerate(scores)
    ]
    for store in ("s001", "s003"):
        add(db, kiosk(db, store, "returns_desk"), smileys)
    action_id = actions.record(db, title="Both", started_on=DAY, created_by="a", stores=["s001"])
    e = _found(db, action_id)
    assert {d.scale for d in e.dids} == {"ces7", "smiley5"}
    ces7, smiley5 = e.did_for("ces7"), e.did_for("smiley5")
    assert ces7 is not None and smiley5 is not None  # noqa: PT018
    assert ces7.points == pytest.approx((50 / 60 - 0.5) * 100)
    assert smiley5.points == pytest.approx(0.0)
    assert smiley5.treated_before.n == 40  # never pooled with the CES answers


# --- for the weekly digest ---------------------------------------------------------------------


def test_in_progress_lists_the_actions_under_way_for_those_stores(
    chain: tuple[HQDatabase, list[Stored], int],
) -> None:
    db, _, action_id = chain
    other = next(a.id for a in actions.all_actions(db) if a.title == "Rebuilt the entrance")
    planned = actions.record(db, title="Later", started_on=TODAY, created_by="a", status="planned")
    recent = actions.record(
        db,
        title="Recent",
        started_on=TODAY - timedelta(days=3),
        created_by="a",
        stores=["s009"],
        status="done",
    )
    old_done = actions.record(db, title="Old", started_on=DAY, created_by="a", status="done")
    everything = {e.action.id for e in actions.in_progress(db, TODAY, None)}
    assert everything == {action_id, other, recent}
    assert planned not in everything and old_done not in everything  # noqa: PT018
    mine = actions.in_progress(db, TODAY, frozenset({"s002"}))
    assert [e.action.id for e in mine] == [action_id]
    d = mine[0].did
    assert d is not None
    assert (d.points, d.control_stores) == (pytest.approx(16.0), 3)
    # An action for every store touches every store.
    chainwide = actions.record(
        db, title="Music", started_on=TODAY - timedelta(days=2), created_by="a"
    )
    assert chainwide in {e.action.id for e in actions.in_progress(db, TODAY, frozenset({"s002"}))}


# --- in a browser -----------------------------------------------------------------------------


@pytest.mark.browser
def test_the_browser_shows_the_line(hq_sqlite: HQ, browser: Any) -> None:
    stored = [a for store, (b, af) in CHAIN.items() for a in _answers(store, b, af)]
    _store(hq_sqlite.db, stored)
    action_id = actions.record(
        hq_sqlite.db, title="Till", started_on=DAY, created_by="a", stores=list(TREATED)
    )
    users.add_user(hq_sqlite.db, "anna", PASSWORD)
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{hq_sqlite.url}/actions")
        page.fill("#login-user", "anna")
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        line = page.locator(f"#did-{action_id}")
        line.wait_for()
        # s006 has no action in this chain: four comparable stores.
        assert line.inner_text().startswith("Net of comparable stores: +")
        assert "% easy +" in line.inner_text()
        assert page.locator(f"#did-table-{action_id}").is_visible()
    finally:
        context.close()
