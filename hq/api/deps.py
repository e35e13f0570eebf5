"""The API's dependencies: the shared context and the kiosk a bearer token belongs to."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import Request

from hq.api.replies import Refusal
from hq.body import parse_json, read_capped
from hq.context import Context
from hq.db.database import EnrolledKiosk
from hq.middleware import request_id

__all__ = ["Context", "CurrentKiosk", "read_json"]

log = logging.getLogger("effortless.hq.api")

MAX_TOKEN_CHARS = 512


def _unauthorized(message: str) -> Refusal:
    return Refusal(401, "unauthorized", message, {"WWW-Authenticate": "Bearer"})


async def authenticated_kiosk(request: Request, hq: Context) -> EnrolledKiosk:
    """The enrolled kiosk whose token the request carries, or 401."""
    header = request.headers.get("authorization")
    if header is None:
        log.warning("request %s: no bearer token", request_id())
        raise _unauthorized("send Authorization: Bearer <token>")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        log.warning("request %s: malformed Authorization header", request_id())
        raise _unauthorized("send Authorization: Bearer <token>")
    kiosk = await hq.in_thread(hq.database.authenticate, token)
    if kiosk is None:
        log.warning("request %s: unknown or revoked token", request_id())
        raise _unauthorized("unknown or revoked token")
    return kiosk


CurrentKiosk = Annotated[EnrolledKiosk, Depends(authenticated_kiosk)]


async def read_json(request: Request, limit: int) -> Any:
    return parse_json(await read_capped(request, limit))
