"""Versions of a survey: counted apart in daily_answers, chosen with ``version``, and said
wherever a figure pools them."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from dashboard_data import Spec, add, kiosk, many
from erasure_data import assert_daily_consistent
from hq_helpers import (
    HQ,
    has_the_current_indexes,
    log_in,
    make_schema_2,
    tables_read,
)
from sqlalchemy import func, select

from hq import cli
from hq.dashboard import insights
from hq.dashboard.filters import FilterError, Filters, parse_filters
from hq.db.database import HQDatabase
from hq.db.tables import daily_answers, responses

DAY = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
RANGE = "from=2026-11-01&to=2026-11-30"
SURVEY = "in_store_purchase"


def _filters(**changes: object) -> Filters:
    return Filters(start=date(2026, 11, 1), end=date(2026, 11, 30)).narrowed(**changes)


def _known(db: HQDatabase) -> None:
    """CES 2.0 (easy = 5-7), by hand:

    s001: version 1: 4 x 6, 2 x 2; version 2: 3 x 7, 1 x 3, 1 x 1.
    s002: version 1: 2 x 5; a rapid answer to version 3 (left out unless asked for).
    s003: returns_desk (smiley5), version 1 only: 2 x 5.
    """
    add(
        db,
        kiosk(db, "s001"),
        [
            *many(DAY, 6, 4, "price"),
            *many(DAY, 2, 2, "price"),
            *many(DAY, 7, 3, "price", version=2),
            Spec(DAY, 3, "price", version=2),
            Spec(DAY, 1, "price", version=2),
        ],
    )
    add(
        db,
        kiosk(db, "s002"),
        # The rapid answer hours apart, so that it makes no burst of the others.
        [
            *many(DAY, 5, 2, "ease"),
            Spec(DAY + timedelta(hours=3), 1, "price", rapid=True, version=3),
        ],
    )
    add(db, kiosk(db, "s003", "returns_desk"), many(DAY, 5, 2, "ease", scale="smiley5"))


# (store, version) -> (n, easy) of ces7, by hand.
BY_HAND = {
    (None, None): (13, 9),
    (None, 1): (8, 6),
    (None, 2): (5, 3),
    ("s001", None): (11, 7),
    ("s001", 1): (6, 4),
    ("s001", 2): (5, 3),
}


@pytest.mark.parametrize(("store", "version"), sorted(BY_HAND, key=str))
def test_the_version_filter_counts_that_version_only(
    db: HQDatabase, store: str | None, version: int | None
) -> None:
    _known(db)
    f = _filters(store=store, survey=SURVEY, version=version)
    (summary,) = insights.overview(db, f)
    n, easy = BY_HAND[(store, version)]
    assert summary.n == n
    assert summary.pct_easy == pytest.approx(easy / n * 100)
    (view,) = insights.factors(db, f)
    assert view.summary.n == n
    (line,) = insights.trend(db, f, "week")["ces7"].values()
    assert sum(p.summary.n for p in line) == n


def test_pooled_versions_are_found_only_where_the_figures_pool_them(db: HQDatabase) -> None:
    _known(db)
    assert insights.pooled(db, _filters()) == {SURVEY: [1, 2]}
    assert insights.pooled(db, _filters(survey=SURVEY)) == {SURVEY: [1, 2]}
    assert insights.pooled(db, _filters(store="s001")) == {SURVEY: [1, 2]}
    # The rapid answer to version 3 pools it only when rapid answers are counted.
    assert insights.pooled(db, _filters(rapid=True)) == {SURVEY: [1, 2, 3]}
    assert insights.pooled(db, _filters(store="s002")) == {}
    assert insights.pooled(db, _filters(store="s002", rapid=True)) == {SURVEY: [1, 3]}
    assert insights.pooled(db, _filters(survey=SURVEY, version=1)) == {}
    assert insights.pooled(db, _filters(touchpoint="returns_desk")) == {}


def test_the_version_is_parsed_carried_in_links_and_refused_when_bad() -> None:
    f = parse_filters({"survey": SURVEY, "version": "2"})
    assert f.version == 2
    assert f.query()["version"] == "2"
    assert "version" not in parse_filters({"survey": SURVEY}).query()
    for bad in ("0", "-1", "two", "1.5", "٣", "99999999999"):
        with pytest.raises(FilterError) as e:
            parse_filters({"survey": SURVEY, "version": bad})
        assert (e.value.field, e.value.key) == ("version", "version_format"), bad
    # Version 2 of one survey says nothing of another's: a version needs its survey.
    with pytest.raises(FilterError) as e:
        parse_filters({"version": "1"})
    assert (e.value.field, e.value.key) == ("version", "version_survey")


def _number(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    assert found, element_id
    return found.group(1)


POOLED = "pools versions 1 and 2 of in_store_purchase — choose one:"


def test_pages_say_when_they_pool_versions_and_link_to_each(hq: HQ) -> None:
    _known(hq.db)
    session = log_in(hq)
    for path in ("/", "/factors", "/priorities", "/trend", "/compare", "/comments"):
        page = session.get(f"{hq.url}{path}?{RANGE}", timeout=30).text
        assert POOLED in page, path
    page = session.get(f"{hq.url}/?{RANGE}", timeout=30).text
    assert (_number(page, "n-ces7"), _number(page, "pct-easy-ces7")) == ("13", "69.2%")
    links = re.findall(r'class="pooled-version" href="([^"]*)">([^<]*)<', page)
    assert [shown for _, shown in links] == ["version 1", "version 2"]
    # Following "version 2", as an analyst would: that version alone, and no note.
    page = session.get(hq.url + links[1][0].replace("&amp;", "&"), timeout=30).text
    assert (_number(page, "n-ces7"), _number(page, "pct-easy-ces7")) == ("5", "60.0%")
    assert "pools versions" not in page
    assert 'value="2"' in page  # the filter form keeps the version
    assert "version=2" in re.findall(r'id="export-csv" href="([^"]*)"', page)[0]
    # One store, from the answers: s001 pools; s002 does not (its version 3 is rapid).
    page = session.get(f"{hq.url}/?{RANGE}&store=s001&survey={SURVEY}&version=1", timeout=30).text
    assert (_number(page, "n-ces7"), _number(page, "pct-easy-ces7")) == ("6", "66.7%")
    assert POOLED in session.get(f"{hq.url}/?{RANGE}&store=s001", timeout=30).text
    assert "pools versions" not in session.get(f"{hq.url}/?{RANGE}&store=s002", timeout=30).text
    rapid = session.get(f"{hq.url}/?{RANGE}&store=s002&rapid=include", timeout=30).text
    assert "pools versions 1 and 3 of in_store_purchase" in rapid
    dutch = session.get(f"{hq.url}/?{RANGE}&lang=nl", timeout=30).text
    assert "voegt versies 1 en 2 van in_store_purchase samen" in dutch
    # Pages that show no filtered answers say nothing of versions.
    assert "pools versions" not in session.get(f"{hq.url}/fleet", timeout=30).text


@pytest.mark.parametrize(
    ("query", "said"),
    [
        (f"survey={SURVEY}&version=x", "expected a version number"),
        (f"survey={SURVEY}&version=0", "expected a version number"),
        ("version=1", "choose a survey for a version"),
    ],
)
def test_a_bad_version_is_a_clear_400(hq: HQ, query: str, said: str) -> None:
    session = log_in(hq)
    for path in ("/", "/export.csv"):
        wrong = session.get(f"{hq.url}{path}?{RANGE}&{query}", timeout=30)
        assert wrong.status_code == 400, path
        assert said in wrong.text, path


@pytest.mark.parametrize("full", ["", "&full=1"])
def test_the_export_follows_the_version(hq: HQ, full: str) -> None:
    _known(hq.db)
    session = log_in(hq)
    every = session.get(f"{hq.url}/export.json?{RANGE}&survey={SURVEY}{full}", timeout=30)
    assert sorted(r["survey_version"] for r in every.json()) == [1] * 8 + [2] * 5
    two = session.get(f"{hq.url}/export.json?{RANGE}&survey={SURVEY}&version=2{full}", timeout=30)
    assert sorted(r["score"] for r in two.json()) == [1, 3, 7, 7, 7]
    assert {r["survey_version"] for r in two.json()} == {2}


def test_the_export_command_takes_the_version(hq: HQ, database_url: str, tmp_path: Path) -> None:
    _known(hq.db)
    out = tmp_path / "answers.json"
    args = ["export", "--format", "json", "--from", "2026-11-01", "--to", "2026-11-30"]
    args += ["--database-url", database_url, "--progress", "never", "--output", str(out)]
    args += ["--survey", SURVEY]
    assert cli.main(args) == 0
    assert sorted(r["survey_version"] for r in json.loads(out.read_bytes())) == [1] * 8 + [2] * 5
    assert cli.main([*args, "--version", "2"]) == 0
    two = json.loads(out.read_bytes())
    assert sorted(r["score"] for r in two) == [1, 3, 7, 7, 7]
    assert {r["survey_version"] for r in two} == {2}
    # Version 3's one answer is rapid: left out unless asked for, as on the dashboard.
    assert cli.main([*args, "--version", "3"]) == 0
    assert json.loads(out.read_bytes()) == []
    assert cli.main([*args, "--version", "3", "--rapid", "include"]) == 0
    assert [(r["store_id"], r["flags"]) for r in json.loads(out.read_bytes())] == [
        ("s002", ["rapid"])
    ]


def _per_version(db: HQDatabase) -> dict[int, int]:
    with db.reading() as conn:
        query = select(daily_answers.c.survey_version, func.sum(daily_answers.c.n)).group_by(
            daily_answers.c.survey_version
        )
        return {int(v): int(n) for v, n in conn.execute(query)}


def test_daily_answers_keep_versions_apart_through_ingest_and_deletion(db: HQDatabase) -> None:
    _known(db)
    assert _per_version(db) == {1: 10, 2: 5, 3: 1}
    assert_daily_consistent(db)
    with db.reading() as conn:
        second = [
            str(i)
            for i in conn.execute(select(responses.c.id).where(responses.c.survey_version == 2))
            .scalars()
            .all()
        ]
    with db.writing() as conn:
        assert db.delete_answers(conn, second[:2]) == 2
    assert _per_version(db) == {1: 10, 2: 3, 3: 1}
    assert_daily_consistent(db)


@pytest.mark.parametrize("store", ["s001", None])
def test_pooled_versions_of_a_store_are_read_from_the_store_counts(
    hq_sqlite: HQ, store: str | None
) -> None:
    """One store or a region reads the counts per store and day, never the answers' rows."""
    db = hq_sqlite.db
    _known(db)
    f = _filters(store=store, region=None if store else "north", timeouts=False)
    for chosen in (f, f.narrowed(rapid=True)):
        assert tables_read(db, partial(insights.pooled, db, chosen)) - {"stores"} <= {
            "store_days",
            "store_weeks",
        }


def test_a_schema_2_database_counts_its_answers_again_by_version(database_url: str) -> None:
    db = HQDatabase.open(database_url)
    _known(db)
    with db.engine.begin() as conn:
        make_schema_2(conn)
    db.close()
    upgraded = HQDatabase.open(database_url)
    try:
        assert _per_version(upgraded) == {1: 10, 2: 5, 3: 1}
        with upgraded.reading() as conn:
            assert has_the_current_indexes(conn)
        assert insights.pooled(upgraded, _filters()) == {SURVEY: [1, 2]}
        (summary,) = insights.overview(upgraded, _filters(survey=SURVEY, version=2))
        assert summary.n == 5
    finally:
        upgraded.close()
