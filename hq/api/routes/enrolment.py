"""POST /api/v1/enroll: a kiosk trades a one-time code for its token."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from hq import schemas
from hq.api.deps import Context, read_json
from hq.api.replies import error_response, json_response
from hq.body import BodyError
from hq.db.database import EnrolRefused
from hq.middleware import request_id
from hq.validate import Invalid, check_enrolment

log = logging.getLogger("effortless.hq.api")

router = APIRouter()

MAX_ENROL_BYTES = 4 * 1024

ENROL_REFUSALS: dict[str, tuple[int, str]] = {
    "unknown_code": (404, "no such enrolment code"),
    "code_used": (409, "this code was already used; a code works once"),
    "code_expired": (410, "code expired — ask HQ for a new one"),
    "kiosk_revoked": (403, "this kiosk was revoked at HQ"),
}


@router.post(
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
async def enroll(request: Request, hq: Context) -> Response:
    address = request.client.host if request.client else None
    verdict = hq.enrol_throttle.take(address)
    if not verdict.allowed:
        if verdict.first_refusal:
            log.warning("request %s: enrolment attempts throttled for %s", request_id(), address)
        return error_response(
            429,
            "too_many_requests",
            f"too many enrolment attempts from this address; try again in {verdict.retry_after} s",
            {"Retry-After": str(verdict.retry_after)},
        )
    doc = await read_json(request, MAX_ENROL_BYTES)
    try:
        code = check_enrolment(doc)
    except Invalid as e:
        raise BodyError(400, "bad_request", str(e)) from None
    try:
        enrolment = await hq.in_thread(hq.database.enrol, code)
    except EnrolRefused as refused:
        status, message = ENROL_REFUSALS[refused.reason]
        log.warning("request %s: enrolment refused: %s", request_id(), refused.reason)
        return error_response(status, refused.reason, message)
    hq.enrol_throttle.give_back(address)
    log.info(
        "request %s: kiosk %s enrolled (store %s, touchpoint %s)",
        request_id(),
        enrolment.kiosk_id,
        enrolment.store,
        enrolment.touchpoint,
    )
    reply = {
        "kiosk_id": enrolment.kiosk_id,
        "token": enrolment.token,
        "store": enrolment.store,
        "touchpoint": enrolment.touchpoint,
    }
    return json_response(200, reply, {"Cache-Control": "no-store"})
