"""The kiosk's outbox: every answer, in SQLite on the device, until HQ has it.

One row per shopper session in ``responses``. The row is inserted when the score is
given and updated in its own transaction for each further answer; once its outcome is
set ('completed' or 'timeout') a trigger keeps its content from ever changing again, and
only a synced row, or a rejected one a heartbeat has told HQ about, can be deleted.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ces.answer import ANSWER_FIELDS, OUTCOMES, TIMEOUT, AnswerStoreError, NewAnswer
from ces.keys import REJECTED_REPORTED, SETTINGS_KEYS
from sync import problems
from sync.problems import Problem
from sync.settings import Settings

log = logging.getLogger("effortless.outbox")

DB_FILENAME = "kiosk.db"
# Databases moved aside whose answers were read into this one (kiosk_meta, JSON list).
RECOVERED_FILES = "recovered_files"
BUSY_TIMEOUT_MS = 5000
# Bumped with every migration; stored as PRAGMA user_version so that a database
# from a newer release is recognised even before its migrations are compared.
SCHEMA_VERSION = 3

# Columns a session may still change while its outcome is NULL.
ANSWER_COLUMNS = frozenset(
    {"locale", "score", "factor", "comment", "outcome", "flags", "answered_at", "finished_at"}
)
_CONTENT_COLUMNS = (
    "id",
    "seq",
    "kiosk_id",
    "store_id",
    "touchpoint",
    "survey_id",
    "survey_version",
    "locale",
    "scale",
    "score",
    "factor",
    "comment",
    "outcome",
    "flags",
    "started_at",
    "answered_at",
    "finished_at",
)
# Every column of ``responses``, in the order of the table (m001, then m002): the order its
# rows are stored in, which recovery reads them by.
STORED_COLUMNS = (*_CONTENT_COLUMNS, "synced_at", "rejected_at", "reject_reason")


class OutboxError(AnswerStoreError):
    """The outbox cannot be used; ``str()`` says why in plain English (logs, command line),
    ``problem`` the same for the kiosk's screens to word in their language."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem or Problem(problems.DB_FAILED)


class DatabaseTooNew(OutboxError):
    def __init__(self, message: str) -> None:
        super().__init__(message, Problem(problems.DB_TOO_NEW))


class OutboxUnavailable(OutboxError):
    """The database is healthy but cannot be used for now (disk full, locked by another
    program, read-only, I/O error, no permission). It is left exactly where it is."""

    def __init__(self, path: Path, reason: str, problem: Problem | None = None) -> None:
        super().__init__(f"kiosk database {path} cannot be used now: {reason}", problem)
        self.path = path
        self.reason = reason

    @classmethod
    def of(cls, path: Path, exc: BaseException, folder: Path) -> OutboxUnavailable:
        """For an error met on ``path`` in ``folder``: its English words and its kind."""
        return cls(path, describe(exc, folder), diagnose(exc, folder))


class _FailedIntegrityCheck(sqlite3.DatabaseError):
    pass


# Only these say the file itself is damaged; every other error passes with its cause.
_CORRUPT_CODES = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


def is_corrupt(exc: sqlite3.Error) -> bool:
    """True only for a failed integrity check, "file is not a database" or "malformed"."""
    if isinstance(exc, _FailedIntegrityCheck):
        return True
    name = getattr(exc, "sqlite_errorname", None) or ""
    return name.startswith("SQLITE_CORRUPT") or name in _CORRUPT_CODES


def diagnose(exc: BaseException, folder: Path) -> Problem:
    """A passing database or file error as a kind of sync.problems (for the screens)."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    errno = getattr(exc, "errno", None)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return Problem(problems.DB_LOCKED)
    if name.startswith("SQLITE_READONLY") or errno in (30, 13, 1):
        return Problem(problems.DB_READ_ONLY)
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or errno in (28, 27, 5):
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = -1
        if name.startswith("SQLITE_FULL") or errno in (28, 27) or 0 <= free < 256 * 1024:
            return Problem(problems.DISK_FULL)
        return Problem(problems.DISK_IO)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return Problem(problems.DB_CANNOT_OPEN)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return Problem(problems.DB_DAMAGED)
    return Problem(problems.DB_FAILED)


# The same kinds in plain English, for the log and the command line.
_ENGLISH = {
    problems.DB_LOCKED: "the database is locked by another program",
    problems.DB_READ_ONLY: (
        "the database or its folder is read-only (or not writable for this user)"
    ),
    problems.DISK_FULL: "the disk is full",
    problems.DISK_IO: "disk I/O error",
    problems.DB_CANNOT_OPEN: "the database file cannot be opened (read-only or no permission?)",
    problems.DB_DAMAGED: (
        "the database is damaged; starting the kiosk moves it aside and recovers every "
        "readable answer (or run ces-kiosk recover FILE)"
    ),
}


def describe(exc: BaseException, folder: Path) -> str:
    """A passing database or file error in plain English."""
    english = _ENGLISH.get(diagnose(exc, folder).kind)
    if english is not None:
        return english
    text = getattr(exc, "strerror", None) or str(exc)
    return text or type(exc).__name__


# The migrations (sync/migrations.py, with sqlite-utils) by name. Importing sqlite-utils is
# a quarter of a slow tablet's start, so an up-to-date kiosk.db is recognised without it.
MIGRATION_SET = "effortless.kiosk"
MIGRATION_NAMES = ("m001_responses", "m002_sync_state", "m003_rejected_retention")
# sqlite-utils' record of applied migrations (Migrations.migrations_table).
MIGRATIONS_TABLE = "_sqlite_migrations"


# The fields of an answer as the sync protocol sends them.
WIRE_FIELDS = ANSWER_FIELDS


@dataclass(frozen=True)
class QueueStats:
    pending: int
    oldest_unsent_at: str | None
    rejected: int
    synced: int
    in_progress: int
    # The newest rejection: a heartbeat that reports ``rejected`` covers up to this one.
    latest_rejected_at: str | None = None


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        # Before anything writes to the file: a newer release's database stays untouched.
        _check_not_newer(conn, path)
    except BaseException:
        conn.close()
        raise
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise sqlite3.DatabaseError(f"journal_mode stays {mode!r}")
    # FULL: an answer the shopper saw acknowledged survives a power cut.
    conn.execute("PRAGMA synchronous = FULL")
    # Checkpoints copy the WAL into the database file and fsync it; that is done by
    # the Checkpointer thread, so no shopper's tap ever waits for one.
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    # The kiosk appends and rarely reads back: a small page cache is plenty.
    conn.execute("PRAGMA cache_size = -1024")
    # After a checkpoint the WAL file is cut back to this size instead of staying at its peak.
    conn.execute(f"PRAGMA journal_size_limit = {4 * 2**20}")
    return conn


def _applied_migrations(conn: sqlite3.Connection) -> set[str]:
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (MIGRATIONS_TABLE,)
    ).fetchone()
    if not has_table:
        return set()
    return {
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", (MIGRATION_SET,)
        )
    }


def _check_not_newer(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    unknown = sorted(_applied_migrations(conn) - set(MIGRATION_NAMES))
    if version > SCHEMA_VERSION or unknown:
        raise DatabaseTooNew(
            f"{path} was written by a newer version of Effortless (schema {version}, "
            f"this version knows up to {SCHEMA_VERSION}"
            + (f"; unknown migrations: {', '.join(unknown)}" if unknown else "")
            + "). Install the newer version; the database was left untouched."
        )


def _move_aside(path: Path, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.Lock:
    """One lock per database file for all its connections in this process.

    Writers in one process queue on this lock instead of on SQLite's busy handler, which
    sleeps in steps of 1, 2, 5, 10 ms: a shopper's commit waits exactly as long as the sync
    worker's transaction takes, not a rounded-up sleep after it.
    """
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.Lock())


class Outbox:
    """The kiosk database. One instance per thread that writes."""

    def __init__(self, conn: sqlite3.Connection, path: Path, recovered_from: Path | None) -> None:
        self._conn = conn
        self.path = path
        # Where a corrupt database was moved to when this one was created in its place.
        self.recovered_from = recovered_from
        self._lock = _write_lock(path)

    @classmethod
    def open(cls, data_dir: Path, *, now: datetime | None = None, recover: bool = True) -> Outbox:
        """Open (or make) the kiosk database. Only a failed integrity check moves a file
        aside; a passing cause (full, locked, read-only, I/O) raises OutboxUnavailable
        and leaves the file where it is, for a later try."""
        path = data_dir / DB_FILENAME
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            conn = cls._prepare(path)
            moved = None
        except DatabaseTooNew:
            raise
        except sqlite3.DatabaseError as exc:
            if not is_corrupt(exc):
                raise OutboxUnavailable.of(path, exc, data_dir) from None
            try:
                moved = _move_aside(path, now or datetime.now(UTC))
            except OSError as move_failed:
                raise OutboxUnavailable.of(path, move_failed, data_dir) from None
            log.error("kiosk database %s is unreadable (%s); moved aside to %s", path, exc, moved)
            try:
                conn = cls._prepare(path)
            except sqlite3.DatabaseError as again:
                raise OutboxUnavailable.of(path, again, data_dir) from None
        except OSError as exc:
            raise OutboxUnavailable.of(path, exc, data_dir) from None
        box = cls(conn, path, moved)
        if recover:
            try:
                box.recover_moved_aside()
            except sqlite3.Error as exc:
                box.close()
                raise OutboxUnavailable.of(path, exc, data_dir) from None
        return box

    @classmethod
    def attach(cls, data_dir: Path) -> Outbox:
        """A further connection to an outbox the kiosk has opened (for worker threads).

        It neither migrates nor closes open sessions: that is the opener's job, and doing
        it here would end a shopper's session that is still going on.
        """
        path = data_dir / DB_FILENAME
        if not path.is_file():
            raise OutboxError(f"{path} does not exist yet; the kiosk creates it on start")
        return cls(_connect(path), path, None)

    @staticmethod
    def _prepare(path: Path) -> sqlite3.Connection:
        conn = _connect(path)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise _FailedIntegrityCheck(f"integrity check: {check}")
            if not set(MIGRATION_NAMES) <= _applied_migrations(conn):
                from sync.migrations import apply_migrations

                apply_migrations(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            # A session cut off by a crash or power loss keeps its answers as a partial one.
            conn.execute(
                "UPDATE responses SET outcome = 'timeout', finished_at = answered_at "
                "WHERE outcome IS NULL"
            )
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        self._conn.close()

    def checkpoint(self) -> tuple[int, int]:
        """Copy the WAL into the database file; returns (WAL frames, frames copied)."""
        row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(row[1]), int(row[2])

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- meta -------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """Sync bookkeeping tied to the answers (next_seq, last error, etag, events)."""
        _not_a_setting(key)
        row = self._conn.execute("SELECT value FROM kiosk_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        _not_a_setting(key)
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO kiosk_meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def delete_meta(self, key: str) -> None:
        _not_a_setting(key)
        with self._transaction() as conn:
            conn.execute("DELETE FROM kiosk_meta WHERE key = ?", (key,))

    @property
    def settings(self) -> Settings:
        """The kiosk's settings, in the same data dir but not in this database."""
        return Settings(self.path.parent)

    def kiosk_id(self) -> str:
        """This device's id (kept in the settings file)."""
        return self.settings.kiosk_id()

    # -- recovery ---------------------------------------------------------------------

    def import_answers(self, rows: list[dict[str, Any]]) -> tuple[int, int]:
        """Answers read from another (damaged) kiosk database: each kept with its id and
        sync state, with a new seq. Returns (added, already present). One transaction."""
        added = present = 0
        columns = STORED_COLUMNS
        marks = ", ".join("?" for _ in columns)
        with self._transaction() as conn:
            row = conn.execute("SELECT value FROM kiosk_meta WHERE key = 'next_seq'").fetchone()
            seq = int(row[0]) if row else 1
            highest = conn.execute("SELECT max(seq) FROM responses").fetchone()[0]
            seq = max(seq, int(highest or 0) + 1)
            for answer in rows:
                if conn.execute("SELECT 1 FROM responses WHERE id = ?", (answer["id"],)).fetchone():
                    present += 1
                    continue
                values = dict(answer)
                if values.get("outcome") not in OUTCOMES:
                    values["outcome"] = TIMEOUT
                    values["finished_at"] = values.get("finished_at") or values["answered_at"]
                values["seq"] = seq
                conn.execute(
                    f"INSERT INTO responses ({', '.join(columns)}) VALUES ({marks})",
                    tuple(values.get(c) for c in columns),
                )
                if values.get("rejected_at") is not None and values.get("synced_at") is None:
                    # No heartbeat of this database reported it: until the next one has,
                    # no rejected answer counts as reported (sync.worker).
                    conn.execute("DELETE FROM kiosk_meta WHERE key = ?", (REJECTED_REPORTED,))
                seq += 1
                added += 1
            conn.execute(
                "INSERT INTO kiosk_meta (key, value) VALUES ('next_seq', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(seq),),
            )
        return added, present

    def recover_moved_aside(self) -> None:
        """Read every answer still readable in databases moved aside (now or by an earlier
        start) into this one, once per file."""
        from sync.recover import RecoverError, recover_into

        done = set(json.loads(self.meta(RECOVERED_FILES) or "[]"))
        for moved in sorted(self.path.parent.glob(f"{self.path.name}.corrupt-*")):
            if moved.name.endswith(("-wal", "-shm")) or moved.name in done:
                continue
            try:
                recover_into(self, moved)
            except RecoverError as exc:
                # Already reported as unreadable when it was moved aside.
                log.info("no answers recovered from %s: %s", moved.name, exc)
            done.add(moved.name)
            self.set_meta(RECOVERED_FILES, json.dumps(sorted(done)))

    # -- answers ----------------------------------------------------------------------

    def begin(self, answer: NewAnswer) -> str:
        """Insert a session's first answer; returns its id. One transaction."""
        answer = answer.with_id()
        with self._transaction() as conn:
            row = conn.execute("SELECT value FROM kiosk_meta WHERE key = 'next_seq'").fetchone()
            seq = int(row[0]) if row else 1
            conn.execute(
                "INSERT INTO kiosk_meta (key, value) VALUES ('next_seq', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(seq + 1),),
            )
            conn.execute(
                "INSERT INTO responses (id, seq, kiosk_id, store_id, touchpoint, survey_id, "
                "survey_version, locale, scale, score, flags, started_at, answered_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    answer.id,
                    seq,
                    answer.kiosk_id,
                    answer.store_id,
                    answer.touchpoint,
                    answer.survey_id,
                    answer.survey_version,
                    answer.locale,
                    answer.scale,
                    answer.score,
                    json.dumps(list(answer.flags)),
                    answer.started_at,
                    answer.answered_at,
                ),
            )
        return answer.id

    def update(self, answer_id: str, changes: Mapping[str, Any]) -> None:
        """Record a further answer of an open session. One transaction."""
        unknown = set(changes) - ANSWER_COLUMNS
        if unknown:
            raise ValueError(f"not an answer column: {', '.join(sorted(unknown))}")
        if "outcome" in changes and changes["outcome"] not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        values = {k: (json.dumps(list(v)) if k == "flags" else v) for k, v in changes.items()}
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self._transaction() as conn:
            cur = conn.execute(
                f"UPDATE responses SET {assignments} WHERE id = ? AND outcome IS NULL",
                (*values.values(), answer_id),
            )
            if cur.rowcount != 1:
                raise OutboxError(f"answer {answer_id} is not an open session")

    # -- reading ----------------------------------------------------------------------

    def get(self, answer_id: str) -> dict[str, Any] | None:
        row = self._conn.execute("SELECT * FROM responses WHERE id = ?", (answer_id,)).fetchone()
        return None if row is None else _row(row)

    def rows(self) -> list[dict[str, Any]]:
        return [_row(r) for r in self._conn.execute("SELECT * FROM responses ORDER BY seq")]

    # -- sync -------------------------------------------------------------------------

    def sendable(self, limit: int) -> list[dict[str, Any]]:
        """Finished answers HQ does not have yet, oldest first, in the wire format."""
        columns = ", ".join(WIRE_FIELDS)
        rows = self._conn.execute(
            f"SELECT {columns} FROM responses "
            "WHERE synced_at IS NULL AND rejected_at IS NULL AND outcome IS NOT NULL "
            "ORDER BY seq LIMIT ?",
            (limit,),
        ).fetchall()
        return [_row(r) for r in rows]

    def mark_synced(self, answer_ids: list[str], at: str) -> int:
        with self._transaction() as conn:
            cur = conn.executemany(
                "UPDATE responses SET synced_at = ? WHERE id = ? AND synced_at IS NULL",
                [(at, answer_id) for answer_id in answer_ids],
            )
            return cur.rowcount

    def acknowledge(
        self,
        synced: list[str],
        rejected: list[tuple[str, str]],
        at: str,
        meta: dict[str, str | None],
    ) -> None:
        """HQ's answer to one batch, with the sync bookkeeping, in one transaction: the
        fewer write transactions the worker makes, the less a shopper's commit waits."""
        with self._transaction() as conn:
            conn.executemany(
                "UPDATE responses SET synced_at = ? WHERE id = ? AND synced_at IS NULL",
                [(at, answer_id) for answer_id in synced],
            )
            conn.executemany(
                "UPDATE responses SET rejected_at = ?, reject_reason = ? "
                "WHERE id = ? AND synced_at IS NULL",
                [(at, reason[:500], answer_id) for answer_id, reason in rejected],
            )
            for key, value in meta.items():
                if value is None:
                    conn.execute("DELETE FROM kiosk_meta WHERE key = ?", (key,))
                else:
                    conn.execute(
                        "INSERT INTO kiosk_meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (key, value),
                    )

    def mark_rejected(self, rejections: list[tuple[str, str]], at: str) -> int:
        with self._transaction() as conn:
            cur = conn.executemany(
                "UPDATE responses SET rejected_at = ?, reject_reason = ? "
                "WHERE id = ? AND synced_at IS NULL",
                [(at, reason[:500], answer_id) for answer_id, reason in rejections],
            )
            return cur.rowcount

    def rejected(self) -> list[dict[str, Any]]:
        return [
            _row(r)
            for r in self._conn.execute(
                "SELECT * FROM responses WHERE rejected_at IS NOT NULL ORDER BY seq"
            )
        ]

    def purge_synced(self, before: str) -> int:
        """Delete answers HQ has had since before the given time (the retention period)."""
        with self._transaction() as conn:
            cur = conn.execute(
                "DELETE FROM responses WHERE synced_at IS NOT NULL AND synced_at < ?", (before,)
            )
            return cur.rowcount

    def note_rejections_reported(self, count: int, upto: str) -> bool:
        """HQ acknowledged a heartbeat that reported ``count`` rejected answers, the latest
        rejected at ``upto``: from now on those count as reported (the mark never moves
        back). Not if the answers up to ``upto`` are no longer exactly those (a recovery
        added some meanwhile): the next heartbeat reports them all again."""
        with self._transaction() as conn:
            (present,) = conn.execute(
                "SELECT count(*) FROM responses WHERE rejected_at IS NOT NULL AND rejected_at <= ?",
                (upto,),
            ).fetchone()
            if present != count:
                return False
            conn.execute(
                "INSERT INTO kiosk_meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
                (REJECTED_REPORTED, upto),
            )
            return True

    def purge_rejected(self, before: str) -> int:
        """Delete rejected answers set aside before the given time that HQ has been told
        about (``note_rejections_reported``). One statement: all or nothing."""
        with self._transaction() as conn:
            cur = conn.execute(
                "DELETE FROM responses "
                "WHERE synced_at IS NULL AND rejected_at IS NOT NULL AND rejected_at < ? "
                "AND rejected_at <= (SELECT value FROM kiosk_meta WHERE key = ?)",
                (before, REJECTED_REPORTED),
            )
            return cur.rowcount

    def stats(self) -> QueueStats:
        row = self._conn.execute(
            "SELECT "
            "count(*) FILTER (WHERE synced_at IS NULL AND rejected_at IS NULL AND outcome IS NOT NULL), "
            "min(finished_at) FILTER (WHERE synced_at IS NULL AND rejected_at IS NULL AND outcome IS NOT NULL), "
            "count(*) FILTER (WHERE rejected_at IS NOT NULL), "
            "count(*) FILTER (WHERE synced_at IS NOT NULL), "
            "count(*) FILTER (WHERE outcome IS NULL), "
            "max(rejected_at) "
            "FROM responses"
        ).fetchone()
        return QueueStats(int(row[0]), row[1], int(row[2]), int(row[3]), int(row[4]), row[5])

    def answers_since(self, moment: str) -> list[dict[str, Any]]:
        return [
            _row(r)
            for r in self._conn.execute(
                "SELECT * FROM responses WHERE started_at >= ? ORDER BY seq", (moment,)
            )
        ]

    def count(self, *, pending_only: bool = False) -> int:
        where = " WHERE synced_at IS NULL" if pending_only else ""
        return int(self._conn.execute(f"SELECT count(*) FROM responses{where}").fetchone()[0])


def _not_a_setting(key: str) -> None:
    if key in SETTINGS_KEYS:
        raise ValueError(f"{key} is a kiosk setting: it lives in sync.settings, not kiosk.db")


def _row(row: sqlite3.Row) -> dict[str, Any]:
    out = dict(row)
    out["flags"] = json.loads(out["flags"])
    return out
