"""POST /api/v1/responses against the real service, on SQLite and PostgreSQL: strict
validation answer by answer, exactly-once storage, and the limits on what a body may be."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from hq_helpers import HQ, make_answer, make_answers

from hq.db.database import CONFLICT_ERROR

UUID_RULE = "is not a UUID in lowercase 8-4-4-4-12 form"
ID_RULE = "is not an id (1 to 64 of a-z, 0-9, '_', '-', starting with a-z or 0-9)"
TIMESTAMP_RULE = "is not a UTC timestamp like 2026-11-22T09:00:00.000Z"


def _statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


# --- validation: each rule refuses one answer and leaves its neighbours alone ------------

_BIG = 2**63


def _without(field: str) -> dict[str, Any]:
    answer = make_answer()
    del answer[field]
    return answer


INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("id-number", make_answer(id=5), "id: expected text, got a number"),
    ("id-not-uuid", make_answer(id="abc"), f"id: 'abc' {UUID_RULE}"),
    (
        "id-upper-case",
        make_answer(id="3F1C2B9E-0000-4000-8000-000000000001"),
        f"id: '3F1C2B9E-0000-4000-8000-000000000001' {UUID_RULE}",
    ),
    (
        "id-braces",
        make_answer(id="{3f1c2b9e-0000-4000-8000-000000000001}"),
        f"id: '{{3f1c2b9e-0000-4000-8000-000000000001}}' {UUID_RULE}",
    ),
    ("seq-bool", make_answer(seq=True), "seq: expected a whole number, got true"),
    ("seq-float", make_answer(seq=1.0), "seq: expected a whole number, got a number"),
    ("seq-text", make_answer(seq="1"), "seq: expected a whole number, got text"),
    ("seq-zero", make_answer(seq=0), "seq: must be between 1 and 9,223,372,036,854,775,807, got 0"),
    (
        "seq-too-big",
        make_answer(seq=_BIG),
        f"seq: must be between 1 and 9,223,372,036,854,775,807, got {_BIG}",
    ),
    (
        "seq-huge",
        make_answer(seq=10**100),
        "seq: must be between 1 and 9,223,372,036,854,775,807, got a huge number",
    ),
    ("survey-id-pattern", make_answer(survey_id="In Store"), f"survey_id: 'In Store' {ID_RULE}"),
    ("survey-id-unknown", make_answer(survey_id="parking_lot"), "survey_id: unknown survey"),
    ("survey-id-null", make_answer(survey_id=None), "survey_id: expected text, got null"),
    (
        "survey-version-zero",
        make_answer(survey_version=0),
        "survey_version: must be between 1 and 2,147,483,647, got 0",
    ),
    (
        "survey-version-too-big",
        make_answer(survey_version=2**31),
        f"survey_version: must be between 1 and 2,147,483,647, got {2**31}",
    ),
    (
        "survey-version-text",
        make_answer(survey_version="1"),
        "survey_version: expected a whole number, got text",
    ),
    (
        "locale-unknown",
        make_answer(locale="es"),
        "locale: 'es' is not one of nl, en, de, fr, tr, pl, ar",
    ),
    (
        "locale-null",
        make_answer(locale=None),
        "locale: null is not one of nl, en, de, fr, tr, pl, ar",
    ),
    ("scale-unknown", make_answer(scale="ces9"), "scale: 'ces9' is not one of ces7, ces5, smiley5"),
    (
        "scale-not-the-surveys",
        make_answer(scale="ces5", score=3),
        "scale: survey 'in_store_purchase' uses scale 'ces7', not 'ces5'",
    ),
    ("score-above", make_answer(score=8), "score: 8 is not a point of scale 'ces7' (1 to 7)"),
    ("score-below", make_answer(score=0), "score: 0 is not a point of scale 'ces7' (1 to 7)"),
    ("score-bool", make_answer(score=True), "score: expected a whole number, got true"),
    ("score-float", make_answer(score=6.0), "score: expected a whole number, got a number"),
    ("score-infinite", make_answer(score=1e999), "score: expected a whole number, got a number"),
    ("score-null", make_answer(score=None), "score: expected a whole number, got null"),
    (
        "factor-unknown",
        make_answer(factor="parking"),
        "factor: 'parking' is not a factor of survey 'in_store_purchase'",
    ),
    (
        "factor-of-another-survey",
        make_answer(factor="waiting"),
        "factor: 'waiting' is not a factor of survey 'in_store_purchase'",
    ),
    ("factor-number", make_answer(factor=3), "factor: expected text or null, got a number"),
    (
        "comment-too-long",
        make_answer(comment="x" * 1001),
        "comment: text is 1001 characters; the limit is 1000",
    ),
    (
        "comment-nul",
        make_answer(comment="fine\x00"),
        "comment: text contains a control character or a lone surrogate",
    ),
    (
        "comment-escape",
        make_answer(comment="fine\x1b[31m"),
        "comment: text contains a control character or a lone surrogate",
    ),
    (
        "comment-lone-surrogate",
        make_answer(comment="fine \ud800"),
        "comment: text contains a control character or a lone surrogate",
    ),
    ("comment-list", make_answer(comment=["a"]), "comment: expected text or null, got a list"),
    (
        "outcome-unknown",
        make_answer(outcome="done"),
        "outcome: 'done' is not one of completed, timeout",
    ),
    ("outcome-null", make_answer(outcome=None), "outcome: null is not one of completed, timeout"),
    ("flags-text", make_answer(flags="rapid"), "flags: expected a list, got text"),
    (
        "flags-unknown",
        make_answer(flags=["rapid", "slow"]),
        "flags[1]: 'slow' is not a known flag (rapid)",
    ),
    ("flags-number", make_answer(flags=[1]), "flags[0]: a number is not a known flag (rapid)"),
    ("flags-too-many", make_answer(flags=["rapid"] * 9), "flags: 9 flags; the limit is 8"),
    (
        "started-space",
        make_answer(started_at="2026-11-22 09:00:00.000Z"),
        f"started_at: '2026-11-22 09:00:00.000Z' {TIMESTAMP_RULE}",
    ),
    (
        "answered-offset",
        make_answer(answered_at="2026-11-22T10:00:00.000+01:00"),
        f"answered_at: '2026-11-22T10:00:00.000+01:00' {TIMESTAMP_RULE}",
    ),
    (
        "answered-no-zone",
        make_answer(answered_at="2026-11-22T09:00:00.000"),
        f"answered_at: '2026-11-22T09:00:00.000' {TIMESTAMP_RULE}",
    ),
    (
        "finished-hour-24",
        make_answer(finished_at="2026-11-22T24:00:00.000Z"),
        f"finished_at: '2026-11-22T24:00:00.000Z' {TIMESTAMP_RULE}",
    ),
    (
        "finished-30-february",
        make_answer(finished_at="2026-02-30T09:00:00.000Z"),
        "finished_at: '2026-02-30T09:00:00.000Z' has a date that does not exist",
    ),
    (
        "finished-too-precise",
        make_answer(finished_at="2026-11-22T09:00:00.1234567Z"),
        f"finished_at: '2026-11-22T09:00:00.1234567Z' {TIMESTAMP_RULE}",
    ),
    ("finished-null", make_answer(finished_at=None), "finished_at: expected text, got null"),
    (
        "started-number",
        make_answer(started_at=1700000000),
        "started_at: expected text, got a number",
    ),
    ("unknown-field", make_answer(store_id="s999"), "store_id: unknown field"),
    (
        "unknown-fields",
        make_answer(kiosk_id="x", touchpoint="y"),
        "kiosk_id: unknown field (and 1 more)",
    ),
    ("odd-unknown-field", make_answer(**{"a b\n": 1}), "'a b\\n': unknown field"),
    ("missing-comment", _without("comment"), "comment: required field is missing"),
    ("missing-id", _without("id"), "id: required field is missing"),
    ("not-an-object", 42, "(answer): expected an object, got a number"),  # type: ignore[list-item]
    ("a-list", [make_answer()], "(answer): expected an object, got a list"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("bad", "error"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_an_invalid_answer_is_rejected_and_its_neighbours_stored(
    hq: HQ, bad: Any, error: str, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", r"1 answers rejected; the first: ")
    _, token = hq.kiosk()
    before, after = make_answer(seq=1), make_answer(seq=3)
    # Serialised here: requests refuses to send an infinite float, JSON spells it 1e999.
    body = json.dumps({"responses": [before, bad, after]}).replace("Infinity", "1e999")
    results = hq.results_of(hq.send_raw(token, body.encode()))

    assert _statuses(results) == ["new", "rejected", "new"]
    assert results[1]["error"] == error
    assert "error" not in results[0]
    assert "error" not in results[2]
    # The id is echoed when it is a valid one; otherwise null.
    has_valid_id = isinstance(bad, dict) and "id" in bad and not error.startswith("id:")
    assert results[1]["id"] == (bad["id"] if has_valid_id else None)
    assert {a["id"] for a in hq.db.answers()} == {before["id"], after["id"]}


def test_every_rule_of_the_protocol_table_has_a_case() -> None:
    fields = {error.split(":")[0].split("[")[0] for _, _, error in INVALID}
    assert fields >= {
        "id", "seq", "survey_id", "survey_version", "locale", "scale", "score", "factor",
        "comment", "outcome", "flags", "started_at", "answered_at", "finished_at",
    }  # fmt: skip


def test_rejections_are_logged_without_the_comment(hq: HQ, expect_log: Any, caplog: Any) -> None:
    expect_log("effortless.hq.api", r"kiosk [0-9a-f-]{36}: 2 answers rejected; the first: comment:")
    _, token = hq.kiosk()
    secret = "my-secret-words " * 70
    hq.results(token, [make_answer(comment=secret), make_answer(comment="ok \x07 BELL-SECRET")])
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "my-secret-words" not in logged
    assert "BELL-SECRET" not in logged


# --- what a valid answer may be ---------------------------------------------------------


def test_valid_edges_are_accepted_and_stored_as_sent(hq: HQ) -> None:
    _, token = hq.kiosk()
    # A kiosk at a touchpoint no survey names is offered, and may answer, every survey.
    _, token_any = hq.kiosk(touchpoint="kassa")
    answers = [
        # Finished in another minute than the rest: HQ would flag them as its burst.
        make_answer(
            at=datetime(2026, 11, 22, 9, 5, tzinfo=UTC),
            seq=1,
            score=1,
            factor=None,
            comment="x" * 1000,
            flags=["rapid"] * 8,
        ),
        make_answer(seq=2, score=7, comment="Regel 1\nregel 2\ttab\r ✓ 😀", locale="fr"),
        make_answer(
            seq=9_223_372_036_854_775_807,
            outcome="timeout",
            started_at="2026-11-22T09:00:00Z",
            answered_at="2026-11-22T09:00:00.5Z",
            finished_at="2026-11-22T09:00:00.923456Z",
        ),
        make_answer(
            seq=4,
            survey_id="returns_desk",
            scale="smiley5",
            score=5,
            factor="waiting",
            survey_version=2_147_483_647,
            locale="de",
        ),
        make_answer(seq=5, survey_id="returns_desk", scale="smiley5", score=1, factor=None),
    ]
    assert _statuses(hq.results(token, answers[:3])) == ["new"] * 3
    assert _statuses(hq.results(token_any, answers[3:])) == ["new"] * 2

    stored = {a["id"]: a for a in hq.db.answers()}
    for sent in answers:
        row = stored[sent["id"]]
        for key in ("seq", "survey_id", "survey_version", "locale", "scale", "score", "factor"):
            assert row[key] == sent[key], key
        assert row["comment"] == sent["comment"]
        assert json.loads(row["flags"]) == sent["flags"]
    times = stored[answers[2]["id"]]
    assert times["started_at"].isoformat() == "2026-11-22T09:00:00+00:00"
    assert times["answered_at"].isoformat() == "2026-11-22T09:00:00.500000+00:00"
    assert times["finished_at"].isoformat() == "2026-11-22T09:00:00.923456+00:00"


def test_an_empty_batch_is_fine(hq_sqlite: HQ) -> None:
    _, token = hq_sqlite.kiosk()
    reply = hq_sqlite.send(token, [])
    assert reply.status_code == 200
    assert reply.json() == {"results": []}


def test_store_and_touchpoint_come_from_the_token(hq: HQ) -> None:
    kiosk_a, token_a = hq.kiosk(store="s001", touchpoint="in_store_purchase")
    kiosk_b, token_b = hq.kiosk(store="s002", touchpoint="returns_desk")
    a = make_answer()
    b = make_answer(survey_id="returns_desk", scale="smiley5", score=4, factor="staff")
    assert _statuses(hq.results(token_a, [a])) == ["new"]
    assert _statuses(hq.results(token_b, [b])) == ["new"]
    rows = {r["id"]: r for r in hq.db.answers()}
    assert (rows[a["id"]]["kiosk_id"], rows[a["id"]]["store_id"], rows[a["id"]]["touchpoint"]) == (
        kiosk_a,
        "s001",
        "in_store_purchase",
    )
    assert (rows[b["id"]]["kiosk_id"], rows[b["id"]]["store_id"], rows[b["id"]]["touchpoint"]) == (
        kiosk_b,
        "s002",
        "returns_desk",
    )


# --- exactly once -------------------------------------------------------------------------


def test_a_resend_is_duplicate_and_stored_once(hq: HQ) -> None:
    _, token = hq.kiosk()
    batch = make_answers(20)
    assert _statuses(hq.results(token, batch)) == ["new"] * 20
    assert _statuses(hq.results(token, batch)) == ["duplicate"] * 20
    assert hq.db.count_answers() == 20


def test_a_resend_in_another_timestamp_spelling_is_still_a_duplicate(hq: HQ) -> None:
    _, token = hq.kiosk()
    answer = make_answer(started_at="2026-11-22T09:00:00.000Z")
    assert _statuses(hq.results(token, [answer])) == ["new"]
    same = {**answer, "started_at": "2026-11-22T09:00:00Z"}
    assert _statuses(hq.results(token, [same])) == ["duplicate"]


@pytest.mark.parametrize(
    "change",
    [
        {"score": 2},
        {"comment": "changed my mind"},
        {"factor": None},
        {"seq": 99},
        {"flags": ["rapid"]},
        {"finished_at": "2026-11-22T09:00:06.000Z"},
    ],
)
def test_the_same_id_with_other_content_is_a_conflict_and_changes_nothing(
    hq: HQ, change: dict[str, Any], expect_log: Any
) -> None:
    expect_log("effortless.hq.api", r"1 answers rejected; the first: conflict: ")
    _, token = hq.kiosk()
    original = make_answer(comment="as first sent")
    other = make_answer(seq=2)
    assert _statuses(hq.results(token, [original])) == ["new"]
    before = hq.db.answers()

    results = hq.results(token, [{**original, **change}, other])
    assert results[0] == {"id": original["id"], "status": "rejected", "error": CONFLICT_ERROR}
    assert results[1] == {"id": other["id"], "status": "new"}
    after = [r for r in hq.db.answers() if r["id"] == original["id"]]
    assert after == [r for r in before if r["id"] == original["id"]]


def test_another_kiosk_cannot_claim_or_overwrite_an_answer(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"1 answers rejected; the first: conflict: ")
    kiosk_a, token_a = hq.kiosk(store="s001")
    _, token_b = hq.kiosk(store="s002")
    answer = make_answer()
    assert _statuses(hq.results(token_a, [answer])) == ["new"]
    # Identical content, but from another kiosk: not a resend.
    assert hq.results(token_b, [answer])[0]["error"] == CONFLICT_ERROR
    (row,) = hq.db.answers()
    assert (row["kiosk_id"], row["store_id"]) == (kiosk_a, "s001")


def test_an_id_twice_in_one_batch(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"1 answers rejected; the first: conflict: ")
    _, token = hq.kiosk()
    a, b = make_answer(seq=1), make_answer(seq=2)
    results = hq.results(token, [a, a, b, {**b, "score": 1}])
    assert _statuses(results) == ["new", "duplicate", "new", "rejected"]
    assert results[3]["error"] == CONFLICT_ERROR
    stored = {r["id"]: r["score"] for r in hq.db.answers()}
    assert stored == {a["id"]: a["score"], b["id"]: b["score"]}


def test_the_same_batch_sent_concurrently_is_stored_once(hq: HQ) -> None:
    _, token = hq.kiosk()
    batch = make_answers(200)
    senders = 6
    barrier = threading.Barrier(senders)
    outcomes: list[list[dict[str, Any]]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(HQ(hq.url, hq.db).results(token, batch))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(outcomes) == senders
    for i, answer in enumerate(batch):
        per_answer = Counter(results[i]["status"] for results in outcomes)
        assert per_answer == {"new": 1, "duplicate": senders - 1}, answer["id"]
        assert all(results[i]["id"] == answer["id"] for results in outcomes)
    assert hq.db.count_answers() == len(batch)


def test_a_mixed_batch_keeps_the_order_of_results(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"2 answers rejected")
    _, token = hq.kiosk()
    old = make_answer(seq=1)
    hq.results(token, [old])
    batch = [make_answer(seq=2), old, make_answer(score=99), make_answer(seq=4), "junk"]
    results = hq.results(token, batch)
    assert _statuses(results) == ["new", "duplicate", "rejected", "new", "rejected"]
    assert [r["id"] for r in results[:4]] == [a["id"] for a in batch[:4]]  # type: ignore[index]
    assert results[4]["id"] is None


# --- limits ------------------------------------------------------------------------------


def test_500_answers_are_accepted_and_501_refused(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"413 too_large: 501 answers in one request; the limit is 500")
    _, token = hq.kiosk()
    reply = hq.send(token, make_answers(501))
    assert reply.status_code == 413
    assert reply.json() == {
        "error": "too_large",
        "message": "501 answers in one request; the limit is 500",
    }
    assert hq.db.count_answers() == 0
    assert _statuses(hq.results(token, make_answers(500))) == ["new"] * 500
