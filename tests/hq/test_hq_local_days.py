"""The dashboard's days are each store's local days: figures, comments, the export and the
words under the filters (issue 13)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from dashboard_data import Spec, add, kiosk, many
from hq_helpers import HQ, log_in

from hq import storeinfo
from hq.dashboard import export, insights
from hq.dashboard.filters import Filters
from hq.db.database import HQDatabase

# 23:30 UTC on 10 November: 00:30 on the 11th in Amsterdam, 05:00 on the 11th in Kolkata,
# still the 10th in a store kept on UTC.
LATE = datetime(2026, 11, 10, 23, 30, tzinfo=UTC)
NOV_10 = Filters(start=date(2026, 11, 10), end=date(2026, 11, 10))
NOV_11 = Filters(start=date(2026, 11, 11), end=date(2026, 11, 11))


def _three_zones(db: HQDatabase) -> None:
    """s001 on the chain's Amsterdam, s002 in Kolkata, s003 on UTC; each: one late answer
    with a comment (7, easy) and, at noon on the 10th, one without (1, difficult)."""
    storeinfo.set_chain_zone(db, "Europe/Amsterdam")
    storeinfo.set_store(db, "s001", region="north")
    storeinfo.set_store(db, "s002", region="north", time_zone="Asia/Kolkata")
    storeinfo.set_store(db, "s003", region="south", time_zone="UTC")
    for store_id in ("s001", "s002", "s003"):
        add(
            db,
            kiosk(db, store_id),
            [Spec(LATE, 7, "staff", f"late at {store_id}"), Spec(LATE.replace(hour=12), 1)],
        )


def _n(summaries: list[insights.stats.Summary]) -> int:
    return sum(s.n for s in summaries)


def test_figures_count_each_answer_on_its_stores_local_day(db: HQDatabase) -> None:
    _three_zones(db)
    # All stores: two late answers on the 11th; on the 10th the three at noon and s003's.
    assert _n(insights.overview(db, NOV_11)) == 2
    assert _n(insights.overview(db, NOV_10)) == 4
    # One store, a region, a split by store or region: the same days.
    assert _n(insights.overview(db, NOV_11.narrowed(store="s001"))) == 1
    assert _n(insights.overview(db, NOV_11.narrowed(store="s003"))) == 0
    assert _n(insights.overview(db, NOV_11.narrowed(region="north"))) == 2
    assert _n(insights.overview(db, NOV_10.narrowed(region="south"))) == 2
    by_store = insights.compare_groups(db, NOV_11, "store")["ces7"]
    assert {g.key: g.summary.n for g in by_store} == {"s001": 1, "s002": 1}
    by_region = insights.compare_groups(db, NOV_10, "region")["ces7"]
    assert {g.key: g.summary.n for g in by_region} == {"north": 2, "south": 2}
    (view,) = insights.factors(db, NOV_11.narrowed(region="north"))
    assert {r.factor: r.chosen for r in view.rows} == {"staff": 2}
    week = Filters(start=date(2026, 11, 9), end=date(2026, 11, 15))
    lines = insights.trend(db, week, "day", "store")["ces7"]
    per_day = {k: {p.start: p.summary.n for p in v if p.summary.n} for k, v in lines.items()}
    assert per_day == {
        "s001": {date(2026, 11, 10): 1, date(2026, 11, 11): 1},
        "s002": {date(2026, 11, 10): 1, date(2026, 11, 11): 1},
        "s003": {date(2026, 11, 10): 2},
    }


def test_comments_and_the_export_cut_the_days_in_each_stores_time(db: HQDatabase) -> None:
    _three_zones(db)
    found, total = insights.comments(db, NOV_11)
    assert total == 2
    # Shown in the store's own time: 00:30 in Amsterdam, 05:00 in Kolkata.
    assert {(c.store_id, c.answered_at.strftime("%d %H:%M")) for c in found} == {
        ("s001", "11 00:30"),
        ("s002", "11 05:00"),
    }
    assert insights.comments(db, NOV_10)[1] == 1  # s003's
    assert insights.comments(db, NOV_11.narrowed(store="s002"))[1] == 1
    assert insights.comments(db, NOV_11.narrowed(region="south"))[1] == 0
    assert export.count(db, NOV_11) == 2
    assert export.count(db, NOV_10) == 4
    assert {r["store_id"] for r in export.rows(db, NOV_11)} == {"s001", "s002"}
    assert export.count(db, NOV_11.narrowed(store="s003")) == 0


def test_with_every_store_on_the_chains_zone_one_range_is_cut(db: HQDatabase) -> None:
    storeinfo.set_chain_zone(db, "Europe/Amsterdam")
    add(db, kiosk(db, "s001"), [Spec(LATE, 7, None, "late"), Spec(LATE - timedelta(hours=1), 7)])
    assert export.count(db, NOV_11) == 1
    assert insights.comments(db, NOV_11)[1] == 1
    # One range of answered_at, which its index scans; no range per zone.
    assert str(insights.in_days(db, NOV_11)).count("answered_at >=") == 1


@pytest.mark.parametrize(
    ("lang", "plain", "own"),
    [
        (
            "en",
            "Days are each store's local days (Europe/Amsterdam).",
            "Days are each store's local days (Europe/Amsterdam; some stores have their own "
            "time zone).",
        ),
        (
            "nl",
            "Dagen zijn de lokale dagen van elke winkel (Europe/Amsterdam).",
            "Dagen zijn de lokale dagen van elke winkel (Europe/Amsterdam; sommige winkels "
            "hebben een eigen tijdzone).",
        ),
    ],
)
def test_the_page_says_whose_days_it_shows(hq_sqlite: HQ, lang: str, plain: str, own: str) -> None:
    session = log_in(hq_sqlite)
    storeinfo.set_chain_zone(hq_sqlite.db, "Europe/Amsterdam")
    page = session.get(f"{hq_sqlite.url}/?lang={lang}", timeout=30).text
    assert plain.replace("'", "&#39;") in page
    assert "UTC" not in page
    storeinfo.set_store(hq_sqlite.db, "s002", time_zone="Asia/Kolkata")
    page = session.get(f"{hq_sqlite.url}/compare?lang={lang}", timeout=30).text
    assert own.replace("'", "&#39;") in page


def test_the_usual_traffic_is_counted_again_after_a_while(db: HQDatabase) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    k = kiosk(db, "s001")
    # Silent for 3 hours; before, one answer an hour for the 2 weeks up to 3 hours ago.
    add(db, k, [Spec(now - timedelta(hours=3 + h), 6) for h in range(14 * 24)])
    (row,) = insights.fleet(db, now)
    assert row.expected_since == pytest.approx(3 * 2 / 4)
    # Ten more answers in each of those 3 hours, 3 weeks ago, sent late.
    old = now - timedelta(days=21)
    add(db, k, [a for h in range(3) for a in many(old - timedelta(hours=h + 1), 6, 10)])
    later = now + timedelta(minutes=1)
    (row,) = insights.fleet(db, later)
    assert not row.silent  # the usual traffic as counted a minute ago
    (row,) = insights.fleet(db, now + insights.PROFILE_REFRESH)
    assert row.silent  # counted again: 3 * (2 + 10) / 4 = 9 expected, none came


def test_a_comment_is_shown_at_its_stores_time(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    _three_zones(hq_sqlite.db)
    found, _ = insights.comments(hq_sqlite.db, NOV_11.narrowed(store="s001"))
    page = session.get(
        f"{hq_sqlite.url}/comments?from=2026-11-11&to=2026-11-11&store=s001", timeout=30
    ).text
    assert "2026-11-11 00:30" in page
    assert "When (store&#39;s time)" in page
    confirm = session.get(f"{hq_sqlite.url}/comments/{found[0].answer_id}/delete", timeout=30)
    assert "2026-11-11 00:30 CET" in confirm.text
    assert "UTC" not in confirm.text
