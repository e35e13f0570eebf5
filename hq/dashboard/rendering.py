"""Pages as HTML: the Jinja2 templates in the reader's language, with the security headers."""

from __future__ import annotations

import functools
import unicodedata
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ces.assets import hq_templates_dir
from hq.dashboard import webtexts
from hq.dashboard.access import ADMIN_PAGES, UNFILTERED_PAGES

LANG_COOKIE = "ces_lang"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@functools.cache
def templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(hq_templates_dir()),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language(request: Request) -> str:
    return webtexts.choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    lang = language(request)
    page = (
        templates()
        .get_template(template)
        .render(
            t=webtexts.text(lang),
            lang=lang,
            languages=webtexts.LANGUAGE_NAMES[lang],
            fmt=lambda v, d=1: webtexts.number(v, lang, d),
            count=lambda v: webtexts.count(v, lang),
            p_value=lambda v: p_value(v, lang),
            path=request.url.path,
            lang_link=lambda code: with_query(request, lang=code),
            admin_pages=ADMIN_PAGES,
            unfiltered_pages=UNFILTERED_PAGES,
            **context,
        )
    )
    response = HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


# Below this a p-value is shown as "< 0.001": its digits would read as a plain 0.
P_FLOOR = 0.001


def p_value(value: float | None, lang: str) -> str:
    if value is not None and value < P_FLOOR:
        return "< " + webtexts.number(P_FLOOR, lang, 3)
    return webtexts.number(value, lang, 3)


def with_query(request: Request, **changes: str) -> str:
    params = dict(request.query_params)
    params.update(changes)
    # One leading slash: a path such as //elsewhere.example (an unknown URL shown on the
    # error page) would otherwise make the language link point at another host.
    return "/" + request.url.path.lstrip("/\\") + "?" + urlencode(params)


# Paths whose clients are programs (kiosks, monitoring, schema readers): JSON errors always.
_API_PATHS = ("/api/", "/openapi.json", "/schemas/", "/healthz", "/livez", "/readyz")
# A path longer than this is cut on the error page; the page still names where it was.
SHOWN_PATH = 120


def _quality(accept: str, wanted: str) -> float:
    """The q of ``wanted`` (or its type/*) in an Accept header; 0 when not named. */* names
    nothing: an API client sending it keeps JSON."""
    best = 0.0
    kind = wanted.split("/")[0] + "/*"
    for part in accept.split(",")[:32]:
        media, *params = (p.strip() for p in part.split(";"))
        if media.lower() not in (wanted, kind):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        best = max(best, q)
    return best


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not an API path, text/html preferred to JSON)."""
    if request.url.path.startswith(_API_PATHS) or request.url.path == "/api":
        return False
    accept = request.headers.get("accept", "")[:2048]
    return _quality(accept, "text/html") > _quality(accept, "application/json")


def shown_path(request: Request) -> str:
    """The request's path to show on a page: cut, and control and format characters (NUL,
    line breaks, a right-to-left override that would turn the text around) as U+FFFD."""
    path = request.url.path
    cut = path if len(path) <= SHOWN_PATH else path[:SHOWN_PATH] + "…"
    return "".join("\ufffd" if unicodedata.category(c).startswith("C") else c for c in cut)


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The error page without a session's navigation, in the reader's language (for errors
    raised outside a page: unknown URLs, methods, crashes)."""
    response = render(
        request, "error.html", status=status, message=message, session=None, page="", query=""
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
