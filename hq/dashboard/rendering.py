"""Pages as HTML: the Jinja2 templates in the reader's language, with the security headers."""

from __future__ import annotations

import functools
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
    return request.url.path + "?" + urlencode(params)
