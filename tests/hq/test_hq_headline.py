"""The overview's headline: the chosen period against the one before it, a change marked only
when it is beyond noise. Intervals below were worked out by hand from the formulas (Wilson
limits into Newcombe's method 10; Bonett-Price adjusted Net Easy with the variances summed)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from dashboard_data import add, kiosk, many
from hq_helpers import HQ, log_in

from hq.dashboard import stats
from hq.dashboard.filters import Filters
from hq.dashboard.headlines import previous_period
from hq.storeinfo import set_store

# The chosen range is 11-20 November (10 days); the period before is 1-10 November.
RANGE = "from=2026-11-11&to=2026-11-20"
FIRST_BEFORE = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
LAST_BEFORE = datetime(2026, 11, 10, 23, 50, tzinfo=UTC)
FIRST_NOW = datetime(2026, 11, 11, 0, 0, tzinfo=UTC)
LAST_NOW = datetime(2026, 11, 20, 23, 50, tzinfo=UTC)


def _cell(page: str, cell_id: str) -> str:
    """A headline cell's text as the analyst reads it (tags dropped, spaces collapsed)."""
    found = re.search(rf'<td id="{cell_id}">(.*?)</td>', page, re.S)
    assert found, cell_id
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def _seed(hq: HQ) -> None:
    # s001, CES 2.0: before 20 easy, 10 neutral, 10 difficult (50% easy, Net Easy 25);
    # now 36 easy, 4 neutral (90%, 90). Answers on the first and last day of each period,
    # and just outside both, which count nowhere.
    s001 = kiosk(hq.db, "s001")
    add(
        hq.db,
        s001,
        [
            *many(FIRST_BEFORE, 6, 20),
            *many(LAST_BEFORE, 4, 10),
            *many(LAST_BEFORE, 2, 10),
            *many(FIRST_NOW, 6, 20),
            *many(LAST_NOW, 6, 16),
            *many(LAST_NOW, 4, 4),
            *many(FIRST_BEFORE - timedelta(hours=1), 2, 7),
            *many(LAST_NOW + timedelta(minutes=10), 2, 9),
        ],
    )
    # s002: before as s001; now 22 easy, 10 neutral, 8 difficult (55%, 35): within noise.
    s002 = kiosk(hq.db, "s002")
    mid_before, mid_now = FIRST_BEFORE + timedelta(days=4), FIRST_NOW + timedelta(days=4)
    add(
        hq.db,
        s002,
        [
            *many(mid_before, 6, 20),
            *many(mid_before, 4, 10),
            *many(mid_before, 2, 10),
            *many(mid_now, 6, 22),
            *many(mid_now, 4, 10),
            *many(mid_now, 2, 8),
        ],
    )
    # s003: only 10 answers before (5 easy, 5 difficult), 40 easy now.
    s003 = kiosk(hq.db, "s003")
    add(hq.db, s003, [*many(mid_before, 6, 5), *many(mid_before, 2, 5), *many(mid_now, 7, 40)])
    # r001, smileys (another survey): before 35 easy, 5 difficult; now 15 easy, 25 difficult.
    r001 = kiosk(hq.db, "r001", "returns_desk")
    add(
        hq.db,
        r001,
        [
            *many(mid_before, 5, 35, scale="smiley5"),
            *many(mid_before, 1, 5, scale="smiley5"),
            *many(mid_now, 4, 15, scale="smiley5"),
            *many(mid_now, 2, 25, scale="smiley5"),
        ],
    )
    set_store(hq.db, "s001", region="north")
    set_store(hq.db, "s002", region="south")


def test_net_easy_difference_by_hand() -> None:
    # Before 20 easy, 10 difficult of 40: adjusted pe = 21/42, pd = 11/42, centre 10/42,
    # V = (32/42 - (10/42)^2) / 42 = 0.0167927. Now 36 easy, 0 difficult of 40: pe = 37/42,
    # pd = 1/42, centre 36/42, V = (38/42 - (36/42)^2) / 42 = 0.0040490. Difference
    # 26/42 = 61.905 points, half-width 1.959964 * sqrt(0.0208417) = 28.295.
    found = stats.net_easy_difference((20, 10, 40), (36, 0, 40))
    assert found is not None
    assert found.low == pytest.approx(33.6105, abs=1e-3)
    assert found.high == pytest.approx(90.1990, abs=1e-3)
    # The interval always holds the observed difference: 40 easy of 40 against 0 of 40
    # (200 points) lies beyond the adjusted interval's centre plus half-width.
    edge = stats.net_easy_difference((0, 40, 40), (40, 0, 40))
    assert edge is not None
    assert edge.high == 200.0
    assert stats.net_easy_difference((0, 0, 0), (1, 0, 1)) is None


def test_the_previous_period_has_the_same_length_and_filters() -> None:
    chosen = Filters(date(2026, 11, 11), date(2026, 11, 20), store="s001", survey="x")
    assert previous_period(chosen) == Filters(
        date(2026, 11, 1), date(2026, 11, 10), store="s001", survey="x"
    )
    # One day across a leap day; a range over a month end.
    assert previous_period(Filters(date(2028, 3, 1), date(2028, 3, 1))) == Filters(
        date(2028, 2, 29), date(2028, 2, 29)
    )
    assert previous_period(Filters(date(2026, 3, 1), date(2026, 3, 31))) == Filters(
        date(2026, 1, 29), date(2026, 2, 28)
    )


def test_the_overview_marks_only_changes_beyond_noise(hq: HQ) -> None:
    _seed(hq)
    session = log_in(hq)

    page = session.get(f"{hq.url}/?{RANGE}&store=s001", timeout=30).text
    assert (
        "2026-11-11 – 2026-11-20 (10 days) against the 10 days just before: "
        "2026-11-01 – 2026-11-10, with the same filters."
    ) in page
    # Wilson 20/40 = [35.2, 64.8], 36/40 = [76.9, 96.0] -> Newcombe [20.3, 56.0].
    assert _cell(page, "h-pct-easy-ces7") == (
        "90.0% (before: 50.0%) +40.0 [20.3 – 56.0] ▲ up, beyond noise"
    )
    assert _cell(page, "h-net-easy-ces7") == (
        "90.0 (before: 25.0) +65.0 [33.6 – 90.2] ▲ up, beyond noise"
    )
    assert _cell(page, "h-n-ces7") == "40 (before: 40) 0"
    assert 'class="delta up"' in page  # coloured as well as worded
    assert 'id="headline-smiley5"' not in page  # s001 has no smiley answers

    # 22 of 40 against 20 of 40: Newcombe [-16.2, 25.6]; Net Easy 35 against 25:
    # adjusted centres 14/42 and 10/42, half-width 35.2 -> [-25.7, 44.7].
    page = session.get(f"{hq.url}/?{RANGE}&store=s002", timeout=30).text
    assert _cell(page, "h-pct-easy-ces7") == (
        "55.0% (before: 50.0%) +5.0 [-16.2 – 25.6] no change beyond noise"
    )
    assert _cell(page, "h-net-easy-ces7") == (
        "35.0 (before: 25.0) +10.0 [-25.7 – 44.7] no change beyond noise"
    )
    assert "beyond noise" not in _cell(page, "h-pct-easy-ces7").replace("no change beyond", "")

    # 10 answers before: the interval [22.2, 76.3] excludes 0, but no change is marked.
    page = session.get(f"{hq.url}/?{RANGE}&store=s003", timeout=30).text
    easy = _cell(page, "h-pct-easy-ces7")
    assert easy.startswith("100.0% (before: 50.0%) +50.0 [")
    assert easy.endswith("previous period: too few answers to compare")
    assert "▲" not in easy and "▲" not in _cell(page, "h-net-easy-ces7")  # noqa: PT018
    assert _cell(page, "h-n-ces7") == "40 (before: 10) +30"

    # Every store: one row per scale, never mixed. CES 2.0: 98 easy of 120 against 45 of 90.
    page = session.get(f"{hq.url}/?{RANGE}", timeout=30).text
    assert _cell(page, "h-n-ces7") == "120 (before: 90) +30"
    assert _cell(page, "h-pct-easy-ces7") == (
        "81.7% (before: 50.0%) +31.7 [18.9 – 43.4] ▲ up, beyond noise"
    )
    # Smileys: 15 easy of 40 against 35; Newcombe [-65.0, -29.4]; Net Easy -25 against 75.
    assert _cell(page, "h-pct-easy-smiley5") == (
        "37.5% (before: 87.5%) -50.0 [-65.0 – -29.4] ▼ down, beyond noise"
    )
    assert _cell(page, "h-net-easy-smiley5").endswith("▼ down, beyond noise")
    assert _cell(page, "h-net-easy-smiley5").startswith("-25.0 (before: 75.0) -100.0 [")
    assert _cell(page, "h-n-smiley5") == "40 (before: 40) 0"
    assert 'class="delta down"' in page

    # The survey and region filters hold for the period before too.
    page = session.get(f"{hq.url}/?{RANGE}&survey=returns_desk", timeout=30).text
    assert 'id="headline-ces7"' not in page
    assert _cell(page, "h-n-smiley5") == "40 (before: 40) 0"
    page = session.get(f"{hq.url}/?{RANGE}&region=north", timeout=30).text
    assert _cell(page, "h-n-ces7") == "40 (before: 40) 0"
    assert _cell(page, "h-pct-easy-ces7").startswith("90.0% (before: 50.0%) +40.0")

    dutch = session.get(f"{hq.url}/?{RANGE}&store=s001&lang=nl", timeout=30).text
    assert "(10 dagen) tegenover de 10 dagen ervoor: 2026-11-01 – 2026-11-10" in dutch
    assert _cell(dutch, "h-pct-easy-ces7") == (
        "90,0% (vorige: 50,0%) +40,0 [20,3 – 56,0] ▲ gestegen, meer dan ruis"
    )


def test_the_default_range_is_compared_with_the_84_days_before(hq_sqlite: HQ) -> None:
    today = datetime.now(UTC).date()
    # One answer yesterday, none before: the period before has too few to compare.
    add(
        hq_sqlite.db, kiosk(hq_sqlite.db, "s001"), many(datetime.now(UTC) - timedelta(days=1), 6, 1)
    )
    page = log_in(hq_sqlite).get(f"{hq_sqlite.url}/", timeout=30).text
    start, end = today - timedelta(days=83), today
    before_start, before_end = today - timedelta(days=167), today - timedelta(days=84)
    assert (
        f"{start} – {end} (84 days) against the 84 days just before: {before_start} – {before_end}"
    ) in page
    easy = _cell(page, "h-pct-easy-ces7")
    assert easy.startswith("100.0% (before: –) ")
    assert easy.endswith("previous period: too few answers to compare")
    assert _cell(page, "h-n-ces7") == "1 (before: 0) +1"
