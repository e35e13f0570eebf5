"""The middlewares around every request: its id (for logs and the response) and a last
answer for a request that failed unexpectedly."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hq.api.replies import error_response
from hq.dashboard import webtexts
from hq.dashboard.rendering import error_page, language, wants_html

log = logging.getLogger("effortless.hq.api")
access_log = logging.getLogger("effortless.hq.access")
# A longer path is cut in the access line.
_ACCESS_PATH_CHARS = 200

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id() -> str:
    """The id of the request being handled, for log lines ("-" outside a request)."""
    return _request_id.get()


class RequestIdMiddleware:
    """Takes the client's X-Request-Id (or makes one), for the logs and the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given = value.decode("latin-1")
                break
        # A client's id goes into log lines, so only a plain one is kept.
        chosen = given if _REQUEST_ID_RE.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(chosen)
        header = (b"x-request-id", chosen.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)


class AccessLogMiddleware:
    """One line per request on effortless.hq.access, at debug level (`--log-level debug`):
    method, path (as sent, without the query, which may hold search words), status and
    duration, also as fields of their own for `--log-format json`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.DEBUG):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def watched_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        finally:
            # The raw path: percent escapes stay escaped, so no line break gets into a line.
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
            path = raw.decode("latin-1")[:_ACCESS_PATH_CHARS]
            method = str(scope.get("method", "-"))[:16]
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            access_log.debug(
                "request %s: %s %s %s in %.1f ms",
                request_id(),
                method,
                path,
                status or "-",
                duration_ms,
                extra={
                    "method": method,
                    "path": path,
                    "status": status or None,
                    "duration_ms": duration_ms,
                    "request_id": request_id(),
                },
            )


class CrashMiddleware:
    """Answers a request that failed unexpectedly with 500, logged once with its traceback.

    Starlette's handler for Exception re-raises after answering, so uvicorn logged a second
    traceback and closed the keep-alive connection; here the connection stays usable.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:
            if started:
                # Half a response cannot be taken back; returning without finishing it
                # makes uvicorn close the connection, which tells the client.
                log.error(
                    "request %s failed after its response had started",
                    request_id(),
                    exc_info=exc,
                )
                return
            log.error("request %s failed", request_id(), exc_info=exc)
            await _crash_reply(scope)(scope, receive, watched_send)


def _crash_reply(scope: Scope) -> Response:
    """500 as the error page for a browser, in the protocol's shape for everyone else."""
    request = Request(scope)
    if wants_html(request):
        try:
            message = webtexts.text(language(request))["error_crash"]
            return error_page(request, 500, message.format(request_id=request_id()))
        except Exception as exc:
            # The page itself failed (a broken template): the plain answer still goes out.
            log.error("request %s: the error page failed too", request_id(), exc_info=exc)
    return error_response(500, "internal_error", "HQ failed to handle this request")
