"""The HQ dashboard: server-rendered pages (Jinja2) over hq.insights.

Every page and export needs an HQ user's session (a cookie from /login); kiosk tokens open
nothing here. Charts are drawn by Chart.js, shipped in assets/hq/static, from numbers the
page also shows as a table. Forms that change something carry the session's CSRF token.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from fastapi import FastAPI
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.staticfiles import StaticFiles

from ces.assets import hq_static_dir, hq_templates_dir
from ces.scales import SCALES
from hq import actions, charts, export, hashpool, insights, stats, users, webtexts
from hq.body import BodyError, read_capped
from hq.db.database import HQDatabase
from hq.filters import FilterError, Filters, parse_filters, today
from hq.moments import utcnow
from hq.surveys import SurveyCatalog
from hq.throttle import AddressThrottle, Limits

log = logging.getLogger("effortless.hq.dashboard")

SESSION_COOKIE = "ces_session"
LANG_COOKIE = "ces_lang"
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 1000
# Retry-After when every password check is busy: a check takes about 50 ms.
LOGIN_BUSY_RETRY_S = 1
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
PAGES = ("overview", "factors", "priorities", "trend", "compare", "actions", "fleet", "comments")
PAGE_PATHS = {name: "/" if name == "overview" else f"/{name}" for name in PAGES}

Handler = Callable[..., Awaitable[Any]]


class _Redirect(Exception):
    def __init__(self, location: str) -> None:
        self.location = location


class _PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message


def add_dashboard(
    app: FastAPI,
    store: HQDatabase,
    surveys: SurveyCatalog,
    in_thread: Callable[..., Awaitable[Any]],
    limits: Limits | None = None,
) -> None:
    limits = limits or Limits()
    login_throttle = AddressThrottle(limits.login_burst, limits.login_per_minute)
    hash_pool = hashpool.HashPool(limits.hash_workers, limits.hash_queue)
    # One log line per stretch of refusals for a full pool, not one per refused login.
    pool_full_logged = False
    env = Environment(
        loader=FileSystemLoader(hq_templates_dir()),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app.mount("/static", StaticFiles(directory=hq_static_dir()), name="static")

    # -- helpers ------------------------------------------------------------------------

    def language(request: Request) -> str:
        return webtexts.choose_language(
            request.query_params.get("lang"),
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
        )

    def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        lang = language(request)
        page = env.get_template(template).render(
            t=webtexts.text(lang),
            lang=lang,
            languages=webtexts.LANGUAGE_NAMES[lang],
            fmt=lambda v, d=1: webtexts.number(v, lang, d),
            count=lambda v: webtexts.count(v, lang),
            path=request.url.path,
            lang_link=lambda code: _with_query(request, lang=code),
            **context,
        )
        response = HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
        return response

    async def signed_in(request: Request) -> users.Session:
        token = request.cookies.get(SESSION_COOKIE, "")
        found = await in_thread(users.session, store, token) if token else None
        if found is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise _Redirect("/login?" + urlencode({"next": target}))
        return found

    async def read_form(request: Request) -> dict[str, str]:
        body = await read_capped(request, MAX_FORM_BYTES)
        try:
            parsed = parse_qs(
                body.decode("utf-8"),
                keep_blank_values=True,
                strict_parsing=False,
                max_num_fields=MAX_FORM_FIELDS,
            )
        except (UnicodeDecodeError, ValueError):
            raise _PageError(400, "the form could not be read") from None
        out = {k: v[-1] for k, v in parsed.items() if k != "stores"}
        out["stores"] = "\n".join(parsed.get("stores", []))
        return out

    async def checked_form(request: Request, session: users.Session) -> dict[str, str]:
        form = await read_form(request)
        if not hmac.compare_digest(form.get("csrf", ""), session.csrf):
            lang = language(request)
            raise _PageError(403, webtexts.text(lang)["csrf"])
        return form

    def filters_of(request: Request) -> Filters:
        try:
            return parse_filters(dict(request.query_params))
        except FilterError as e:
            t = webtexts.text(language(request))
            raise _PageError(400, f"{t['bad_filter']}: {e}") from None

    def factor_labels(lang: str) -> dict[str, str]:
        labels: dict[str, str] = {}
        for survey in surveys.by_id.values():
            for factor in survey.factors:
                labels.setdefault(
                    factor.id, factor.label.get(lang) or next(iter(factor.label.values()))
                )
        return labels

    async def page_context(request: Request, session: users.Session, name: str) -> dict[str, Any]:
        f = filters_of(request)
        found = await in_thread(insights.choices, store)
        return {
            "session": session,
            "page": name,
            "pages": PAGE_PATHS,
            "f": f,
            "choices": found,
            "surveys": sorted(surveys.by_id),
            "query": urlencode(f.query()),
            "labels": factor_labels(language(request)),
            "min_n": stats.MIN_N,
            "scale_labels": {
                s.id: s.labels.get(language(request)) or s.labels["en"] for s in SCALES.values()
            },
            "bands": {s.id: {p: s.band(p).value for p in s.points} for s in SCALES.values()},
        }

    def page(name: str) -> Callable[[Handler], Handler]:
        """Wraps a page: session first, then timing and the error page."""

        def wrap(handler: Handler) -> Handler:
            async def endpoint(request: Request) -> Response:
                started = time.perf_counter()
                session: users.Session | None = None
                try:
                    session = await signed_in(request)
                    response: Response = await handler(request, session)
                except _Redirect as r:
                    return RedirectResponse(r.location, status_code=303)
                except (_PageError, BodyError) as e:
                    # With the navigation, so a bad filter is one click from a good page.
                    return render(
                        request,
                        "error.html",
                        status=e.status,
                        message=e.message,
                        session=session,
                        pages=PAGE_PATHS,
                        page=name,
                        query="",
                    )
                elapsed_ms = (time.perf_counter() - started) * 1000
                # Server side, before the body is sent: what bench/dashboard.py measures.
                response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
                log.debug("%s %s in %.1f ms", request.method, name, elapsed_ms)
                return response

            endpoint.__name__ = f"dashboard_{name}_{handler.__name__}"
            return endpoint

        return wrap

    # -- login -------------------------------------------------------------------------

    async def login_form(request: Request) -> Response:
        return render(request, "login.html", next=_safe_next(request.query_params.get("next")))

    async def login(request: Request) -> Response:
        nonlocal pool_full_logged
        t = webtexts.text(language(request))
        address = request.client.host if request.client else None
        # Before the form is read: a throttled address costs HQ next to nothing.
        verdict = login_throttle.take(address)
        if not verdict.allowed:
            if verdict.first_refusal:
                log.warning("dashboard login attempts throttled for %s", address)
            response = render(
                request,
                "login.html",
                status=429,
                error=t["login_throttled"].format(seconds=verdict.retry_after),
                next=_safe_next(request.query_params.get("next")),
            )
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        try:
            form = await read_form(request)
        except (_PageError, BodyError) as e:
            return render(request, "error.html", status=e.status, message=e.message)
        name, password = form.get("user", "").strip(), form.get("password", "")
        target = _safe_next(form.get("next"))
        try:
            # Admitted to the hashing pool before the attempt counts against the user, so
            # a busy pool costs nobody a try.
            async with hash_pool.admission():
                pool_full_logged = False
                attempt = await in_thread(users.begin_login, store, name)
                right = await hash_pool.run(users.check_attempt, attempt, password)
                token = await in_thread(users.finish_login, store, attempt, right)
        except hashpool.PoolFull:
            if not pool_full_logged:
                pool_full_logged = True
                log.warning("dashboard logins refused: every password check is busy")
            response = render(
                request, "login.html", status=503, error=t["login_busy"], next=target, user=name
            )
            response.headers["Retry-After"] = str(LOGIN_BUSY_RETRY_S)
            return response
        except users.LoginRefused as refused:
            log.warning("dashboard login refused (%s)", refused.reason)
            if refused.reason == "locked" and refused.locked_until is not None:
                error = t["login_locked"].format(until=refused.locked_until.strftime("%H:%M"))
            else:
                error = t["login_wrong"]
            return render(request, "login.html", status=401, error=error, next=target, user=name)
        login_throttle.give_back(address)
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

    async def logout(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE, "")
        session = await in_thread(users.session, store, token) if token else None
        if session is not None:
            form = await read_form(request)
            if hmac.compare_digest(form.get("csrf", ""), session.csrf):
                await in_thread(users.log_out, store, token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    app.add_api_route("/login", login_form, methods=["GET"], include_in_schema=False)
    app.add_api_route("/login", login, methods=["POST"], include_in_schema=False)
    app.add_api_route("/logout", logout, methods=["POST"], include_in_schema=False)

    # -- pages -------------------------------------------------------------------------

    @page("overview")
    async def overview(request: Request, session: users.Session) -> Response:
        ctx = await page_context(request, session, "overview")
        summaries = await in_thread(insights.overview, store, ctx["f"])
        drawn = {s.scale: charts.distribution(s) for s in summaries}
        return render(request, "overview.html", summaries=summaries, charts=drawn, **ctx)

    @page("factors")
    async def factors(request: Request, session: users.Session) -> Response:
        ctx = await page_context(request, session, "factors")
        views = await in_thread(insights.factors, store, ctx["f"])
        t = webtexts.text(language(request))
        drawn = {v.summary.scale: charts.factor(v, ctx["labels"], t) for v in views}
        return render(request, "factors.html", views=views, charts=drawn, **ctx)

    @page("priorities")
    async def priorities(request: Request, session: users.Session) -> Response:
        ctx = await page_context(request, session, "priorities")
        views = await in_thread(insights.factors, store, ctx["f"])
        t = webtexts.text(language(request))
        drawn = {v.summary.scale: charts.priority(v, ctx["labels"], t) for v in views}
        return render(request, "priorities.html", views=views, charts=drawn, **ctx)

    @page("trend")
    async def trend(request: Request, session: users.Session) -> Response:
        ctx = await page_context(request, session, "trend")
        by = "day" if request.query_params.get("by") == "day" else "week"
        split = request.query_params.get("split") or None
        if split not in insights.GROUPINGS:
            split = None
        series = await in_thread(insights.trend, store, ctx["f"], by, split)
        t = webtexts.text(language(request))
        drawn = {
            scale: charts.trend(lines[""], t) if split is None else charts.trend_lines(lines, t)
            for scale, lines in series.items()
        }
        return render(
            request,
            "trend.html",
            series=series,
            charts=drawn,
            by=by,
            split=split,
            split_lines=insights.SPLIT_LINES,
            **ctx,
        )

    @page("compare")
    async def compare(request: Request, session: users.Session) -> Response:
        ctx = await page_context(request, session, "compare")
        by = request.query_params.get("by", "store")
        if by not in insights.GROUPINGS:
            by = "store"
        groups = await in_thread(insights.compare_groups, store, ctx["f"], by)
        t = webtexts.text(language(request))
        drawn = {scale: charts.group(found, t) for scale, found in groups.items()}
        return render(request, "compare.html", groups=groups, charts=drawn, by=by, **ctx)

    @page("fleet")
    async def fleet(request: Request, session: users.Session) -> Response:
        ctx = await page_context(request, session, "fleet")
        rows = await in_thread(insights.fleet, store, utcnow())
        return render(
            request,
            "fleet.html",
            rows=rows,
            silent=sum(r.silent for r in rows),
            expected=insights.SILENT_EXPECTED,
            **ctx,
        )

    @page("comments")
    async def comments(request: Request, session: users.Session) -> Response:
        ctx = await page_context(request, session, "comments")
        params = request.query_params
        contains = params.get("q", "")[:200]
        band = params.get("band", "")
        band = band if band in ("easy", "neutral", "difficult") else ""
        factor = params.get("factor", "")
        factor = factor if factor in ctx["labels"] or factor == "" else ""
        try:
            number = max(1, min(10_000, int(params.get("page", "1"))))
        except ValueError:
            number = 1
        found, total = await in_thread(
            lambda: insights.comments(
                store, ctx["f"], contains=contains, band=band, factor=factor, page=number
            )
        )
        extra = {"q": contains, "band": band, "factor": factor}
        base = {**ctx["f"].query(), **{k: v for k, v in extra.items() if v}}
        return render(
            request,
            "comments.html",
            comments=found,
            total=total,
            number=number,
            pages_total=max(1, -(-total // insights.COMMENTS_PAGE)),
            link=lambda n: urlencode({**base, "page": str(n)}),
            contains=contains,
            band=band,
            factor=factor,
            **ctx,
        )

    @page("actions")
    async def actions_page(request: Request, session: users.Session) -> Response:
        ctx = await page_context(request, session, "actions")
        return await _actions_view(request, ctx)

    async def _actions_view(
        request: Request,
        ctx: dict[str, Any],
        status: int = 200,
        error: str | None = None,
        form: dict[str, str] | None = None,
    ) -> Response:
        day = today()
        effects = await in_thread(
            lambda: [actions.effect(store, a, day) for a in actions.all_actions(store)]
        )
        notice = {"saved": "a_saved", "removed": "a_removed"}.get(
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
            locales=actions.MESSAGE_LOCALES,
            endonyms=webtexts.ENDONYMS,
            max_chars=actions.MAX_MESSAGE_CHARS,
            **ctx,
        )

    @page("actions_post")
    async def record_action(request: Request, session: users.Session) -> Response:
        form = await checked_form(request, session)
        ctx = await page_context(request, session, "actions")
        try:
            started = _form_date(form, "started_on", required=True)
            assert started is not None
            until = _form_date(form, "message_until")
            await in_thread(
                lambda: actions.record(
                    store,
                    title=form.get("title", ""),
                    started_on=started,
                    created_by=session.user,
                    stores=[s for s in form.get("stores", "").split("\n") if s],
                    touchpoint=form.get("touchpoint") or None,
                    message={
                        loc: form.get(f"message_{loc}", "") for loc in actions.MESSAGE_LOCALES
                    },
                    message_until=until,
                )
            )
        except actions.ActionError as e:
            error = (
                f"{e.field}: {webtexts.text(language(request))[e.text_key]}"
                if e.text_key
                else str(e)
            )
            return await _actions_view(request, ctx, status=400, error=error, form=form)
        log.info("dashboard: %s recorded an action", session.user)
        return RedirectResponse("/actions?done=saved", status_code=303)

    @page("actions_delete")
    async def delete_action(request: Request, session: users.Session) -> Response:
        await checked_form(request, session)
        try:
            action_id = int(request.path_params["action_id"])
        except ValueError:
            raise _PageError(404, "no such action") from None
        if not await in_thread(actions.remove, store, action_id):
            raise _PageError(404, "no such action")
        log.info("dashboard: %s removed action %d", session.user, action_id)
        return RedirectResponse("/actions?done=removed", status_code=303)

    @page("export")
    async def export_answers(request: Request, session: users.Session) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in export.FORMATS:
            raise _PageError(404, "export as .csv or .json")
        f = filters_of(request)
        log.info("dashboard: %s exports %s", session.user, fmt)
        rows = export.rows(store, f)
        name = f"effortless-{f.start.isoformat()}-{f.end.isoformat()}.{fmt}"
        return StreamingResponse(
            export.encode(rows, fmt),
            media_type=export.MEDIA_TYPES[fmt],
            headers={
                **SECURITY_HEADERS,
                "Content-Disposition": f'attachment; filename="{quote(name)}"',
            },
        )

    for name, handler in (
        ("overview", overview),
        ("factors", factors),
        ("priorities", priorities),
        ("trend", trend),
        ("compare", compare),
        ("fleet", fleet),
        ("comments", comments),
        ("actions", actions_page),
    ):
        app.add_api_route(PAGE_PATHS[name], handler, methods=["GET"], include_in_schema=False)
    app.add_api_route("/actions", record_action, methods=["POST"], include_in_schema=False)
    app.add_api_route(
        "/actions/{action_id}/delete", delete_action, methods=["POST"], include_in_schema=False
    )
    app.add_api_route("/export.{fmt}", export_answers, methods=["GET"], include_in_schema=False)


# --- small pieces -------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no //host, no scheme): an open redirect helps phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 32 for c in target) or len(target) > 2000:
        return "/"
    return target


def _with_query(request: Request, **changes: str) -> str:
    params = dict(request.query_params)
    params.update(changes)
    return request.url.path + "?" + urlencode(params)


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
