"""The dashboard in a real browser: Debian's Chromium, driven by Playwright.

Playwright is only the driver here: it launches /usr/bin/chromium and downloads nothing.
Without that binary the tests skip, saying so. Set EFFORTLESS_SCREENSHOT_DIR to keep a
screenshot of every page (the README's come from docs/screenshots, made that way).
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dashboard_data import Spec, add, kiosk
from hq_helpers import HQ

from hq import actions, storeinfo, users

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
# How hard each factor is, per store: what the priorities page should find.
HARD = {"price": 0.45, "ease": 0.1, "service": 0.3, "reputation": 0.05}


def _seed(hq: HQ) -> dict[str, int]:
    """Eight weeks of answers at three stores; returns how many each store got."""
    rng = random.Random(7)
    counts: dict[str, int] = {}
    for store_id, name, region, skill in (
        ("s001", "Amsterdam Centrum", "north", 0.0),
        ("s002", "Utrecht Hoog Catharijne", "north", 0.1),
        ("s003", "", "south", -0.15),  # no name: shown by its id alone
    ):
        storeinfo.set_store(hq.db, store_id, name=name, region=region)
        specs = []
        for _ in range(400):
            at = NOW - timedelta(minutes=rng.randint(60, 56 * 24 * 60))
            factor = rng.choice(list(HARD)) if rng.random() > 0.08 else None
            hard = HARD.get(factor or "", 0.3) - skill
            roll = rng.random()
            score = (
                rng.randint(1, 3) if roll < hard else 4 if roll < hard + 0.1 else rng.randint(5, 7)
            )
            comment = rng.choice(
                [None] * 12
                + ["Lange rij bij de kassa", "Fijne service!", "Kon de retourbalie niet vinden"]
            )
            specs.append(Spec(at, score, factor, comment))
        add(hq.db, kiosk(hq.db, store_id), specs)
        counts[store_id] = len(specs)
        smileys = [
            Spec(
                NOW - timedelta(minutes=rng.randint(60, 56 * 24 * 60)),
                rng.choice([1, 3, 4, 5, 5, 5]),
                rng.choice(["waiting", "staff", None]),
                None,
                "smiley5",
            )
            for _ in range(120)
        ]
        add(hq.db, kiosk(hq.db, store_id, "returns_desk"), smileys)
    actions.record(
        hq.db,
        title="Second till opened on Saturdays",
        started_on=(NOW - timedelta(days=21)).date(),
        created_by="anna",
        stores=["s001", "s002"],
        touchpoint="in_store_purchase",
        message={"nl": "Lange rij op zaterdag? Nu is er een extra kassa open."},
    )
    return counts


@pytest.fixture
def dashboard(hq_sqlite: HQ, browser: Any) -> Iterator[tuple[HQ, Any, list[str]]]:
    counts = _seed(hq_sqlite)
    users.add_user(hq_sqlite.db, "anna", PASSWORD)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-GB"
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.counts = counts
    yield hq_sqlite, page, problems
    context.close()


def _log_in(hq: HQ, page: Any) -> None:
    page.goto(f"{hq.url}/")
    assert "/login" in page.url
    page.fill("#login-user", "anna")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#nav-overview[aria-current=page]")


def _number(text: str) -> float:
    return float(text.replace("%", "").replace(",", ""))


def test_log_in_filter_export_and_record_an_action(
    dashboard: tuple[HQ, Any, list[str]], tmp_path: Path
) -> None:
    hq, page, problems = dashboard
    p = page  # the Playwright page
    counts = p.counts
    _log_in(hq, p)

    # All stores: every CES 2.0 answer, and the chart drawn from the page's numbers.
    assert _number(p.inner_text("#n-ces7")) == sum(counts.values())
    p.wait_for_selector("#chart-dist-ces7[data-drawn=true]")
    everyone = p.inner_text("#pct-easy-ces7")

    # Filter to one store: the figures change to that store's.
    p.select_option("#f-store", "s003")
    p.click("#f-apply")
    p.wait_for_url(re.compile(r"store=s003"))
    assert _number(p.inner_text("#n-ces7")) == counts["s003"]
    assert p.inner_text("#pct-easy-ces7") != everyone

    # Export what is filtered.
    with p.expect_download() as download_info:
        p.click("#export-csv")
    saved = tmp_path / "export.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert {r["store_id"] for r in rows} == {"s003"}
    assert len(rows) == counts["s003"] + 120  # CES answers and smileys

    # The filters travel with the navigation.
    p.click("#nav-priorities")
    assert "store=s003" in p.url
    first = p.locator("#table-priorities-ces7 tbody tr").first
    assert first.get_attribute("data-factor") == "price"  # the hardest factor leads

    # Record an action with a "you said, we did" text for s003's kiosks.
    p.click("#nav-actions")
    p.fill("#a-title", "Price labels checked every morning")
    p.select_option("#a-stores", ["s003"])
    p.fill("#a-message-en", "You said prices were unclear. We now check every label daily.")
    p.click("#a-save")
    p.wait_for_selector("#notice")
    section = p.locator("section.action").first
    assert "Price labels checked every morning" in section.inner_text()
    assert "s003" in section.inner_text()

    # In Dutch.
    p.click("#lang-nl")
    p.wait_for_selector("text=Acties")
    assert "Leg een verbetering vast" in p.content()
    assert problems == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/factors",
        "/priorities",
        "/trend",
        "/trend?split=store",
        "/compare?by=region",
        "/actions",
        "/fleet",
        "/comments",
    ],
)
def test_every_page_draws_without_errors(dashboard: tuple[HQ, Any, list[str]], path: str) -> None:
    hq, page, problems = dashboard
    _log_in(hq, page)
    page.goto(f"{hq.url}{path}")
    charts = page.locator("canvas[data-chart]")
    for i in range(charts.count()):
        assert charts.nth(i).get_attribute("data-drawn") == "true"
    # Every chart has its numbers in a table too.
    assert page.locator("table.numbers").count() >= charts.count()
    assert problems == []
    keep = os.environ.get("EFFORTLESS_SCREENSHOT_DIR")
    if keep:
        name = path.strip("/").replace("?split=", "-by-").split("?")[0] or "overview"
        page.screenshot(path=str(Path(keep) / f"hq-{name}.png"), full_page=True)


# --- charts as a reader meets them -------------------------------------------------------------


def _chart(page: Any, canvas_id: str) -> dict[str, Any]:
    """What Chart.js drew on a canvas: legend, data, options and axis ticks."""
    page.wait_for_selector(f"#{canvas_id}[data-drawn=true]")
    found: dict[str, Any] = page.evaluate(
        """(id) => {
          const chart = Chart.getChart(document.getElementById(id));
          const axes = {};
          for (const [key, scale] of Object.entries(chart.scales)) {
            axes[key] = scale.ticks.map((t) => ({value: t.value, label: String(t.label)}));
          }
          return {
            legend: chart.legend.legendItems.map((item) => item.text),
            datasets: chart.data.datasets.map((d, i) => ({
              label: d.label,
              data: d.data,
              skipped: chart.getDatasetMeta(i).data.map((point) => Boolean(point.skip)),
            })),
            labels: chart.data.labels,
            spanGaps: chart.options.spanGaps,
            axes: axes,
          };
        }""",
        canvas_id,
    )
    return found


def _store_with_a_quiet_week(hq: HQ) -> list[str]:
    """s009: answers two and four weeks ago, none three weeks ago; returns the quiet week."""
    monday = (NOW - timedelta(days=NOW.weekday())).replace(hour=10)
    specs = []
    for weeks_ago in (4, 2):
        at = monday - timedelta(weeks=weeks_ago)
        specs += [
            Spec(at + timedelta(minutes=i), score, factor)
            for i, (score, factor) in enumerate(((6, "price"), (2, "ease"), (7, "service")))
        ]
    add(hq.db, kiosk(hq.db, "s009"), specs)
    return [(monday - timedelta(weeks=3)).date().isoformat()]


def test_trend_lines_break_at_weeks_without_answers(dashboard: tuple[HQ, Any, list[str]]) -> None:
    hq, page, problems = dashboard
    quiet = _store_with_a_quiet_week(hq)[0]
    _log_in(hq, page)
    page.goto(f"{hq.url}/trend?store=s009&from={(NOW - timedelta(days=40)).date().isoformat()}")
    drawn = _chart(page, "chart-trend-ces7")
    gap = drawn["labels"].index(quiet)
    easy = next(d for d in drawn["datasets"] if d["label"] == "% easy")
    assert easy["data"][gap] is None
    assert easy["data"][gap - 1] is not None and easy["data"][gap + 1] is not None  # noqa: PT018
    assert easy["skipped"][gap]
    assert drawn["spanGaps"] is False  # no line drawn across the quiet week
    # Lines per store break there too.
    page.goto(f"{hq.url}/trend?split=store&from={(NOW - timedelta(days=40)).date().isoformat()}")
    assert _chart(page, "chart-trend-ces7")["spanGaps"] is False
    assert problems == []


def test_the_interval_band_is_one_legend_entry(dashboard: tuple[HQ, Any, list[str]]) -> None:
    hq, page, problems = dashboard
    _log_in(hq, page)
    page.goto(f"{hq.url}/trend")
    assert _chart(page, "chart-trend-ces7")["legend"] == ["95% CI", "% easy"]
    page.click("#lang-nl")
    page.wait_for_url(re.compile("lang=nl"))
    assert _chart(page, "chart-trend-ces7")["legend"] == ["95%-BI", "% makkelijk"]
    assert problems == []


def test_count_axes_count_in_whole_numbers_and_share_axes_say_percent(
    dashboard: tuple[HQ, Any, list[str]],
) -> None:
    hq, page, problems = dashboard
    _store_with_a_quiet_week(hq)  # s009: two answers naming each factor
    _log_in(hq, page)
    page.goto(f"{hq.url}/factors?store=s009&from={(NOW - timedelta(days=40)).date().isoformat()}")
    counts = _chart(page, "chart-factors-ces7")["axes"]["x"]
    assert counts
    assert all(float(t["value"]).is_integer() for t in counts), counts
    for path, chart_id, axis in (
        ("/", "chart-dist-ces7", "y"),
        ("/priorities", "chart-priorities-ces7", "x"),
        ("/trend", "chart-trend-ces7", "y"),
        ("/compare", "chart-compare-ces7", "x"),
    ):
        page.goto(f"{hq.url}{path}")
        labels = [t["label"] for t in _chart(page, chart_id)["axes"][axis]]
        assert labels
        assert all(label.endswith("%") for label in labels), (path, labels)
    assert problems == []


def test_charts_take_the_pages_width(dashboard: tuple[HQ, Any, list[str]]) -> None:
    hq, page, problems = dashboard
    _log_in(hq, page)
    measure = """() => {
      const canvas = document.getElementById('chart-trend-ces7');
      return [canvas.getBoundingClientRect().width, document.documentElement.clientWidth];
    }"""
    for width in (1800, 1280, 800):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{hq.url}/trend")
        page.wait_for_selector("#chart-trend-ces7[data-drawn=true]")
        canvas, window = page.evaluate(measure)
        assert window * 0.9 <= canvas <= window, (width, canvas, window)
    # Narrowed with the page open, the chart follows.
    page.set_viewport_size({"width": 1000, "height": 900})
    page.wait_for_function(
        "() => document.getElementById('chart-trend-ces7').getBoundingClientRect().width < 1000"
    )
    assert problems == []


def test_store_names_stand_beside_ids_in_the_charts(dashboard: tuple[HQ, Any, list[str]]) -> None:
    hq, page, problems = dashboard
    _log_in(hq, page)
    page.goto(f"{hq.url}/compare?by=store")
    assert sorted(_chart(page, "chart-compare-ces7")["labels"]) == [
        "s001 · Amsterdam Centrum",
        "s002 · Utrecht Hoog Catharijne",
        "s003",
    ]
    page.goto(f"{hq.url}/trend?split=store")
    assert "s001 · Amsterdam Centrum" in _chart(page, "chart-trend-ces7")["legend"]
    assert problems == []


# --- the actions form ---------------------------------------------------------------------------


def test_the_message_preview_follows_the_typing_as_plain_text(
    dashboard: tuple[HQ, Any, list[str]],
) -> None:
    hq, page, problems = dashboard
    _log_in(hq, page)
    page.goto(f"{hq.url}/actions")
    page.fill("#a-message-nl", "Extra kassa <b>op</b>   zaterdag")
    page.wait_for_function(
        "() => document.getElementById('a-preview-nl').textContent"
        " === 'U zei, wij deden: Extra kassa <b>op</b> zaterdag'"
    )
    assert page.locator("#a-preview-nl b").count() == 0
    page.fill("#a-message-en", "Wider aisles")
    page.wait_for_function(
        "() => document.getElementById('a-preview-en').textContent"
        " === 'You said, we did: Wider aisles'"
    )
    page.fill("#a-message-nl", "")
    page.wait_for_function("() => document.getElementById('a-preview-nl').textContent === ''")
    assert problems == []


def test_removing_an_action_asks_in_a_dialog(dashboard: tuple[HQ, Any, list[str]]) -> None:
    hq, page, problems = dashboard
    (seeded,) = actions.all_actions(hq.db)
    _log_in(hq, page)
    page.goto(f"{hq.url}/actions")
    page.click(f"#a-remove-{seeded.id}")
    dialog = page.locator("#confirm-remove")
    dialog.wait_for(state="visible")
    assert "Second till opened on Saturdays" in dialog.inner_text()
    assert "delete" not in page.url  # asked in place, on the actions page
    page.click("#a-keep")
    dialog.wait_for(state="hidden")
    assert [a.id for a in actions.all_actions(hq.db)] == [seeded.id]
    page.click(f"#a-remove-{seeded.id}")
    dialog.wait_for(state="visible")
    page.click("#a-confirm-remove")
    page.wait_for_selector("#notice")
    assert "Action removed." in page.inner_text("#notice")
    assert actions.all_actions(hq.db) == []
    assert problems == []


def test_moving_a_kiosk_from_the_fleet_page(dashboard: tuple[HQ, Any, list[str]]) -> None:
    hq, page, problems = dashboard
    moved = next(k for k in hq.db.kiosks() if k.touchpoint == "in_store_purchase")
    _log_in(hq, page)
    page.goto(f"{hq.url}/fleet")
    page.click(f'tr[data-kiosk="{moved.id}"] a.move')
    page.wait_for_selector("#move-title")
    assert "Answers it gave before stay filed" in page.inner_text("main")
    page.select_option("#move-touchpoint", "returns_desk")
    page.click("#move-confirm")
    page.wait_for_selector("#notice")
    assert "Kiosk moved" in page.inner_text("#notice")
    row = page.inner_text(f'tr[data-kiosk="{moved.id}"]')
    assert "returns_desk" in row
    assert "moving from in_store_purchase" in row
    assert hq.db.kiosk(moved.id).touchpoint == "returns_desk"
    assert problems == []
