"""A kiosk's unlocks and failed PINs reach HQ with its next heartbeat, and only once."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hqserver import HQService
from sync_fixtures import enrol, running_hq, wait_until

from ces.keys import MANAGER_EVENTS as EVENTS
from ces.timestamps import utc_now
from hq.db.database import DB_FILENAME as HQ_DB
from kiosk.flow.manager import Event
from kiosk.preset import preconfigure
from kiosk.ui.manager import record_event
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
        record_event(outbox, Event("pin_failed", now))
        record_event(outbox, Event("unlock", now))
    worker = SyncWorker(data, heartbeat_s=0.1, idle_wake_s=0.1)
    worker.start()
    try:
        wait_until(lambda: len(hq_events(hq.data_dir)) == 2, 20, "the events at HQ")
        with closing(Outbox.attach(data)) as outbox:
            wait_until(
                lambda: json.loads(outbox.meta(EVENTS) or "[]") == [], 10, "the kiosk to let go"
            )
        worker.wake()
        assert worker.wait_until_idle(10)
    finally:
        worker.stop()
    assert sorted(hq_events(hq.data_dir)) == ["pin_failed", "unlock"]
