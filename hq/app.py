"""The HQ HTTP API (docs/protocol.md), as a FastAPI application.

Endpoints read their bodies themselves (within a size limit) and check them with
hq.validate, so every error has the protocol's shape and a bad answer is refused on
its own. Database work runs in worker threads, at most as many at once as the store has
connections.

Logs name the request id, the kiosk and counts; never a request body or a comment.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ces import __version__
from hq import actions, assignment, schemas
from hq.assignment import Assignments
from hq.body import BodyError, BodyTimeout, parse_json, read_capped
from hq.dashboard import add_dashboard
from hq.db.database import (
    POOL_SIZE,
    EnrolledKiosk,
    EnrolRefused,
    HQDatabase,
    Result,
    WritesFailing,
    describe_error,
    is_unavailable,
)
from hq.moments import iso_ms, utcnow
from hq.surveys import SurveyCatalog
from hq.throttle import AddressThrottle, Limits
from hq.validate import (
    MAX_ANSWERS,
    DuplicateKeys,
    Invalid,
    answer_id_of,
    check_answer,
    check_enrolment,
    check_heartbeat,
    field_name,
    latest_answer,
)

log = logging.getLogger("effortless.hq.api")

MAX_RESPONSES_BYTES = 1024 * 1024
MAX_ENROL_BYTES = 4 * 1024
MAX_HEARTBEAT_BYTES = 16 * 1024
MAX_TOKEN_CHARS = 512
RETRY_AFTER_S = 5

ENROL_REFUSALS: dict[str, tuple[int, str]] = {
    "unknown_code": (404, "no such enrolment code"),
    "code_used": (409, "this code was already used; a code works once"),
    "code_expired": (410, "code expired — ask HQ for a new one"),
    "kiosk_revoked": (403, "this kiosk was revoked at HQ"),
}

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,128}")

T = TypeVar("T")


# --- responses in the protocol's shapes --------------------------------------------------


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
        status_code=status,
        headers=headers,
        media_type="application/json",
    )


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    return json_response(status, {"error": code, "message": message}, headers)


class Refusal(Exception):
    """Ends a request with an error response."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self.response = error_response(status, code, message, headers)
        super().__init__(message)


def _unauthorized(message: str) -> Refusal:
    return Refusal(401, "unauthorized", message, {"WWW-Authenticate": "Bearer"})


def _results_body(results: list[Result]) -> bytes:
    # Built by hand: ids are checked UUIDs and statuses fixed words, so only errors need
    # escaping, and this is several times faster than json.dumps on 500 small dicts.
    parts = []
    for r in results:
        shown_id = "null" if r.id is None else f'"{r.id}"'
        if r.error is None:
            parts.append(f'{{"id":{shown_id},"status":"{r.status}"}}')
        else:
            error = json.dumps(r.error, ensure_ascii=False)
            parts.append(f'{{"id":{shown_id},"status":"{r.status}","error":{error}}}')
    return ('{"results":[' + ",".join(parts) + "]}").encode("utf-8")


# --- request ids --------------------------------------------------------------------------


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
        request_id = given if _REQUEST_ID_RE.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        header = (b"x-request-id", request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)


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
                    _request_id.get(),
                    exc_info=exc,
                )
                return
            log.error("request %s failed", _request_id.get(), exc_info=exc)
            reply = error_response(500, "internal_error", "HQ failed to handle this request")
            await reply(scope, receive, watched_send)


# --- the application --------------------------------------------------------------------


def create_app(
    store: HQDatabase, surveys: SurveyCatalog, *, limits: Limits | None = None
) -> FastAPI:
    limits = limits or Limits()
    limiters: dict[str, anyio.CapacityLimiter] = {}
    enrol_throttle = AddressThrottle(limits.enrol_burst, limits.enrol_per_minute)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Made inside the event loop. Store calls are bounded by the connection pool.
        limiters["store"] = anyio.CapacityLimiter(POOL_SIZE)
        limiters["ingest"] = anyio.CapacityLimiter(store.concurrent_writers)
        yield

    app = FastAPI(
        title="Effortless HQ",
        version=__version__,
        summary="Collects the answers of Effortless CES kiosks (protocol v1).",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    # Inside RequestIdMiddleware, so a crash is logged and answered with the request id.
    app.add_middleware(CrashMiddleware)
    app.add_middleware(RequestIdMiddleware)
    assigned = Assignments(surveys)
    surveys_json: dict[str, str] = {}

    def offered_json(touchpoint: str) -> str:
        found = surveys_json.get(touchpoint)
        if found is None:
            found = json.dumps(
                assigned.documents(touchpoint), separators=(",", ":"), ensure_ascii=False
            )
            if len(surveys_json) < 10_000:
                surveys_json[touchpoint] = found
        return found

    async def in_thread(func: Callable[..., T], *args: Any, pool: str = "store") -> T:
        """Run store work in a worker thread; a database that does not answer is a 503."""
        try:
            return await anyio.to_thread.run_sync(func, *args, limiter=limiters[pool])
        except WritesFailing as exc:
            # /healthz says so too, and `ces-hq db check` says what is damaged; a kiosk
            # keeps the answers and sends them again later.
            log.error("request %s: the database does not take writes: %s", _request_id.get(), exc)
            raise Refusal(
                503,
                "unavailable",
                "the database does not take writes; try again later",
                {"Retry-After": str(RETRY_AFTER_S)},
            ) from None
        except Exception as exc:
            if is_unavailable(exc):
                log.error(
                    "request %s: the database did not answer: %s",
                    _request_id.get(),
                    describe_error(exc),
                )
                raise Refusal(
                    503,
                    "unavailable",
                    "the database did not answer; try again later",
                    {"Retry-After": str(RETRY_AFTER_S)},
                ) from None
            raise

    async def authenticate(request: Request) -> EnrolledKiosk:
        header = request.headers.get("authorization")
        if header is None:
            log.warning("request %s: no bearer token", _request_id.get())
            raise _unauthorized("send Authorization: Bearer <token>")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
            log.warning("request %s: malformed Authorization header", _request_id.get())
            raise _unauthorized("send Authorization: Bearer <token>")
        kiosk = await in_thread(store.authenticate, token)
        if kiosk is None:
            log.warning("request %s: unknown or revoked token", _request_id.get())
            raise _unauthorized("unknown or revoked token")
        return kiosk

    async def read_json(request: Request, limit: int) -> Any:
        return parse_json(await read_capped(request, limit))

    @app.exception_handler(Refusal)
    async def on_refusal(_request: Request, exc: Refusal) -> Response:
        return exc.response

    @app.exception_handler(BodyError)
    async def on_body_error(_request: Request, exc: BodyError) -> Response:
        log.warning("request %s: %s %s: %s", _request_id.get(), exc.status, exc.code, exc.message)
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed"}
        return error_response(
            exc.status_code,
            codes.get(exc.status_code, "http_error"),
            str(exc.detail),
            dict(exc.headers or {}),
        )

    @app.exception_handler(BodyTimeout)
    async def on_body_timeout(_request: Request, exc: BodyTimeout) -> Response:
        # A slow or vanished client, not an HQ problem: one INFO line.
        log.info("request %s: %s %s: %s", _request_id.get(), exc.status, exc.code, exc.message)
        return error_response(exc.status, exc.code, exc.message, {"Connection": "close"})

    @app.exception_handler(ClientDisconnect)
    async def on_client_gone(_request: Request, _exc: ClientDisconnect) -> Response:
        log.info("request %s: client disconnected before the body was complete", _request_id.get())
        # Nobody is left to read it; uvicorn drops it.
        return Response(status_code=400)

    # -- enrolment ---------------------------------------------------------------------

    @app.post(
        "/api/v1/enroll",
        summary="Enrol a kiosk with a one-time code",
        responses={
            200: {"model": schemas.EnrolReply},
            400: {"model": schemas.Error},
            403: {"model": schemas.Error},
            404: {"model": schemas.Error},
            409: {"model": schemas.Error},
            410: {"model": schemas.Error},
            413: {"model": schemas.Error},
            429: {"model": schemas.Error},
        },
    )
    async def enroll(request: Request) -> Response:
        address = request.client.host if request.client else None
        verdict = enrol_throttle.take(address)
        if not verdict.allowed:
            if verdict.first_refusal:
                log.warning(
                    "request %s: enrolment attempts throttled for %s", _request_id.get(), address
                )
            return error_response(
                429,
                "too_many_requests",
                f"too many enrolment attempts from this address; "
                f"try again in {verdict.retry_after} s",
                {"Retry-After": str(verdict.retry_after)},
            )
        doc = await read_json(request, MAX_ENROL_BYTES)
        try:
            code = check_enrolment(doc)
        except Invalid as e:
            raise BodyError(400, "bad_request", str(e)) from None
        try:
            enrolment = await in_thread(store.enrol, code)
        except EnrolRefused as refused:
            status, message = ENROL_REFUSALS[refused.reason]
            log.warning("request %s: enrolment refused: %s", _request_id.get(), refused.reason)
            return error_response(status, refused.reason, message)
        enrol_throttle.give_back(address)
        log.info(
            "request %s: kiosk %s enrolled (store %s, touchpoint %s)",
            _request_id.get(),
            enrolment.kiosk_id,
            enrolment.store,
            enrolment.touchpoint,
        )
        return json_response(
            200,
            {
                "kiosk_id": enrolment.kiosk_id,
                "token": enrolment.token,
                "store": enrolment.store,
                "touchpoint": enrolment.touchpoint,
            },
            {"Cache-Control": "no-store"},
        )

    # -- answers -----------------------------------------------------------------------

    def ingest(kiosk: EnrolledKiosk, body: bytes) -> tuple[bytes, int, int, int, str | None]:
        """Parse, check and store a batch (in a worker thread: it is all CPU and database)."""
        doc = parse_json(body)
        if isinstance(doc, DuplicateKeys):
            raise BodyError(400, "bad_request", f"{field_name(doc.duplicate)}: field appears twice")
        if type(doc) is not dict:
            raise BodyError(400, "bad_request", 'expected an object {"responses": [...]}')
        if "responses" not in doc:
            raise BodyError(400, "bad_request", "responses: required field is missing")
        unknown = [k for k in doc if k != "responses"]
        if unknown:
            raise BodyError(400, "bad_request", f"{field_name(unknown[0])}: unknown field")
        items = doc["responses"]
        if type(items) is not list:
            raise BodyError(400, "bad_request", "responses: expected a list of answers")
        if len(items) > MAX_ANSWERS:
            raise BodyError(
                413,
                "too_large",
                f"{len(items)} answers in one request; the limit is {MAX_ANSWERS}",
            )
        results: list[Result | None] = []
        valid: list[dict[str, Any]] = []
        first_error: str | None = None
        latest = latest_answer()
        offered = assigned.survey_ids(kiosk.touchpoint)
        for item in items:
            try:
                answer = check_answer(item, surveys.rules, latest)
            except Invalid as e:
                results.append(Result(answer_id_of(item), "rejected", str(e)))
                first_error = first_error or str(e)
                continue
            if answer["survey_id"] not in offered:
                error = assignment.rejection(answer["survey_id"], kiosk.touchpoint)
                results.append(Result(answer["id"], "rejected", error))
                first_error = first_error or error
                continue
            valid.append(answer)
            results.append(None)
        stored = iter(store.ingest(kiosk, valid))
        merged = [r if r is not None else next(stored) for r in results]
        new = sum(r.status == "new" for r in merged)
        duplicate = sum(r.status == "duplicate" for r in merged)
        rejected = len(merged) - new - duplicate
        if first_error is None:
            first_error = next((r.error for r in merged if r.error), None)
        return _results_body(merged), new, duplicate, rejected, first_error

    @app.post(
        "/api/v1/responses",
        summary="Send a batch of answers",
        responses={
            200: {"model": schemas.ResponsesReply},
            400: {"model": schemas.Error},
            401: {"model": schemas.Error},
            413: {"model": schemas.Error},
        },
    )
    async def post_responses(request: Request) -> Response:
        started = time.perf_counter()
        kiosk = await authenticate(request)
        body = await read_capped(request, MAX_RESPONSES_BYTES)
        reply, new, duplicate, rejected, first_error = await in_thread(
            ingest, kiosk, body, pool="ingest"
        )
        log.info(
            "request %s: kiosk %s: %d new, %d duplicate, %d rejected in %.1f ms",
            _request_id.get(),
            kiosk.id,
            new,
            duplicate,
            rejected,
            (time.perf_counter() - started) * 1000,
        )
        if rejected:
            log.warning(
                "request %s: kiosk %s: %d answers rejected; the first: %s",
                _request_id.get(),
                kiosk.id,
                rejected,
                first_error,
            )
        return Response(reply, media_type="application/json")

    # -- heartbeat and config ------------------------------------------------------------

    @app.post(
        "/api/v1/heartbeat",
        summary="Report the kiosk's queue, versions and clock",
        responses={
            200: {"model": schemas.HeartbeatReply},
            400: {"model": schemas.Error},
            401: {"model": schemas.Error},
            413: {"model": schemas.Error},
        },
    )
    async def heartbeat(request: Request) -> Response:
        kiosk = await authenticate(request)
        doc = await read_json(request, MAX_HEARTBEAT_BYTES)
        try:
            beat = check_heartbeat(doc)
        except Invalid as e:
            raise BodyError(400, "bad_request", str(e)) from None
        now = utcnow()
        await in_thread(store.heartbeat, kiosk, beat, now)
        log.info(
            "request %s: kiosk %s heartbeat: queue %d, app %s",
            _request_id.get(),
            kiosk.id,
            beat.queue_depth,
            beat.app_version,
        )
        return json_response(200, {"server_time": iso_ms(now)})

    @app.get(
        "/api/v1/config",
        summary="The kiosk's store, touchpoint and surveys",
        responses={
            200: {"model": schemas.ConfigReply},
            304: {"description": "not modified (If-None-Match matched the ETag)"},
            401: {"model": schemas.Error},
        },
    )
    async def config(request: Request) -> Response:
        kiosk = await authenticate(request)
        await in_thread(store.seen, kiosk)
        messages = await in_thread(
            actions.messages_for, store, kiosk.store, kiosk.touchpoint, utcnow().date()
        )
        head = json.dumps(
            {"kiosk_id": kiosk.id, "store": kiosk.store, "touchpoint": kiosk.touchpoint},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        tail = json.dumps(messages, separators=(",", ":"), ensure_ascii=False)
        offered = offered_json(kiosk.touchpoint)
        body = (head[:-1] + ',"surveys":' + offered + ',"messages":' + tail + "}").encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if _etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    # -- health -----------------------------------------------------------------------

    @app.get(
        "/healthz",
        summary="Whether HQ and its database answer and take writes (HEAD too)",
        responses={200: {"model": schemas.Health}, 503: {"model": schemas.Error}},
    )
    async def healthz() -> Response:
        try:
            failure = await in_thread(store.ready)
        except Refusal as refusal:
            return refusal.response
        if failure is not None:
            # Not logged: the write that failed was, and a load balancer polls this.
            return error_response(
                503,
                "unavailable",
                f"the database does not take writes: {failure}",
                {"Retry-After": str(RETRY_AFTER_S)},
            )
        return json_response(200, {"status": "ok"})

    # For load balancers that probe with HEAD; the server leaves the body out.
    app.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)

    add_dashboard(app, store, surveys, in_thread, limits)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _etag_matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    if header.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 asks for If-None-Match.
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in candidates


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the request bodies, which the endpoints read themselves."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description="Sync protocol v1 between Effortless kiosks and HQ; see docs/protocol.md.",
        routes=app.routes,
    )
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    for path, model in schemas.REQUEST_BODIES.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
        doc["paths"][path]["post"]["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    security = {"bearer": {"type": "http", "scheme": "bearer"}}
    doc["components"]["securitySchemes"] = security
    for path in ("/api/v1/responses", "/api/v1/heartbeat", "/api/v1/config"):
        for operation in doc["paths"][path].values():
            operation["security"] = [{"bearer": []}]
    app.openapi_schema = doc
    return doc
