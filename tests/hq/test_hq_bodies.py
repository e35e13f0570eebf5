"""Bodies HQ refuses whole: too large (by Content-Length or while a chunked body streams
in), not JSON, or hostile JSON. Nothing of a refused body is stored."""

from __future__ import annotations

import json
import select
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from hq_helpers import HQ, make_answer, make_answers, raw_connection, read_raw_response

MIB = 1024 * 1024


def _head(url: str, token: str, framing: str) -> bytes:
    host = urlsplit(url).netloc
    return (
        f"POST /api/v1/responses HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"{framing}\r\n\r\n"
    ).encode()


def test_a_declared_length_over_1_mib_is_refused_before_the_body_is_sent(
    hq_sqlite: HQ, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", r"413 too_large: the body is larger than the limit")
    _, token = hq_sqlite.kiosk()
    with raw_connection(hq_sqlite.url) as sock:
        sock.sendall(_head(hq_sqlite.url, token, f"Content-Length: {MIB + 1}"))
        sock.sendall(b'{"responses": [')  # and nothing more: HQ must not wait for the rest
        status, headers, body = read_raw_response(sock)
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "error": "too_large",
        "message": "the body is larger than the limit of 1,048,576 bytes",
    }
    assert hq_sqlite.db.count_answers() == 0


def test_a_chunked_body_is_cut_off_at_1_mib(hq_sqlite: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"413 too_large: the body is larger than the limit")
    _, token = hq_sqlite.kiosk()
    piece = json.dumps(make_answer()).encode() + b","
    chunk = b'{"responses": [' + piece * (65536 // len(piece))
    sent = 0
    with raw_connection(hq_sqlite.url) as sock:
        sock.sendall(_head(hq_sqlite.url, token, "Transfer-Encoding: chunked"))
        # An endless stream: it never ends, so only a cut-off at the limit answers it.
        while sent < 16 * MIB:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
            chunk = piece * (65536 // len(piece))
            if select.select([sock], [], [], 0)[0]:
                break
        status, _, body = read_raw_response(sock)
    assert status == 413
    assert json.loads(body)["error"] == "too_large"
    assert sent < 16 * MIB
    assert hq_sqlite.db.count_answers() == 0


def test_a_chunked_body_from_requests_over_the_limit(hq_sqlite: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"413 too_large")
    _, token = hq_sqlite.kiosk()
    answers = make_answers(2000, comment="x" * 500)

    def stream() -> Iterator[bytes]:
        yield b'{"responses": ['
        for i, answer in enumerate(answers):
            yield (b"," if i else b"") + json.dumps(answer).encode()
        yield b"]}"

    reply = hq_sqlite.send_raw(token, stream())
    assert reply.status_code == 413
    assert reply.json()["error"] == "too_large"
    assert hq_sqlite.db.count_answers() == 0


@pytest.mark.parametrize(("size", "status"), [(MIB, 200), (MIB + 1, 413)])
def test_the_limit_is_exactly_1_mib(hq_sqlite: HQ, size: int, status: int, expect_log: Any) -> None:
    if status == 413:
        expect_log("effortless.hq.api", r"413 too_large")
    _, token = hq_sqlite.kiosk()
    body = json.dumps({"responses": make_answers(3)}).encode()
    padded = body + b" " * (size - len(body))  # JSON allows trailing whitespace
    assert len(padded) == size
    reply = hq_sqlite.send_raw(token, padded)
    assert reply.status_code == status
    assert hq_sqlite.db.count_answers() == (3 if status == 200 else 0)


def test_a_full_batch_of_the_longest_plain_comments_fits(hq_sqlite: HQ) -> None:
    # Not so with other scripts: "é" * 1000 is 6,000 bytes once escaped as \u00e9, so a
    # kiosk must keep its batches under 1 MiB by size as well as by count.
    _, token = hq_sqlite.kiosk()
    answers = make_answers(500, comment="x" * 1000)
    body = json.dumps({"responses": answers}).encode()
    assert len(body) < MIB
    assert {r["status"] for r in hq_sqlite.results_of(hq_sqlite.send_raw(token, body))} == {"new"}


# --- not JSON, or JSON HQ will not take ----------------------------------------------------

_ANSWER = json.dumps(make_answer())

MALFORMED: list[tuple[str, bytes, str]] = [
    ("empty", b"", "the body is empty; expected JSON"),
    ("blank", b"  \n ", "the body is empty; expected JSON"),
    ("text", b"hello", "the body is not JSON: Expecting value at line 1, column 1"),
    ("truncated", b'{"responses": [', "the body is not JSON: Expecting value at line 1, column 16"),
    ("not-utf8", b'{"responses": ["\xff"]}', "the body is not UTF-8 (bad byte at 16)"),
    ("utf16", '{"responses": []}'.encode("utf-16"), "the body is not UTF-8 (bad byte at 0)"),
    (
        "nan",
        b'{"responses": [{"score": NaN}]}',
        "the body is not JSON: NaN is not a number in JSON",
    ),
    (
        "infinity",
        b'{"responses": [{"score": -Infinity}]}',
        "the body is not JSON: -Infinity is not a number in JSON",
    ),
    (
        "deep",
        b'{"responses": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "the body is nested too deeply",
    ),
    (
        "huge-integer",
        b'{"responses": [{"seq": ' + b"9" * 5000 + b"}]}",
        "the body is not JSON: Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit",
    ),
    ("list", b"[]", 'expected an object {"responses": [...]}'),
    ("string", b'"responses"', 'expected an object {"responses": [...]}'),
    ("no-responses", b"{}", "responses: required field is missing"),
    ("responses-object", b'{"responses": {}}', "responses: expected a list of answers"),
    ("responses-null", b'{"responses": null}', "responses: expected a list of answers"),
    ("extra-field", b'{"responses": [], "store_id": "s001"}', "store_id: unknown field"),
    (
        "twice",
        b'{"responses": [], "responses": [' + _ANSWER.encode() + b"]}",
        "responses: field appears twice",
    ),
]


@pytest.mark.parametrize(
    ("body", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_a_body_that_is_not_a_batch_is_a_400(
    hq_sqlite: HQ, body: bytes, message: str, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", r"400 bad_request")
    _, token = hq_sqlite.kiosk()
    reply = hq_sqlite.send_raw(token, body)
    assert reply.status_code == 400
    assert reply.json() == {"error": "bad_request", "message": message}
    assert hq_sqlite.db.count_answers() == 0


def test_a_key_twice_in_an_answer_rejects_that_answer(hq_sqlite: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"1 answers rejected; the first: score: field appears twice")
    _, token = hq_sqlite.kiosk()
    good = json.dumps(make_answer())
    twice = json.dumps(make_answer(score=7))[:-1] + ', "score": 1}'
    results = hq_sqlite.results_of(
        hq_sqlite.send_raw(token, f'{{"responses": [{good}, {twice}]}}'.encode())
    )
    assert [r["status"] for r in results] == ["new", "rejected"]
    assert results[1]["error"] == "score: field appears twice"
    assert hq_sqlite.db.count_answers() == 1


def test_a_bad_content_length_is_a_400(hq_sqlite: HQ, expect_log: Any) -> None:
    expect_log("uvicorn", r"Invalid HTTP request")
    _, token = hq_sqlite.kiosk()
    with raw_connection(hq_sqlite.url) as sock:
        sock.sendall(_head(hq_sqlite.url, token, "Content-Length: 12abc"))
        status, _, _ = read_raw_response(sock)
    assert status == 400
