"""Rapid answers and timeouts: left out and counted as the analyst chooses, said on every page,
followed by the export, and kept apart in daily_answers."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from dashboard_data import Spec, add, kiosk, many
from erasure_data import assert_daily_consistent
from hq_helpers import (
    HQ,
    has_the_current_indexes,
    log_in,
    make_schema_2,
    stored_schema_version,
    tables_read,
)
from sqlalchemy import (
    func,
    select,
)

from ces.answer import COMPLETED, TIMEOUT
from hq import cli, storeinfo
from hq.dashboard import insights
from hq.dashboard.filters import FilterError, Filters, parse_filters
from hq.db.database import HQDatabase
from hq.db.tables import SCHEMA_VERSION, daily_answers, responses

DAY = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
RAPID_AT = DAY + timedelta(hours=1)
RANGE = "from=2026-11-01&to=2026-11-30"


def _filters(**changes: object) -> Filters:
    return Filters(start=date(2026, 11, 1), end=date(2026, 11, 30)).narrowed(**changes)


def _known(db: HQDatabase) -> None:
    """CES 2.0 (easy = 5-7), by hand:

    s001: completed 7 x 6 + 3 x 2; timeouts 3 x 7 + 2 x 3; rapid completed 4 x 1;
          a rapid timeout 1 x 7.
    s002: completed 2 x 5; rapid completed 1 x 1.
    """
    add(
        db,
        kiosk(db, "s001"),
        [
            *many(DAY, 6, 7, "price", outcome=COMPLETED),
            *many(DAY, 2, 3, "price", outcome=COMPLETED),
            *many(DAY, 7, 3, outcome=TIMEOUT),
            *many(DAY, 3, 2, outcome=TIMEOUT),
            # An hour later: HQ flags a rapid answer's whole burst (hq.db.bursts).
            *many(RAPID_AT, 1, 4, "price", outcome=COMPLETED, rapid=True),
            Spec(RAPID_AT, 7, outcome=TIMEOUT, rapid=True),
        ],
    )
    add(
        db,
        kiosk(db, "s002"),
        [*many(DAY, 5, 2, "ease", outcome=COMPLETED), Spec(RAPID_AT, 1, "price", rapid=True)],
    )


# (rapid counted, timeouts counted) -> (n, easy) by hand, all stores and s001.
ALL_STORES = {(False, True): (17, 12), (True, True): (23, 13), (False, False): (12, 9)}
ALL_STORES[(True, False)] = (17, 9)
S001 = {(False, True): (15, 10), (True, True): (20, 11), (False, False): (10, 7)}
S001[(True, False)] = (14, 7)


@pytest.mark.parametrize(("rapid", "timeouts"), sorted(ALL_STORES))
def test_figures_count_what_the_choice_says(db: HQDatabase, rapid: bool, timeouts: bool) -> None:
    _known(db)
    for store, expected in ((None, ALL_STORES), ("s001", S001)):
        f = _filters(store=store, rapid=rapid, timeouts=timeouts)
        (summary,) = insights.overview(db, f)
        n, easy = expected[(rapid, timeouts)]
        assert summary.n == n, store
        assert summary.pct_easy == pytest.approx(easy / n * 100), store
        (view,) = insights.factors(db, f)
        assert view.summary.n == n
        compared = insights.compare_groups(db, f, "touchpoint")["ces7"]
        assert [g.summary.n for g in compared] == [n]
        (line,) = insights.trend(db, f, "week")["ces7"].values()
        assert sum(p.summary.n for p in line) == n


def test_what_is_counted_and_left_out_by_hand(db: HQDatabase) -> None:
    _known(db)
    # All stores (daily_answers) and one store (the answers) count alike.
    for store, rapid, timeouts in ((None, 6, 5), ("s001", 5, 5)):
        found = insights.counted(db, _filters(store=store))
        assert (found.rapid, found.timeouts) == (rapid, timeouts), store
        assert (found.rapid_counted, found.timeouts_counted) == (False, True)
    # With timeouts left out, the rapid timeout is not among the rapid answers left out.
    assert insights.counted(db, _filters(timeouts=False)).rapid == 5
    # With rapid answers counted, so is the rapid timeout among the timeouts.
    assert insights.counted(db, _filters(rapid=True)).timeouts == 6


def test_the_choice_is_parsed_and_carried_in_links() -> None:
    f = parse_filters({"from": "2026-11-01", "to": "2026-11-30"})
    assert (f.rapid, f.timeouts) == (False, True)
    assert set(f.query()) == {"from", "to"}
    chosen = parse_filters({"rapid": "include", "timeouts": "exclude"})
    assert (chosen.rapid, chosen.timeouts) == (True, False)
    assert chosen.query()["rapid"] == "include"
    assert chosen.query()["timeouts"] == "exclude"
    with pytest.raises(FilterError) as e:
        parse_filters({"rapid": "yes"})
    assert e.value.field == "rapid"


def _number(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    assert found, element_id
    return found.group(1)


def test_every_page_says_what_it_counted_and_switches(hq: HQ) -> None:
    _known(hq.db)
    session = log_in(hq)
    for path in ("/", "/factors", "/priorities", "/trend", "/compare", "/comments"):
        page = session.get(f"{hq.url}{path}?{RANGE}", timeout=30).text
        assert _number(page, "counted-rapid") == "6 rapid answers left out", path
        assert _number(page, "counted-timeouts") == "5 timeouts counted", path
    page = session.get(f"{hq.url}/?{RANGE}", timeout=30).text
    assert (_number(page, "n-ces7"), _number(page, "pct-easy-ces7")) == ("17", "70.6%")
    # Following the switches, as an analyst would.
    include = re.search(r'id="switch-rapid" href="([^"]*)"', page)
    assert include
    page = session.get(hq.url + include.group(1).replace("&amp;", "&"), timeout=30).text
    assert _number(page, "counted-rapid") == "6 rapid answers counted"
    assert _number(page, "counted-timeouts") == "6 timeouts counted"
    assert (_number(page, "n-ces7"), _number(page, "pct-easy-ces7")) == ("23", "56.5%")
    # The rapid choice is kept by the filter form and the export links.
    assert '<input type="hidden" name="rapid" value="include">' in page
    assert 'href="/export.csv?from=2026-11-01&amp;to=2026-11-30&amp;rapid=include"' in page
    leave_out = re.search(r'id="switch-timeouts" href="([^"]*)"', page)
    assert leave_out
    page = session.get(hq.url + leave_out.group(1).replace("&amp;", "&"), timeout=30).text
    assert _number(page, "counted-timeouts") == "6 timeouts left out"
    assert _number(page, "counted-rapid") == "5 rapid answers counted"
    assert (_number(page, "n-ces7"), _number(page, "pct-easy-ces7")) == ("17", "52.9%")
    # One store, from the answers themselves.
    page = session.get(f"{hq.url}/?{RANGE}&store=s001&timeouts=exclude", timeout=30).text
    assert _number(page, "counted-rapid") == "4 rapid answers left out"
    assert _number(page, "counted-timeouts") == "5 timeouts left out"
    assert (_number(page, "n-ces7"), _number(page, "pct-easy-ces7")) == ("10", "70.0%")
    # A trend keeps its split when switched.
    page = session.get(f"{hq.url}/trend?{RANGE}&split=store", timeout=30).text
    switch = re.search(r'id="switch-rapid" href="([^"]*)"', page)
    assert switch
    assert "split=store" in switch.group(1)
    actions = session.get(f"{hq.url}/actions", timeout=30).text
    assert "leave out rapid answers and count timeouts" in actions
    wrong = session.get(f"{hq.url}/?{RANGE}&timeouts=maybe", timeout=30)
    assert wrong.status_code == 400
    assert "timeouts" in wrong.text


@pytest.mark.parametrize("full", ["", "&full=1"])
def test_the_export_has_flags_and_follows_the_choice(hq: HQ, full: str) -> None:
    _known(hq.db)
    session = log_in(hq)
    plain = session.get(f"{hq.url}/export.json?{RANGE}{full}", timeout=30).json()
    assert len(plain) == 17
    assert all(row["flags"] == [] for row in plain)
    assert sum(row["outcome"] == TIMEOUT for row in plain) == 5
    both = session.get(f"{hq.url}/export.json?{RANGE}&rapid=include{full}", timeout=30).json()
    assert len(both) == 23
    assert sum(row["flags"] == ["rapid"] for row in both) == 6
    text_csv = session.get(
        f"{hq.url}/export.csv?{RANGE}&rapid=include&timeouts=exclude{full}", timeout=30
    ).text
    rows = list(csv.DictReader(io.StringIO(text_csv.lstrip("\ufeff"))))
    assert len(rows) == 17
    assert sorted(r["flags"] for r in rows) == [""] * 12 + ["rapid"] * 5
    assert {r["outcome"] for r in rows} == {COMPLETED}


def _daily(db: HQDatabase) -> dict[tuple[str, int], int]:
    with db.reading() as conn:
        query = select(
            daily_answers.c.outcome, daily_answers.c.rapid, func.sum(daily_answers.c.n)
        ).group_by(daily_answers.c.outcome, daily_answers.c.rapid)
        return {(o, int(r)): int(n) for o, r, n in conn.execute(query)}


def test_daily_answers_keep_outcome_and_rapid_through_ingest_and_deletion(
    db: HQDatabase,
) -> None:
    _known(db)
    assert _daily(db) == {(COMPLETED, 0): 12, (TIMEOUT, 0): 5, (COMPLETED, 1): 5, (TIMEOUT, 1): 1}
    assert_daily_consistent(db)
    with db.reading() as conn:
        rapid_ids = [
            str(i)
            for i in conn.execute(select(responses.c.id).where(responses.c.flags != "[]"))
            .scalars()
            .all()
        ]
    with db.writing() as conn:
        assert db.delete_answers(conn, rapid_ids[:3]) == 3
    assert sum(_daily(db).get((o, 1), 0) for o in (COMPLETED, TIMEOUT)) == 3
    assert_daily_consistent(db)


def test_a_schema_2_database_counts_its_answers_again_by_outcome_and_rapid(
    database_url: str,
) -> None:
    db = HQDatabase.open(database_url)
    _known(db)
    with db.engine.begin() as conn:
        make_schema_2(conn)
    db.close()
    upgraded = HQDatabase.open(database_url)
    try:
        assert _daily(upgraded) == {
            (COMPLETED, 0): 12,
            (TIMEOUT, 0): 5,
            (COMPLETED, 1): 5,
            (TIMEOUT, 1): 1,
        }
        with upgraded.reading() as conn:
            assert stored_schema_version(conn) == str(SCHEMA_VERSION)
            assert has_the_current_indexes(conn)
        (summary,) = insights.overview(upgraded, _filters())
        assert summary.n == 17
    finally:
        upgraded.close()


def test_flags_in_the_json_export_are_the_stored_list(hq: HQ) -> None:
    _known(hq.db)
    session = log_in(hq)
    rows = session.get(f"{hq.url}/export.json?{RANGE}&rapid=include", timeout=30).json()
    assert {json.dumps(r["flags"]) for r in rows} == {"[]", '["rapid"]'}


@pytest.mark.parametrize(
    "where", [{"store": "s001"}, {"region": "north"}, {}], ids=["store", "region", "split"]
)
def test_figures_by_store_or_region_read_the_store_counts_not_the_answers(
    db: HQDatabase, where: dict[str, str]
) -> None:
    """One store, a region, or all stores split by store or region: the counts per store and
    day answer, the answers' rows are never read."""
    _known(db)
    storeinfo.set_store(db, "s001", region="north")
    f = _filters(timeouts=False, **where)
    # A trend per day reads the daily counts alone.
    assert tables_read(db, lambda: insights.trend(db, f, "day", "region")) - {"stores"} == {
        "store_days"
    }
    figures: list[Callable[[], object]] = [
        lambda: insights.trend(db, f, "week", "store"),
        lambda: insights.compare_groups(db, f, "store"),
        lambda: insights.compare_groups(db, f, "region"),
    ]
    if where:
        figures += [
            lambda: insights.overview(db, f),
            lambda: insights.counted(db, f),
            lambda: insights.pooled(db, f),
            lambda: insights.trend(db, f, "week"),
            lambda: insights.compare_groups(db, f, "touchpoint"),
        ]
    for figure in figures:
        # (stores: the region of each store, or the stores of a region)
        # (whole weeks from the weekly counts, the days at either end from the daily ones)
        assert tables_read(db, figure) - {"stores"} == {"store_days", "store_weeks"}
    factor_tables = tables_read(db, lambda: insights.factors(db, f)) - {"stores"}
    assert factor_tables == (
        {"store_factor_days", "store_factor_weeks"} if where else {"daily_answers"}
    )
    assert tables_read(db, lambda: insights.overview(db, f, ["s001"])) - {"stores"} == {
        "store_days",
        "store_weeks",
    }
    # And the figures are the answers' by hand: s001 without timeouts or rapid answers.
    if where:
        (summary,) = insights.overview(db, f)
        assert (summary.n, summary.easy) == (10, 7)


def test_the_export_command_takes_the_same_choice(
    hq: HQ, database_url: str, tmp_path: Path
) -> None:
    _known(hq.db)
    out = tmp_path / "answers.json"
    args = ["export", "--format", "json", "--from", "2026-11-01", "--to", "2026-11-30"]
    args += ["--database-url", database_url, "--progress", "never", "--output", str(out)]
    assert cli.main(args) == 0
    assert len(json.loads(out.read_bytes())) == 17
    assert cli.main([*args, "--rapid", "include", "--timeouts", "exclude"]) == 0
    rows = json.loads(out.read_bytes())
    assert len(rows) == 17
    assert sum(r["flags"] == ["rapid"] for r in rows) == 5
