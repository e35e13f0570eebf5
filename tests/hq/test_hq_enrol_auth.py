"""Enrolment with one-time codes, and bearer tokens on every other call, on SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hq_helpers import HQ, make_answer, make_answers, make_heartbeat
from sqlalchemy import select

from hq.credentials import CODE_ALPHABET
from hq.db.tables import kiosks
from hq.moments import utcnow

HEARTBEAT = make_heartbeat()


# --- enrolment ------------------------------------------------------------------------------


def test_a_code_enrols_its_kiosk_once(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"enrolment refused: code_used")
    new = hq.add_kiosk(store="s042", touchpoint="returns_desk")
    reply = hq.enrol(new.code)
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == "no-store"
    body = reply.json()
    assert set(body) == {"kiosk_id", "token", "store", "touchpoint"}
    assert (body["kiosk_id"], body["store"], body["touchpoint"]) == (
        new.id,
        "s042",
        "returns_desk",
    )
    assert len(body["token"]) >= 43  # 32 random bytes, base64url: 256 bits

    again = hq.enrol(new.code)
    assert again.status_code == 409
    assert again.json() == {
        "error": "code_used",
        "message": "this code was already used; a code works once",
    }
    # The first token still works; the refused attempt made no new one.
    assert hq.get("/api/v1/config", body["token"]).status_code == 200


@pytest.mark.parametrize("spelling", ["lower", "spaces", "no-dash"])
def test_codes_are_matched_loosely(hq: HQ, spelling: str) -> None:
    code = hq.add_kiosk().code
    typed = {
        "lower": code.lower(),
        "spaces": f" {code[:2]} {code[2:4]} {code[5:]} ",
        "no-dash": code.replace("-", ""),
    }[spelling]
    assert hq.enrol(typed).status_code == 200


def test_codes_are_short_and_typeable(hq: HQ) -> None:
    for _ in range(20):
        code = hq.add_kiosk().code
        assert len(code) == 9
        assert code[4] == "-"
        assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
        assert not set(code) & set("IO01")


def test_an_expired_code_is_refused(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"enrolment refused: code_expired")
    old = hq.db.add_kiosk(
        "s042", "in_store_purchase", now=utcnow() - timedelta(hours=72, seconds=1)
    )
    reply = hq.enrol(old.code)
    assert reply.status_code == 410
    assert reply.json() == {
        "error": "code_expired",
        "message": "code expired — ask HQ for a new one",
    }
    assert hq.db.kiosk(old.id).enrolled_at is None


def test_a_code_just_inside_72_hours_works(hq: HQ) -> None:
    recent = hq.db.add_kiosk(
        "s042", "in_store_purchase", now=utcnow() - timedelta(hours=71, minutes=59)
    )
    assert hq.enrol(recent.code).status_code == 200


@pytest.mark.parametrize("code", ["ABCD-2345", "AB", "IIII-OOOO", "x" * 64, ""])
def test_an_unknown_code_is_404(hq: HQ, code: str, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"enrolment refused: unknown_code")
    hq.add_kiosk()
    reply = hq.enrol(code)
    assert reply.status_code == 404
    assert reply.json() == {"error": "unknown_code", "message": "no such enrolment code"}


def test_a_revoked_kiosk_cannot_enrol(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"enrolment refused: kiosk_revoked")
    new = hq.add_kiosk()
    assert hq.db.revoke(new.id) is True
    reply = hq.enrol(new.code)
    assert reply.status_code == 403
    assert reply.json()["error"] == "kiosk_revoked"
    assert hq.db.kiosk(new.id).enrolled_at is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"ABCD-2345", "the body is not JSON: Expecting value at line 1, column 1"),
        (b"", "the body is empty; expected JSON"),
        (b'["ABCD-2345"]', "(body): expected an object, got a list"),
        (b"{}", "code: required field is missing"),
        (b'{"code": 12345678}', "code: expected text, got a number"),
        (b'{"code": null}', "code: expected text, got null"),
        (b'{"code": "ABCD-2345", "store": "s001"}', "store: unknown field"),
        (b'{"code": "' + b"A" * 65 + b'"}', "code: too long to be an enrolment code"),
    ],
)
def test_a_malformed_enrolment_is_400(hq: HQ, body: bytes, message: str, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"400 bad_request")
    reply = hq.session.post(f"{hq.url}/api/v1/enroll", data=body, timeout=30)
    assert reply.status_code == 400
    assert reply.json() == {"error": "bad_request", "message": message}


def test_an_oversized_enrolment_is_413(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"413 too_large")
    reply = hq.session.post(f"{hq.url}/api/v1/enroll", json={"code": "A" * 5000}, timeout=30)
    assert reply.status_code == 413
    assert reply.json()["error"] == "too_large"


def test_a_code_used_concurrently_enrols_once(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"enrolment refused: code_used")
    code = hq.add_kiosk().code
    tries = 6
    barrier = threading.Barrier(tries)
    statuses: list[int] = []

    def enrol() -> None:
        barrier.wait(timeout=30)
        statuses.append(HQ(hq.url, hq.db).enrol(code).status_code)

    threads = [threading.Thread(target=enrol) for _ in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Counter(statuses) == {200: 1, 409: tries - 1}


def test_only_a_hash_of_the_token_is_stored(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk()
    with hq.db.engine.connect() as conn:
        stored = conn.execute(
            select(kiosks.c.token_hash).where(kiosks.c.id == kiosk_id)
        ).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    if hq.db.is_sqlite:
        folder = Path(str(hq.db.url.database)).parent
        for path in folder.iterdir():
            assert token.encode() not in path.read_bytes(), path


# --- bearer tokens ----------------------------------------------------------------------------

ENDPOINTS = ["responses", "heartbeat", "config"]


def _call(hq: HQ, endpoint: str, authorization: str | None) -> Any:
    headers = {} if authorization is None else {"Authorization": authorization}
    if endpoint == "responses":
        return hq.post("/api/v1/responses", None, {"responses": make_answers(2)}, headers=headers)
    if endpoint == "heartbeat":
        return hq.post("/api/v1/heartbeat", None, HEARTBEAT, headers=headers)
    return hq.get("/api/v1/config", headers=headers)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("authorization", "logged"),
    [
        (None, "no bearer token"),
        ("", "malformed Authorization header"),
        ("Bearer", "malformed Authorization header"),
        ("Bearer ", "malformed Authorization header"),
        ("Basic dXNlcjpwYXNz", "malformed Authorization header"),
        ("Bearer " + "x" * 600, "malformed Authorization header"),
        ("Bearer not-a-token", "unknown or revoked token"),
        ("Bearer ÿ-latin-1", "unknown or revoked token"),
    ],
)
def test_no_valid_token_is_401_and_writes_nothing(
    hq: HQ, endpoint: str, authorization: str | None, logged: str, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", logged)
    kiosk_id, _ = hq.kiosk()
    before = hq.db.kiosk(kiosk_id)
    reply = _call(hq, endpoint, None if authorization is None else authorization.encode("latin-1"))
    assert reply.status_code == 401
    assert reply.headers["www-authenticate"] == "Bearer"
    body = reply.json()
    assert body["error"] == "unauthorized"
    assert body["message"]
    assert hq.db.count_answers() == 0
    assert hq.db.kiosk(kiosk_id) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_revoked_token_is_401(hq: HQ, endpoint: str, expect_log: Any) -> None:
    expect_log("effortless.hq.api", "unknown or revoked token")
    kiosk_id, token = hq.kiosk()
    assert _call(hq, endpoint, f"Bearer {token}").status_code == 200
    answers_before = hq.db.count_answers()
    assert hq.db.revoke(kiosk_id) is True
    assert hq.db.revoke(kiosk_id) is False
    before = hq.db.kiosk(kiosk_id)

    reply = _call(hq, endpoint, f"Bearer {token}")
    assert reply.status_code == 401
    assert reply.json()["error"] == "unauthorized"
    assert hq.db.count_answers() == answers_before
    assert hq.db.kiosk(kiosk_id) == before


def test_the_bearer_scheme_is_case_insensitive(hq: HQ) -> None:
    _, token = hq.kiosk()
    reply = hq.get("/api/v1/config", headers={"Authorization": f"bearer {token}"})
    assert reply.status_code == 200


def test_a_token_writes_only_as_its_own_kiosk(hq: HQ) -> None:
    kiosk_a, token_a = hq.kiosk(store="s001")
    kiosk_b, _ = hq.kiosk(store="s002")
    answer = make_answer()
    hq.results(token_a, [answer])
    assert hq.db.count_answers(kiosk_a) == 1
    assert hq.db.count_answers(kiosk_b) == 0
