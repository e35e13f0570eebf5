"""The kiosk's outbox: every answer durable in a real SQLite file until HQ has it."""

from __future__ import annotations

import logging
import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ces.answer import ANSWER_FIELDS
from ces.keys import CONFIG_ETAG
from sync.checkpoint import Checkpointer
from sync.outbox import (
    DB_FILENAME,
    SCHEMA_VERSION,
    DatabaseTooNew,
    NewAnswer,
    Outbox,
    OutboxError,
)

# Every wire field, where the answer was given, and whether HQ has it.
REQUIRED_COLUMNS = {*ANSWER_FIELDS, "kiosk_id", "store_id", "touchpoint", "synced_at"}
NOW = datetime(2026, 3, 15, 9, 30, 5, tzinfo=UTC)


def answer(score: int = 6, **changes: Any) -> NewAnswer:
    fields: dict[str, Any] = {
        "kiosk_id": "kiosk-1",
        "store_id": "store-12",
        "touchpoint": "checkout",
        "survey_id": "in_store_purchase",
        "survey_version": 3,
        "locale": "nl",
        "scale": "ces7",
        "score": score,
        "started_at": "2026-03-15T09:30:00Z",
        "answered_at": "2026-03-15T09:30:02Z",
        "flags": (),
    }
    fields.update(changes)
    return NewAnswer(**fields)


def raw(data_dir: Path) -> sqlite3.Connection:
    """A connection of our own, as another process or a curious technician would make."""
    conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def raw_row(data_dir: Path, answer_id: str) -> dict[str, Any] | None:
    conn = raw(data_dir)
    try:
        row = conn.execute("SELECT * FROM responses WHERE id = ?", (answer_id,)).fetchone()
        return None if row is None else dict(row)
    finally:
        conn.close()


@pytest.fixture
def outbox(data_dir: Path) -> Iterator[Outbox]:
    box = Outbox.open(data_dir)
    yield box
    box.close()


# -- schema and durability settings -------------------------------------------------------


def test_responses_table_has_the_columns_the_sync_builds_on(outbox: Outbox, data_dir: Path) -> None:
    conn = raw(data_dir)
    columns = {row["name"] for row in conn.execute("PRAGMA table_info(responses)")}
    conn.close()
    assert columns >= REQUIRED_COLUMNS, f"missing: {sorted(REQUIRED_COLUMNS - columns)}"


@pytest.mark.parametrize("how", ["open", "attach"])
def test_every_connection_is_wal_with_full_sync_and_a_busy_timeout(
    outbox: Outbox, data_dir: Path, how: str
) -> None:
    box = outbox if how == "open" else Outbox.attach(data_dir)
    try:
        conn = box._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    finally:
        if box is not outbox:
            box.close()
    # WAL is a property of the file: any later connection finds it.
    other = raw(data_dir)
    assert other.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    other.close()


# -- writing answers ----------------------------------------------------------------------


def test_begin_and_update_are_on_disk_when_they_return(outbox: Outbox, data_dir: Path) -> None:
    answer_id = outbox.begin(answer(score=2, flags=("fast_run",)))

    on_disk = raw_row(data_dir, answer_id)
    assert on_disk is not None
    assert on_disk["score"] == 2
    assert on_disk["outcome"] is None
    assert on_disk["synced_at"] is None

    outbox.update(answer_id, {"factor": "price"})
    assert raw_row(data_dir, answer_id)["factor"] == "price"  # type: ignore[index]

    outbox.update(
        answer_id,
        {
            "comment": "kassa was dicht",
            "outcome": "completed",
            "finished_at": "2026-03-15T09:30:09Z",
        },
    )
    row = outbox.get(answer_id)
    assert row is not None
    assert row == outbox.rows()[0]
    assert {k: row[k] for k in ("score", "factor", "comment", "outcome", "flags")} == {
        "score": 2,
        "factor": "price",
        "comment": "kassa was dicht",
        "outcome": "completed",
        "flags": ["fast_run"],
    }
    assert row["kiosk_id"] == "kiosk-1"
    assert row["store_id"] == "store-12"
    assert row["touchpoint"] == "checkout"
    assert row["survey_id"] == "in_store_purchase"
    assert row["survey_version"] == 3
    assert row["locale"] == "nl"
    assert row["scale"] == "ces7"
    assert row["started_at"] == "2026-03-15T09:30:00Z"
    assert row["answered_at"] == "2026-03-15T09:30:02Z"
    assert row["finished_at"] == "2026-03-15T09:30:09Z"
    assert outbox.count() == 1
    assert outbox.count(pending_only=True) == 1


def test_the_answer_id_is_a_uuid_known_before_the_insert(outbox: Outbox) -> None:
    prepared = answer().with_id()
    assert uuid.UUID(prepared.id).version == 4
    assert prepared.with_id() == prepared  # making it twice does not change it
    assert outbox.get(prepared.id) is None

    assert outbox.begin(prepared) == prepared.id
    assert outbox.get(prepared.id) is not None

    generated = outbox.begin(answer())
    assert uuid.UUID(generated).version == 4
    assert generated != prepared.id


def test_seq_counts_up_by_one_and_survives_a_reopen(data_dir: Path) -> None:
    box = Outbox.open(data_dir)
    first = [box.begin(answer()) for _ in range(3)]
    assert [box.get(i)["seq"] for i in first] == [1, 2, 3]  # type: ignore[index]
    box.close()

    box = Outbox.open(data_dir)
    later = box.begin(answer())
    assert box.get(later)["seq"] == 4  # type: ignore[index]
    assert [r["seq"] for r in box.rows()] == [1, 2, 3, 4]
    box.close()


def test_seq_does_not_restart_after_synced_rows_are_deleted(data_dir: Path) -> None:
    box = Outbox.open(data_dir)
    for _ in range(3):
        box.begin(answer())
    conn = raw(data_dir)
    conn.execute("UPDATE responses SET synced_at = '2026-03-15T10:00:00Z'")
    conn.execute("DELETE FROM responses")
    conn.close()
    assert box.count() == 0

    again = box.begin(answer())
    assert box.get(again)["seq"] == 4  # type: ignore[index]
    box.close()

    box = Outbox.open(data_dir)
    assert box.get(box.begin(answer()))["seq"] == 5  # type: ignore[index]
    box.close()


# -- finished rows stay as they are ---------------------------------------------------------


@pytest.mark.parametrize("outcome", ["completed", "timeout"])
def test_a_finished_answer_cannot_be_changed_through_update(outbox: Outbox, outcome: str) -> None:
    answer_id = outbox.begin(answer(score=7))
    outbox.update(answer_id, {"factor": "service", "outcome": outcome})
    before = outbox.get(answer_id)

    with pytest.raises(OutboxError, match="not an open session"):
        outbox.update(answer_id, {"factor": "price"})
    with pytest.raises(OutboxError):
        outbox.update(answer_id, {"comment": "changed my mind"})
    assert outbox.get(answer_id) == before


@pytest.mark.parametrize(
    ("column", "value"),
    [("score", 1), ("factor", "price"), ("comment", "edited"), ("outcome", "timeout")],
)
def test_a_finished_answer_cannot_be_changed_with_raw_sql(
    outbox: Outbox, data_dir: Path, column: str, value: object
) -> None:
    answer_id = outbox.begin(answer(score=7))
    outbox.update(answer_id, {"factor": "service", "comment": "fijn", "outcome": "completed"})
    before = outbox.get(answer_id)

    conn = raw(data_dir)
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        conn.execute(f"UPDATE responses SET {column} = ? WHERE id = ?", (value, answer_id))
    conn.close()
    assert outbox.get(answer_id) == before


def test_a_finished_answer_can_be_marked_synced_and_then_deleted(
    outbox: Outbox, data_dir: Path
) -> None:
    answer_id = outbox.begin(answer())
    outbox.update(answer_id, {"outcome": "completed"})

    conn = raw(data_dir)
    conn.execute(
        "UPDATE responses SET synced_at = '2026-03-15T10:00:00Z' WHERE id = ?", (answer_id,)
    )
    assert outbox.get(answer_id)["synced_at"] == "2026-03-15T10:00:00Z"  # type: ignore[index]
    assert outbox.count(pending_only=True) == 0
    conn.execute("DELETE FROM responses WHERE id = ?", (answer_id,))
    conn.close()
    assert outbox.get(answer_id) is None


@pytest.mark.parametrize("finished", [True, False], ids=["finished", "open"])
def test_an_answer_hq_does_not_have_cannot_be_deleted(
    outbox: Outbox, data_dir: Path, finished: bool
) -> None:
    answer_id = outbox.begin(answer())
    if finished:
        outbox.update(answer_id, {"outcome": "completed"})

    conn = raw(data_dir)
    with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
        conn.execute("DELETE FROM responses WHERE id = ?", (answer_id,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM responses")
    conn.close()
    assert outbox.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"synced_at": "2026-03-15T10:00:00Z"},
        {"seq": 99},
        {"kiosk_id": "someone-else"},
        {"factor = 'x', score": 1},
        {"outcome": "abandoned"},
        {"outcome": None},
        {"factor": "price", "outcome": "done"},
    ],
)
def test_update_refuses_unknown_columns_and_bad_outcomes(
    outbox: Outbox, changes: dict[str, Any]
) -> None:
    answer_id = outbox.begin(answer())
    before = outbox.get(answer_id)
    with pytest.raises(ValueError, match=r"not an answer column|outcome must be one of"):
        outbox.update(answer_id, changes)
    assert outbox.get(answer_id) == before


def test_update_of_an_unknown_answer_is_refused(outbox: Outbox) -> None:
    with pytest.raises(OutboxError, match="not an open session"):
        outbox.update(str(uuid.uuid4()), {"factor": "price"})
    assert outbox.count() == 0


# -- sessions cut off by a crash --------------------------------------------------------


def test_a_session_cut_off_by_a_crash_is_kept_as_timeout_on_the_next_start(
    data_dir: Path,
) -> None:
    # A real crash: another process writes and dies without closing anything.
    script = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        from ces.answer import NewAnswer
        from sync.outbox import Outbox

        box = Outbox.open(Path(sys.argv[1]))
        def new(score):
            return NewAnswer(kiosk_id="k", store_id=None, touchpoint=None, survey_id="s",
                             survey_version=1, locale="en", scale="ces7", score=score,
                             started_at="2026-03-15T09:00:00Z",
                             answered_at="2026-03-15T09:00:0%dZ" % score)
        done = box.begin(new(6))
        box.update(done, {"factor": "service", "outcome": "completed",
                          "finished_at": "2026-03-15T09:00:09Z"})
        cut = box.begin(new(3))
        box.update(cut, {"factor": "price"})
        print(done, cut)
        sys.stdout.flush()
        os._exit(3)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    done, cut = result.stdout.split()

    box = Outbox.open(data_dir)
    try:
        cut_row = box.get(cut)
        assert cut_row is not None
        assert cut_row["outcome"] == "timeout"
        assert (cut_row["score"], cut_row["factor"]) == (3, "price")
        assert cut_row["finished_at"] == cut_row["answered_at"] == "2026-03-15T09:00:03Z"
        done_row = box.get(done)
        assert done_row is not None
        assert done_row["outcome"] == "completed"
        assert done_row["finished_at"] == "2026-03-15T09:00:09Z"
        # Finalised means final: the cut-off session cannot be continued any more.
        with pytest.raises(OutboxError):
            box.update(cut, {"comment": "too late"})
    finally:
        box.close()


def test_attach_does_not_end_a_session_that_is_still_going_on(
    outbox: Outbox, data_dir: Path
) -> None:
    answer_id = outbox.begin(answer(score=5))

    worker = Outbox.attach(data_dir)
    try:
        assert worker.get(answer_id)["outcome"] is None  # type: ignore[index]
        # The shopper carries on in the UI's session.
        outbox.update(answer_id, {"factor": "service"})
        outbox.update(answer_id, {"outcome": "completed"})
        row = worker.get(answer_id)
        assert row is not None
        assert (row["factor"], row["outcome"]) == ("service", "completed")
    finally:
        worker.close()


def test_attach_refuses_a_data_dir_without_a_database(tmp_path: Path) -> None:
    with pytest.raises(OutboxError, match="does not exist yet"):
        Outbox.attach(tmp_path)
    assert not (tmp_path / DB_FILENAME).exists()


# -- a corrupt database is moved aside, never deleted ---------------------------------------


def _garbage(tmp_path: Path) -> bytes:
    return random.Random(7).randbytes(16384)


def _text_file(tmp_path: Path) -> bytes:
    return b"kiosk_id=abc\nthis is a note somebody saved over the database\n" * 20


def _truncated_database(tmp_path: Path) -> bytes:
    source = tmp_path / "source"
    box = Outbox.open(source)
    for score in range(1, 8):
        for _ in range(40):
            answer_id = box.begin(answer(score=score))
            box.update(answer_id, {"comment": f"opmerking {score} " * 20, "outcome": "completed"})
    box.close()
    data = (source / DB_FILENAME).read_bytes()
    assert data.startswith(b"SQLite format 3\x00")
    assert len(data) > 8 * 4096
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "make_bytes",
    [_garbage, _truncated_database, _text_file],
    ids=["garbage", "truncated", "text"],
)
def test_a_corrupt_database_is_moved_aside_and_a_new_one_made(
    data_dir: Path,
    tmp_path: Path,
    make_bytes: Callable[[Path], bytes],
    expect_log: Callable[[str, str], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    expect_log("effortless.outbox", "unreadable.*moved aside")
    cut_off = make_bytes is _truncated_database
    if cut_off:
        # The rows on the lost half are counted, not silently dropped.
        expect_log("effortless.recover", "could not be read")
    original = make_bytes(tmp_path)
    path = data_dir / DB_FILENAME
    path.write_bytes(original)

    box = Outbox.open(data_dir, now=NOW)
    try:
        moved = box.recovered_from
        assert moved is not None
        assert moved.parent == data_dir
        assert moved.name.startswith("kiosk.db.corrupt-20260315T093005Z")
        assert moved.read_bytes() == original

        # A new, working database is in its place, with what could still be read of the
        # old one: nothing of garbage, the answers on the first half of a cut-off file.
        recovered = box.count()
        if cut_off:
            with closing(Outbox.attach(tmp_path / "source")) as kept:
                source = {r["id"]: r for r in kept.rows()}
            assert 0 < recovered < len(source)
            for row in box.rows():
                assert {k: v for k, v in row.items() if k != "seq"} == {
                    k: v for k, v in source[row["id"]].items() if k != "seq"
                }
        else:
            assert recovered == 0
        answer_id = box.begin(answer())
        assert raw_row(data_dir, answer_id) is not None

        errors = [
            r
            for r in caplog.records
            if r.levelno == logging.ERROR and r.name == "effortless.outbox"
        ]
        assert len(errors) == 1
        message = errors[0].getMessage()
        assert str(path) in message
        assert str(moved) in message
    finally:
        box.close()

    # The next start finds the new database healthy and leaves the old file alone (its
    # answers are not copied a second time).
    again = Outbox.open(data_dir)
    assert again.recovered_from is None
    assert again.count() == recovered + 1
    again.close()
    assert moved.read_bytes() == original


def test_two_corrupt_databases_in_the_same_second_are_both_kept(
    data_dir: Path, expect_log: Callable[[str, str], None]
) -> None:
    expect_log("effortless.outbox", "unreadable")
    first, second = b"first broken file " * 300, b"second broken file " * 300
    (data_dir / DB_FILENAME).write_bytes(first)
    box = Outbox.open(data_dir, now=NOW)
    box.close()
    (data_dir / DB_FILENAME).write_bytes(second)
    box2 = Outbox.open(data_dir, now=NOW)
    box2.close()

    assert box.recovered_from is not None
    assert box2.recovered_from is not None
    assert box.recovered_from != box2.recovered_from
    assert box.recovered_from.read_bytes() == first
    assert box2.recovered_from.read_bytes() == second


# -- a database from a newer release is left alone -------------------------------------------


def _newer_user_version(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def _unknown_migration(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('effortless.kiosk', 'm999_from_the_future', '2027-01-01 00:00:00')"
    )


@pytest.mark.parametrize(
    "make_newer", [_newer_user_version, _unknown_migration], ids=["user_version", "migration"]
)
@pytest.mark.parametrize("how", ["open", "attach"])
def test_a_database_from_a_newer_version_is_refused_and_left_untouched(
    data_dir: Path, make_newer: Callable[[sqlite3.Connection], None], how: str
) -> None:
    box = Outbox.open(data_dir)
    kept = box.begin(answer())
    box.close()
    conn = raw(data_dir)
    make_newer(conn)
    conn.close()
    path = data_dir / DB_FILENAME
    original = path.read_bytes()
    listing = sorted(p.name for p in data_dir.iterdir())

    connect = Outbox.open if how == "open" else Outbox.attach
    with pytest.raises(DatabaseTooNew, match=r"newer version.*untouched") as raised:
        connect(data_dir)

    assert str(path) in str(raised.value)
    assert path.read_bytes() == original
    assert sorted(p.name for p in data_dir.iterdir()) == listing
    assert not any("corrupt" in p.name for p in data_dir.iterdir())
    assert raw_row(data_dir, kept) is not None


# -- kiosk id and meta ------------------------------------------------------------------


def test_the_kiosk_id_is_made_once_and_kept(data_dir: Path) -> None:
    box = Outbox.open(data_dir)
    kiosk_id = box.kiosk_id()
    assert uuid.UUID(kiosk_id)
    assert box.kiosk_id() == kiosk_id
    box.close()

    box = Outbox.open(data_dir)
    worker = Outbox.attach(data_dir)
    assert box.kiosk_id() == kiosk_id
    assert worker.kiosk_id() == kiosk_id
    worker.close()
    box.close()

    other = Outbox.open(data_dir.parent / "another-kiosk")
    assert other.kiosk_id() != kiosk_id
    other.close()


def test_meta_values_are_set_replaced_and_kept(data_dir: Path) -> None:
    box = Outbox.open(data_dir)
    assert box.meta("last_sync_error") is None
    box.set_meta("last_sync_error", "HQ not reachable")
    box.set_meta(CONFIG_ETAG, "v1")
    box.set_meta("last_sync_error", "HQ answered 503")
    box.close()

    box = Outbox.open(data_dir)
    assert box.meta("last_sync_error") == "HQ answered 503"
    assert box.meta(CONFIG_ETAG) == "v1"
    box.close()


@pytest.mark.parametrize("key", ["hq_token", "manager_pin", "store_id", "kiosk_id"])
def test_settings_are_not_kept_in_the_answers_database(data_dir: Path, key: str) -> None:
    box = Outbox.open(data_dir)
    try:
        with pytest.raises(ValueError, match="kiosk setting"):
            box.set_meta(key, "x")
    finally:
        box.close()


# -- concurrency ------------------------------------------------------------------------


def test_a_reader_and_the_writer_do_not_block_each_other(outbox: Outbox, data_dir: Path) -> None:
    first = outbox.begin(answer())
    reader = Outbox.attach(data_dir)
    try:
        # The reader holds a read transaction open (a long sync query, say) ...
        reader._conn.execute("BEGIN")
        assert reader.count() == 1

        # ... and the shopper's next answer is still committed at once.
        written: list[str] = []
        failed: list[BaseException] = []

        def write() -> None:
            try:
                written.append(outbox.begin(answer(score=2)))
            except BaseException as exc:
                failed.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=3)
        assert not writer.is_alive(), "the writer waited for the reader"
        assert not failed
        assert raw_row(data_dir, written[0]) is not None

        # The reader keeps its consistent snapshot until it ends its transaction.
        assert reader.count() == 1
        assert reader.get(first) is not None
        reader._conn.execute("COMMIT")
        assert reader.count() == 2
        assert reader.get(written[0]) is not None
    finally:
        reader.close()


class _ObservedCheckpointer(Checkpointer):
    """The real Checkpointer; the test only gets to know when a checkpoint has run."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, interval_s=3600)
        self.ran = threading.Event()

    def _checkpoint(self, outbox: Outbox) -> None:
        super()._checkpoint(outbox)
        self.ran.set()


def _rows_in_database_file_alone(data_dir: Path, scratch: Path) -> set[str]:
    """The answers in kiosk.db itself, without the help of its write-ahead log."""
    scratch.mkdir()
    shutil.copyfile(data_dir / DB_FILENAME, scratch / DB_FILENAME)
    conn = sqlite3.connect(scratch / DB_FILENAME)
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'responses'"
        ).fetchone()
        if not has_table:
            return set()
        return {row[0] for row in conn.execute("SELECT id FROM responses")}
    finally:
        conn.close()


def test_the_checkpointer_copies_the_log_into_the_database_file(
    outbox: Outbox, data_dir: Path, tmp_path: Path
) -> None:
    ids = set()
    for score in range(1, 8):
        answer_id = outbox.begin(answer(score=score))
        outbox.update(answer_id, {"factor": "price", "outcome": "completed"})
        ids.add(answer_id)
    wal = data_dir / (DB_FILENAME + "-wal")
    wal_size = wal.stat().st_size
    assert wal_size > 0
    # So far the answers live only in the log.
    assert _rows_in_database_file_alone(data_dir, tmp_path / "before") == set()

    checkpointer = _ObservedCheckpointer(data_dir)
    checkpointer.start()
    try:
        checkpointer.request()
        assert checkpointer.ran.wait(timeout=10), "no checkpoint was made"
    finally:
        checkpointer.stop()
    assert not any(t.name == "effortless-checkpoint" for t in threading.enumerate())
    assert checkpointer.checkpoints >= 1

    # Every answer is in the database file itself now, and readable through a new connection.
    assert _rows_in_database_file_alone(data_dir, tmp_path / "after") == ids
    fresh = Outbox.attach(data_dir)
    assert {r["id"] for r in fresh.rows()} == ids
    fresh.close()

    # The log starts over: as many answers again do not make it grow much.
    for score in range(1, 8):
        answer_id = outbox.begin(answer(score=score))
        outbox.update(answer_id, {"outcome": "completed"})
    assert wal.stat().st_size < wal_size * 1.5
    assert outbox.count() == 14


def test_the_checkpointer_says_so_when_there_is_no_database(
    tmp_path: Path, expect_log: Callable[[str, str], None]
) -> None:
    expect_log("effortless.checkpoint", "checkpointing disabled.*does not exist")
    checkpointer = Checkpointer(tmp_path / "empty", interval_s=3600)
    checkpointer.start()
    checkpointer.request()
    checkpointer.stop()
    assert checkpointer.checkpoints == 0
    assert not any(t.name == "effortless-checkpoint" for t in threading.enumerate())
