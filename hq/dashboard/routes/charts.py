"""The chart pages: overview, factors, priorities, trend and compare."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from hq import journeys
from hq.context import HQContext
from hq.dashboard import charts, headlines, insights, journeyview, webtexts
from hq.dashboard.deps import Context, PageContext, page_of
from hq.dashboard.pages import PAGE_PATHS, PageRoute
from hq.dashboard.rendering import language, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get(PAGE_PATHS["overview"], name="overview")
async def overview(
    request: Request, page: Annotated[PageContext, page_of("overview")], hq: Context
) -> Response:
    summaries = await hq.in_thread(insights.overview, hq.database, page.f)
    previous = headlines.previous_period(page.f)
    before = await hq.in_thread(insights.overview, hq.database, previous)
    drawn = {s.scale: charts.distribution(s) for s in summaries}
    found = await hq.in_thread(journeys.all_journeys, hq.database)
    journey_figures = await hq.in_thread(
        journeyview.figures, hq.database, page.f, found, hq.surveys
    )
    return render(
        request,
        "overview.html",
        journeys=journey_figures,
        summaries=summaries,
        charts=drawn,
        headlines=headlines.headlines(summaries, before),
        previous=previous,
        **page.values,
    )


@router.get(PAGE_PATHS["factors"], name="factors")
async def factors(
    request: Request, page: Annotated[PageContext, page_of("factors")], hq: Context
) -> Response:
    return await _factor_page(request, page, hq, charts.factor, "factors.html")


@router.get(PAGE_PATHS["priorities"], name="priorities")
async def priorities(
    request: Request, page: Annotated[PageContext, page_of("priorities")], hq: Context
) -> Response:
    return await _factor_page(request, page, hq, charts.priority, "priorities.html")


async def _factor_page(
    request: Request,
    page: PageContext,
    hq: HQContext,
    chart: Callable[[insights.FactorView, dict[str, str], Mapping[str, str]], dict[str, Any]],
    template: str,
) -> Response:
    """Factors and priorities: the same figures per scale, drawn two ways."""
    views = await hq.in_thread(insights.factors, hq.database, page.f)
    t = webtexts.text(language(request))
    drawn = {v.summary.scale: chart(v, page.labels, t) for v in views}
    return render(request, template, views=views, charts=drawn, **page.values)


@router.get(PAGE_PATHS["trend"], name="trend")
async def trend(
    request: Request, page: Annotated[PageContext, page_of("trend")], hq: Context
) -> Response:
    by = "day" if request.query_params.get("by") == "day" else "week"
    split = request.query_params.get("split") or None
    if split not in insights.GROUPINGS:
        split = None
    series = await hq.in_thread(insights.trend, hq.database, page.f, by, split)
    t = webtexts.text(language(request))
    label = page.choices.store_label if split == "store" else None
    drawn = {
        scale: charts.trend(lines[""], t) if split is None else charts.trend_lines(lines, t, label)
        for scale, lines in series.items()
    }
    return render(
        request,
        "trend.html",
        series=series,
        charts=drawn,
        by=by,
        split=split,
        split_lines=insights.SPLIT_LINES,
        **page.values,
    )


@router.get(PAGE_PATHS["compare"], name="compare")
async def compare(
    request: Request, page: Annotated[PageContext, page_of("compare")], hq: Context
) -> Response:
    by = request.query_params.get("by", "store")
    if by not in insights.GROUPINGS:
        by = "store"
    groups = await hq.in_thread(insights.compare_groups, hq.database, page.f, by)
    t = webtexts.text(language(request))
    label = page.choices.store_label if by == "store" else None
    drawn = {scale: charts.group(found, t, label) for scale, found in groups.items()}
    return render(request, "compare.html", groups=groups, charts=drawn, by=by, **page.values)
