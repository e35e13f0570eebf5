"""/login and /logout: a session cookie for an HQ user, checked on a pool of its own."""

from __future__ import annotations

import hmac
import logging
from functools import partial

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hq import hashpool, users
from hq.body import BodyError
from hq.context import Context, HQContext
from hq.dashboard import webtexts
from hq.dashboard.deps import SESSION_COOKIE, read_form
from hq.dashboard.pages import PageError
from hq.dashboard.rendering import language, render

log = logging.getLogger("effortless.hq.dashboard")

router = APIRouter(include_in_schema=False)

# Retry-After when every password check is busy: a check takes about half a second.
LOGIN_BUSY_RETRY_S = 1


@router.get("/login")
async def login_form(request: Request) -> Response:
    return render(request, "login.html", next=safe_next(request.query_params.get("next")))


@router.post("/login")
async def login(request: Request, hq: Context) -> Response:
    address = request.client.host if request.client else None
    # Before the form is read: a throttled address costs HQ next to nothing.
    verdict = hq.login_throttle.take(address)
    if not verdict.allowed:
        hq.metrics.count_login_failure("throttled")
        if verdict.first_refusal:
            log.warning("dashboard login attempts throttled for %s", address)
        t = webtexts.text(language(request))
        response = render(
            request,
            "login.html",
            status=429,
            error=t["login_throttled"].format(seconds=verdict.retry_after),
            next=safe_next(request.query_params.get("next")),
        )
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        form = await read_form(request)
    except (PageError, BodyError) as e:
        return render(request, "error.html", status=e.status, message=e.message)
    name, password = form.get("user", "").strip(), form.get("password", "")
    target = safe_next(form.get("next"))
    token = await _check_password(request, hq, name, password, target)
    if isinstance(token, Response):
        return token
    hq.login_throttle.give_back(address)
    log.info("dashboard login: %s", name)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=users.SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


async def _check_password(
    request: Request, hq: HQContext, name: str, password: str, target: str
) -> str | Response:
    """A new session's token, or the login page that says why not."""
    t = webtexts.text(language(request))
    try:
        # Admitted to the hashing pool before the attempt counts against the user, so
        # a busy pool costs nobody a try.
        async with hq.hash_pool.admission():
            hq.pool_full_logged = False
            attempt = await hq.in_thread(users.begin_login, hq.database, name)
            right = await hq.hash_pool.run(users.check_attempt, attempt, password)
            # A hash of older parameters is made again now, while the password is at hand.
            new_hash = await hq.hash_pool.run(users.rehashed, attempt, password) if right else None
            token: str = await hq.in_thread(
                partial(users.finish_login, new_hash=new_hash), hq.database, attempt, right
            )
            return token
    except hashpool.PoolFull:
        hq.metrics.count_login_failure("busy")
        if not hq.pool_full_logged:
            hq.pool_full_logged = True
            log.warning("dashboard logins refused: every password check is busy")
        response = render(
            request, "login.html", status=503, error=t["login_busy"], next=target, user=name
        )
        response.headers["Retry-After"] = str(LOGIN_BUSY_RETRY_S)
        return response
    except users.LoginRefused as refused:
        log.warning("dashboard login refused (%s)", refused.reason)
        hq.metrics.count_login_failure(refused.reason)
        if refused.reason == "locked" and refused.locked_until is not None:
            error = t["login_locked"].format(until=refused.locked_until.strftime("%H:%M"))
        else:
            error = t["login_wrong"]
        return render(request, "login.html", status=401, error=error, next=target, user=name)


@router.post("/logout")
async def logout(request: Request, hq: Context) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    session = await hq.in_thread(users.session, hq.database, token) if token else None
    if session is not None:
        form = await read_form(request)
        if hmac.compare_digest(form.get("csrf", ""), session.csrf):
            await hq.in_thread(users.log_out, hq.database, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def safe_next(target: str | None) -> str:
    """Only a path on this site (no //host, no scheme): an open redirect helps phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 32 for c in target) or len(target) > 2000:
        return "/"
    return target
