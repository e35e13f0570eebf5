"""The actions page: improvements recorded at HQ, their effect, and messages for kiosks."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ces.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES, YOU_SAID
from hq import actions, storeinfo
from hq.context import HQContext
from hq.dashboard import webtexts
from hq.dashboard.deps import CheckedForm, Context, CurrentUser, PageContext, page_of
from hq.dashboard.filters import today
from hq.dashboard.pages import PAGE_PATHS, PageError, PageRoute
from hq.dashboard.rendering import language, render

log = logging.getLogger("effortless.hq.dashboard")

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ActionsPage = Annotated[PageContext, page_of("actions")]


@router.get(PAGE_PATHS["actions"], name="actions")
async def actions_page(request: Request, page: ActionsPage, hq: Context) -> Response:
    return await _actions_view(request, page, hq)


@router.post("/actions", name="actions_post")
async def record_action(
    request: Request, user: CurrentUser, form: CheckedForm, page: ActionsPage, hq: Context
) -> Response:
    try:
        started = _form_date(form, "started_on", required=True)
        assert started is not None
        until = _form_date(form, "message_until")
        await hq.in_thread(
            lambda: actions.record(
                hq.database,
                title=form.get("title", ""),
                started_on=started,
                created_by=user.user,
                stores=[s for s in form.get("stores", "").split("\n") if s],
                touchpoint=form.get("touchpoint") or None,
                # Every language posted: one no survey has is refused, not dropped unseen.
                message={loc: form.get(f"message_{loc}", "") for loc in SUPPORTED_LOCALES},
                message_until=until,
                locales=message_locales(hq),
            )
        )
    except actions.ActionError as e:
        t = webtexts.text(language(request))
        error = f"{e.field}: {t[e.text_key]}" if e.text_key else str(e)
        return await _actions_view(request, page, hq, status=400, error=error, form=form)
    log.info("dashboard: %s recorded an action", user.user)
    return RedirectResponse("/actions?done=saved", status_code=303)


@router.get("/actions/{action_id}/delete", name="actions_confirm")
async def confirm_delete(request: Request, page: ActionsPage, hq: Context) -> Response:
    """Asks before removing (the list's "Remove" leads here; with JS it asks in a dialog)."""
    action_id = _action_id(request)
    found = await hq.in_thread(actions.all_actions, hq.database)
    action = next((a for a in found if a.id == action_id), None)
    if action is None:
        raise PageError(404, "no such action")
    return render(request, "action_remove.html", action=action, **page.values)


@router.post("/actions/{action_id}/delete", name="actions_delete")
async def delete_action(
    request: Request, user: CurrentUser, form: CheckedForm, hq: Context
) -> Response:
    action_id = _action_id(request)
    if not await hq.in_thread(actions.remove, hq.database, action_id):
        raise PageError(404, "no such action")
    log.info("dashboard: %s removed action %d", user.user, action_id)
    return RedirectResponse("/actions?done=removed", status_code=303)


def _action_id(request: Request) -> int:
    try:
        return int(request.path_params["action_id"])
    except ValueError:
        raise PageError(404, "no such action") from None


def message_locales(hq: HQContext) -> list[str]:
    """The languages a message can be in: those of the surveys HQ serves (a kiosk shows a
    message in its shopper's language, which is one of its survey's)."""
    spoken = {loc for survey in hq.surveys.by_id.values() for loc in survey.locales}
    return [loc for loc in SUPPORTED_LOCALES if loc in spoken]


async def _actions_view(
    request: Request,
    page: PageContext,
    hq: HQContext,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    day = today(await hq.in_thread(storeinfo.chain_zone, hq.database))
    effects = await hq.in_thread(
        lambda: [actions.effect(hq.database, a, day) for a in actions.all_actions(hq.database)]
    )
    notice = {"saved": "a_saved", "removed": "a_removed"}.get(request.query_params.get("done", ""))
    return render(
        request,
        "actions.html",
        status=status,
        effects=effects,
        error=error,
        form=form or {"started_on": day.isoformat()},
        window=actions.WINDOW_DAYS,
        notice=notice,
        locales=message_locales(hq),
        endonyms=LANGUAGE_NAMES,
        prefixes=YOU_SAID,
        max_chars=actions.MAX_MESSAGE_CHARS,
        **page.values,
    )


def _form_date(form: dict[str, str], field: str, required: bool = False) -> date | None:
    raw = form.get(field, "").strip()
    if not raw:
        if required:
            raise actions.ActionError(field, "a date is needed")
        return None
    if len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise actions.ActionError(field, "expected a date as YYYY-MM-DD")
