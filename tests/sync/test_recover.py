"""Answers in a damaged kiosk.db are not stranded: every readable row goes into the new
outbox at start, ids kept, and reaches a real HQ exactly once; `ces-kiosk recover FILE`
does the same from any file and never adds an answer twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hqserver import HQService
from kiosk_program import ces_kiosk
from sync_fixtures import enrol, hq_answers, kiosk_rows, running_hq, write_answers

from sync.outbox import DB_FILENAME, Outbox


@pytest.fixture(scope="module")
def hq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HQService]:
    yield from running_hq(tmp_path_factory.mktemp("hq"))


def _pages(path: Path, name: str, kind: str) -> list[tuple[int, int]]:
    """(page number, cells) of one table's or index's pages of a kind, in key order."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return [
            (int(r[0]), int(r[1]))
            for r in conn.execute(
                "SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY path",
                (name, kind),
            )
        ]


def _smash(path: Path, page: int) -> None:
    size = 4096
    with open(path, "r+b") as db:
        db.seek((page - 1) * size)
        db.write(b"\xa5garbage" * (size // 8))


def _damage_middle_page(path: Path, where: str) -> set[str]:
    """Write garbage over a middle page; returns the ids of the answers that were on it."""
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        by_rowid = [str(r[0]) for r in conn.execute("SELECT id FROM responses ORDER BY rowid")]
    if where == "index":
        pages = _pages(path, "sqlite_autoindex_responses_1", "leaf")
        _smash(path, pages[len(pages) // 2][0])
        return set()
    if where in ("table's top page", "first page"):
        # Above every answer: SQLite cannot walk down to any row, yet each is intact.
        with closing(sqlite3.connect(path)) as conn:
            (top,) = conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE name = 'responses'"
            ).fetchone()
        _smash(path, top if where == "table's top page" else 1)
        return set()
    leaves = _pages(path, "responses", "leaf")
    middle = len(leaves) // 2
    first = sum(cells for _, cells in leaves[:middle])
    lost = set(by_rowid[first : first + leaves[middle][1]])
    assert lost
    _smash(path, leaves[middle][0])
    return lost


@pytest.mark.parametrize("where", ["answers page", "index", "table's top page", "first page"])
def test_answers_in_a_damaged_database_are_recovered_and_reach_hq_once(
    hq: HQService, tmp_path: Path, where: str, expect_log: Callable[[str, str], None]
) -> None:
    expect_log("effortless.outbox", "moved aside")
    if where == "answers page":
        expect_log("effortless.recover", "could not be read")
    data_dir = tmp_path / "kiosk"
    kiosk_id = enrol(data_dir, hq.url, hq.add_kiosk())
    with closing(Outbox.open(data_dir)) as outbox:
        write_answers(outbox, 100)
    synced = ces_kiosk("sync", "--data-dir", str(data_dir), "--until-empty", "--timeout", "60")
    assert synced.returncode == 0, synced.stderr
    with closing(Outbox.open(data_dir)) as outbox:
        write_answers(outbox, 200)
    before = {r["id"]: r for r in kiosk_rows(data_dir)}
    assert len(before) == 300
    lost = _damage_middle_page(data_dir / DB_FILENAME, where)

    with closing(Outbox.open(data_dir)) as outbox:
        assert outbox.recovered_from is not None
    after = {r["id"]: r for r in kiosk_rows(data_dir)}
    assert set(after) == set(before) - lost
    for answer_id, row in after.items():
        old = before[answer_id]
        # Everything of the answer and its sync state is kept; only seq is new.
        assert {k: v for k, v in row.items() if k != "seq"} == {
            k: v for k, v in old.items() if k != "seq"
        }
    synced = ces_kiosk("sync", "--data-dir", str(data_dir), "--until-empty", "--timeout", "60")
    assert synced.returncode == 0, synced.stderr
    held = hq_answers(hq.data_dir, kiosk_id)  # fails on an id held twice
    first_hundred = {i for i, r in before.items() if r["synced_at"] is not None}
    assert len(first_hundred) == 100
    assert set(held) == set(after) | first_hundred

    # Recovering the same file again by hand adds nothing.
    (moved,) = [
        p
        for p in data_dir.iterdir()
        if p.name.startswith("kiosk.db.corrupt-") and not p.name.endswith(("-wal", "-shm"))
    ]
    again = ces_kiosk("recover", str(moved), "--data-dir", str(data_dir))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().startswith(f"recovered 0 answers ({len(after)} already present, ")
    assert len(kiosk_rows(data_dir)) == len(after)


def test_recover_reads_any_file_into_the_outbox(tmp_path: Path) -> None:
    old, data_dir = tmp_path / "old", tmp_path / "kiosk"
    with closing(Outbox.open(old)) as outbox:
        ids = write_answers(outbox, 30)
    with closing(Outbox.open(data_dir)) as outbox:
        write_answers(outbox, 2)
    result = ces_kiosk("recover", str(old / DB_FILENAME), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "recovered 30 answers (0 already present, 0 unreadable)"
    rows = kiosk_rows(data_dir)
    assert len(rows) == 32
    assert set(ids) <= {r["id"] for r in rows}
    assert sorted(r["seq"] for r in rows) == list(range(1, 33))
    result = ces_kiosk("recover", str(old / DB_FILENAME), "--data-dir", str(data_dir))
    assert result.stdout.strip() == "recovered 0 answers (30 already present, 0 unreadable)"


def test_recover_says_plainly_when_the_file_is_no_database(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n" * 100)
    result = ces_kiosk("recover", str(junk), "--data-dir", str(tmp_path / "kiosk"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("ces-kiosk recover: ")
