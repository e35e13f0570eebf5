"""The admins' pages: users with their roles, stores and e-mail addresses, and the audit log
of what admins changed (hq.roles, hq.erasure's audit_log)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hq import erasure, roles, users
from hq.dashboard import webtexts
from hq.dashboard.deps import ADMIN_ONLY, AdminUser, CheckedForm, Context
from hq.dashboard.pages import PAGE_PATHS, PageError, PageRoute
from hq.dashboard.rendering import language, render

log = logging.getLogger("effortless.hq.dashboard")

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=[ADMIN_ONLY])

# The audit page shows the latest lines; ces-hq audit --limit reads further back.
AUDIT_LINES = 500


@router.get(PAGE_PATHS["users"], name="users")
async def users_page(request: Request, user: AdminUser, hq: Context) -> Response:
    return await _view(request, user, hq)


@router.post("/users/{name}", name="users")
async def set_user(
    request: Request, name: str, user: AdminUser, form: CheckedForm, hq: Context
) -> Response:
    try:
        users.check_name(name)
    except users.UserError:
        raise PageError(404, webtexts.text(language(request))["u_no_user"]) from None
    was = await hq.in_thread(roles.member, hq.database, name)
    if was is None:
        raise PageError(404, webtexts.text(language(request))["u_no_user"])
    role = form.get("role", "")
    stores = roles.parse_stores(form.get("stores", "")) if role == roles.STORE_MANAGER else []
    email = form.get("email", "")
    try:
        await hq.in_thread(
            lambda: roles.set_member(hq.database, name, role=role, stores=stores, email=email)
        )
    except roles.RoleError as e:
        t = webtexts.text(language(request))
        return await _view(
            request, user, hq, status=400, error=(name, t.get(f"u_err_{e.key}", str(e))), form=form
        )
    now = await hq.in_thread(roles.member, hq.database, name)
    if now is not None and now != was:
        detail = f"{name}: " + roles.describe(now.role, now.stores or (), now.email)
        await hq.in_thread(erasure.record, hq.database, user.user, "user_changed", 1, detail)
        log.info("dashboard: %s changed the role of user %s", user.user, name)
    return RedirectResponse(f"{PAGE_PATHS['users']}?done=saved#user-{name}", status_code=303)


@router.get(PAGE_PATHS["audit"], name="audit")
async def audit_page(request: Request, user: AdminUser, hq: Context) -> Response:
    entries = await hq.in_thread(erasure.audit_entries, hq.database, AUDIT_LINES)
    return render(
        request,
        "audit.html",
        entries=entries,
        limit=AUDIT_LINES,
        **_around(user, "audit"),
    )


async def _view(
    request: Request,
    user: users.Session,
    hq: Context,
    status: int = 200,
    error: tuple[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    found = await hq.in_thread(roles.members, hq.database)
    notice = "u_saved" if request.query_params.get("done") == "saved" else None
    return render(
        request,
        "users.html",
        status=status,
        members=found,
        roles=roles.ROLES,
        notice=notice,
        error=error,
        form=form or {},
        **_around(user, "users"),
    )


def _around(user: users.Session, page: str) -> dict[str, Any]:
    """What base.html shows around the page: the navigation, without the filters."""
    return {"session": user, "page": page, "pages": PAGE_PATHS, "query": ""}
