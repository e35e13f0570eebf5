"""Heartbeat, config, health, the OpenAPI document, errors and request ids."""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hq_helpers import HQ, DoomedDatabase, make_answers, serving

from ces.assets import surveys_dir
from hq.db.database import HQDatabase
from hq.surveys import load_surveys

HEARTBEAT = {
    "queue_depth": 12,
    "oldest_unsent_at": "2026-11-22T09:00:00.000Z",
    "app_version": "0.1.0",
    "survey_id": "in_store_purchase",
    "survey_version": 1,
    "kiosk_time": "2026-11-22T09:05:00.000Z",
    "last_sync_error": None,
}


def _ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


# --- heartbeat -----------------------------------------------------------------------------


def test_a_heartbeat_is_recorded_with_the_server_time(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk()
    sent_at = datetime.now().astimezone()
    reply = hq.post("/api/v1/heartbeat", token, HEARTBEAT)
    received_at = datetime.now().astimezone()
    assert reply.status_code == 200
    (key,) = reply.json()
    assert key == "server_time"
    server_time = datetime.fromisoformat(reply.json()["server_time"])
    assert reply.json()["server_time"].endswith("Z")
    assert len(reply.json()["server_time"]) == 24
    assert _ms(sent_at) <= server_time <= received_at

    k = hq.db.kiosk(kiosk_id)
    assert k.heartbeat_at is not None
    assert _ms(k.heartbeat_at) == server_time
    assert k.last_seen_at == k.heartbeat_at
    assert (k.queue_depth, k.app_version, k.survey_id, k.survey_version) == (
        12,
        "0.1.0",
        "in_store_purchase",
        1,
    )
    assert k.oldest_unsent_at is not None
    assert k.oldest_unsent_at.isoformat() == "2026-11-22T09:00:00+00:00"
    assert k.kiosk_time is not None
    assert k.kiosk_time.isoformat() == "2026-11-22T09:05:00+00:00"
    assert k.last_sync_error is None


def test_the_latest_heartbeat_wins_and_nulls_are_allowed(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk()
    assert hq.post("/api/v1/heartbeat", token, HEARTBEAT).status_code == 200
    empty = {
        **HEARTBEAT,
        "queue_depth": 0,
        "oldest_unsent_at": None,
        "survey_id": None,
        "survey_version": None,
        "last_sync_error": "HQ answered 503",
    }
    assert hq.post("/api/v1/heartbeat", token, empty).status_code == 200
    k = hq.db.kiosk(kiosk_id)
    assert (k.queue_depth, k.oldest_unsent_at, k.survey_id, k.survey_version) == (
        0,
        None,
        None,
        None,
    )
    assert k.last_sync_error == "HQ answered 503"


def test_a_long_or_odd_sync_error_is_kept_storable(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk()
    error = "bad\x00byte \ud800 " + "e" * 5000
    assert (
        hq.post("/api/v1/heartbeat", token, {**HEARTBEAT, "last_sync_error": error}).status_code
        == 200
    )
    stored = hq.db.kiosk(kiosk_id).last_sync_error
    assert stored is not None
    assert len(stored) == 1000
    assert stored.startswith("bad\ufffdbyte \ufffd eee")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"queue_depth": -1}, "queue_depth: must be between 0 and 2,147,483,647, got -1"),
        ({"queue_depth": "3"}, "queue_depth: expected a whole number, got text"),
        ({"queue_depth": 1.5}, "queue_depth: expected a whole number, got a number"),
        (
            {"oldest_unsent_at": "yesterday"},
            "oldest_unsent_at: 'yesterday' is not a UTC timestamp like 2026-11-22T09:00:00.000Z",
        ),
        (
            {"app_version": ""},
            "app_version: '' is not a version (1 to 64 of A-Z, a-z, 0-9, '.', '+', '_', '-')",
        ),
        (
            {"app_version": "0.1 beta"},
            "app_version: '0.1 beta' is not a version (1 to 64 of A-Z, a-z, 0-9, '.', '+', '_', '-')",
        ),
        ({"app_version": None}, "app_version: expected text, got null"),
        (
            {"survey_id": "In Store"},
            "survey_id: 'In Store' is not an id (1 to 64 of a-z, 0-9, '_', '-', starting with a-z or 0-9)",
        ),
        ({"survey_version": 0}, "survey_version: must be between 1 and 2,147,483,647, got 0"),
        ({"kiosk_time": None}, "kiosk_time: expected text, got null"),
        ({"last_sync_error": 5}, "last_sync_error: expected text, got a number"),
        ({"battery": 80}, "battery: unknown field"),
    ],
)
def test_a_bad_heartbeat_is_400_and_changes_nothing(
    hq: HQ, change: dict[str, Any], message: str, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "400 bad_request")
    kiosk_id, token = hq.kiosk()
    before = hq.db.kiosk(kiosk_id)
    reply = hq.post("/api/v1/heartbeat", token, {**HEARTBEAT, **change})
    assert reply.status_code == 400
    assert reply.json() == {"error": "bad_request", "message": message}
    assert hq.db.kiosk(kiosk_id) == before


def test_a_heartbeat_without_a_field_is_400(hq_sqlite: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", "400 bad_request")
    _, token = hq_sqlite.kiosk()
    beat = dict(HEARTBEAT)
    del beat["last_sync_error"]
    reply = hq_sqlite.post("/api/v1/heartbeat", token, beat)
    assert reply.json() == {
        "error": "bad_request",
        "message": "last_sync_error: required field is missing",
    }


# --- config --------------------------------------------------------------------------------


def _survey_files(folder: Path) -> list[dict[str, Any]]:
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    return sorted(docs, key=lambda d: str(d["id"]))


def test_config_names_the_kiosk_and_carries_the_surveys(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk(store="s042", touchpoint="returns_desk")
    reply = hq.get("/api/v1/config", token)
    assert reply.status_code == 200
    assert reply.json() == {
        "kiosk_id": kiosk_id,
        "store": "s042",
        "touchpoint": "returns_desk",
        # The surveys of its touchpoint only (docs/protocol.md, "Which surveys a kiosk may answer").
        "surveys": [s for s in _survey_files(surveys_dir()) if s["touchpoint"] == "returns_desk"],
        # A journey's touchpoint (the shipped journeys are seeded): the survey that runs there.
        "published": "returns_desk",
        "messages": [],
    }
    assert reply.headers["etag"].startswith('"')
    assert reply.headers["etag"].endswith('"')


def test_config_answers_304_to_its_own_etag(hq: HQ) -> None:
    _, token = hq.kiosk()
    etag = hq.get("/api/v1/config", token).headers["etag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        reply = hq.get("/api/v1/config", token, headers={"If-None-Match": header})
        assert reply.status_code == 304, header
        assert reply.content == b""
        assert reply.headers["etag"] == etag
    for header in ('"other"', etag[:-2] + '"', ""):
        reply = hq.get("/api/v1/config", token, headers={"If-None-Match": header})
        assert reply.status_code == 200, header


def test_each_kiosk_has_its_own_etag(hq: HQ) -> None:
    _, token_a = hq.kiosk(store="s001")
    _, token_b = hq.kiosk(store="s002")
    etag_a = hq.get("/api/v1/config", token_a).headers["etag"]
    etag_b = hq.get("/api/v1/config", token_b).headers["etag"]
    assert etag_a != etag_b
    assert hq.get("/api/v1/config", token_b, headers={"If-None-Match": etag_a}).status_code == 200


def test_the_survey_folder_seeds_the_database_once(
    tmp_path: Path, sqlite_database_url: str
) -> None:
    # Surveys live in HQ's database from the first start on (hq.survey_versions): a file
    # changed in the folder later is not served; `ces-hq survey import` or the editor is.
    folder = tmp_path / "surveys"
    shutil.copytree(surveys_dir(), folder)
    db = HQDatabase.open(sqlite_database_url)
    try:
        with serving(db, load_surveys(folder)) as url:
            _, token = HQ(url, db).kiosk(touchpoint="kassa")  # offered every survey
            first = HQ(url, db).get("/api/v1/config", token)
        survey = json.loads((folder / "returns_desk.json").read_text(encoding="utf-8"))
        survey["version"] = 2
        (folder / "returns_desk.json").write_text(json.dumps(survey), encoding="utf-8")
        with serving(db, load_surveys(folder)) as url:
            second = HQ(url, db).get(
                "/api/v1/config", token, headers={"If-None-Match": first.headers["etag"]}
            )
    finally:
        db.close()
    assert second.status_code == 304
    versions = {s["id"]: s["version"] for s in first.json()["surveys"]}
    assert versions == {"in_store_purchase": 1, "returns_desk": 1}


def test_answers_to_a_survey_outside_the_folder_are_rejected(
    tmp_path: Path, sqlite_database_url: str, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "survey_id: unknown survey")
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(surveys_dir() / "returns_desk.json", folder)
    db = HQDatabase.open(sqlite_database_url)
    try:
        with serving(db, load_surveys(folder)) as url:
            hq = HQ(url, db)
            _, token = hq.kiosk()
            results = hq.results(token, make_answers(1))
    finally:
        db.close()
    assert results[0]["error"] == "survey_id: unknown survey"


# --- health, errors, documents ----------------------------------------------------------


def test_healthz(hq: HQ) -> None:
    reply = hq.get("/healthz")
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_a_database_that_goes_away_is_503_with_retry_after(
    doomed_pg: DoomedDatabase, surveys: Any, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "the database did not answer")
    db = HQDatabase.open(doomed_pg.url)
    try:
        with serving(db, surveys) as url:
            hq = HQ(url, db)
            _, token = hq.kiosk()
            doomed_pg.drop()
            health = hq.get("/healthz")
            sent = hq.send(token, make_answers(2))
    finally:
        db.close()
    for reply in (health, sent):
        assert reply.status_code == 503
        assert reply.headers["retry-after"] == "5"
        assert reply.json() == {
            "error": "unavailable",
            "message": "the database did not answer; try again later",
        }


def test_unknown_paths_and_methods_have_the_error_shape(hq_sqlite: HQ) -> None:
    missing = hq_sqlite.get("/api/v2/responses")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "message": "Not Found"}
    wrong = hq_sqlite.get("/api/v1/responses")
    assert wrong.status_code == 405
    assert wrong.json() == {"error": "method_not_allowed", "message": "Method Not Allowed"}


def test_the_openapi_document_describes_the_protocol(hq_sqlite: HQ) -> None:
    reply = hq_sqlite.get("/openapi.json")
    assert reply.status_code == 200
    doc = reply.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert set(paths) == {
        "/api/v1/enroll",
        "/api/v1/responses",
        "/api/v1/heartbeat",
        "/api/v1/config",
        "/healthz",
        "/livez",
        "/readyz",
    }
    schemas = doc["components"]["schemas"]
    body = paths["/api/v1/responses"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/ResponsesRequest"}
    answer = schemas["Answer"]
    assert answer["additionalProperties"] is False
    assert set(answer["required"]) == {
        "id", "seq", "survey_id", "survey_version", "locale", "scale", "score", "factor",
        "comment", "outcome", "flags", "started_at", "answered_at", "finished_at",
    }  # fmt: skip
    assert schemas["ResponsesRequest"]["properties"]["responses"]["maxItems"] == 500
    assert paths["/api/v1/responses"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in paths["/api/v1/enroll"]["post"]
    for path, methods in paths.items():
        for method in methods.values():
            for status, response in method["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (path, status)


def test_the_request_id_is_echoed_and_logged(
    hq_sqlite: HQ, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="effortless.hq")
    _, token = hq_sqlite.kiosk()
    request_id = str(uuid.uuid4())
    reply = hq_sqlite.send(token, make_answers(3), headers={"X-Request-Id": request_id})
    assert reply.headers["x-request-id"] == request_id
    lines = [r.getMessage() for r in caplog.records if request_id in r.getMessage()]
    assert len(lines) == 1
    assert ": 3 new, 0 duplicate, 0 rejected in " in lines[0]


def test_an_odd_request_id_is_replaced(hq_sqlite: HQ) -> None:
    reply = hq_sqlite.get("/healthz", headers={"X-Request-Id": "a b" + "c" * 200})
    replaced = reply.headers["x-request-id"]
    assert len(replaced) == 32
    assert int(replaced, 16) >= 0
