"""The participation page: answers per 100 visitors per store and day, for the stores whose
door-counter footfall was loaded (``ces-hq footfall import``), with a warning where too few
visitors answered to trust the figures (hq.footfall.MIN_PER_100)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from hq import footfall, storeinfo
from hq.dashboard.deps import Context, PageContext, page_of
from hq.dashboard.filters import Filters
from hq.dashboard.pages import PAGE_PATHS, PageRoute
from hq.dashboard.rendering import render
from hq.db.database import HQDatabase

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ParticipationPage = Annotated[PageContext, page_of("participation")]
# The most store days the page lists one by one.
MAX_DAY_ROWS = 1500


@router.get(PAGE_PATHS["participation"], name="participation")
async def participation_page(request: Request, page: ParticipationPage, hq: Context) -> Response:
    f = page.f
    days = await hq.in_thread(_days, hq.database, f)
    low = [d for d in days if d.too_low]
    # A chain's stores over months are tens of thousands of store days: then the days
    # listed are the ones to worry about, and the totals per store stand for the rest.
    shown = days if len(days) <= MAX_DAY_ROWS else low[:MAX_DAY_ROWS]
    return render(
        request,
        "participation.html",
        days=shown,
        all_days=len(days),
        only_low=len(shown) < len(days),
        totals=footfall.store_totals(days),
        low_days=len(low),
        min_per_100=footfall.MIN_PER_100,
        **page.values,
    )


def _days(db: HQDatabase, f: Filters) -> list[footfall.Participation]:
    return footfall.participation(
        db,
        chosen_stores(db, f),
        f.start,
        f.end,
        rapid=f.rapid,
        timeouts=f.timeouts,
        touchpoint=f.touchpoint,
        survey=f.survey,
        version=f.version,
    )


def chosen_stores(db: HQDatabase, f: Filters) -> frozenset[str] | None:
    """The stores the filters choose, within those the reader may see (None: every one)."""
    only = f.stores
    if f.store:
        only = frozenset({f.store}) & only if only is not None else frozenset({f.store})
    if f.region:
        in_region = frozenset(s.id for s in storeinfo.store_list(db) if s.region == f.region)
        only = in_region if only is None else only & in_region
    return only
