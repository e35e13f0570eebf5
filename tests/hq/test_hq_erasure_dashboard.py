"""The Comments page's delete button on the real HQ: in Chromium (click, confirm, gone), and
over plain HTTP for what a browser would never send (no CSRF token, unknown ids, a GET)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from erasure_data import (
    RANGE,
    SECRET,
    answers_by_id,
    assert_daily_consistent,
    audit_text,
    everything_else,
    n_of,
    seed,
)
from hq_helpers import HQ, PASSWORD, csrf_of, log_in

from hq import erasure, users
from hq.dashboard import insights

SEARCH = {"from": "2026-11-01", "to": "2026-11-30", "q": "rommelige"}
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def secret_ids(hq: HQ) -> list[str]:
    return sorted(i for i, row in answers_by_id(hq.db).items() if row["comment"] == SECRET)


@pytest.fixture
def signed_in(hq: HQ) -> tuple[HQ, requests.Session]:
    seed(hq.db)
    return hq, log_in(hq, "bert")


def confirm_page(hq: HQ, session: requests.Session, answer_id: str) -> requests.Response:
    return session.get(
        f"{hq.url}/comments/{answer_id}/delete?{urlencode(SEARCH)}",
        allow_redirects=False,
        timeout=30,
    )


def test_delete_a_comment_over_http(
    signed_in: tuple[HQ, requests.Session], caplog: pytest.LogCaptureFixture
) -> None:
    hq, session = signed_in
    caplog.set_level(logging.DEBUG)
    before = answers_by_id(hq.db)
    others = everything_else(hq.db)
    figures = n_of(hq.db)
    page = session.get(f"{hq.url}/comments?{urlencode(SEARCH)}", timeout=30).text
    assert "Comments: 3" in page
    target = secret_ids(hq)[1]
    link = re.search(rf'href="(/comments/{target}/delete\?[^"]+)"', page)
    assert link, "no delete button for the comment"
    asked = session.get(f"{hq.url}{link.group(1).replace('&amp;', '&')}", timeout=30)
    assert asked.status_code == 200
    assert SECRET in asked.text
    assert "Delete this comment?" in asked.text
    # Looking at the question (twice) deletes nothing.
    assert confirm_page(hq, session, target).status_code == 200
    assert answers_by_id(hq.db) == before
    done = session.post(
        f"{hq.url}/comments/{target}/delete?{urlencode(SEARCH)}",
        data={"csrf": csrf_of(asked.text)},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/comments?{urlencode(SEARCH)}&done=erased"
    shown = session.get(f"{hq.url}{done.headers['location']}", timeout=30).text
    assert "Comment deleted. The answer and its score stay in the figures." in shown
    assert "Comments: 2" in shown
    assert f"/comments/{target}/delete" not in shown
    after = answers_by_id(hq.db)
    assert after[target] == {**before[target], "comment": None}
    assert all(after[i] == before[i] for i in before if i != target)
    assert n_of(hq.db) == figures
    assert_daily_consistent(hq.db)
    assert everything_else(hq.db) == others
    [line] = erasure.audit_entries(hq.db)
    assert (line["actor"], line["action"], line["count"]) == ("bert", "erase_comments", 1)
    assert line["detail"] == f"comments page: answer {target}"
    assert "rommelige" not in audit_text(hq.db)
    # HQ's own log (the test's HTTP client logs the URLs it asks for).
    logged = [r.getMessage() for r in caplog.records if not r.name.startswith("urllib3")]
    assert logged
    assert not [m for m in logged if "rommelige" in m]


def test_forms_without_the_session_token_are_refused(
    signed_in: tuple[HQ, requests.Session],
) -> None:
    hq, session = signed_in
    before = answers_by_id(hq.db)
    target = secret_ids(hq)[0]
    url = f"{hq.url}/comments/{target}/delete"
    for data in ({}, {"csrf": ""}, {"csrf": "not-the-token"}):
        refused = session.post(url, data=data, allow_redirects=False, timeout=30)
        assert refused.status_code == 403
        assert "This form has expired" in refused.text
    # Someone else's token is not this session's.
    other = log_in(hq, "carla")
    their_token = csrf_of(other.get(f"{hq.url}/comments", timeout=30).text)
    refused = session.post(url, data={"csrf": their_token}, allow_redirects=False, timeout=30)
    assert refused.status_code == 403
    # Without a session: to the login page, nothing erased.
    anonymous = requests.post(url, data={"csrf": their_token}, allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?")
    assert answers_by_id(hq.db) == before
    assert erasure.audit_entries(hq.db) == []


@pytest.mark.parametrize(
    "answer_id",
    [UNKNOWN, "abc", "00000000-0000-4000-8000-00000000000G", "%27%20OR%201%3D1%20--", "A" * 5000],
)
def test_no_such_comment_is_a_404_page(
    signed_in: tuple[HQ, requests.Session], answer_id: str
) -> None:
    hq, session = signed_in
    before = answers_by_id(hq.db)
    token = csrf_of(session.get(f"{hq.url}/comments", timeout=30).text)
    asked = confirm_page(hq, session, answer_id)
    posted = session.post(
        f"{hq.url}/comments/{answer_id}/delete",
        data={"csrf": token},
        allow_redirects=False,
        timeout=30,
    )
    for reply in (asked, posted):
        assert reply.status_code == 404
        assert "No such comment: HQ has no answer with this id." in reply.text
        assert 'id="nav-comments"' in reply.text  # one click from a good page
    assert answers_by_id(hq.db) == before


def test_a_comment_deleted_already(signed_in: tuple[HQ, requests.Session]) -> None:
    hq, session = signed_in
    target = secret_ids(hq)[0]
    asked = confirm_page(hq, session, target)
    token = csrf_of(asked.text)
    url = f"{hq.url}/comments/{target}/delete"
    first = session.post(url, data={"csrf": token}, allow_redirects=False, timeout=30)
    assert first.headers["location"] == "/comments?done=erased"
    # A second click, or a second tab: done all the same, and said so.
    again = session.post(url, data={"csrf": token}, allow_redirects=False, timeout=30)
    assert again.status_code == 303
    assert again.headers["location"] == "/comments?done=already"
    shown = session.get(f"{hq.url}{again.headers['location']}", timeout=30).text
    assert "This comment had already been deleted." in shown
    gone = confirm_page(hq, session, target)
    assert gone.status_code == 410
    assert "This comment had already been deleted." in gone.text
    assert [line["count"] for line in erasure.audit_entries(hq.db)] == [1]


def test_the_way_back_is_only_ever_the_comments_page(
    signed_in: tuple[HQ, requests.Session],
) -> None:
    hq, session = signed_in
    target = secret_ids(hq)[0]
    token = csrf_of(session.get(f"{hq.url}/comments", timeout=30).text)
    sneaky = urlencode(
        {"next": "https://evil.example/", "q": "x\r\nSet-Cookie: a=b", "page": "2", "done": "x"}
    )
    done = session.post(
        f"{hq.url}/comments/{target}/delete?{sneaky}",
        data={"csrf": token},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 303
    assert done.headers["location"] == (
        "/comments?" + urlencode({"q": "x\r\nSet-Cookie: a=b", "page": "2"}) + "&done=erased"
    )
    assert "a" not in done.cookies


def test_the_texts_are_in_dutch_too(signed_in: tuple[HQ, requests.Session]) -> None:
    hq, session = signed_in
    target = secret_ids(hq)[0]
    page = session.get(f"{hq.url}/comments?lang=nl", timeout=30).text
    assert "Opmerking verwijderen" in page
    asked = confirm_page(hq, session, target)
    assert "Deze opmerking verwijderen?" in asked.text
    assert "Ja, opmerking verwijderen" in asked.text
    missing = confirm_page(hq, session, UNKNOWN)
    assert "Deze opmerking bestaat niet" in missing.text


# --- in Chromium ------------------------------------------------------------------------


@pytest.fixture
def page_in_chromium(hq_sqlite: HQ, browser: Any) -> Iterator[tuple[HQ, Any, list[str]]]:
    seed(hq_sqlite.db)
    users.add_user(hq_sqlite.db, "bert", PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield hq_sqlite, page, problems
    context.close()


@pytest.mark.browser
def test_delete_a_comment_in_chromium(page_in_chromium: tuple[HQ, Any, list[str]]) -> None:
    hq, p, problems = page_in_chromium
    p.goto(f"{hq.url}/comments?{urlencode(SEARCH)}")
    p.fill("#login-user", "bert")
    p.fill("#login-password", PASSWORD)
    p.click("#login-submit")
    p.wait_for_selector("#comment-count")
    assert p.inner_text("#comment-count") == "Comments: 3"
    kept, target = secret_ids(hq)[:2]

    # Asked, and thought better of it: nothing changes.
    p.click(f"#c-delete-{kept}")
    p.wait_for_selector("#c-confirm-delete")
    p.click("#c-keep")
    p.wait_for_selector("#comment-count")
    assert p.inner_text("#comment-count") == "Comments: 3"
    assert answers_by_id(hq.db)[kept]["comment"] == SECRET

    # Asked, and confirmed: back on the same search, with one comment less.
    p.click(f"#c-delete-{target}")
    p.wait_for_selector("#c-confirm-delete")
    assert p.inner_text("#erase-text") == SECRET
    p.click("#c-confirm-delete")
    p.wait_for_selector("#notice")
    assert (
        p.inner_text("#notice") == "Comment deleted. The answer and its score stay in the figures."
    )
    assert p.inner_text("#comment-count") == "Comments: 2"
    assert "q=rommelige" in p.url
    assert p.locator(f"#c-delete-{target}").count() == 0
    assert p.locator(f"#c-delete-{kept}").count() == 1
    assert answers_by_id(hq.db)[target]["comment"] is None
    assert n_of(hq.db, RANGE) == {"ces7": 22, "smiley5": 3}
    assert [(e["actor"], e["count"]) for e in erasure.audit_entries(hq.db)] == [("bert", 1)]
    assert problems == []


def test_deleting_the_last_comment_of_the_last_page_shows_the_page_before(
    signed_in: tuple[HQ, requests.Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    hq, session = signed_in
    monkeypatch.setattr(insights, "COMMENTS_PAGE", 2)
    last_page = session.get(f"{hq.url}/comments?{urlencode({**SEARCH, 'page': '2'})}", timeout=30)
    assert "<span>2 / 2</span>" in last_page.text
    [target] = re.findall(r'id="c-delete-([0-9a-f-]{36})"', last_page.text)
    done = session.post(
        f"{hq.url}/comments/{target}/delete?{urlencode({**SEARCH, 'page': '2'})}",
        data={"csrf": csrf_of(last_page.text)},
        timeout=30,
    )
    assert done.status_code == 200
    assert "page=2" in done.url
    assert "Comments: 2" in done.text
    assert "<span>1 / 1</span>" in done.text
    assert len(re.findall(r'id="c-delete-', done.text)) == 2
