"""Issue 9 item 13: ordinary client trouble is not an error in HQ's log, and a 500 does not
cost the client its connection.

Real sockets against the real service on loopback; the 500 comes from a real database
fault (a trigger that refuses every answer), not from a mock.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from hq_helpers import HQ, make_answers, raw_connection, read_raw_response
from sqlalchemy import text

DISCONNECT_TEXT = "client disconnected before the body was complete"


def _post(url: str, token: str, body: bytes, length: int | None = None) -> bytes:
    host = urlsplit(url).netloc
    return (
        f"POST /api/v1/responses HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    ).encode() + body


def _get(url: str, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {urlsplit(url).netloc}\r\n\r\n".encode()


def _wait_for_records(caplog: pytest.LogCaptureFixture, text_: str, count: int) -> None:
    deadline = time.monotonic() + 30
    while sum(text_ in r.getMessage() for r in caplog.records) < count:
        assert time.monotonic() < deadline, f"{count} log lines with {text_!r} did not appear"
        time.sleep(0.02)  # ok-sleep: polling the server's log, with a deadline


def test_a_client_that_drops_mid_body_is_one_info_line_without_traceback(
    hq_sqlite: HQ, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="effortless.hq.api")
    _, token = hq_sqlite.kiosk()
    drops = 3
    for _ in range(drops):
        with raw_connection(hq_sqlite.url) as sock:
            sock.sendall(_post(hq_sqlite.url, token, b'{"responses": [' + b" " * 85, 10_000))
    _wait_for_records(caplog, DISCONNECT_TEXT, drops)
    # The server is still there and healthy for the next client.
    assert hq_sqlite.get("/healthz").status_code == 200

    lines = [r for r in caplog.records if DISCONNECT_TEXT in r.getMessage()]
    assert len(lines) == drops
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in lines)
    # Nothing else about the drops: no ERROR, no traceback, from HQ or from uvicorn.
    assert [r for r in caplog.records if r.exc_info is not None] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert hq_sqlite.db.count_answers() == 0


def _refuse_every_answer(hq: HQ) -> None:
    """A real database fault: a trigger makes every insert of an answer fail."""
    with hq.db.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse_answers BEFORE INSERT ON responses "
                "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
            )
        )


def test_a_500_keeps_the_keep_alive_connection_usable(hq_sqlite: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"request \S+ failed")
    _, token = hq_sqlite.kiosk()
    _refuse_every_answer(hq_sqlite)
    batch = json.dumps({"responses": make_answers(2)}).encode()
    with raw_connection(hq_sqlite.url) as sock:
        local = sock.getsockname()
        sock.sendall(_post(hq_sqlite.url, token, batch))
        status, headers, body = read_raw_response(sock)
        assert status == 500
        assert json.loads(body)["error"] == "internal_error"
        assert headers.get("connection", "").lower() != "close"
        # The same connection (same local port) carries the next request.
        sock.sendall(_get(hq_sqlite.url, "/healthz"))
        status, _, body = read_raw_response(sock)
        assert status == 200, body
        assert sock.getsockname() == local
    assert hq_sqlite.db.count_answers() == 0


def test_a_500_is_logged_once_with_its_traceback(
    hq_sqlite: HQ, expect_log: Any, caplog: pytest.LogCaptureFixture
) -> None:
    expect_log("effortless.hq.api", r"request \S+ failed")
    _, token = hq_sqlite.kiosk()
    _refuse_every_answer(hq_sqlite)
    reply = hq_sqlite.send(token, make_answers(1))
    assert reply.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    # One line for the operator, with the traceback: an unexpected fault is worth one.
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].name == "effortless.hq.api"
    assert errors[0].exc_info is not None
    # The session's connection survived the 500: the next request reuses it.
    assert hq_sqlite.get("/healthz").status_code == 200
