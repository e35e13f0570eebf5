"""The alert inbox: alerts the user may see, open ones first, acknowledged by a click; and,
for admins and analysts, the rules that raise them."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hq import erasure, users
from hq.alerts import inbox, rules
from hq.context import HQContext
from hq.dashboard import webtexts
from hq.dashboard.deps import CheckedForm, Context, CurrentUser
from hq.dashboard.pages import PAGE_PATHS, PageError, PageRoute
from hq.dashboard.rendering import language, render
from hq.moments import utcnow
from hq.roles import ADMIN, ANALYST, Member

log = logging.getLogger("effortless.hq.dashboard")

router = APIRouter(route_class=PageRoute, include_in_schema=False)

NOTICES = {
    "acknowledged": "al_acknowledged",
    "added": "al_rule_added",
    "enabled": "al_rule_enabled",
    "disabled": "al_rule_disabled",
    "removed": "al_rule_removed",
}


def _viewer(user: users.Session) -> Member:
    return Member(user.user, user.role, None, user.stores)


def _manages_rules(user: users.Session) -> bool:
    return user.role in (ADMIN, ANALYST)


def _rule_manager(request: Request, user: users.Session) -> None:
    if not _manages_rules(user):
        raise PageError(403, webtexts.text(language(request))["al_rules_forbidden"])


@router.get(PAGE_PATHS["alerts"], name="alerts")
async def alerts_page(request: Request, user: CurrentUser, hq: Context) -> Response:
    return await _view(request, user, hq)


@router.post("/alerts/{alert_id}/acknowledge", name="alerts_acknowledge")
async def acknowledge(
    request: Request, user: CurrentUser, form: CheckedForm, hq: Context
) -> Response:
    alert_id = _number(request, "alert_id")
    done = await hq.in_thread(inbox.acknowledge, hq.database, alert_id, _viewer(user), utcnow())
    if not done:
        raise PageError(404, webtexts.text(language(request))["al_no_such_alert"])
    log.info("dashboard: %s acknowledged alert %d", user.user, alert_id)
    return RedirectResponse(f"/alerts?done=acknowledged#alert-{alert_id}", status_code=303)


@router.post("/alerts/rules", name="alerts_rule_add")
async def add_rule(request: Request, user: CurrentUser, form: CheckedForm, hq: Context) -> Response:
    _rule_manager(request, user)
    settings = {
        name: form[f"set_{name}"].strip()
        for name in rules.KINDS.get(form.get("kind", ""), {})
        if form.get(f"set_{name}", "").strip()
    }
    scope = form.get("scope", "chain")
    if scope != "chain":
        scope = f"{scope}:{form.get('scope_id', '').strip()}"
    try:
        rule = rules.check_rule(
            kind=form.get("kind", ""),
            scope=scope,
            settings=settings,
            name=form.get("name") or None,
            emails=[e for e in form.get("emails", "").replace(",", " ").split() if e],
            webhook_url=form.get("webhook_url", "").strip() or None,
            webhook_format=form.get("webhook_format") or None,
            quiet_hours=form.get("quiet_hours") or None,
            cooldown_minutes=form.get("cooldown_minutes", "").strip() or None,
            created_by=user.user,
        )
    except rules.RuleError as e:
        return await _view(request, user, hq, status=400, error=str(e), form=form)
    rule_id = await hq.in_thread(rules.add_rule, hq.database, rule)
    log.info("dashboard: %s added alert rule %d", user.user, rule_id)
    # Never the webhook's address or the e-mail addresses: a webhook URL is a secret.
    where = rule.scope if rule.scope_id is None else f"{rule.scope} {rule.scope_id}"
    await hq.in_thread(
        erasure.record,
        hq.database,
        user.user,
        "alert_rule_added",
        1,
        f"rule {rule_id}: {rule.kind} at {where}",
    )
    return RedirectResponse("/alerts?done=added", status_code=303)


@router.post("/alerts/rules/{rule_id}/{change}", name="alerts_rule_change")
async def change_rule(
    request: Request, user: CurrentUser, form: CheckedForm, hq: Context
) -> Response:
    _rule_manager(request, user)
    rule_id = _number(request, "rule_id")
    change = request.path_params["change"]
    if change == "remove":
        done = await hq.in_thread(rules.remove_rule, hq.database, rule_id)
    elif change in ("enable", "disable"):
        done = await hq.in_thread(rules.set_enabled, hq.database, rule_id, change == "enable")
    else:
        raise PageError(404, webtexts.text(language(request))["al_no_such_rule"])
    if not done:
        raise PageError(404, webtexts.text(language(request))["al_no_such_rule"])
    log.info("dashboard: %s %sd alert rule %d", user.user, change, rule_id)
    await hq.in_thread(
        erasure.record, hq.database, user.user, f"alert_rule_{change}d", 1, f"rule {rule_id}"
    )
    return RedirectResponse(f"/alerts?done={change}d", status_code=303)


def _number(request: Request, name: str) -> int:
    raw = str(request.path_params[name])
    if not raw.isdigit() or len(raw) > 9:
        key = "al_no_such_alert" if name == "alert_id" else "al_no_such_rule"
        raise PageError(404, webtexts.text(language(request))[key])
    return int(raw)


async def _view(
    request: Request,
    user: users.Session,
    hq: HQContext,
    *,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    found = await hq.in_thread(inbox.inbox, hq.database, _viewer(user))
    manages = _manages_rules(user)
    listed = await hq.in_thread(rules.all_rules, hq.database) if manages else []
    values: dict[str, Any] = {
        "session": user,
        "page": "alerts",
        "pages": PAGE_PATHS,
        "query": "",
        "alerts": found,
        "open_count": sum(1 for a in found if a.is_open),
        "rules": listed,
        "manages_rules": manages,
        "kinds": rules.KINDS,
        "scopes": rules.SCOPES,
        "formats": rules.FORMATS,
        "default_cooldown": rules.DEFAULT_COOLDOWN_MINUTES,
        "notice": NOTICES.get(request.query_params.get("done", "")),
        "error": error,
        "form": form or {},
    }
    return render(request, "alerts.html", status=status, **values)
