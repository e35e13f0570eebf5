"""Manager events waiting in kiosk.db for the next heartbeat (ces.manager_events).

The manager screen records them; the sync worker sends them and forgets only what HQ took,
so an event recorded while a heartbeat is on its way waits for the next one.
"""

from __future__ import annotations

import json
from typing import Any

from ces.keys import MANAGER_EVENTS
from ces.manager_events import MAX_MANAGER_EVENTS
from sync.outbox import Outbox


def pending_events(outbox: Outbox) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(outbox.meta(MANAGER_EVENTS) or "[]")
    return events


def record_event(outbox: Outbox, kind: str, at: str) -> None:
    """Keep an unlock, failed PIN or exit for the next heartbeat (only the newest are kept)."""
    events = pending_events(outbox)
    events.append({"kind": kind, "at": at})
    outbox.set_meta(MANAGER_EVENTS, json.dumps(events[-MAX_MANAGER_EVENTS:]))


def forget_delivered(outbox: Outbox, delivered: list[dict[str, Any]]) -> None:
    """Drop the events HQ has taken. By value, not by count: while the heartbeat was on its
    way, new events may have pushed the oldest out of the kept window."""
    left = pending_events(outbox)
    for event in delivered:
        if event in left:
            left.remove(event)
    outbox.set_meta(MANAGER_EVENTS, json.dumps(left))
