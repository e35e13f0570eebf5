"""Store names beside store ids wherever the dashboard names a store (tables and charts)."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dashboard_data import Spec, add, kiosk, many
from hq_helpers import HQ, csrf_of, log_in

from hq import storeinfo

NOW = datetime.now(UTC).replace(microsecond=0)
NAMED = "s001 · Amsterdam Centrum"


def seed(hq: HQ) -> None:
    """s001 is named, s002 is not: both with answers, comments and a kiosk."""
    storeinfo.set_store(hq.db, "s001", name="Amsterdam Centrum", region="north")
    at = NOW - timedelta(hours=2)
    add(hq.db, kiosk(hq.db, "s001"), [*many(at, 6, 30, "price"), Spec(at, 2, "price", "Te duur")])
    add(hq.db, kiosk(hq.db, "s002"), [*many(at, 3, 30, "service"), Spec(at, 7, "ease", "Snel")])


def chart_config(page: str, chart_id: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="data-{chart_id}">(.*?)</script>', page)
    assert found, f"no chart {chart_id} on the page"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def row_headers(page: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert table, f"no table {table_id}"
    cells = re.findall(r'<th scope="(?:row|col)">(.*?)</th>', table.group(0), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def cells(page: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert table, f"no table {table_id}"
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table.group(0), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in found]


@pytest.fixture
def session(hq_sqlite: HQ) -> Any:
    seed(hq_sqlite)
    return log_in(hq_sqlite)


def test_side_by_side_per_store_names_the_stores_in_table_and_chart(
    hq_sqlite: HQ, session: Any
) -> None:
    page = session.get(f"{hq_sqlite.url}/compare?by=store", timeout=30).text
    headers = row_headers(page, "table-compare-ces7")
    assert NAMED in headers
    assert "s002" in headers  # no name: the id alone
    assert sorted(chart_config(page, "compare-ces7")["data"]["labels"]) == [NAMED, "s002"]


def test_side_by_side_per_region_keeps_region_ids(hq_sqlite: HQ, session: Any) -> None:
    page = session.get(f"{hq_sqlite.url}/compare?by=region", timeout=30).text
    assert sorted(chart_config(page, "compare-ces7")["data"]["labels"]) == ["(no region)", "north"]


def test_trend_lines_per_store_name_the_stores_in_table_and_legend(
    hq_sqlite: HQ, session: Any
) -> None:
    page = session.get(f"{hq_sqlite.url}/trend?split=store", timeout=30).text
    headers = row_headers(page, "table-trend-ces7")
    assert f"{NAMED}: % easy (95% CI), n" in headers
    assert "s002: % easy (95% CI), n" in headers
    labels = [d["label"] for d in chart_config(page, "trend-ces7")["data"]["datasets"]]
    assert sorted(labels) == [NAMED, "s002"]


def test_comments_and_fleet_name_the_stores(hq_sqlite: HQ, session: Any) -> None:
    comments = cells(session.get(f"{hq_sqlite.url}/comments", timeout=30).text, "table-comments")
    assert NAMED in comments and "s002" in comments  # noqa: PT018
    fleet = cells(session.get(f"{hq_sqlite.url}/fleet", timeout=30).text, "table-fleet")
    assert NAMED in fleet and "s002" in fleet  # noqa: PT018


def test_an_actions_stores_are_named(hq_sqlite: HQ, session: Any) -> None:
    page = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    saved = session.post(
        f"{hq_sqlite.url}/actions",
        data={
            "csrf": csrf_of(page),
            "title": "Wider aisles",
            "started_on": NOW.date().isoformat(),
            "stores": ["s001", "s002"],
        },
        timeout=30,
    ).text
    meta = re.search(r'<p class="meta">(.*?)</p>', saved, re.S)
    assert meta
    assert f"{NAMED}, s002" in html.unescape(meta.group(1))
