"""Backups of an SQLite HQ database and putting one back (``ces-hq backup`` / ``restore``).

A backup is taken with SQLite's online backup API from inside one read transaction: in WAL
mode a reader never blocks HQ's writers, and holding the one snapshot across the steps
keeps the copy consistent (the backup API would otherwise start again after every write
HQ commits between two steps, and under steady ingest never finish). The copy is made
beside the target, switched to a single file (rollback journal), synced, checked and only
then renamed into place, so FILE is either the old one or a whole, checked backup.

A restore checks the backup the same way, refuses while any process has the database
open (a serving HQ keeps its connections open, and SQLite will not leave WAL mode while
another connection uses the file), keeps the current database beside it under a
timestamped name and swaps the backup in with one rename.

PostgreSQL is backed up with pg_dump; ``pg_commands`` spells the command lines out.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from ces.durable import fsync_dir
from hq.db.database import PG_CONNECT_TIMEOUT_S, SQLITE_BUSY_TIMEOUT_MS, describe_error
from hq.db.tables import SCHEMA_VERSION, meta, responses

log = logging.getLogger("effortless.hq.backup")

# Pages copied per step (4 MiB of 4 KiB pages): progress between steps, short steps.
PAGES_PER_STEP = 1024
# Tables only the kiosk's database (sync.migrations) has.
_KIOSK_TABLES = frozenset({"kiosk_meta"})
# How long a restore waits for the database's lock before it says the file is in use.
_IN_USE_TIMEOUT_S = 1.0


class BackupError(Exception):
    """A problem the operator can fix: one line, nothing was changed."""


@dataclass(frozen=True)
class Facts:
    """What a checked HQ database file holds."""

    path: Path
    size: int
    schema_version: int
    answers: int


@dataclass(frozen=True)
class Restored:
    facts: Facts
    target: Path
    kept_as: Path | None


# --- checking a file ------------------------------------------------------------------------


def _readable_file(path: Path, what: str) -> None:
    try:
        if path.is_dir():
            raise BackupError(f"{path} is a directory, not {what}")
        if not path.exists():
            raise BackupError(f"no such file: {path}")
        with path.open("rb"):
            pass
    except PermissionError:
        raise BackupError(f"cannot read {path}: permission denied") from None
    except OSError as e:
        raise BackupError(f"cannot read {path}: {e.strerror or e}") from None
    if path.stat().st_size == 0:
        raise BackupError(f"{path} is empty, not {what}")


def check_copy(path: Path, shown: Path | None = None) -> Facts:
    """The facts of an HQ database file that passes SQLite's integrity check and has a
    schema this ces-hq knows (older is fine: HQ upgrades it on start); else BackupError.
    The file must be a single file (no write-ahead log beside it) and is only read; the
    messages call it ``shown`` (the file the operator named, of which ``path`` is a copy)."""
    _readable_file(path, "an HQ database")
    name = shown or path
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as e:
        raise BackupError(f"cannot open {name}: {e}") from None
    try:
        try:
            problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(10)")]
        except sqlite3.DatabaseError as e:
            if "not a database" in str(e):
                raise BackupError(f"{name} is not an SQLite database") from None
            raise BackupError(f"{name} is damaged: {e}") from None
        if problems != ["ok"]:
            first = problems[0].splitlines()[0]
            raise BackupError(f"{name} is damaged: SQLite's integrity check found: {first}")
        tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        if meta.name not in tables:
            if tables & _KIOSK_TABLES:
                raise BackupError(f"{name} is a kiosk's database, not an HQ database")
            raise BackupError(f"{name} is not an Effortless HQ database (it has no {meta.name})")
        row = conn.execute(f"SELECT value FROM {meta.name} WHERE key = 'schema_version'").fetchone()
        try:
            version = int(row[0])
        except (TypeError, ValueError):
            raise BackupError(f"{name} has no HQ schema version; not an HQ database") from None
        if version > SCHEMA_VERSION:
            raise BackupError(
                f"{name} has schema version {version}, newer than this ces-hq knows "
                f"({SCHEMA_VERSION}); use the newer ces-hq"
            )
        answers = 0
        if responses.name in tables:
            answers = int(conn.execute(f"SELECT count(*) FROM {responses.name}").fetchone()[0])
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{name} is damaged: {e}") from None
    finally:
        conn.close()
    return Facts(path, path.stat().st_size, version, answers)


# --- backup ---------------------------------------------------------------------------------


def backup_sqlite(
    source: Path,
    target: Path,
    *,
    force: bool = False,
    pages_per_step: int = PAGES_PER_STEP,
    progress: Callable[[int, int], None] | None = None,
) -> Facts:
    """Copy the HQ database ``source`` into ``target`` while HQ may be serving on it."""
    if target.is_dir():
        raise BackupError(f"{target} is a directory; give the backup's file name")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; add --force to replace it")
    if not target.parent.is_dir():
        raise BackupError(f"the folder for the backup does not exist: {target.parent}")
    if not source.is_file():
        raise BackupError(f"no HQ database at {source}")
    partial = target.parent / f".{target.name}.{os.getpid()}.partial"
    try:
        _copy(source, partial, pages_per_step, progress)
        _fsync(partial)
        facts = check_copy(partial, source)
        if force:
            os.replace(partial, target)
        else:
            # A link cannot replace a file that appeared in the meantime; a rename would.
            os.link(partial, target)
            partial.unlink()
        fsync_dir(target.parent)
    except FileExistsError:
        raise BackupError(f"{target} already exists; add --force to replace it") from None
    except PermissionError:
        raise BackupError(
            f"cannot write the backup in {target.parent}: permission denied"
        ) from None
    except OSError as e:
        raise BackupError(f"cannot write {target}: {e.strerror or e}") from None
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            _remove(leftover)
    return Facts(target, facts.size, facts.schema_version, facts.answers)


def _copy(
    source: Path, partial: Path, pages_per_step: int, progress: Callable[[int, int], None] | None
) -> None:
    uri = f"file:{quote(str(source.resolve()))}?mode=rw"
    try:
        src = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as e:
        raise BackupError(f"cannot open {source}: {e}") from None
    src.isolation_level = None
    try:
        partial.unlink(missing_ok=True)
        # It holds shoppers' comments: readable by its owner only, from the first byte.
        partial.touch(mode=0o600, exist_ok=False)
        dst = sqlite3.connect(partial)
    except BaseException:
        src.close()
        raise
    try:
        # One snapshot for the whole copy (see the module's docstring).
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        src.backup(
            dst,
            pages=pages_per_step,
            progress=None if progress is None else lambda _s, left, total: progress(left, total),
        )
        src.execute("COMMIT")
        # The backup is one file: no write-ahead log to carry along or lose.
        dst.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"cannot back up {source}: {e}") from None
    finally:
        dst.close()
        src.close()


# --- restore --------------------------------------------------------------------------------


def restore_sqlite(backup: Path, target: Path, now: datetime | None = None) -> Restored:
    """Put the checked ``backup`` in place of the database ``target``; the database it
    replaces is kept beside it, renamed with the time of the restore."""
    _readable_file(backup, "an HQ backup")
    if target.is_dir():
        raise BackupError(f"{target} is a directory, not an HQ database file")
    if not target.parent.is_dir():
        raise BackupError(f"the folder for the database does not exist: {target.parent}")
    staged = target.parent / f".{target.name}.{os.getpid()}.restoring"
    try:
        try:
            shutil.copyfile(backup, staged)
        except PermissionError as e:
            raise BackupError(f"cannot write {e.filename or staged}: permission denied") from None
        except OSError as e:
            raise BackupError(
                f"cannot copy {backup} to {target.parent}: {e.strerror or e}"
            ) from None
        _as_one_file(staged)
        _fsync(staged)
        facts = check_copy(staged, backup)
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        kept_as = _swap_in(staged, target, target.parent / f"{target.name}.before-restore-{stamp}")
    finally:
        _remove(staged)
    return Restored(Facts(backup, facts.size, facts.schema_version, facts.answers), target, kept_as)


def _as_one_file(path: Path) -> None:
    """A copy of a database in WAL mode (say, hq.db copied by hand) switched to a rollback
    journal, so it can be checked read-only; a file SQLite cannot read is left as it is
    for check_copy to describe."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True)
    except sqlite3.Error:
        return
    try:
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.DatabaseError:
        pass
    finally:
        conn.close()


def _swap_in(staged: Path, target: Path, aside: Path) -> Path | None:
    if not target.exists():
        os.replace(staged, target)
        fsync_dir(target.parent)
        return None
    lock = _lock_unused(target)
    try:
        _same_owner_and_mode(staged, target)
        n = 1
        while aside.exists():
            n += 1
            aside = aside.with_name(f"{aside.name.split('~')[0]}~{n}")
        # Links first, then one rename: at every moment both the old database (under one
        # name or the other) and a whole database at ``target`` exist.
        os.link(target, aside)
        for suffix in ("-wal", "-shm"):
            side = Path(f"{target}{suffix}")
            if side.exists():
                os.link(side, Path(f"{aside}{suffix}"))
        os.replace(staged, target)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        fsync_dir(target.parent)
    except PermissionError as e:
        raise BackupError(
            f"cannot write {e.filename or target.parent}: permission denied"
        ) from None
    except OSError as e:
        raise BackupError(f"cannot replace {target}: {e.strerror or e}") from None
    finally:
        if lock is not None:
            lock.close()
    return aside


def _same_owner_and_mode(staged: Path, target: Path) -> None:
    """The restored file as the one it replaces: HQ runs as its own user, and a restore
    run as root must not leave it a database it cannot write."""
    found = target.stat()
    os.chmod(staged, stat.S_IMODE(found.st_mode))
    if os.geteuid() == 0:
        os.chown(staged, found.st_uid, found.st_gid)


def _lock_unused(target: Path) -> sqlite3.Connection | None:
    """An exclusive lock on ``target``, proof that no HQ serves on it; BackupError if any
    process has it open. None for a file SQLite cannot read (a damaged database is set
    aside all the same: that is when one restores)."""
    uri = f"file:{quote(str(target.resolve()))}?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=_IN_USE_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as e:
        log.warning("restoring over %s, which SQLite cannot open: %s", target, e)
        return None
    try:
        # Leaving WAL mode needs every other connection closed (HQ keeps its open while
        # it serves); it also folds the log into the file that is kept.
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as e:
        conn.close()
        if "locked" in str(e) or "busy" in str(e):
            raise BackupError(
                f"the database {target} is in use (is ces-hq serve running on it?); "
                "stop HQ first, then restore"
            ) from None
        log.warning("restoring over %s, which SQLite cannot use: %s", target, e)
        return None
    except sqlite3.DatabaseError as e:
        conn.close()
        log.warning("restoring over %s, which SQLite cannot read: %s", target, e)
        return None
    return conn


# --- PostgreSQL -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PgCommands:
    """Command lines for a PostgreSQL HQ database (no password in them)."""

    dump: str
    create: str  # the empty database a dump is restored into
    restore: str
    restored_database: str


def pg_commands(url: URL, file: str, with_trgm: bool = True) -> PgCommands:
    """pg_dump of HQ's database (only its schema, and pg_trgm, if the URL names one), and
    pg_restore into a new database beside it: the current one is kept, as on SQLite, and a
    restore into an empty database needs no --clean (which cannot drop a schema that holds
    an extension). ``with_trgm``: pg_trgm is installed (pg_dump fails on an --extension
    that matches none)."""
    where: list[str] = []
    if url.host:
        where.append(f"--host={url.host}")
    if url.port:
        where.append(f"--port={url.port}")
    if url.username:
        where.append(f"--username={url.username}")
    schema = _search_path(url)
    database = url.database or ""
    restored = f"{database}_restored"
    # pg_dump leaves extensions out of a dump of one schema; HQ's comment index needs this one.
    only = [f"--schema={schema}"] if schema else []
    if schema and with_trgm:
        only.append("--extension=pg_trgm")
    dump = ["pg_dump", "--format=custom", *where, *only, f"--file={file}", database]
    restore = ["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", *where]
    restore += [f"--dbname={restored}", file]
    return PgCommands(
        shlex.join(dump), shlex.join(["createdb", *where, restored]), shlex.join(restore), restored
    )


def has_pg_trgm(url: URL) -> bool | None:
    """Whether the database has the pg_trgm extension; None if it cannot be asked."""
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        hide_parameters=True,
    )
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
            ).scalar_one()
    except SQLAlchemyError as e:
        log.info("could not ask %s about pg_trgm: %s", url.render_as_string(), describe_error(e))
        return None
    finally:
        engine.dispose()
    return bool(found)


def _search_path(url: URL) -> str | None:
    options = url.query.get("options")
    text = options if isinstance(options, str) else " ".join(options or ())
    for part in text.split():
        if part.startswith("-csearch_path="):
            return part.removeprefix("-csearch_path=").split(",")[0] or None
    return None


# --- files ----------------------------------------------------------------------------------


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        log.warning("could not remove %s: %s", path, e.strerror or e)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
