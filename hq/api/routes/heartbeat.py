"""POST /api/v1/heartbeat: a kiosk reports its queue, versions and clock."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from ces.timestamps import iso_utc
from hq import schemas
from hq.api.deps import Context, CurrentKiosk, read_json
from hq.api.replies import json_response
from hq.body import BodyError
from hq.middleware import request_id
from hq.moments import utcnow
from hq.validate import Invalid, check_heartbeat

log = logging.getLogger("effortless.hq.api")

router = APIRouter()

MAX_HEARTBEAT_BYTES = 16 * 1024


@router.post(
    "/api/v1/heartbeat",
    summary="Report the kiosk's queue, versions and clock",
    responses={
        200: {"model": schemas.HeartbeatReply},
        400: {"model": schemas.Error},
        401: {"model": schemas.Error},
        413: {"model": schemas.Error},
    },
)
async def heartbeat(request: Request, kiosk: CurrentKiosk, hq: Context) -> Response:
    doc = await read_json(request, MAX_HEARTBEAT_BYTES)
    try:
        beat = check_heartbeat(doc)
    except Invalid as e:
        raise BodyError(400, "bad_request", str(e)) from None
    now = utcnow()
    await hq.in_thread(hq.database.heartbeat, kiosk, beat, now)
    log.info(
        "request %s: kiosk %s heartbeat: queue %d, app %s",
        request_id(),
        kiosk.id,
        beat.queue_depth,
        beat.app_version,
    )
    return json_response(200, {"server_time": iso_utc(now)})
