"""GET /api/v1/config: a kiosk's store, touchpoint, surveys, messages and its store's
opening hours, with an ETag."""

from __future__ import annotations

import hashlib
import json

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from hq import actions, schemas, storeinfo
from hq.api.deps import Context, CurrentKiosk
from hq.context import HQContext
from hq.db.database import EnrolledKiosk
from hq.moments import utcnow

router = APIRouter()


@router.get(
    "/api/v1/config",
    summary="The kiosk's store, touchpoint and surveys",
    responses={
        200: {"model": schemas.ConfigReply},
        304: {"description": "not modified (If-None-Match matched the ETag)"},
        401: {"model": schemas.Error},
    },
)
async def config(request: Request, kiosk: CurrentKiosk, hq: Context) -> Response:
    await hq.in_thread(_seen, hq, kiosk)
    messages = await hq.in_thread(
        actions.messages_for, hq.database, kiosk.store, kiosk.touchpoint, utcnow().date()
    )
    head = json.dumps(
        {"kiosk_id": kiosk.id, "store": kiosk.store, "touchpoint": kiosk.touchpoint},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    store = await hq.in_thread(storeinfo.kiosk_store, hq.database, kiosk.store)
    tail = json.dumps(messages, separators=(",", ":"), ensure_ascii=False)
    offered = hq.assignments.documents_json(kiosk.touchpoint)
    published = hq.assignments.published(kiosk.touchpoint)
    runs = "" if published is None else f',"published":{json.dumps(published)}'
    if store.opening_hours is not None:
        # The zone only with the hours: the kiosk reads them on its store's wall clock.
        runs += f',"opening_hours":{json.dumps(store.opening_hours)}'
        runs += f',"time_zone":{json.dumps(store.time_zone)}'
    body = (head[:-1] + ',"surveys":' + offered + runs + ',"messages":' + tail + "}").encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _seen(hq: HQContext, kiosk: EnrolledKiosk) -> None:
    hq.database.seen(kiosk)
    hq.refresh_surveys()


def _etag_matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    if header.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 asks for If-None-Match.
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in candidates
