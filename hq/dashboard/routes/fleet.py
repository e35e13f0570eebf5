"""The fleet page: every kiosk, when it was last heard from, and which are silent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from hq.dashboard import insights
from hq.dashboard.deps import Context, PageContext, page_of
from hq.dashboard.pages import PAGE_PATHS, PageRoute
from hq.dashboard.rendering import render
from hq.moments import utcnow

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get(PAGE_PATHS["fleet"], name="fleet")
async def fleet(
    request: Request, page: Annotated[PageContext, page_of("fleet")], hq: Context
) -> Response:
    rows = await hq.in_thread(insights.fleet, hq.database, utcnow())
    return render(
        request,
        "fleet.html",
        rows=rows,
        silent=sum(r.silent for r in rows),
        expected=insights.SILENT_EXPECTED,
        **page.values,
    )
