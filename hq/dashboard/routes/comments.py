"""The comments page: shoppers' words, searched and filtered, a page at a time."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from hq.dashboard import insights
from hq.dashboard.deps import Context, PageContext, page_of
from hq.dashboard.pages import PAGE_PATHS, PageRoute
from hq.dashboard.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

BANDS = ("easy", "neutral", "difficult")


@router.get(PAGE_PATHS["comments"], name="comments")
async def comments(
    request: Request, page: Annotated[PageContext, page_of("comments")], hq: Context
) -> Response:
    params = request.query_params
    contains = params.get("q", "")[:200]
    band = params.get("band", "")
    band = band if band in BANDS else ""
    factor = params.get("factor", "")
    factor = factor if factor in page.labels or factor == "" else ""
    try:
        number = max(1, min(10_000, int(params.get("page", "1"))))
    except ValueError:
        number = 1
    found, total = await hq.in_thread(
        lambda: insights.comments(
            hq.database, page.f, contains=contains, band=band, factor=factor, page=number
        )
    )
    extra = {"q": contains, "band": band, "factor": factor}
    base = {**page.f.query(), **{k: v for k, v in extra.items() if v}}
    return render(
        request,
        "comments.html",
        comments=found,
        total=total,
        number=number,
        pages_total=max(1, -(-total // insights.COMMENTS_PAGE)),
        link=lambda n: urlencode({**base, "page": str(n)}),
        contains=contains,
        band=band,
        factor=factor,
        **page.values,
    )
