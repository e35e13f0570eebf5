"""Chart.js configurations for the dashboard's charts, built from the figures on the page.

Only what to draw: every number here is also in the page's table beside the chart.
Two keys are the dashboard's own, read by dashboard.js: ``percentAxes`` (axes whose ticks
get a % sign: Chart.js takes that only as a function) and a dataset's ``sameLegendAs``
(the index of the dataset whose legend entry stands for it too, e.g. an interval's two
bounds as one entry).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ces.scales import SCALES
from hq.dashboard import insights, stats

# Bars a side-by-side chart draws (the table shows every group).
GROUPS = 30


def colour(name: str) -> str:
    """A colour of dashboard.css's :root, by name: the stylesheet holds every colour once (and
    tests/hq/test_hq_palette.py their contrast); dashboard.js puts in the value."""
    return f"var(--{name})"


COLOURS = {band: colour(band) for band in ("easy", "neutral", "difficult")}
# Counts are whole: without this Chart.js puts ticks at 0.2, 0.4, ... for small ones.
COUNT_TICKS = {"ticks": {"precision": 0}}
BAND_COLOUR = colour("ci-fill")
BAND_EDGE = colour("ci")
# The interval's bounds dashed, so they do not read as a second % easy line.
BAND_DASH = [4, 4]
ACCENT = colour("accent")
SURFACE = colour("surface")


def _shares(summary: stats.Summary) -> list[float]:
    return [round(c / summary.n * 100, 1) if summary.n else 0.0 for c in summary.counts.values()]


def distribution(summary: stats.Summary) -> dict[str, Any]:
    scale = SCALES[summary.scale]
    return {
        "type": "bar",
        "data": {
            "labels": [str(p) for p in scale.points],
            "datasets": [
                {
                    "label": "%",
                    "data": _shares(summary),
                    "backgroundColor": [COLOURS[scale.band(p).value] for p in scale.points],
                }
            ],
        },
        "options": {"plugins": {"legend": {"display": False}}, "scales": {"y": {"min": 0}}},
        "percentAxes": ["y"],
    }


def factor(
    view: insights.FactorView, labels: dict[str, str], t: Mapping[str, str]
) -> dict[str, Any]:
    rows = view.rows
    names = [labels.get(r.factor, r.factor) if r.factor else t["no_factor"] for r in rows]
    return {
        "type": "bar",
        "data": {
            "labels": names,
            "datasets": [
                {
                    "label": t["band_easy"],
                    "data": [r.easy for r in rows],
                    "backgroundColor": COLOURS["easy"],
                },
                {
                    "label": t["band_neutral"],
                    "data": [r.neutral for r in rows],
                    "backgroundColor": COLOURS["neutral"],
                },
                {
                    "label": t["band_difficult"],
                    "data": [r.difficult for r in rows],
                    "backgroundColor": COLOURS["difficult"],
                },
            ],
        },
        "options": {
            "indexAxis": "y",
            "scales": {"x": {"stacked": True, **COUNT_TICKS}, "y": {"stacked": True}},
        },
    }


def priority(
    view: insights.FactorView, labels: dict[str, str], t: Mapping[str, str]
) -> dict[str, Any]:
    ranked = view.priorities
    names = [f"{p.rank}. {labels.get(p.factor, p.factor)}" for p in ranked]
    shares = [round(p.share, 1) for p in ranked]
    colours = [COLOURS["difficult"]] * len(ranked)
    # The unranked rest, so the bars add up to every difficult answer.
    if view.unexplained_share:
        names.append(t["no_factor_named"])
        shares.append(round(view.unexplained_share, 1))
        colours.append(COLOURS["neutral"])
    return {
        "type": "bar",
        "data": {
            "labels": names,
            "datasets": [
                {
                    "label": t["share_of_difficult"],
                    "data": shares,
                    "backgroundColor": colours,
                }
            ],
        },
        "options": {
            "indexAxis": "y",
            "plugins": {"legend": {"display": False}},
            "scales": {"x": {"min": 0, "max": 100}},
        },
        "percentAxes": ["x"],
    }


def period_label(period: insights.Period, t: Mapping[str, str]) -> str:
    """A period's start, and how many of its days the range holds when it cuts it."""
    label = period.start.isoformat()
    if period.partial:
        label += " " + t["partial_days"].format(days=period.days, length=period.length)
    return label


def _points(periods: list[insights.Period], fill: str) -> list[str]:
    """A point's fill: hollow for a period the range cuts, so it does not pass as whole."""
    return [SURFACE if p.partial else fill for p in periods]


def trend(periods: list[insights.Period], t: Mapping[str, str]) -> dict[str, Any]:
    def value(x: float | None) -> float | None:
        return None if x is None else round(x, 1)

    return {
        "type": "line",
        "data": {
            "labels": [period_label(p, t) for p in periods],
            "datasets": [
                {
                    "label": t["ci"],
                    "data": [
                        value(p.summary.easy_ci.low if p.summary.easy_ci else None) for p in periods
                    ],
                    "borderColor": BAND_EDGE,
                    "borderDash": BAND_DASH,
                    # Unfilled; the colour is for the band's one legend entry.
                    "backgroundColor": BAND_COLOUR,
                    "pointRadius": 0,
                    "fill": False,
                },
                {
                    "label": t["ci"],
                    "sameLegendAs": 0,
                    "data": [
                        value(p.summary.easy_ci.high if p.summary.easy_ci else None)
                        for p in periods
                    ],
                    "borderColor": BAND_EDGE,
                    "borderDash": BAND_DASH,
                    "backgroundColor": BAND_COLOUR,
                    "pointRadius": 0,
                    "fill": "-1",
                },
                {
                    "label": t["pct_easy"],
                    "data": [value(p.summary.pct_easy) for p in periods],
                    "borderColor": ACCENT,
                    "backgroundColor": ACCENT,
                    "pointBackgroundColor": _points(periods, ACCENT),
                    "fill": False,
                },
            ],
        },
        # A period without answers is a gap, not a line from its neighbours.
        "options": {"scales": {"y": {"min": 0, "max": 100}}, "spanGaps": False},
        "percentAxes": ["y"],
    }


def _name(key: str, t: Mapping[str, str], label: Callable[[str], str] | None) -> str:
    """A group's name: a store's id and name (``label``), a touchpoint, or a region."""
    if not key:
        return t["no_region"]
    return label(key) if label else key


def group(
    groups: list[insights.Group],
    t: Mapping[str, str],
    label: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """% easy per group; ``label`` names stores (for groups that are stores)."""
    shown = sorted(groups, key=lambda g: -g.summary.n)[:GROUPS]
    shown.sort(key=lambda g: -(g.summary.pct_easy or 0))
    return {
        "type": "bar",
        "data": {
            "labels": [_name(g.key, t, label) for g in shown],
            "datasets": [
                {
                    "label": t["pct_easy"],
                    "data": [round(g.summary.pct_easy or 0, 1) for g in shown],
                    "backgroundColor": [
                        COLOURS["neutral"] if g.summary.too_few else ACCENT for g in shown
                    ],
                }
            ],
        },
        "options": {
            "indexAxis": "y",
            "plugins": {"legend": {"display": False}},
            "scales": {"x": {"min": 0, "max": 100}},
        },
        "percentAxes": ["x"],
    }


# Okabe-Ito's hues (told apart with the common colour-vision deficiencies), darkened to 3:1.
LINE_COLOURS = tuple(colour(f"series-{i}") for i in range(1, 9))


def trend_lines(
    lines: Mapping[str, list[insights.Period]],
    t: Mapping[str, str],
    label: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """% easy per period, one line per store, touchpoint or region (their bands in the table);
    ``label`` names stores (for lines that are stores)."""
    first = next(iter(lines.values()))
    return {
        "type": "line",
        "data": {
            "labels": [period_label(p, t) for p in first],
            "datasets": [
                {
                    "label": _name(group, t, label),
                    "data": [
                        None if p.summary.pct_easy is None else round(p.summary.pct_easy, 1)
                        for p in periods
                    ],
                    "borderColor": LINE_COLOURS[i % len(LINE_COLOURS)],
                    "backgroundColor": LINE_COLOURS[i % len(LINE_COLOURS)],
                    "pointBackgroundColor": _points(periods, LINE_COLOURS[i % len(LINE_COLOURS)]),
                    "fill": False,
                }
                for i, (group, periods) in enumerate(lines.items())
            ],
        },
        "options": {"scales": {"y": {"min": 0, "max": 100}}, "spanGaps": False},
        "percentAxes": ["y"],
    }
