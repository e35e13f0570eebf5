"""How errors raised while handling a request are answered (in the protocol's shape)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from hq.api.replies import Refusal, error_response
from hq.body import BodyError, BodyTimeout
from hq.middleware import request_id

log = logging.getLogger("effortless.hq.api")

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


async def on_refusal(_request: Request, exc: Refusal) -> Response:
    return exc.response


async def on_body_error(_request: Request, exc: BodyError) -> Response:
    log.warning("request %s: %s %s: %s", request_id(), exc.status, exc.code, exc.message)
    return error_response(exc.status, exc.code, exc.message)


async def on_http_error(_request: Request, exc: StarletteHTTPException) -> Response:
    return error_response(
        exc.status_code,
        _HTTP_CODES.get(exc.status_code, "http_error"),
        str(exc.detail),
        dict(exc.headers or {}),
    )


async def on_body_timeout(_request: Request, exc: BodyTimeout) -> Response:
    # A slow or vanished client, not an HQ problem: one INFO line.
    log.info("request %s: %s %s: %s", request_id(), exc.status, exc.code, exc.message)
    return error_response(exc.status, exc.code, exc.message, {"Connection": "close"})


async def on_client_gone(_request: Request, _exc: ClientDisconnect) -> Response:
    log.info("request %s: client disconnected before the body was complete", request_id())
    # Nobody is left to read it; uvicorn drops it.
    return Response(status_code=400)


Handler = Callable[[Request, Any], Awaitable[Response]]

HANDLERS: tuple[tuple[type[Exception], Handler], ...] = (
    (Refusal, on_refusal),
    (BodyError, on_body_error),
    (StarletteHTTPException, on_http_error),
    (BodyTimeout, on_body_timeout),
    (ClientDisconnect, on_client_gone),
)
