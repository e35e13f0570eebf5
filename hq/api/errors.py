"""How errors raised while handling a request are answered (in the protocol's shape)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from hq.api.replies import Refusal, error_response
from hq.body import BodyError, BodyTimeout
from hq.dashboard import webtexts
from hq.dashboard.rendering import error_page, language, shown_path, wants_html
from hq.middleware import request_id

log = logging.getLogger("effortless.hq.api")

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


async def on_refusal(request: Request, exc: Refusal) -> Response:
    if wants_html(request):
        status = exc.response.status_code
        kept = {k: v for k, v in exc.response.headers.items() if k.lower() == "retry-after"}
        return error_page(request, status, _page_message(request, status), kept)
    return exc.response


async def on_body_error(_request: Request, exc: BodyError) -> Response:
    log.warning("request %s: %s %s: %s", request_id(), exc.status, exc.code, exc.message)
    return error_response(exc.status, exc.code, exc.message)


def _page_message(request: Request, status: int) -> str:
    t = webtexts.text(language(request))
    if status == 404:
        return t["error_not_found"].format(path=shown_path(request))
    if status == 405:
        return t["error_method"].format(method=request.method[:16])
    if status == 503:
        return t["error_unavailable"]
    return t["error_other"].format(status=status)


async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    headers = dict(exc.headers or {})
    # A person in a browser gets a page they can read and leave; programs keep the JSON shape.
    if wants_html(request):
        return error_page(
            request, exc.status_code, _page_message(request, exc.status_code), headers
        )
    return error_response(
        exc.status_code,
        _HTTP_CODES.get(exc.status_code, "http_error"),
        str(exc.detail),
        headers,
    )


async def on_invalid_request(request: Request, exc: RequestValidationError) -> Response:
    if wants_html(request):
        return error_page(request, 422, _page_message(request, 422))
    return await request_validation_exception_handler(request, exc)


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
    (RequestValidationError, on_invalid_request),
    (BodyTimeout, on_body_timeout),
    (ClientDisconnect, on_client_gone),
)
