"""Unlocks, failed PINs and refused configs arrive with the kiosk's heartbeat (issue 4)."""

from __future__ import annotations

from typing import Any

from hq_helpers import HQ
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
