"""The page scanner reads rows SQLite itself can no longer reach, and nothing else:
garbage, cut-off files and looping pages give no rows and no error."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from sync.pagescan import table_records


def _database(path: Path, rows: list[tuple[object, ...]]) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("CREATE TABLE t (a TEXT, b INTEGER, c REAL, d BLOB, e TEXT)")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")


def _ours(record: list[object]) -> bool:
    # The schema table's own rows have five fields too.
    return len(record) == 5 and record[0] not in ("table", "index", "view", "trigger")


def _rows(count: int) -> list[tuple[object, ...]]:
    return [
        (f"answer {i} — ünïcode", i * 1_000_003 - 2**40, i / 3, bytes([i % 256]) * 3, None)
        for i in range(count)
    ]


def test_every_row_of_every_value_type_is_read_back(tmp_path: Path) -> None:
    rows = _rows(500)
    _database(tmp_path / "a.db", rows)
    found = [tuple(r) for r in table_records(tmp_path / "a.db") if _ours(r)]
    assert sorted(found, key=lambda r: r[1]) == sorted(rows, key=lambda r: r[1])  # type: ignore[arg-type,return-value]


def test_rows_longer_than_a_page_are_read_through_their_overflow_pages(tmp_path: Path) -> None:
    long = [("x" * 10_000 + str(i), i, 0.5, b"", "y" * 5_000) for i in range(5)]
    _database(tmp_path / "a.db", long)
    found = [tuple(r) for r in table_records(tmp_path / "a.db") if _ours(r)]
    assert sorted(found, key=lambda r: r[1]) == long  # type: ignore[arg-type,return-value]


def test_rows_still_in_the_write_ahead_log_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    rows = _rows(50)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("CREATE TABLE t (a TEXT, b INTEGER, c REAL, d BLOB, e TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
        # Until a checkpoint the table's pages are only in the log; the file holds page 1.
        assert path.stat().st_size <= 4096
        found = {tuple(r) for r in table_records(path) if _ours(r)}
    assert found == set(rows)


def test_a_damaged_top_page_hides_no_row_from_the_scan(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    rows = _rows(2_000)
    _database(path, rows)
    with closing(sqlite3.connect(path)) as conn:
        (top,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 't'").fetchone()
    with open(path, "r+b") as db:
        db.seek((top - 1) * 4096)
        db.write(random.Random(1).randbytes(4096))
    with closing(sqlite3.connect(path)) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM t").fetchone()
    found = {tuple(r) for r in table_records(path) if _ours(r)}
    assert found == set(rows)


def test_garbage_gives_no_rows(tmp_path: Path) -> None:
    generator = random.Random(7)
    for size in (0, 1, 99, 100, 4095, 4096, 3 * 4096 + 17, 64 * 4096):
        junk = tmp_path / f"junk-{size}"
        junk.write_bytes(generator.randbytes(size))
        assert list(table_records(junk)) == []
    # A real header followed by garbage pages, and a garbage log beside it.
    path = tmp_path / "a.db"
    _database(path, [])
    header = path.read_bytes()[:100]
    path.write_bytes(header + generator.randbytes(40 * 4096 - 100))
    path.with_name("a.db-wal").write_bytes(generator.randbytes(10 * 4096))
    assert [r for r in table_records(path) if _ours(r)] == []


def test_a_cut_off_file_gives_the_rows_on_its_whole_pages(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    rows = _rows(2_000)
    _database(path, rows)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 123])
    found = {tuple(r) for r in table_records(path) if _ours(r)}
    assert 0 < len(found) < len(rows)
    assert found <= set(rows)


def test_an_overflow_chain_that_loops_ends(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    text = "".join(random.Random(3).choices("abcdefgh", k=20_000))
    _database(path, [(text, 1, 0.0, b"", None)])
    data = bytearray(path.read_bytes())
    # Point every overflow page's "next page" at itself.
    for number in range(3, len(data) // 4096 + 1):
        start = (number - 1) * 4096
        if data[start] not in (0x02, 0x05, 0x0A, 0x0D):
            data[start : start + 4] = number.to_bytes(4, "big")
    path.write_bytes(bytes(data))
    assert [r for r in table_records(path) if _ours(r)] == []


def test_recovery_reads_rows_in_the_order_the_answers_table_stores_them(tmp_path: Path) -> None:
    from sync.outbox import STORED_COLUMNS, Outbox

    with closing(Outbox.open(tmp_path)) as outbox:
        conn = sqlite3.connect(outbox.path)
        with closing(conn):
            stored = [row[1] for row in conn.execute("PRAGMA table_info(responses)")]
    assert tuple(stored) == STORED_COLUMNS
