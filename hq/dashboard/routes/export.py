"""/export.csv and /export.json: the filtered answers, streamed as a download.

Minimised unless asked for ``full=1`` (hq.dashboard.export): what most people need from
an export is the scores and comments, not which kiosk and at what second. A full export
writes a line to the audit log (who, how many answers, which days).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from hq import erasure
from hq.dashboard import export
from hq.dashboard.deps import Context, CurrentUser, PageFilters
from hq.dashboard.pages import PageError, PageRoute
from hq.dashboard.rendering import SECURITY_HEADERS

log = logging.getLogger("effortless.hq.dashboard")

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def export_format(request: Request) -> str:
    fmt: str = request.path_params["fmt"]
    if fmt not in export.FORMATS:
        raise PageError(404, "export as .csv or .json")
    return fmt


@router.get("/export.{fmt}", name="export")
async def export_answers(
    request: Request,
    user: CurrentUser,
    fmt: Annotated[str, Depends(export_format)],
    f: PageFilters,
    hq: Context,
) -> Response:
    # Anything but an explicit full=1 gets the minimised export.
    minimised = request.query_params.get("full") != "1"
    kind = "minimised" if minimised else "full"
    log.info("dashboard: %s exports %s (%s)", user.user, fmt, kind)
    if not minimised:
        # Who took the answers with their kiosk and exact times is worth knowing afterwards.
        counted = await hq.in_thread(export.count, hq.database, f)
        detail = f"{fmt}, {f.start.isoformat()} to {f.end.isoformat()}"
        await hq.in_thread(
            partial(erasure.record, hq.database, user.user, "export_full", counted, detail)
        )
    rows = export.rows(hq.database, f, minimised)
    name = f"effortless-{f.start.isoformat()}-{f.end.isoformat()}-{kind}.{fmt}"
    return StreamingResponse(
        export.encode(rows, fmt, minimised),
        media_type=export.MEDIA_TYPES[fmt],
        headers={
            **SECURITY_HEADERS,
            "Content-Disposition": f'attachment; filename="{quote(name)}"',
        },
    )
