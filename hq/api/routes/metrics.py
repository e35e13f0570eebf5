"""GET /metrics: Prometheus' text format for a bearer token (hq.metrics); 404 when off."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from hq.api.deps import Context
from hq.moments import utcnow

log = logging.getLogger("effortless.hq.api")

router = APIRouter(include_in_schema=False)

# The header a refused scrape may send: more would only be read by an attacker.
MAX_AUTHORIZATION_CHARS = 1024


@router.api_route("/metrics", methods=["GET", "HEAD"])
async def metrics(request: Request, hq: Context) -> Response:
    if hq.metrics.token is None:
        return PlainTextResponse("not found\n", status_code=404)
    authorization = request.headers.get("authorization")
    if authorization is not None and len(authorization) > MAX_AUTHORIZATION_CHARS:
        authorization = None
    if not hq.metrics.authorized(authorization):
        return PlainTextResponse(
            "a bearer token is needed\n",
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    body = await hq.in_thread(hq.metrics.exposition, hq.database, utcnow())
    return Response(
        body if request.method == "GET" else b"",
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )
