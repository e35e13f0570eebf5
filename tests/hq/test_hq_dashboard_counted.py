"""What a page counts, said on the page: unranked difficult answers, each scale's busiest
stores, weeks the range cuts, and actions whose after-period is still running."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import requests
from dashboard_data import Spec, add, kiosk, many
from hq_helpers import HQ, csrf_of, log_in

from hq.dashboard import insights

DAY = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)  # a Tuesday
NOW = datetime.now(UTC).replace(microsecond=0)


def _chart(page: str, chart_id: str) -> dict[str, object]:
    found = re.search(rf'<script type="application/json" id="data-{chart_id}">(.*?)</script>', page)
    assert found, chart_id
    config: dict[str, object] = json.loads(found.group(1))
    return config


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section class="scale" id="{section_id}">(.*?)</section>', page, re.S)
    assert found, section_id
    return found.group(1)


def test_priorities_show_the_difficult_answers_that_name_no_factor(hq: HQ) -> None:
    # CES 2.0: 10 difficult answers (1-3): 5 name price, 3 service, 2 none; 6 easy ones.
    add(
        hq.db,
        kiosk(hq.db, "s001"),
        [
            *many(DAY, 2, 5, "price"),
            *many(DAY, 1, 3, "service"),
            *many(DAY, 3, 2, None),
            *many(DAY, 6, 6, "ease"),
        ],
    )
    # Smileys: the one difficult answer names nothing, so nothing can be ranked.
    add(
        hq.db,
        kiosk(hq.db, "s002", "returns_desk"),
        [Spec(DAY, 1, None, scale="smiley5"), Spec(DAY, 5, "staff", scale="smiley5")],
    )
    session = log_in(hq)
    page = session.get(f"{hq.url}/priorities?from=2026-11-01&to=2026-11-30", timeout=30).text
    ces7 = _section(page, "priorities-ces7")
    assert re.search(
        r'<tr data-factor="price"><td>1</td><th scope="row">Price</th><td>50.0% ', ces7
    )
    assert re.search(r'<tr data-factor="service"><td>2</td>.*?<td>30.0% ', ces7)
    rest = re.search(r'id="no-factor-ces7">(.*?)</tr>', ces7)
    assert rest
    assert "no factor named" in rest.group(1)
    assert "<td>20.0%</td><td>2 / 10</td>" in rest.group(1)
    assert "20.0% of the difficult answers (2 of 10) name no factor" in ces7
    # The bars add up to every difficult answer.
    data = _chart(page, "priorities-ces7")["data"]
    assert isinstance(data, dict)
    assert data["labels"][-1] == "no factor named"
    assert data["datasets"][0]["data"] == [50.0, 30.0, 20.0]
    smileys = _section(page, "priorities-smiley5")
    assert "No difficult answers" not in smileys
    assert "1 difficult answers on this scale" in smileys
    assert re.search(r'id="no-factor-smiley5">.*?<td>100.0%</td><td>1 / 1</td>', smileys)
    dutch = session.get(
        f"{hq.url}/priorities?from=2026-11-01&to=2026-11-30&lang=nl", timeout=30
    ).text
    assert "20,0% van de moeilijke antwoorden (2 van 10) noemt geen factor" in dutch


def test_a_store_trend_draws_each_scales_own_busiest_stores(hq: HQ) -> None:
    # CES 2.0 at nine stores (20-28 answers each), smileys at three returns desks (5-7):
    # over both scales the eight busiest are all CES 2.0 stores.
    for i in range(9):
        add(hq.db, kiosk(hq.db, f"s{i:03d}"), many(DAY, 6, 20 + i, "price"))
    for i in range(3):
        add(
            hq.db,
            kiosk(hq.db, f"r{i:03d}", "returns_desk"),
            many(DAY, 5, 5 + i, "staff", scale="smiley5"),
        )
    session = log_in(hq)
    page = session.get(f"{hq.url}/trend?split=store&from=2026-11-09&to=2026-11-15", timeout=30).text
    smileys = _chart(page, "trend-smiley5")["data"]
    assert isinstance(smileys, dict)
    assert [d["label"] for d in smileys["datasets"]] == ["r002", "r001", "r000"]
    assert [d["data"] for d in smileys["datasets"]] == [[100.0], [100.0], [100.0]]
    assert "r002: % easy" in _section(page, "trend-smiley5")
    ces7 = _chart(page, "trend-ces7")["data"]
    assert isinstance(ces7, dict)
    shown = [d["label"] for d in ces7["datasets"]]
    assert len(shown) == insights.SPLIT_LINES
    assert shown[0] == "s008" and "s000" not in shown  # noqa: PT018 (the least busy)
    assert "8 stores with the most answers on this scale" in _section(page, "trend-ces7")
    assert "stores with the most answers" not in _section(page, "trend-smiley5")


def test_weeks_the_range_cuts_are_marked_on_the_trend(hq: HQ) -> None:
    # Wednesday 4 to Thursday 19 November: 5 days of the week of 2 November, all of the
    # week of 9 November, 4 days of the week of 16 November.
    k = kiosk(hq.db, "s001")
    add(hq.db, k, [*many(DAY - timedelta(days=5), 6, 4), *many(DAY, 2, 2), *many(DAY, 7, 6)])
    add(hq.db, k, many(DAY + timedelta(days=8), 6, 3))
    session = log_in(hq)
    page = session.get(f"{hq.url}/trend?from=2026-11-04&to=2026-11-19", timeout=30).text
    section = _section(page, "trend-ces7")
    rows = re.findall(r'<tr( class="partial")?><th scope="row">([^<]*)</th><td>(\d+)', section)
    assert rows == [
        (' class="partial"', "week of 2026-11-02 (5 of 7 days)", "4"),
        ("", "week of 2026-11-09", "8"),
        (' class="partial"', "week of 2026-11-16 (4 of 7 days)", "3"),
    ]
    assert 'id="partial-note-ces7"' in section
    data = _chart(page, "trend-ces7")["data"]
    assert isinstance(data, dict)
    assert data["labels"] == [
        "2026-11-02 (5 of 7 days)",
        "2026-11-09",
        "2026-11-16 (4 of 7 days)",
    ]
    line = data["datasets"][2]
    assert line["data"] == [100.0, 75.0, 100.0]
    assert line["pointBackgroundColor"] == ["var(--surface)", "var(--accent)", "var(--surface)"]
    # Per store too; whole weeks and days are not marked.
    split = session.get(
        f"{hq.url}/trend?split=store&from=2026-11-04&to=2026-11-19&lang=nl", timeout=30
    ).text
    assert "week van 2026-11-02 (5 van 7 dagen)" in split
    whole = session.get(f"{hq.url}/trend?from=2026-11-02&to=2026-11-15", timeout=30).text
    assert "of 7 days" not in whole and "partial-note" not in whole  # noqa: PT018
    days = session.get(f"{hq.url}/trend?by=day&from=2026-11-04&to=2026-11-19", timeout=30).text
    assert "of 1 days" not in days and "partial-note" not in days  # noqa: PT018


def _record(session: requests.Session, url: str, title: str, days_ago: int, store: str) -> None:
    page = session.get(f"{url}/actions", timeout=30).text
    saved = session.post(
        f"{url}/actions",
        data={
            "csrf": csrf_of(page),
            "title": title,
            "started_on": (NOW - timedelta(days=days_ago)).date().isoformat(),
            "stores": [store],
        },
        timeout=30,
    )
    assert "Action recorded." in saved.text


def test_an_action_still_running_shows_no_verdict(hq: HQ) -> None:
    today = datetime.combine(NOW.date(), datetime.min.time(), UTC)
    # At each store: 40% easy before its action's date, 90% after (a clear change).
    for store, days_ago in (("s001", 9), ("s002", 27), ("s003", 28)):
        start = today - timedelta(days=days_ago)
        add(
            hq.db,
            kiosk(hq.db, store),
            many(start - timedelta(days=3), 6, 40, "price")
            + many(start - timedelta(days=2), 2, 60, "price")
            + many(start, 6, 90, "price")
            + many(start, 2, 10, "price"),
        )
    session = log_in(hq)
    _record(session, hq.url, "Day ten", 9, "s001")
    _record(session, hq.url, "Last day", 27, "s002")
    _record(session, hq.url, "Over", 28, "s003")
    page = session.get(f"{hq.url}/actions", timeout=30).text

    def verdict(title: str) -> str:
        found = re.search(rf"<h2>{title}</h2>.*?class=\"verdict\">([^<]*)<", page, re.S)
        assert found, title
        return found.group(1)

    assert verdict("Day ten") == (
        "still running (day 10 of 28): no verdict until the 28 days are over"
    )
    # Its 28th day is today, not over yet.
    assert verdict("Last day").startswith("still running (day 28 of 28)")
    assert verdict("Over") == "better, more than noise"
    assert page.count("better, more than noise") == 1
    dutch = session.get(f"{hq.url}/actions?lang=nl", timeout=30).text
    assert "loopt nog (dag 10 van 28)" in dutch
