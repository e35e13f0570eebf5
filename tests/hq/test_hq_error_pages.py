"""Errors outside a page (an unknown URL, a wrong method, a crash): a browser gets the error
page in the reader's dashboard language; a program asking JSON, and every /api/ path, keeps
the protocol's {"error", "message"} shape."""

from __future__ import annotations

import html
import json
from typing import Any

import anyio
import pytest
import requests
from hq_helpers import HQ, element, log_in
from sqlalchemy import text
from starlette.types import Message, Receive, Scope, Send

from hq.middleware import CrashMiddleware

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _get(hq: HQ, path: str, accept: str, **headers: str) -> requests.Response:
    return requests.get(
        f"{hq.url}{path}",
        headers={"Accept": accept, **headers},
        allow_redirects=False,
        timeout=30,
    )


def _is_the_error_page(reply: requests.Response, lang: str) -> str:
    """The page's message, after checking that it is the error page in ``lang``."""
    assert reply.headers["content-type"].startswith("text/html"), reply.text[:200]
    assert f'<html lang="{lang}">' in reply.text
    assert "Content-Security-Policy" in reply.headers
    title = "Something is not right" if lang == "en" else "Er klopt iets niet"
    assert f"<h1>{title}</h1>" in reply.text
    return html.unescape(element(reply.text, "error"))


@pytest.mark.parametrize(
    ("lang", "how", "expected"),
    [
        ("en", {}, "There is no page at /no-such-page."),
        (
            "nl",
            {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"},
            "Er is geen pagina op /no-such-page.",
        ),
        ("nl", {"Cookie": "ces_lang=nl"}, "Er is geen pagina op /no-such-page."),
    ],
)
def test_an_unknown_url_answers_a_browser_with_the_error_page(
    hq_sqlite: HQ, lang: str, how: dict[str, str], expected: str
) -> None:
    reply = _get(hq_sqlite, "/no-such-page", BROWSER, **how)
    assert reply.status_code == 404
    assert _is_the_error_page(reply, lang) == expected
    # The way back: the overview, and the page in the other language.
    assert '<a href="/">' in reply.text
    other = "nl" if lang == "en" else "en"
    assert f'href="/no-such-page?lang={other}"' in reply.text


def test_the_language_asked_in_the_url_is_kept(hq_sqlite: HQ) -> None:
    reply = _get(hq_sqlite, "/nergens?lang=nl", BROWSER)
    assert reply.status_code == 404
    assert _is_the_error_page(reply, "nl") == "Er is geen pagina op /nergens."
    assert reply.cookies.get("ces_lang") == "nl"


@pytest.mark.parametrize(
    "accept", ["application/json", "*/*", "", "application/json, text/html;q=0.5", "text/*;q=0"]
)
@pytest.mark.parametrize("path", ["/no-such-page", "/api/v2/responses"])
def test_programs_keep_json(hq_sqlite: HQ, accept: str, path: str) -> None:
    reply = _get(hq_sqlite, path, accept)
    assert reply.status_code == 404
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"error": "not_found", "message": "Not Found"}


@pytest.mark.parametrize("path", ["/api/v2/responses", "/api", "/schemas/nothing.json"])
def test_api_paths_keep_json_even_for_a_browser(hq_sqlite: HQ, path: str) -> None:
    reply = _get(hq_sqlite, path, BROWSER)
    assert reply.status_code == 404
    assert reply.json()["error"] == "not_found"


def test_a_wrong_method_is_a_page_for_a_browser_and_json_for_a_kiosk(hq_sqlite: HQ) -> None:
    page = requests.delete(f"{hq_sqlite.url}/login", headers={"Accept": BROWSER}, timeout=30)
    assert page.status_code == 405
    assert "allow" in page.headers
    assert _is_the_error_page(page, "en") == "This page cannot be opened this way (DELETE)."
    api = _get(hq_sqlite, "/api/v1/responses", BROWSER)
    assert api.status_code == 405
    assert api.json() == {"error": "method_not_allowed", "message": "Method Not Allowed"}


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/<script>alert(1)</script>", "/<script>alert(1)</script>"),
        ("/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "/<img src=x onerror=alert(1)>"),
        ('/"><b>bold</b>', '/"><b>bold</b>'),
        ("/%E2%80%AEevil%00x%07y", "/\ufffdevil\ufffdx\ufffdy"),
    ],
)
def test_html_in_the_path_is_shown_as_text(hq_sqlite: HQ, path: str, shown: str) -> None:
    reply = _get(hq_sqlite, path, BROWSER)
    assert reply.status_code == 404
    assert _is_the_error_page(reply, "en") == f"There is no page at {shown}."
    assert "<script>alert" not in reply.text
    assert "<img src=x" not in reply.text
    assert "<b>bold" not in reply.text


def test_a_very_long_path_is_cut(hq_sqlite: HQ) -> None:
    reply = _get(hq_sqlite, "/" + "a" * 6000, BROWSER)
    assert reply.status_code == 404
    message = _is_the_error_page(reply, "en")
    assert message == "There is no page at /" + "a" * 119 + "…."
    assert len(reply.content) < 20_000


def test_a_path_of_two_slashes_links_nowhere_else(hq_sqlite: HQ) -> None:
    """//host/x is a path to HQ, but as a link it would lead to another host."""
    reply = _get(hq_sqlite, "//elsewhere.example/x", BROWSER)
    assert reply.status_code == 404
    assert 'href="//' not in reply.text
    assert 'href="/elsewhere.example/x?lang=nl"' in reply.text


@pytest.mark.parametrize(
    "accept",
    [
        "text/html;q=abc",
        "text/html;q=" + "9" * 400,
        ";;;,,,",
        "text/html" + ",x/y" * 2000,
        "\u00e9/\u00e9",
    ],
)
def test_hostile_accept_headers_are_answered(hq_sqlite: HQ, accept: str) -> None:
    reply = _get(hq_sqlite, "/no-such-page", accept.encode("utf-8").decode("latin-1"))
    assert reply.status_code == 404


def test_a_database_fault_is_a_page_for_a_browser(hq_sqlite: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", "the database did not answer")
    session = log_in(hq_sqlite)
    # A real fault: the table the actions page reads is gone.
    with hq_sqlite.db.engine.begin() as conn:
        conn.execute(text("DROP TABLE action_stores"))
    page = session.get(f"{hq_sqlite.url}/actions?lang=nl", headers={"Accept": BROWSER}, timeout=30)
    assert page.status_code == 503
    assert page.headers["retry-after"] == "5"
    assert _is_the_error_page(page, "nl") == "De database antwoordde niet; probeer het zo nog eens."
    program = session.get(f"{hq_sqlite.url}/actions", headers={"Accept": "*/*"}, timeout=30)
    assert program.status_code == 503
    assert program.json()["error"] == "unavailable"


async def _crash(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("a fault HQ did not expect")


def _crashed(accept: str) -> tuple[int, dict[str, str], str]:
    """The real CrashMiddleware around an application that fails: status, headers, body."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/comments",
        "raw_path": b"/comments",
        "query_string": b"lang=nl",
        "headers": [(b"accept", accept.encode())],
        "scheme": "http",
        "server": ("127.0.0.1", 80),
    }
    anyio.run(CrashMiddleware(_crash), scope, receive, send)
    start, body = sent[0], sent[1]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, body["body"].decode()


def test_a_crash_is_a_page_for_a_browser(expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"request \S+ failed")
    status, headers, body = _crashed(BROWSER)
    assert status == 500
    assert headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in body
    assert element(body, "error").startswith("HQ kon dit verzoek niet afhandelen")
    status, headers, body = _crashed("application/json")
    assert status == 500
    assert json.loads(body)["error"] == "internal_error"
