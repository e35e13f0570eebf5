"""Rejected answers leave the kiosk 90 days after they were set aside, and only once a
heartbeat HQ acknowledged has told HQ about them (issue 12). Unsent answers never go.

Real SQLite files throughout; the worker runs against the real HQ, through the fault proxy
on the heartbeat only, on a wall clock the test sets (the answers' own times stay real).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from answers import make_answer, queue_answer
from faultproxy import Fault, FaultProxy, forward_then_drop, status
from hqserver import HQService
from sqlite_utils import Database
from sync_fixtures import enrol, kiosk_rows, running_hq, write_answers

from ces import keys
from ces.answer import NewAnswer
from ces.timestamps import iso_utc
from hq.db.database import DB_FILENAME as HQ_DB
from sync.backoff import Backoff
from sync.migrations import migrations
from sync.outbox import DB_FILENAME, Outbox
from sync.worker import REJECTED_RETENTION_DAYS, SyncWorker

HEARTBEAT = "/api/v1/heartbeat"
NOW = datetime.now(UTC).replace(microsecond=0)
KEPT = timedelta(days=REJECTED_RETENTION_DAYS)


def days_ago(days: float) -> str:
    return iso_utc(NOW - timedelta(days=days))


def open_session(outbox: Outbox) -> str:
    """A shopper still answering: never sent, so never deleted."""
    stamp = days_ago(200)
    return outbox.begin(
        NewAnswer(
            outbox.kiosk_id(), "s1", "tp", "in_store_purchase", 1, "nl", "ces7", 5, stamp, stamp
        )
    )


def finished(outbox: Outbox) -> str:
    return queue_answer(outbox, make_answer())


def ids(outbox: Outbox) -> set[str]:
    return {row["id"] for row in outbox.rows()}


# -- the outbox -------------------------------------------------------------------------


@pytest.fixture
def outbox(data_dir: Path) -> Iterator[Outbox]:
    with closing(Outbox.open(data_dir)) as box:
        yield box


def test_without_a_report_no_rejected_answer_goes_however_old(
    outbox: Outbox, data_dir: Path
) -> None:
    old = finished(outbox)
    outbox.mark_rejected([(old, "factor: unknown")], days_ago(400))
    assert outbox.purge_rejected(iso_utc(NOW)) == 0
    # Nor by hand: the database itself refuses.
    with (
        closing(sqlite3.connect(data_dir / DB_FILENAME)) as conn,
        pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"),
    ):
        conn.execute("DELETE FROM responses WHERE id = ?", (old,))
    assert ids(outbox) == {old}


def test_only_reported_rejected_answers_older_than_the_period_go(
    outbox: Outbox, data_dir: Path
) -> None:
    session = open_session(outbox)
    unsent = finished(outbox)
    reported_old, unreported_old = finished(outbox), finished(outbox)
    outbox.mark_rejected([(reported_old, "factor: unknown")], days_ago(100))
    assert outbox.note_rejections_reported(1, days_ago(100))
    # Set aside after the heartbeat that was acknowledged: HQ was not told of it yet.
    outbox.mark_rejected([(unreported_old, "factor: unknown")], days_ago(95))
    assert outbox.purge_rejected(iso_utc(NOW - KEPT)) == 1
    assert ids(outbox) == {session, unsent, unreported_old}
    with closing(sqlite3.connect(data_dir / DB_FILENAME)) as conn:
        for kept in (session, unsent, unreported_old):
            with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
                conn.execute("DELETE FROM responses WHERE id = ?", (kept,))
    assert ids(outbox) == {session, unsent, unreported_old}


def test_a_reported_rejected_answer_stays_until_the_period_is_over(outbox: Outbox) -> None:
    recent = finished(outbox)
    outbox.mark_rejected([(recent, "factor: unknown")], days_ago(89))
    assert outbox.note_rejections_reported(1, days_ago(89))
    assert outbox.purge_rejected(iso_utc(NOW - KEPT)) == 0
    assert outbox.purge_rejected(iso_utc(NOW + timedelta(days=2) - KEPT)) == 1
    assert ids(outbox) == set()


def test_the_report_mark_never_moves_back_and_needs_the_answers_it_counted(
    outbox: Outbox,
) -> None:
    first, second = finished(outbox), finished(outbox)
    outbox.mark_rejected([(first, "x")], days_ago(120))
    outbox.mark_rejected([(second, "x")], days_ago(110))
    # A heartbeat that counted one answer cannot vouch for two up to the same moment.
    assert not outbox.note_rejections_reported(1, days_ago(110))
    assert outbox.meta(keys.REJECTED_REPORTED) is None
    assert outbox.note_rejections_reported(2, days_ago(110))
    assert outbox.note_rejections_reported(1, days_ago(120))
    assert outbox.meta(keys.REJECTED_REPORTED) == days_ago(110)


def test_recovered_rejected_answers_wait_for_a_new_report(outbox: Outbox) -> None:
    mine = finished(outbox)
    outbox.mark_rejected([(mine, "x")], days_ago(100))
    assert outbox.note_rejections_reported(1, days_ago(100))
    # From a damaged copy: rejected even earlier, and no heartbeat of this database said so.
    recovered = {
        **make_answer(),
        "flags": "[]",  # as stored
        "kiosk_id": outbox.kiosk_id(),
        "rejected_at": days_ago(150),
        "reject_reason": "x",
    }
    assert outbox.import_answers([recovered]) == (1, 0)
    assert outbox.purge_rejected(iso_utc(NOW - KEPT)) == 0
    assert ids(outbox) == {mine, recovered["id"]}


def test_a_database_of_the_previous_release_gets_the_new_rule(data_dir: Path) -> None:
    conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m003_rejected_retention")
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    with closing(Outbox.open(data_dir)) as box:
        unsent, rejected = finished(box), finished(box)
        box.mark_rejected([(rejected, "x")], days_ago(100))
        assert box.purge_rejected(iso_utc(NOW - KEPT)) == 0
        assert box.note_rejections_reported(1, days_ago(100))
        assert box.purge_rejected(iso_utc(NOW - KEPT)) == 1
        assert ids(box) == {unsent}


# -- the worker against the real HQ -----------------------------------------------------


@pytest.fixture(scope="module")
def hq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HQService]:
    yield from running_hq(tmp_path_factory.mktemp("hq"))


@dataclass
class Kiosk:
    hq: HQService
    proxy: FaultProxy
    data_dir: Path
    kiosk_id: str
    outbox: Outbox

    def run_worker(self, at: datetime, *faults: Fault) -> None:
        """A worker started at ``at`` (wall clock) sends what waits, heartbeats (with the
        planned faults) and purges, once; then it stops, as on a restart."""
        self.proxy.plan(*faults)
        worker = SyncWorker(
            self.data_dir,
            backoff=Backoff(base_s=0.01, cap_s=0.2),
            timeout=(1.0, 5.0),
            utcnow=lambda: at,
        )
        worker.start()
        try:
            worker.wake()
            assert worker.wait_until_idle(60), "the worker did not finish its round"
        finally:
            worker.stop()
        assert self.proxy.planned() == 0

    def reject(self) -> str:
        """An answer HQ rejects (a factor the survey does not have)."""
        (bad,) = write_answers(self.outbox, 1, factor="teleport")
        return bad

    def hq_was_told(self) -> int | None:
        """How many rejected answers the kiosk's latest heartbeat reported (the fleet page's)."""
        with closing(sqlite3.connect(self.hq.data_dir / HQ_DB)) as conn:
            row = conn.execute(
                "SELECT rejected_answers FROM kiosks WHERE id = ?", (self.kiosk_id,)
            ).fetchone()
        return None if row is None else int(row[0])

    def kept(self) -> set[str]:
        return {row["id"] for row in kiosk_rows(self.data_dir)}


@pytest.fixture
def kiosk(hq: HQService, tmp_path: Path) -> Iterator[Kiosk]:
    data_dir = tmp_path / "kiosk"
    outbox = Outbox.open(data_dir)
    proxy = FaultProxy(hq.url, faulted_paths=(HEARTBEAT,)).start()
    try:
        yield Kiosk(hq, proxy, data_dir, enrol(data_dir, proxy.url, hq.add_kiosk()), outbox)
    finally:
        proxy.stop()
        outbox.close()


def test_rejected_answers_go_90_days_after_hq_was_told_and_unsent_ones_never(
    kiosk: Kiosk, expect_log: Callable[[str, str], None]
) -> None:
    expect_log("effortless.sync", r"HQ rejected answer .*factor")
    session = open_session(kiosk.outbox)

    # 100 days ago: one answer rejected, two taken; the heartbeat tells HQ.
    first = kiosk.reject()
    taken = write_answers(kiosk.outbox, 2)
    kiosk.run_worker(NOW - timedelta(days=100))
    assert kiosk.hq_was_told() == 1
    assert kiosk.kept() == {session, first, *taken}

    # 95 days ago: another rejected; HQ takes that heartbeat but its reply is lost, as if
    # the kiosk died between HQ's answer and writing it down.
    second = kiosk.reject()
    kiosk.run_worker(NOW - timedelta(days=95), forward_then_drop())
    assert kiosk.hq_was_told() == 2
    assert kiosk.kept() == {session, first, second, *taken}

    # Today, restarted, HQ unreachable for heartbeats: the first was reported and is over
    # 90 days old, so it goes (as do the answers HQ has had for over 30 days); the second
    # is as old, but the kiosk never heard HQ take its report, so it stays.
    kiosk.run_worker(NOW, status(503))
    assert kiosk.kept() == {session, second}

    # Today, a third is rejected and the heartbeat gets through: the second goes now; the
    # third was reported too but is recent, so it stays.
    third = kiosk.reject()
    kiosk.run_worker(NOW)
    assert kiosk.hq_was_told() == 2
    assert kiosk.kept() == {session, third}

    # 91 days on, the third goes too. The shopper's open session never does.
    kiosk.run_worker(NOW + timedelta(days=REJECTED_RETENTION_DAYS + 1))
    assert kiosk.kept() == {session}
