"""Helpers for the sync tests: a kiosk data dir with answers in it, enrolment, and both
sides' answers read back in one comparable form (the kiosk's outbox and HQ's SQLite
store, each through sqlite3, so neither side's own code vouches for itself)."""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from answers import make_answer, queue_answer
from hqserver import HQService

from ces import keys
from ces.answer import ANSWER_FIELDS, COMPLETED, RAPID_FLAG, TIMEOUT
from ces.timestamps import iso_utc
from kiosk import sync_cli
from sync.outbox import DB_FILENAME, Outbox

HQ_DB_FILENAME = "hq.db"
FACTORS = ("price", "ease", "service", "reputation")


def running_hq(data_dir: Path) -> Iterator[HQService]:
    with HQService(data_dir) as service:
        yield service


def enrol(data_dir: Path, hq_url: str, code: str, hq_ca: Path | None = None) -> str:
    """Enrol the kiosk in data_dir as `ces-kiosk enroll` does; returns its kiosk id."""
    args = argparse.Namespace(
        hq=hq_url, code=code, data_dir=data_dir, allow_insecure_http=False, hq_ca=hq_ca,
        verbose=False,
    )  # fmt: skip
    assert sync_cli.enroll(args) == 0
    with closing(Outbox.attach(data_dir)) as outbox:
        kiosk_id = outbox.settings.get(keys.KIOSK_ID)
    assert kiosk_id
    return str(kiosk_id)


def write_answers(
    outbox: Outbox,
    n: int,
    *,
    factor: str | None = None,
    start: datetime | None = None,
) -> list[str]:
    """n finished answers, as the kiosk writes them (one transaction per step)."""
    moment = start or datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    ids: list[str] = []
    for i in range(n):
        started = moment + timedelta(seconds=31 * i)
        answered = started + timedelta(milliseconds=1700)
        answer = make_answer(
            at=answered,
            locale="nl" if i % 3 else "en",
            score=1 + i % 7,
            factor=factor if factor is not None else FACTORS[i % len(FACTORS)],
            comment="Kassa was snel" if i % 5 == 0 else None,
            outcome=COMPLETED if i % 9 else TIMEOUT,
            flags=[RAPID_FLAG] if i % 11 == 0 else [],
            started_at=iso_utc(started),
            finished_at=iso_utc(answered + timedelta(seconds=4, milliseconds=250)),
        )
        ids.append(queue_answer(outbox, answer))
    return ids


def _moment(value: str) -> datetime:
    """A timestamp from either side: the kiosk's ...Z text or HQ's SQLite text (UTC)."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _wire(row: dict[str, Any]) -> dict[str, Any]:
    out = {key: row[key] for key in ANSWER_FIELDS}
    out["id"] = str(uuid.UUID(str(row["id"])))
    out["flags"] = json.loads(row["flags"]) if isinstance(row["flags"], str) else row["flags"]
    for key in ("started_at", "answered_at", "finished_at"):
        out[key] = _moment(row[key])
    return out


def _read(path: Path, query: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(query, params)]


def kiosk_rows(data_dir: Path) -> list[dict[str, Any]]:
    """Every row of the kiosk's outbox, as stored."""
    return _read(data_dir / DB_FILENAME, "SELECT * FROM responses ORDER BY seq")


def kiosk_acknowledged(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The kiosk's answers HQ has acknowledged, by id, in wire form."""
    return {
        r["id"]: _wire(r)
        for r in kiosk_rows(data_dir)
        if r["synced_at"] is not None and r["rejected_at"] is None
    }


def hq_rows(hq_dir: Path, kiosk_id: str | None = None) -> list[dict[str, Any]]:
    """HQ's stored answers (of one kiosk), as stored, ids in canonical form."""
    rows = _read(hq_dir / HQ_DB_FILENAME, "SELECT * FROM responses")
    for row in rows:
        row["id"] = str(uuid.UUID(str(row["id"])))
        row["kiosk_id"] = str(uuid.UUID(str(row["kiosk_id"])))
    return [r for r in rows if kiosk_id is None or r["kiosk_id"] == kiosk_id]


def hq_answers(hq_dir: Path, kiosk_id: str) -> dict[str, dict[str, Any]]:
    """HQ's answers from one kiosk, by id, in wire form. Fails on a repeated id."""
    rows = hq_rows(hq_dir, kiosk_id)
    by_id = {r["id"]: _wire(r) for r in rows}
    assert len(by_id) == len(rows), "HQ holds an answer id more than once"
    return by_id


def hq_count(hq_dir: Path, kiosk_id: str) -> int:
    return len(hq_rows(hq_dir, kiosk_id))


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition another process or thread makes true; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)  # ok-sleep: polling a condition with a deadline
