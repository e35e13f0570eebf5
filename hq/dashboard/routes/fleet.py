"""The fleet page: every kiosk, when it was last heard from, which survey version it runs,
and which are silent; moving a kiosk to another touchpoint (asked first, then done)."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hq import erasure, kiosk_moves
from hq.dashboard import insights, webtexts
from hq.dashboard.deps import ADMIN_ONLY, CheckedForm, Context, CurrentUser, PageContext, page_of
from hq.dashboard.pages import PAGE_PATHS, PageError, PageRoute
from hq.dashboard.rendering import language, render
from hq.db.database import KioskInfo, UnknownKiosk
from hq.moments import utcnow

log = logging.getLogger("effortless.hq.dashboard")

router = APIRouter(route_class=PageRoute, include_in_schema=False)

FleetPage = Annotated[PageContext, page_of("fleet")]


@router.get(PAGE_PATHS["fleet"], name="fleet")
async def fleet(request: Request, user: CurrentUser, page: FleetPage, hq: Context) -> Response:
    rows = await hq.in_thread(insights.fleet, hq.database, utcnow(), user.stores)
    notice = "mv_done" if request.query_params.get("done") == "moved" else None
    return render(
        request,
        "fleet.html",
        rows=rows,
        silent=sum(r.silent for r in rows),
        expected=insights.SILENT_EXPECTED,
        notice=notice,
        **page.values,
    )


@router.get("/fleet/{kiosk_id}/move", name="fleet_move_confirm", dependencies=[ADMIN_ONLY])
async def confirm_move(request: Request, kiosk_id: str, page: FleetPage, hq: Context) -> Response:
    """Asks where to and says what happens before moving (the fleet's "Move" leads here)."""
    kiosk = await _kiosk(hq, kiosk_id)
    return await _move_view(request, page, hq, kiosk)


@router.post("/fleet/{kiosk_id}/move", name="fleet_move", dependencies=[ADMIN_ONLY])
async def move(
    request: Request,
    kiosk_id: str,
    user: CurrentUser,
    form: CheckedForm,
    page: FleetPage,
    hq: Context,
) -> Response:
    kiosk = await _kiosk(hq, kiosk_id)
    touchpoint = form.get("touchpoint", "")
    try:
        await hq.in_thread(kiosk_moves.move, hq.database, kiosk.id, touchpoint, user.user)
    except kiosk_moves.MoveError as e:
        t = webtexts.text(language(request))
        return await _move_view(request, page, hq, kiosk, status=400, error=t[f"mv_err_{e.key}"])
    await hq.in_thread(
        erasure.record,
        hq.database,
        user.user,
        "kiosk_moved",
        1,
        f"kiosk {kiosk.id} at {kiosk.store}: {kiosk.touchpoint} to {touchpoint}",
    )
    log.info("dashboard: %s moved kiosk %s", user.user, kiosk.id)
    return RedirectResponse(f"{PAGE_PATHS['fleet']}?done=moved", status_code=303)


async def _kiosk(hq: Context, kiosk_id: str) -> KioskInfo:
    try:
        canonical = str(uuid.UUID(kiosk_id))
        return await hq.in_thread(hq.database.kiosk, canonical)
    except (ValueError, UnknownKiosk):
        raise PageError(404, "no such kiosk") from None


async def _move_view(
    request: Request,
    page: PageContext,
    hq: Context,
    kiosk: KioskInfo,
    status: int = 200,
    error: str | None = None,
) -> Response:
    if kiosk.status == "revoked":
        raise PageError(404, "the kiosk is revoked")
    choices = await hq.in_thread(kiosk_moves.touchpoints, hq.database)
    return render(
        request,
        "kiosk_move.html",
        status=status,
        kiosk=kiosk,
        destinations=[tp for tp in choices if tp != kiosk.touchpoint],
        error=error,
        **page.values,
    )
