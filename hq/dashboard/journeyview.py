"""The overview's journey view: each journey as its touchpoints in order, each with % easy
against its target, the factor named most among difficult answers, and the change against
the previous period where it is beyond noise.

The figures are the overview's and the factors page's (hq.dashboard.insights) with the
filters narrowed to the touchpoint and the survey it runs, so a touchpoint's link to those
pages shows the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

from hq.dashboard import headlines, insights, stats
from hq.dashboard.filters import Filters
from hq.db.database import HQDatabase
from hq.journeys import Journey, Touchpoint
from hq.surveys import SurveyCatalog


class Verdict(StrEnum):
    MET = "met"  # the interval of % easy lies at or above the target
    MISSED = "missed"  # wholly below it
    UNCLEAR = "unclear"  # it holds the target: not distinguishable from it
    NO_ANSWERS = "none"


@dataclass(frozen=True)
class Stop:
    """One touchpoint of a journey with its figures."""

    touchpoint: Touchpoint
    summary: stats.Summary | None  # None: no answers
    verdict: Verdict
    top_factor: stats.FactorRow | None  # named most among the difficult answers
    difficult: int
    change: headlines.Delta | None  # of % easy against the previous period
    query: str  # the narrowed filters, for links to the overview and factors pages


@dataclass(frozen=True)
class JourneyFigures:
    journey: Journey
    stops: list[Stop]


def verdict(summary: stats.Summary | None, target: int) -> Verdict:
    if summary is None or summary.n == 0 or summary.easy_ci is None:
        return Verdict.NO_ANSWERS
    if summary.easy_ci.low >= target:
        return Verdict.MET
    if summary.easy_ci.high < target:
        return Verdict.MISSED
    return Verdict.UNCLEAR


def narrowed(f: Filters, point: Touchpoint) -> Filters:
    """The page's filters for one touchpoint's answers to its survey (a version chosen for
    another survey means nothing here)."""
    version = f.version if f.survey == point.survey else None
    return f.narrowed(touchpoint=point.id, survey=point.survey, version=version)


def figures(
    db: HQDatabase, f: Filters, journeys: list[Journey], catalog: SurveyCatalog
) -> list[JourneyFigures]:
    return [
        JourneyFigures(j, [_stop(db, f, point, catalog) for point in j.touchpoints])
        for j in journeys
    ]


def _stop(db: HQDatabase, f: Filters, point: Touchpoint, catalog: SurveyCatalog) -> Stop:
    mine = narrowed(f, point)
    views = insights.factors(db, mine)
    survey = catalog.by_id.get(point.survey)
    # One scale per survey; should a version have used another, the survey's current one.
    scale = survey.scale.id if survey is not None else None
    view = next((v for v in views if v.summary.scale == scale), views[0] if views else None)
    summary = view.summary if view is not None and view.summary.n else None
    top = None
    change = None
    if view is not None and summary is not None:
        named = [r for r in view.rows if r.factor != stats.NO_FACTOR and r.difficult > 0]
        top = max(named, key=lambda r: r.difficult, default=None)
        before = insights.overview(db, headlines.previous_period(mine))
        found = headlines.headlines([summary], [s for s in before if s.scale == summary.scale])
        change = found[0].pct_easy if found else None
    return Stop(
        touchpoint=point,
        summary=summary,
        verdict=verdict(summary, point.target),
        top_factor=top,
        difficult=view.difficult_total if view is not None else 0,
        change=change,
        query=urlencode(mine.query()),
    )
