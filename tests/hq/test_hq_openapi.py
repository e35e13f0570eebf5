"""/openapi.json says exactly what HQ takes: the kiosk's real bodies pass both the schema and
HQ, bodies HQ refuses fail the schema too, and schemathesis finds no difference."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from answers import make_answer, queue_answer
from hq_helpers import HQ, make_heartbeat, serving
from jsonschema import Draft202012Validator

from ces.answer import MAX_FLAGS, RAPID_FLAG, TIMEOUT
from ces.keys import CONFIG_ERROR
from ces.manager_events import MANAGER_EVENT_KINDS, MAX_MANAGER_EVENTS
from ces.timestamps import iso_utc
from hq.db.database import HQDatabase
from hq.surveys import SurveyCatalog
from hq.throttle import Limits
from hq.validate import MAX_ANSWERS, MAX_COMMENT_CHARS
from sync.client import HQClient
from sync.enrolment import enrol, remember
from sync.manager_events import record_event
from sync.outbox import Outbox
from sync.remote_config import ConfigError, parse_config
from sync.worker import BATCH_SIZE, heartbeat_body

HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
# Bounded and repeatable: the same cases every run, well under a minute.
SCHEMATHESIS_SEED = 1
SCHEMATHESIS_EXAMPLES = 30


@pytest.fixture
def hq_open(sqlite_database_url: str, surveys: SurveyCatalog) -> Iterator[HQ]:
    """HQ on SQLite with enrolment unthrottled, so many wrong codes still reach its checks."""
    opened = HQDatabase.open(sqlite_database_url)
    limits = Limits(enrol_burst=1_000_000, enrol_per_minute=1_000_000)
    try:
        with serving(opened, surveys, limits=limits) as url:
            yield HQ(url, opened)
    finally:
        opened.close()


@pytest.fixture
def openapi(hq_open: HQ) -> dict[str, Any]:
    reply = hq_open.get("/openapi.json")
    assert reply.status_code == 200
    doc: dict[str, Any] = reply.json()
    return doc


def schema_of(doc: dict[str, Any], name: str) -> Draft202012Validator:
    """A validator for one of the document's components, its references resolved in it."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(doc: dict[str, Any], name: str, body: Any) -> None:
    errors = [e.message for e in schema_of(doc, name).iter_errors(body)]
    assert errors == [], f"{name}: {errors}"


def assert_invalid(doc: dict[str, Any], name: str, body: Any) -> None:
    assert not schema_of(doc, name).is_valid(body), f"{name} takes {body!r}"


def request_body(doc: dict[str, Any], path: str) -> str:
    content = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    ref: str = content["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


# --- the kiosk's real bodies ----------------------------------------------------------------


def sent_body(reply: requests.Response) -> Any:
    """The JSON body of the request that got ``reply``, as it went over the wire."""
    body = reply.request.body
    assert isinstance(body, bytes)
    return json.loads(body)


def test_the_kiosks_real_batch_and_heartbeat_fit_the_schema_and_hq_takes_them(
    hq_open: HQ, openapi: dict[str, Any], tmp_path: Path
) -> None:
    # A kiosk enrolled as its setup screen does it, with its outbox.
    base_url, enrolment = enrol(hq_open.url, hq_open.add_kiosk().code)
    outbox = Outbox.open(tmp_path)
    remember(outbox.settings, outbox, base_url, enrolment, False)
    # Answers as the kiosk queues them: the odd ones too (a comment over several lines, a
    # shopper who walked away, a rapid one, every language).
    now = datetime.now(UTC)
    answers = [
        make_answer(at=now - timedelta(minutes=9), comment="Lange wachtrij\nbij de kassa\t!"),
        make_answer(
            at=now - timedelta(minutes=7), factor=None, outcome=TIMEOUT, locale="fr", score=1
        ),
        make_answer(at=now - timedelta(minutes=5), flags=[RAPID_FLAG], locale="de", score=7),
        make_answer(at=now - timedelta(minutes=3), comment="é" * MAX_COMMENT_CHARS, locale="en"),
    ]
    for answer in answers:
        queue_answer(outbox, answer)
    # What the worker reports besides: PIN pad events and a config it refused.
    for kind in MANAGER_EVENT_KINDS:
        record_event(outbox, kind, iso_utc(now - timedelta(minutes=1)))
    with pytest.raises(ConfigError) as refused:
        parse_config({"kiosk_id": "k", "surveys": "none"})
    outbox.set_meta(CONFIG_ERROR, str(refused.value)[:500])

    client = HQClient(base_url, enrolment.token)
    sent: list[requests.Response] = []
    client.session.hooks["response"].append(lambda reply, *args, **kwargs: sent.append(reply))
    try:
        results = client.send_answers(outbox.sendable(BATCH_SIZE), str(uuid.uuid4()))
        client.heartbeat(heartbeat_body(outbox, ("in_store_purchase", 1)))
    finally:
        client.close()
        outbox.close()

    assert [r.status for r in results] == ["new"] * len(answers)
    batch_reply, beat_reply = sent
    assert batch_reply.status_code == 200
    assert beat_reply.status_code == 200, beat_reply.text
    batch = sent_body(batch_reply)
    beat = sent_body(beat_reply)
    assert [a["id"] for a in batch["responses"]] == [a["id"] for a in answers]
    assert {"manager_events", "config_error"} <= beat.keys()
    assert len(beat["manager_events"]) == 3

    assert_valid(openapi, request_body(openapi, "/api/v1/responses"), batch)
    for answer in batch["responses"]:
        assert_valid(openapi, "Answer", answer)
    assert_valid(openapi, "ResponsesReply", batch_reply.json())
    assert_valid(openapi, request_body(openapi, "/api/v1/heartbeat"), beat)
    assert_valid(openapi, "HeartbeatReply", beat_reply.json())


# --- what HQ refuses, the schema refuses --------------------------------------------------------

STAMP = "2026-11-22T09:00:00.000Z"
EVENT = {"kind": "unlock", "at": STAMP}

HEARTBEATS_REFUSED = {
    "missing-field": {k: v for k, v in make_heartbeat().items() if k != "kiosk_time"},
    "unknown-field": make_heartbeat(battery=80),
    "negative-queue": make_heartbeat(queue_depth=-1),
    "empty-version": make_heartbeat(app_version=""),
    "spaced-version": make_heartbeat(app_version="1.0 beta"),
    "offset-time": make_heartbeat(kiosk_time="2026-11-22T09:00:00+01:00"),
    "spaced-time": make_heartbeat(kiosk_time="2026-11-22 09:00:00Z"),
    "bad-survey-id": make_heartbeat(survey_id="In Store"),
    "survey-version-0": make_heartbeat(survey_version=0),
    "unknown-event": make_heartbeat(manager_events=[{"kind": "reboot", "at": STAMP}]),
    "event-extra": make_heartbeat(manager_events=[{**EVENT, "pin": "1234"}]),
    "null-events": make_heartbeat(manager_events=None),
    "too-many-events": make_heartbeat(manager_events=[EVENT] * (MAX_MANAGER_EVENTS + 1)),
    "config-error-number": make_heartbeat(config_error=5),
    "not-an-object": [make_heartbeat()],
}


@pytest.mark.parametrize("body", HEARTBEATS_REFUSED.values(), ids=HEARTBEATS_REFUSED.keys())
def test_a_heartbeat_hq_refuses_the_schema_refuses(
    hq_sqlite: HQ, body: Any, expect_log: Any
) -> None:
    expect_log("effortless.hq", "400 bad_request")
    _, token = hq_sqlite.kiosk()
    reply = hq_sqlite.post("/api/v1/heartbeat", token, body)
    assert reply.status_code == 400, reply.text
    doc = hq_sqlite.get("/openapi.json").json()
    assert_invalid(doc, "HeartbeatRequest", body)
    assert_valid(doc, "Error", reply.json())


BATCHES_REFUSED = {
    "no-responses": ({}, 400),
    "not-a-list": ({"responses": {}}, 400),
    "extra-field": ({"responses": [], "kiosk": "k"}, 400),
    "too-many": ({"responses": [None] * (MAX_ANSWERS + 1)}, 413),
    "enrol-code-too-long": ({"code": "A" * 65}, 400),
}


@pytest.mark.parametrize(("body", "status"), BATCHES_REFUSED.values(), ids=BATCHES_REFUSED.keys())
def test_a_batch_or_enrolment_hq_refuses_the_schema_refuses(
    hq_sqlite: HQ, body: Any, status: int, expect_log: Any
) -> None:
    expect_log("effortless.hq", f"{status} (bad_request|too_large)")
    path = "/api/v1/enroll" if "code" in body else "/api/v1/responses"
    _, token = hq_sqlite.kiosk()
    reply = hq_sqlite.post(path, token, body)
    assert reply.status_code == status, reply.text
    doc = hq_sqlite.get("/openapi.json").json()
    assert_invalid(doc, request_body(doc, path), body)
    assert str(status) in doc["paths"][path]["post"]["responses"]


ANSWERS_REJECTED = {
    "uppercase-id": make_answer(id=str(uuid.uuid4()).upper()),
    "seq-0": make_answer(seq=0),
    "bad-survey-id": make_answer(survey_id="In Store"),
    "unknown-locale": make_answer(locale="es"),
    "unknown-scale": make_answer(scale="nps"),
    "score-as-text": make_answer(score="6"),
    "unknown-outcome": make_answer(outcome="abandoned"),
    "unknown-flag": make_answer(flags=["slow"]),
    "too-many-flags": make_answer(flags=[RAPID_FLAG] * (MAX_FLAGS + 1)),
    "long-comment": make_answer(comment="x" * (MAX_COMMENT_CHARS + 1)),
    "bell-in-comment": make_answer(comment="ding\x07"),
    "offset-moment": make_answer(started_at="2026-11-22T09:00:00+00:00"),
    "unknown-field": make_answer(mood="sunny"),
    "missing-field": {k: v for k, v in make_answer().items() if k != "finished_at"},
}


def test_an_answer_hq_rejects_the_answer_schema_refuses(hq_sqlite: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq", "answers rejected")
    _, token = hq_sqlite.kiosk()
    results = hq_sqlite.results(token, list(ANSWERS_REJECTED.values()))
    doc = hq_sqlite.get("/openapi.json").json()
    for (name, answer), result in zip(ANSWERS_REJECTED.items(), results, strict=True):
        assert result["status"] == "rejected", name
        assert not schema_of(doc, "Answer").is_valid(answer), name
    # The batch itself is fine: each answer is judged on its own.
    assert_valid(doc, "ResponsesRequest", {"responses": list(ANSWERS_REJECTED.values())})


def test_the_document_names_the_errors_hq_gives_everywhere(openapi: dict[str, Any]) -> None:
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "Retry-After" in responses["503"]["headers"], (path, method)
            if method == "post":
                assert {"408", "413"} <= responses.keys(), (path, method)
    enrol_throttled = openapi["paths"]["/api/v1/enroll"]["post"]["responses"]["429"]
    assert "Retry-After" in enrol_throttled["headers"]


# --- schemathesis -------------------------------------------------------------------------------


def test_schemathesis_finds_no_difference_between_the_document_and_hq(
    hq_open: HQ, tmp_path: Path, expect_log: Any
) -> None:
    # It sends whatever the schema allows and forbids: HQ's warnings about it are expected.
    expect_log("effortless.hq", "")
    # Its first probe: whether the server takes a NUL byte in a header (h11 does not).
    expect_log("uvicorn.error", "Invalid HTTP request received")
    _, token = hq_open.kiosk()
    config = tmp_path / "schemathesis.toml"
    # An answer batch over the limit is 413 (the kiosk then halves it), not 400.
    config.write_text(
        f'hooks = "{HOOKS}"\n'
        "[checks.negative_data_rejection]\n"
        "expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]\n",
        encoding="utf-8",
    )
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{hq_open.url}/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "not_a_server_error,status_code_conformance,content_type_conformance,"
        "response_schema_conformance,negative_data_rejection,positive_data_acceptance",
        "--max-examples",
        str(SCHEMATHESIS_EXAMPLES),
        "--seed",
        str(SCHEMATHESIS_SEED),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--no-color",
    ]
    started = time.monotonic()
    run = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    took = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
    assert " passed" in run.stdout
    assert took < 120, f"schemathesis took {took:.0f} s"
