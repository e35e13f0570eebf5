"""/export.csv and /export.json: the filtered answers, streamed as a download."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

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
    user: CurrentUser,
    fmt: Annotated[str, Depends(export_format)],
    f: PageFilters,
    hq: Context,
) -> Response:
    log.info("dashboard: %s exports %s", user.user, fmt)
    rows = export.rows(hq.database, f)
    name = f"effortless-{f.start.isoformat()}-{f.end.isoformat()}.{fmt}"
    return StreamingResponse(
        export.encode(rows, fmt),
        media_type=export.MEDIA_TYPES[fmt],
        headers={
            **SECURITY_HEADERS,
            "Content-Disposition": f'attachment; filename="{quote(name)}"',
        },
    )
