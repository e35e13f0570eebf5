"""Reading the answers out of a damaged kiosk database, as many as can still be read.

The file is opened read-only and read in rowid order; where a page cannot be read the
reader steps over it one rowid at a time, so the rows on readable pages after it are
still found. Then every page of the file and its write-ahead log is scanned for rows
SQLite could not reach (sync.pagescan). Every row read is checked before it is used: a
page of garbage that happens to parse does not become an answer.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.outbox import STORED_COLUMNS, Outbox
from sync.pagescan import table_records

log = logging.getLogger("effortless.recover")

COLUMNS = STORED_COLUMNS
_TEXT = ("id", "kiosk_id", "survey_id", "locale", "scale", "flags", "started_at", "answered_at")
_OPTIONAL_TEXT = (
    "store_id",
    "touchpoint",
    "factor",
    "comment",
    "outcome",
    "finished_at",
    "synced_at",
    "rejected_at",
    "reject_reason",
)
# Stepping over unreadable rowids ends here at the latest, whatever the file claims.
MAX_STEPS = 1_000_000


class RecoverError(Exception):
    """Nothing can be read from the file; the message says why."""


@dataclass(frozen=True)
class Salvage:
    rows: list[dict[str, Any]]
    unreadable: int


@dataclass(frozen=True)
class Recovered:
    added: int
    present: int
    unreadable: int


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise RecoverError(f"{path} is not a file")
    for query in ("mode=ro", "immutable=1"):
        try:
            conn = sqlite3.connect(f"file:{path}?{query}", uri=True, timeout=5)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            last = exc
            conn.close()
    raise RecoverError(f"{path} cannot be read as a kiosk database ({last})")


def _columns(conn: sqlite3.Connection) -> list[str]:
    try:
        present = {str(r[1]) for r in conn.execute("PRAGMA table_info(responses)")}
    except sqlite3.Error as exc:
        raise RecoverError(f"its list of tables cannot be read ({exc})") from exc
    if not present:
        raise RecoverError("it has no answers table")
    return [c for c in COLUMNS if c in present]


def _upper_bound(conn: sqlite3.Connection) -> int:
    for query in (
        "SELECT max(rowid) FROM responses",
        "SELECT CAST(value AS INTEGER) - 1 FROM kiosk_meta WHERE key = 'next_seq'",
    ):
        try:
            found = conn.execute(query).fetchone()
        except sqlite3.Error:
            continue
        if found and found[0] is not None:
            return int(found[0])
    return 100_000


def _checked(raw: dict[str, Any]) -> dict[str, Any] | None:
    row = {c: raw.get(c) for c in COLUMNS}
    if not all(isinstance(row[c], str) and row[c] for c in _TEXT):
        return None
    if not all(row[c] is None or isinstance(row[c], str) for c in _OPTIONAL_TEXT):
        return None
    if not all(isinstance(row[c], int) for c in ("survey_version", "score")):
        return None
    try:
        flags = json.loads(str(row["flags"]))  # a str: checked with _TEXT above
    except ValueError:
        return None
    if not isinstance(flags, list):
        return None
    return row


def read_answers(path: Path) -> Salvage:
    """Every answer that can still be read from ``path``, and how many could not."""
    refused: RecoverError | None = None
    try:
        salvage = _read_through_sqlite(path)
    except RecoverError as exc:
        salvage, refused = Salvage([], 0), exc
    # SQLite reaches a row only through the pages above it; a damaged page near the top of
    # the table hides every row below it. The page scan finds those.
    rows = _newest_copies([*salvage.rows, *_scanned(path)])
    if not rows and refused is not None:
        raise refused
    extra = len(rows) - len(salvage.rows)
    return Salvage(rows, max(0, salvage.unreadable - extra))


def _scanned(path: Path) -> list[dict[str, Any]]:
    found = []
    for record in table_records(path):
        # Schema 1 rows have 18 fields, later ones 20; other tables have far fewer.
        if not len(COLUMNS) - 2 <= len(record) <= len(COLUMNS):
            continue
        row = _checked(dict(zip(COLUMNS, record, strict=False)))
        if row is not None and isinstance(row["seq"], int):
            found.append(row)
    return found


def _progress(row: dict[str, Any]) -> tuple[bool, bool, bool, int]:
    """An answer only ever moves forward (finished, then synced or rejected): the copy
    furthest along is the newest."""
    return (
        row["synced_at"] is not None,
        row["rejected_at"] is not None,
        row["outcome"] is not None,
        sum(value is not None for value in row.values()),
    )


def _newest_copies(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    newest: dict[str, dict[str, Any]] = {}
    for row in rows:
        kept = newest.get(row["id"])
        if kept is None or _progress(row) > _progress(kept):
            newest[row["id"]] = row
    return sorted(newest.values(), key=lambda row: (row["seq"], row["id"]))


def _read_through_sqlite(path: Path) -> Salvage:
    try:
        return _read(path)
    except RecoverError as first:
        # A cut-off file (a copy that stopped, a disk that filled) claims more pages than
        # it has, and SQLite then refuses even its first page. A copy whose header states
        # the true size (and no write-ahead log) can often still be read.
        with tempfile.TemporaryDirectory(prefix="effortless-recover-") as tmp:
            copy = _with_true_size(path, Path(tmp))
            if copy is None:
                raise
            try:
                return _read(copy)
            except RecoverError:
                raise first from None


def _with_true_size(path: Path, folder: Path) -> Path | None:
    try:
        with open(path, "rb") as source:
            header = source.read(100)
        size = path.stat().st_size
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return None
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or size < page_size:
        return None
    pages = size // page_size
    claimed = int.from_bytes(header[28:32], "big")
    if claimed <= pages and header[18:20] == b"\x01\x01":
        return None
    copy = folder / "copy.db"
    shutil.copyfile(path, copy)
    with open(copy, "r+b") as out:
        out.seek(18)
        out.write(b"\x01\x01")  # legacy journal: there is no -wal next to the copy
        out.seek(28)
        out.write(min(claimed, pages).to_bytes(4, "big"))
    return copy


def _read(path: Path) -> Salvage:
    with closing(_open(path)) as conn:
        columns = _columns(conn)
        highest = _upper_bound(conn)
        listed = ", ".join(columns)
        scan = f"SELECT rowid, {listed} FROM responses WHERE rowid > ? ORDER BY rowid"
        one = f"SELECT rowid, {listed} FROM responses WHERE rowid = ?"
        rows: list[dict[str, Any]] = []
        unreadable = steps = 0
        position = 0

        def take(found: tuple[Any, ...]) -> None:
            nonlocal unreadable
            row = _checked(dict(zip(columns, found[1:], strict=True)))
            if row is None:
                unreadable += 1
            else:
                rows.append(row)

        while True:
            try:
                for found in conn.execute(scan, (position,)):
                    position = int(found[0])
                    take(found)
                break
            except sqlite3.DatabaseError:
                # The scan stopped at a damaged page (its last good row may be lost with
                # it: the cursor reads one row ahead). Look at the next rowid on its own:
                # a seek straight to it does not pass the damaged page.
                if position >= highest or steps >= MAX_STEPS:
                    break
                position += 1
                steps += 1
                try:
                    found_one = conn.execute(one, (position,)).fetchone()
                except sqlite3.DatabaseError:
                    unreadable += 1
                    continue
                if found_one is not None:
                    take(found_one)
    return Salvage(rows, unreadable)


def recover_into(outbox: Outbox, path: Path) -> Recovered:
    """Read the answers of ``path`` into ``outbox``; an answer already there is skipped."""
    salvage = read_answers(path)
    added, present = outbox.import_answers(salvage.rows)
    result = Recovered(added, present, salvage.unreadable)
    log.info(
        "recovered %d answers from %s (%d already present, %d unreadable)",
        added,
        path.name,
        present,
        salvage.unreadable,
    )
    if salvage.unreadable:
        log.warning("%d answers in %s could not be read", salvage.unreadable, path.name)
    return result
