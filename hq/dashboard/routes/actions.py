"""The actions page: improvements recorded at HQ, their effect, and messages for kiosks."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ces.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES, YOU_SAID
from hq import actions, erasure, storeinfo
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
    chosen = [s for s in form.get("stores", "").split("\n") if s]
    if user.stores is not None and (not chosen or not set(chosen) <= user.stores):
        # A store manager's actions are for their own stores, named (none: every store).
        t = webtexts.text(language(request))
        return await _actions_view(
            request, page, hq, status=400, error=t["a_own_stores"], form=form
        )
    try:
        started = _form_date(form, "started_on", required=True)
        assert started is not None
        until = _form_date(form, "message_until")
        touchpoint = form.get("touchpoint") or None
        await hq.in_thread(
            lambda: actions.record(
                hq.database,
                title=form.get("title", ""),
                started_on=started,
                created_by=user.user,
                stores=[s for s in form.get("stores", "").split("\n") if s],
                touchpoint=touchpoint,
                # Every language posted: one no survey has is refused, not dropped unseen.
                message={loc: form.get(f"message_{loc}", "") for loc in SUPPORTED_LOCALES},
                message_until=until,
                locales=message_locales(hq),
                owner=form.get("owner"),
                factor=form.get("factor"),
                status=form.get("status", "in_progress"),
                factors=actions.factor_ids(hq.surveys, touchpoint),
            )
        )
    except actions.ActionError as e:
        t = webtexts.text(language(request))
        error = f"{e.field}: {t[e.text_key]}" if e.text_key else str(e)
        return await _actions_view(request, page, hq, status=400, error=error, form=form)
    log.info("dashboard: %s recorded an action", user.user)
    await hq.in_thread(
        erasure.record,
        hq.database,
        user.user,
        "action_recorded",
        1,
        "stores: " + (", ".join(chosen[:20]) or "every store"),
    )
    return RedirectResponse("/actions?done=saved", status_code=303)


@router.post("/actions/{action_id}/details", name="actions_update")
async def update_action(
    request: Request, user: CurrentUser, form: CheckedForm, page: ActionsPage, hq: Context
) -> Response:
    """Status, owner and factor of a recorded action (its date and stores stay)."""
    action_id = _action_id(request)
    found = await hq.in_thread(actions.find, hq.database, action_id)
    if found is None or not sees(request, found):
        raise PageError(404, "no such action")
    try:
        changed = await hq.in_thread(
            lambda: actions.update(
                hq.database,
                action_id,
                status=form.get("status"),
                owner=form.get("owner"),
                factor=form.get("factor"),
                factors=actions.factor_ids(hq.surveys, found.touchpoint),
            )
        )
    except actions.ActionError as e:
        return await _actions_view(request, page, hq, status=400, error=f"{found.title[:60]}: {e}")
    if not changed:
        raise PageError(404, "no such action")
    log.info("dashboard: %s updated action %d", user.user, action_id)
    await hq.in_thread(
        erasure.record, hq.database, user.user, "action_updated", 1, f"action {action_id}"
    )
    return RedirectResponse(f"/actions?done=updated#action-{action_id}", status_code=303)


@router.get("/actions/{action_id}/delete", name="actions_confirm")
async def confirm_delete(request: Request, page: ActionsPage, hq: Context) -> Response:
    """Asks before removing (the list's "Remove" leads here; with JS it asks in a dialog)."""
    action_id = _action_id(request)
    found = await hq.in_thread(actions.all_actions, hq.database)
    action = next((a for a in found if a.id == action_id and sees(request, a)), None)
    if action is None:
        raise PageError(404, "no such action")
    return render(request, "action_remove.html", action=action, **page.values)


@router.post("/actions/{action_id}/delete", name="actions_delete")
async def delete_action(
    request: Request, user: CurrentUser, form: CheckedForm, hq: Context
) -> Response:
    action_id = _action_id(request)
    found = await hq.in_thread(actions.all_actions, hq.database)
    if not any(a.id == action_id and sees(request, a) for a in found):
        raise PageError(404, "no such action")
    if not await hq.in_thread(actions.remove, hq.database, action_id):
        raise PageError(404, "no such action")
    log.info("dashboard: %s removed action %d", user.user, action_id)
    await hq.in_thread(
        erasure.record, hq.database, user.user, "action_removed", 1, f"action {action_id}"
    )
    return RedirectResponse("/actions?done=removed", status_code=303)


def sees(request: Request, action: actions.Action) -> bool:
    """Whether the signed-in user may see ``action``: a store manager only those of their
    own stores (one for every store, or also for another store, is measured on stores they
    may not see)."""
    stores: frozenset[str] | None = request.state.session.stores
    if stores is None:
        return True
    return bool(action.stores) and set(action.stores) <= stores


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

    def measured() -> list[actions.Effect]:
        found = actions.all_actions(hq.database)
        return [actions.effect(hq.database, a, day, found) for a in found if sees(request, a)]

    effects = await hq.in_thread(measured)
    lang = language(request)
    factors = {
        tp: _labelled(actions.factor_ids(hq.surveys, tp), lang)
        for tp in {e.action.touchpoint for e in effects} | {None}
    }
    notice = {"saved": "a_saved", "removed": "a_removed", "updated": "a_updated"}.get(
        request.query_params.get("done", "")
    )
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
        statuses=actions.STATUSES,
        factors=factors,
        max_owner=actions.MAX_OWNER_CHARS,
        # A store manager sees the effect, not the other stores' own figures behind it.
        restricted=page.f.stores is not None,
        **page.values,
    )


def _labelled(found: dict[str, dict[str, str]], lang: str) -> list[tuple[str, str]]:
    """Factor ids with their label in ``lang`` (else English, else the id), by label."""
    shown = [(i, labels.get(lang) or labels.get("en") or i) for i, labels in found.items()]
    return sorted(shown, key=lambda pair: (pair[1].casefold(), pair[0]))


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
