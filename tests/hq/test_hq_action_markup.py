"""HQ refuses markup in "you said, we did" messages: a kiosk shows what a manager typed."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest
from hq_helpers import HQ, csrf_of, log_in
from sqlalchemy import func, insert, select

from hq.db.tables import actions
from hq.moments import stamp
from hq.plaintext import markup_in

TODAY = datetime.now(UTC).date()
IMG = '<img src="http://127.0.0.1:9/x.png">'
REFUSED_EN = "message_nl: The message may not contain HTML tags such as <img>"
REFUSED_NL = "message_nl: Het bericht mag geen HTML-tags zoals <img>"


@pytest.mark.parametrize(
    "text",
    [
        IMG,
        "Nu <font size=7>groter</font>",
        "eind</b>",
        "<!-- verborgen -->",
        "<?xml version='1.0'?>",
        "a &lt;b&gt;",
        "&#60;img&#62;",
        "&#x3C;img",
        "<B>luid</B>",
    ],
)
def test_markup_is_recognised(text: str) -> None:
    assert markup_in(text) is not None


@pytest.mark.parametrize(
    "text",
    ["We <3 you", "a < b and c > d", "Q&A at the desk", "50% < 1 min", "R & D", "<", "&", "& ;"],
)
def test_plain_text_with_angle_brackets_and_ampersands_is_not_markup(text: str) -> None:
    assert markup_in(text) is None


def field_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no field {name}"
    return html.unescape(match.group(1))


def action_count(hq: HQ) -> int:
    with hq.db.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(actions)).scalar_one())


@pytest.mark.parametrize(
    ("lang", "refused"), [("en", REFUSED_EN), ("nl", REFUSED_NL)], ids=["en", "nl"]
)
def test_a_message_with_markup_is_refused_and_the_form_keeps_it(
    hq: HQ, lang: str, refused: str
) -> None:
    _, token = hq.kiosk("s001", "in_store_purchase")
    session = log_in(hq)
    session.headers["Accept-Language"] = lang
    page = session.get(f"{hq.url}/actions", timeout=30).text
    typed = f"Nieuwe kassa {IMG}<font size=7>!</font>"
    reply = session.post(
        f"{hq.url}/actions",
        data={
            "csrf": csrf_of(page),
            "title": "Extra till",
            "started_on": TODAY.isoformat(),
            "message_nl": typed,
            "message_en": "A new till",
        },
        timeout=30,
    )
    assert reply.status_code == 400
    error = re.search(r'id="action-error"[^>]*>([^<]*)</p>', reply.text)
    assert error, "no error on the page"
    assert html.unescape(error.group(1)).startswith(refused)
    assert field_value(reply.text, "title") == "Extra till"
    assert field_value(reply.text, "message_nl") == typed
    assert field_value(reply.text, "message_en") == "A new till"
    assert action_count(hq) == 0
    assert hq.get("/api/v1/config", token).json()["messages"] == []


def test_an_entity_in_any_language_is_refused_naming_that_field(hq: HQ) -> None:
    session = log_in(hq)
    page = session.get(f"{hq.url}/actions", timeout=30).text
    reply = session.post(
        f"{hq.url}/actions",
        data={
            "csrf": csrf_of(page),
            "title": "Signs",
            "started_on": TODAY.isoformat(),
            "message_nl": "Nieuwe borden",
            "message_de": "Neue Schilder &lt;3",
        },
        timeout=30,
    )
    assert reply.status_code == 400
    assert "message_de: The message may not contain HTML tags" in html.unescape(reply.text)
    assert action_count(hq) == 0


def test_angle_brackets_in_plain_text_are_saved_and_sent_as_typed(hq: HQ) -> None:
    _, token = hq.kiosk("s001", "in_store_purchase")
    session = log_in(hq)
    page = session.get(f"{hq.url}/actions", timeout=30).text
    reply = session.post(
        f"{hq.url}/actions",
        data={
            "csrf": csrf_of(page),
            "title": "Shorter queues",
            "started_on": TODAY.isoformat(),
            "message_nl": "Wachten < 2 minuten. Wij <3 u & Q&A",
        },
        timeout=30,
    )
    assert reply.status_code == 200
    assert "Action recorded." in reply.text
    assert hq.get("/api/v1/config", token).json()["messages"] == [
        {"text": {"nl": "Wachten < 2 minuten. Wij <3 u & Q&A"}}
    ]


def test_a_message_with_markup_saved_before_the_check_is_still_sent(hq: HQ) -> None:
    """Kiosks show it as plain text (tests/kiosk/test_plain_text.py); HQ does not drop it."""
    _, token = hq.kiosk("s001", "in_store_purchase")
    text = {"nl": f"Oud bericht {IMG}"}
    with hq.db.writing() as conn:
        conn.execute(
            insert(actions).values(
                title="Old action",
                touchpoint=None,
                started_on=TODAY,
                message=json.dumps(text),
                message_until=TODAY,
                created_by="anna",
                created_at=stamp(datetime.now(UTC)),
            )
        )
    assert hq.get("/api/v1/config", token).json()["messages"] == [{"text": text}]
    session = log_in(hq)
    page = session.get(f"{hq.url}/actions", timeout=30)
    assert page.status_code == 200
    assert "Oud bericht &lt;img" in page.text
