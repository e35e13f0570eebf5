"""A kiosk's unlocks and failed PINs reach HQ with its next heartbeat, and only once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hqserver import HQService
from sync_fixtures import enrol, running_hq, wait_until

from ces.manager_events import MAX_MANAGER_EVENTS, PIN_FAILED, UNLOCK
from ces.timestamps import utc_now
from hq.db.database import DB_FILENAME as HQ_DB
from kiosk.preset import preconfigure
from sync.manager_events import forget_delivered, pending_events, record_event
from sync.outbox import Outbox
from sync.worker import SyncWorker


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQService]:
    yield from running_hq(tmp_path / "hq")


def hq_events(hq_dir: Path) -> list[str]:
    with closing(sqlite3.connect(hq_dir / HQ_DB)) as conn:
        return [row[0] for row in conn.execute("SELECT kind FROM kiosk_events ORDER BY at")]


def test_unlocks_and_failed_pins_reach_hq_once(hq: HQService, tmp_path: Path) -> None:
    data = tmp_path / "kiosk"
    preconfigure(data)
    enrol(data, hq.url, hq.add_kiosk())
    with closing(Outbox.attach(data)) as outbox:
        now = utc_now()
        record_event(outbox, PIN_FAILED, now)
        record_event(outbox, UNLOCK, now)
    worker = SyncWorker(data, heartbeat_s=0.1, idle_wake_s=0.1)
    worker.start()
    try:
        wait_until(lambda: len(hq_events(hq.data_dir)) == 2, 20, "the events at HQ")
        with closing(Outbox.attach(data)) as outbox:
            wait_until(lambda: pending_events(outbox) == [], 10, "the kiosk to let go")
        worker.wake()
        assert worker.wait_until_idle(10)
    finally:
        worker.stop()
    assert sorted(hq_events(hq.data_dir)) == ["pin_failed", "unlock"]


def test_the_kiosk_keeps_only_the_newest_events_and_forgets_only_what_hq_took(
    tmp_path: Path,
) -> None:
    with closing(Outbox.open(tmp_path)) as outbox:
        for minute in range(MAX_MANAGER_EVENTS + 5):
            record_event(
                outbox, PIN_FAILED, f"2026-11-29T10:{minute // 60:02d}:{minute % 60:02d}.000Z"
            )
        kept = pending_events(outbox)
        assert len(kept) == MAX_MANAGER_EVENTS
        assert kept[0]["at"] == "2026-11-29T10:00:05.000Z"
        # A heartbeat took the first three; one more was recorded while it was on its way,
        # which pushed the oldest out of the kept window.
        record_event(outbox, UNLOCK, "2026-11-29T11:00:00.000Z")
        forget_delivered(outbox, kept[:3])
        left = pending_events(outbox)
        assert left == [*kept[3:], {"kind": UNLOCK, "at": "2026-11-29T11:00:00.000Z"}]
