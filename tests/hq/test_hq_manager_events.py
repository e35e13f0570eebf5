"""Unlocks, failed PINs and refused configs arrive with the kiosk's heartbeat (issue 4)."""

from __future__ import annotations

from typing import Any

from hq_helpers import HQ, log_in
from sqlalchemy import select

from hq.db.tables import kiosk_events

HEARTBEAT: dict[str, Any] = {
    "queue_depth": 0,
    "oldest_unsent_at": None,
    "app_version": "0.1.0",
    "survey_id": "in_store_purchase",
    "survey_version": 1,
    "kiosk_time": "2026-11-22T09:05:00.000Z",
    "last_sync_error": None,
}


def events_of(hq: HQ, kiosk_id: str) -> list[tuple[str, str | None]]:
    with hq.db.engine.connect() as conn:
        rows = conn.execute(
            select(kiosk_events.c.kind, kiosk_events.c.detail)
            .where(kiosk_events.c.kiosk_id == kiosk_id)
            .order_by(kiosk_events.c.at)
        ).all()
    return [(row.kind, row.detail) for row in rows]


def test_manager_events_and_a_refused_config_are_recorded(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk()
    beat = {
        **HEARTBEAT,
        "manager_events": [
            {"kind": "pin_failed", "at": "2026-11-22T09:00:00.000Z"},
            {"kind": "unlock", "at": "2026-11-22T09:00:10.000Z"},
        ],
        "config_error": "config surveys[0]: why.factors: needs 2 to 8 factors",
    }
    assert hq.post("/api/v1/heartbeat", token, beat).status_code == 200
    assert events_of(hq, kiosk_id) == [
        ("pin_failed", None),
        ("unlock", None),
        ("config_refused", "config surveys[0]: why.factors: needs 2 to 8 factors"),
    ]


def test_a_heartbeat_without_the_optional_fields_still_works(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk()
    assert hq.post("/api/v1/heartbeat", token, HEARTBEAT).status_code == 200
    assert events_of(hq, kiosk_id) == []


def test_bad_manager_events_are_refused_and_nothing_is_written(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", "400 bad_request: manager_events")
    kiosk_id, token = hq.kiosk()
    for events in (
        "unlock",
        [{"kind": "reboot", "at": "2026-11-22T09:00:00.000Z"}],
        [{"kind": "unlock"}],
        [{"kind": "unlock", "at": "yesterday"}],
        [{"kind": "unlock", "at": "2026-11-22T09:00:00.000Z"}] * 101,
    ):
        reply = hq.post("/api/v1/heartbeat", token, {**HEARTBEAT, "manager_events": events})
        assert reply.status_code == 400, events
        assert "manager_events" in reply.json()["message"]
    assert events_of(hq, kiosk_id) == []


def rejected_of(hq: HQ, kiosk_id: str) -> int:
    return next(k.rejected_answers for k in hq.db.kiosks() if k.id == kiosk_id)


def test_the_rejected_answers_a_kiosk_keeps_aside_are_on_the_fleet_page(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk()
    beat = {**HEARTBEAT, "rejected_answers": 3, "latest_rejected_at": "2026-11-22T09:04:00.000Z"}
    assert hq.post("/api/v1/heartbeat", token, beat).status_code == 200
    assert rejected_of(hq, kiosk_id) == 3
    page = log_in(hq).get(f"{hq.url}/fleet", timeout=30).text
    assert "3 answer(s) rejected by HQ are kept aside on this kiosk" in page
    # Without the fields the kiosk has none left: the count goes back to 0.
    assert hq.post("/api/v1/heartbeat", token, HEARTBEAT).status_code == 200
    assert rejected_of(hq, kiosk_id) == 0


def test_bad_rejected_answer_reports_are_refused(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", "400 bad_request: (rejected_answers|latest_rejected_at)")
    kiosk_id, token = hq.kiosk()
    for field, value in (
        ("rejected_answers", -1),
        ("rejected_answers", "3"),
        ("rejected_answers", True),
        ("rejected_answers", 2**31),
        ("latest_rejected_at", "yesterday"),
        ("latest_rejected_at", 5),
    ):
        reply = hq.post("/api/v1/heartbeat", token, {**HEARTBEAT, field: value})
        assert reply.status_code == 400, (field, value)
        assert field in reply.json()["message"]
    assert rejected_of(hq, kiosk_id) == 0
