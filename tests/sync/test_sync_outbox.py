"""The outbox's side of sync: what is sent, what is marked, what is kept, and the
upgrade of a database written before sync existed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ces.answer import NewAnswer
from sync.migrations import migrations
from sync.outbox import DB_FILENAME, MIGRATION_NAMES, MIGRATIONS_TABLE, WIRE_FIELDS, Outbox

STAMP = "2026-11-22T09:00:00.000Z"


def answer(outbox: Outbox, score: int = 5, finish: bool = True) -> str:
    answer_id = outbox.begin(
        NewAnswer(
            outbox.kiosk_id(), "s1", "tp", "in_store_purchase", 1, "nl", "ces7", score, STAMP, STAMP
        )
    )
    if finish:
        outbox.update(answer_id, {"outcome": "completed", "finished_at": STAMP, "factor": "price"})
    return answer_id


@pytest.fixture
def outbox(data_dir: Path) -> Iterator[Outbox]:
    box = Outbox.open(data_dir)
    yield box
    box.close()


def test_only_finished_unsynced_answers_are_sent_in_order(outbox: Outbox) -> None:
    first = answer(outbox)
    answer(outbox, finish=False)  # the shopper is still busy
    third = answer(outbox)
    batch = outbox.sendable(10)
    assert [a["id"] for a in batch] == [first, third]
    assert set(batch[0]) == set(WIRE_FIELDS)
    assert "store_id" not in batch[0]  # HQ takes the store from the token
    assert batch[0]["flags"] == []
    assert outbox.sendable(1) == batch[:1]


def test_synced_and_rejected_answers_are_not_sent_again(outbox: Outbox) -> None:
    ids = [answer(outbox) for _ in range(4)]
    outbox.mark_synced(ids[:2], STAMP)
    outbox.mark_rejected([(ids[2], "factor: unknown factor 'x'")], STAMP)
    assert [a["id"] for a in outbox.sendable(10)] == [ids[3]]
    (kept,) = outbox.rejected()
    assert kept["id"] == ids[2]
    assert kept["reject_reason"] == "factor: unknown factor 'x'"
    stats = outbox.stats()
    assert (stats.pending, stats.rejected, stats.synced) == (1, 1, 2)


def test_rejected_answers_hq_was_not_told_of_are_never_deleted(outbox: Outbox) -> None:
    # Told of by a heartbeat: tests/sync/test_rejected_retention.py.
    kept = answer(outbox)
    outbox.mark_rejected([(kept, "conflict")], STAMP)
    assert outbox.purge_synced("2999-01-01T00:00:00.000Z") == 0
    with pytest.raises(sqlite3.IntegrityError):
        outbox._conn.execute("DELETE FROM responses WHERE id = ?", (kept,))
    assert outbox.get(kept) is not None


def test_retention_deletes_only_answers_hq_has_had_long_enough(outbox: Outbox) -> None:
    old, recent, unsent = answer(outbox), answer(outbox), answer(outbox)
    outbox.mark_synced([old], "2026-09-01T00:00:00.000Z")
    outbox.mark_synced([recent], "2026-11-20T00:00:00.000Z")
    assert outbox.purge_synced("2026-10-23T00:00:00.000Z") == 1
    assert outbox.get(old) is None
    assert outbox.get(recent) is not None
    assert outbox.get(unsent) is not None


def test_oldest_unsent_is_the_first_finished_answer(outbox: Outbox) -> None:
    answer(outbox)
    assert outbox.stats().oldest_unsent_at == STAMP
    outbox.mark_synced([a["id"] for a in outbox.sendable(10)], STAMP)
    assert outbox.stats().oldest_unsent_at is None


def test_marking_a_synced_answer_again_changes_nothing(outbox: Outbox) -> None:
    answer_id = answer(outbox)
    assert outbox.mark_synced([answer_id], STAMP) == 1
    assert outbox.mark_synced([answer_id], "2027-01-01T00:00:00.000Z") == 0
    assert outbox.get(answer_id)["synced_at"] == STAMP  # type: ignore[index]


def test_a_database_from_before_sync_is_upgraded_with_its_answers(data_dir: Path) -> None:
    conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before="m002_sync_state")
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO responses (id, seq, kiosk_id, survey_id, survey_version, locale, scale, "
        "score, outcome, started_at, answered_at, finished_at) VALUES "
        "('11111111-1111-4111-8111-111111111111', 1, 'k', 'in_store_purchase', 1, 'nl', 'ces7', "
        "6, 'completed', ?, ?, ?)",
        (STAMP, STAMP, STAMP),
    )
    conn.close()
    outbox = Outbox.open(data_dir)
    try:
        (sent,) = outbox.sendable(10)
        assert sent["score"] == 6
        assert outbox.rejected() == []
    finally:
        outbox.close()


def test_the_outbox_knows_every_migration_by_name() -> None:
    assert tuple(m.name for m in migrations._migrations) == MIGRATION_NAMES
    assert Migrations.migrations_table == MIGRATIONS_TABLE


def test_an_up_to_date_database_opens_without_sqlite_utils(tmp_path: Path) -> None:
    # sqlite-utils is a quarter of a slow tablet's start; it is only needed to migrate.
    script = (
        "import sys; from pathlib import Path; from sync.outbox import Outbox; "
        "Outbox.open(Path(sys.argv[1])).close(); "
        "print(sorted(m for m in sys.modules if m.startswith('sqlite_utils'))[:1])"
    )
    run = [sys.executable, "-c", script, str(tmp_path)]
    first = subprocess.run(run, capture_output=True, text=True, check=True, timeout=60)
    assert first.stdout.strip() == "['sqlite_utils']"  # a new file is migrated
    again = subprocess.run(run, capture_output=True, text=True, check=True, timeout=60)
    assert again.stdout.strip() == "[]"
