"""ces-hq answers delete and ces-hq audit, run as an operator runs them, on SQLite and
PostgreSQL: what is listed, what goes, what stays, and what the audit log says."""

from __future__ import annotations

import getpass
import os
import pty
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from erasure_data import (
    ASKED,
    RANGE,
    SECRET,
    TEXTS_IN_RANGE,
    answers_by_id,
    assert_daily_consistent,
    audit_text,
    everything_else,
    n_of,
    seed,
    seed_texts,
    table,
)
from hqserver import CES_HQ, ces_hq
from sqlalchemy import text, update

from hq import erasure
from hq.db import tables
from hq.db.database import HQDatabase

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def in_terminal(*args: str, typed: str) -> subprocess.CompletedProcess[str]:
    """ces-hq with a terminal on stdin, on which ``typed`` is typed."""
    main, replica = pty.openpty()
    try:
        process = subprocess.Popen(
            [CES_HQ, *args],
            stdin=replica,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "EFFORTLESS_HQ_DATABASE_URL": ""},
        )
        os.close(replica)
        os.write(main, typed.encode())
        out, err = process.communicate(timeout=120)
    finally:
        os.close(main)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def hq_db(database_url: str) -> Iterator[tuple[HQDatabase, list[str]]]:
    """The erasure answers in a database, and the option that points ces-hq at it."""
    db = HQDatabase.open(database_url)
    seed(db)
    seed_texts(db)
    try:
        yield db, ["--database-url", database_url]
    finally:
        db.close()


def ids_where(db: HQDatabase, **match: object) -> list[str]:
    return sorted(
        i for i, row in answers_by_id(db).items() if all(row[k] == v for k, v in match.items())
    )


def test_delete_by_id_lists_asks_and_audits(hq_db: tuple[HQDatabase, list[str]]) -> None:
    db, where = hq_db
    chosen = ids_where(db, comment=SECRET)
    before = n_of(db)
    others = everything_else(db)
    result = in_terminal(
        "answers", "delete", "--id", chosen[0], "--id", chosen[1], *where, typed="yes\n"
    )
    assert result.returncode == 0, result.stderr
    assert f"{chosen[0]}  s001   2026-11-10 12:00:0" in result.stdout
    assert "delete 2 answers? This cannot be undone" in result.stdout
    assert "deleted 2 answers" in result.stdout
    assert set(answers_by_id(db)) & set(chosen[:2]) == set()
    assert chosen[2] in answers_by_id(db)  # not asked for
    assert n_of(db)["ces7"] == before["ces7"] - 2
    assert_daily_consistent(db)
    assert everything_else(db) == others
    [line] = erasure.audit_entries(db)
    assert line["actor"] == f"cli:{getpass.getuser()}"
    assert (line["action"], line["count"], line["detail"]) == ("delete_answers", 2, "by id: 2 ids")


def test_declining_changes_nothing(hq_db: tuple[HQDatabase, list[str]]) -> None:
    db, where = hq_db
    before = answers_by_id(db)
    chosen = ids_where(db, comment=SECRET)
    result = in_terminal("answers", "delete", "--id", chosen[0], *where, typed="n\n")
    assert "not confirmed; nothing was deleted" in one_line_error(result)
    assert answers_by_id(db) == before
    assert erasure.audit_entries(db) == []


def test_by_comment_text_within_a_store_and_its_dates(
    hq_db: tuple[HQDatabase, list[str]],
) -> None:
    db, where = hq_db
    before = answers_by_id(db)
    asked = [
        "answers", "delete", "--store", "s004", "--from", "2026-11-01", "--to", "2026-11-30",
        "--comment-contains", ASKED.lower(), *where,
    ]  # fmt: skip
    dry = ces_hq(*asked, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Kassière ÖZTÜRK was vriendelijk" in dry.stdout
    assert "mevrouw öztürk hielp me" in dry.stdout
    assert "oktober" not in dry.stdout  # outside the dates
    assert "dry run: would delete 2 answers; nothing was changed" in dry.stdout
    assert answers_by_id(db) == before
    assert erasure.audit_entries(db) == []
    done = ces_hq(*asked, "--yes")
    assert done.returncode == 0, done.stderr
    assert "deleted 2 answers" in done.stdout
    gone = {i for i, r in before.items() if r["store_id"] == "s004" and ASKED.lower() in
            r["comment"].lower() and "oktober" not in r["comment"]}  # fmt: skip
    assert set(before) - set(answers_by_id(db)) == gone
    assert_daily_consistent(db)
    [line] = erasure.audit_entries(db)
    assert line["detail"] == (
        "store s004, 2026-11-01 .. 2026-11-30 (the store's local days), "
        "comment contains a text of 6 characters (not recorded)"
    )
    assert ASKED.lower() not in audit_text(db).lower()
    assert ASKED.lower() not in (done.stderr + dry.stderr).lower()


def test_comment_only_keeps_the_answers_and_their_scores(
    hq_db: tuple[HQDatabase, list[str]],
) -> None:
    db, where = hq_db
    before = answers_by_id(db)
    daily = table(db, "daily_answers")
    figures = n_of(db)
    chosen = ids_where(db, comment="fijne winkel") + ids_where(db, comment=None)[:3]
    result = ces_hq("answers", "delete", "--comment-only", "--yes", *where,
                 *(f"--id={i}" for i in chosen))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "erased the comments of 4 answers; the answers and their scores stay" in result.stdout
    after = answers_by_id(db)
    assert set(after) == set(before)
    assert [after[i]["comment"] for i in chosen] == [None] * 7
    assert all(after[i] == before[i] for i in after if i not in chosen)
    assert table(db, "daily_answers") == daily
    assert n_of(db) == figures
    [line] = erasure.audit_entries(db)
    assert (line["action"], line["count"]) == ("erase_comments", 4)
    assert "fijne winkel" not in audit_text(db)
    again = ces_hq("answers", "delete", "--comment-only", "--yes", *where, f"--id={chosen[0]}")
    assert "none of these answers has a comment: nothing to erase" in again.stdout
    assert len(erasure.audit_entries(db)) == 1


def test_ids_from_a_file_or_stdin(sqlite_database_url: str, tmp_path: Path) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        seed(db)
        where = ["--database-url", sqlite_database_url]
        chosen = ids_where(db, comment="gaat wel")
        listed = tmp_path / "ids.txt"
        # As people write them: a comment, blank lines, upper case, braces.
        listed.write_text(
            "# erasure request 17\n\n"
            + "\n".join(chosen[:3])
            + f"\n  {chosen[3].upper()}  \n{{{chosen[4]}}}\n",
            encoding="utf-8",
        )
        dry = ces_hq("answers", "delete", "--ids-from", str(listed), "--dry-run", *where)
        assert "dry run: would delete 5 answers" in dry.stdout, dry.stderr
        done = ces_hq("answers", "delete", "--ids-from", "-", "--yes", *where, stdin=chosen[5])
        assert "deleted 1 answer" in done.stdout, done.stderr
        done = ces_hq("answers", "delete", "--ids-from", str(listed), "--yes", *where)
        assert "deleted 5 answers" in done.stdout, done.stderr
        assert ids_where(db, comment="gaat wel") == []
        assert n_of(db) == {"ces7": 16, "smiley5": 3}
        assert_daily_consistent(db)
    finally:
        db.close()


def test_wildcards_are_plain_text(sqlite_database_url: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        seed_texts(db)
        where = ["--database-url", sqlite_database_url]
        span = ["--store", "s004", "--from", "2026-11-01", "--to", "2026-11-30"]
        for text, found in (("%", "100% tevreden"), ("_", "50_50 kans op een lege kassa")):
            dry = ces_hq(
                "answers", "delete", *span, "--comment-contains", text, "--dry-run", *where
            )
            assert "would delete 1 answer;" in dry.stdout, dry.stderr
            assert found in dry.stdout
        nothing = ces_hq(
            "answers", "delete", *span, "--comment-contains", "' OR 1=1 --", "--yes", *where
        )
        assert "no answers match: nothing to delete" in nothing.stdout
        assert len(answers_by_id(db)) == len(TEXTS_IN_RANGE) + 1
    finally:
        db.close()


def test_a_hostile_comment_is_shown_as_plain_text_on_one_line(sqlite_database_url: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        seed_texts(db)
        # As an HQ older than its checks might have stored it: terminal escapes, a line
        # break, a bidi override, and far more than a terminal line.
        hostile = "\x1b[2J\x1b[31mrood\nregel\u202etwee " + "heel lang " * 20
        with db.writing() as conn:
            conn.execute(
                update(tables.responses)
                .where(tables.responses.c.comment == "gewoon goed")
                .values(comment=hostile)
            )
        dry = ces_hq(
            "answers", "delete", "--store", "s004", "--from", "2026-11-01", "--to", "2026-11-30",
            "--comment-contains", "ROOD", "--dry-run", "--database-url", sqlite_database_url,
        )  # fmt: skip
        assert dry.returncode == 0, dry.stderr
        _, *rows, summary = dry.stdout.splitlines()
        assert "would delete 2 answers" in summary
        assert all(row.isprintable() for row in rows)
        shown = rows[0].split("  ")[-1]
        assert shown == "[2J [31mrood regel twee heel lang heel…"
        assert rows[1].endswith("[2J[31mrood bij ingang")  # as the scrubber stored it
    finally:
        db.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "say which answers"),
        (("--store", "s001", "--from", "2026-11-01"), "say which answers"),
        (
            ("--store", "s001", "--from", "2026-11-01", "--comment-contains", "x"),
            "(missing: --to)",
        ),
        (
            ("--store", "s001", "--from", "2026-11-01", "--to", "2026-11-30",
             "--comment-contains", "  "),
            "--comment-contains is empty: it would match every comment",
        ),
        (
            ("--store", "s001", "--from", "2026-11-31", "--to", "2026-12-01",
             "--comment-contains", "x"),
            "--from: expected a date as YYYY-MM-DD",
        ),
        (
            ("--store", "s001", "--from", "2026-12-01", "--to", "2026-11-01",
             "--comment-contains", "x"),
            "--to: 2026-11-01 is before from (2026-12-01)",
        ),
        (
            ("--id", UNKNOWN, "--store", "s001"),
            "either by id (--id, --ids-from) or by comment",
        ),
        (("--id", UNKNOWN), f"1 of 1 answer ids not found ({UNKNOWN}); nothing was deleted"),
        (("--ids-from", "/nonexistent/ids.txt"), "cannot read /nonexistent/ids.txt"),
    ],
)  # fmt: skip
def test_refusals_are_one_line_and_change_nothing(
    sqlite_database_url: str, args: tuple[str, ...], message: str
) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        seed(db)
        before = answers_by_id(db)
        result = ces_hq("answers", "delete", "--yes", *args, "--database-url", sqlite_database_url)
        assert message in one_line_error(result)
        assert answers_by_id(db) == before
        assert erasure.audit_entries(db) == []
    finally:
        db.close()


def test_unknown_and_malformed_ids_refuse_the_whole_request(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        seed(db)
        where = ["--database-url", sqlite_database_url]
        before = answers_by_id(db)
        known = sorted(before)[:2]
        unknown = [UNKNOWN, "ffffffff-ffff-4fff-bfff-ffffffffffff"]
        listed = tmp_path / "ids.txt"
        listed.write_text("\n".join(known + unknown) + "\n", encoding="utf-8")
        result = ces_hq("answers", "delete", "--ids-from", str(listed), "--yes", *where)
        assert "2 of 4 answer ids not found" in one_line_error(result)
        listed.write_text(f"{known[0]}\nDROP TABLE responses;\n", encoding="utf-8")
        result = ces_hq("answers", "delete", "--ids-from", str(listed), "--yes", *where)
        assert "ids.txt line 2: 'DROP TABLE responses;' is not an answer id" in one_line_error(
            result
        )
        listed.write_bytes(b"\xff\xfe" + b"x" * 10)
        result = ces_hq("answers", "delete", "--ids-from", str(listed), "--yes", *where)
        assert "is not UTF-8 text" in one_line_error(result)
        listed.write_text("a" * 100_000, encoding="utf-8")
        result = ces_hq("answers", "delete", "--ids-from", str(listed), "--yes", *where)
        assert "line 1: too long for an answer id" in one_line_error(result)
        listed.write_text("# nothing here\n", encoding="utf-8")
        result = ces_hq("answers", "delete", "--ids-from", str(listed), "--yes", *where)
        assert "holds no answer ids" in one_line_error(result)
        malformed = ces_hq("answers", "delete", "--id", "1234", "--yes", *where)
        assert malformed.returncode == 2
        assert "'1234' is not an answer id (a UUID)" in malformed.stderr
        assert answers_by_id(db) == before
        assert erasure.audit_entries(db) == []
    finally:
        db.close()


def test_without_a_terminal_it_asks_for_yes(sqlite_database_url: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        seed(db)
        before = answers_by_id(db)
        result = ces_hq(
            "answers", "delete", "--id", sorted(before)[0],
            "--database-url", sqlite_database_url, stdin="yes\n",
        )  # fmt: skip
        assert "would delete 1 answer: no terminal to ask; add --yes" in one_line_error(result)
        assert answers_by_id(db) == before
    finally:
        db.close()


def test_audit_lists_the_newest_first(hq_db: tuple[HQDatabase, list[str]]) -> None:
    db, where = hq_db
    assert "the audit log is empty" in ces_hq("audit", *where).stdout
    erasure.record(db, "retention", "erase_comments", 12, "older than 365 days")
    chosen = ids_where(db, comment="te duur")
    ces_hq("answers", "delete", "--comment-only", "--yes", f"--id={chosen[0]}", *where)
    ces_hq("answers", "delete", "--yes", *(f"--id={i}" for i in chosen), *where)
    listing = ces_hq("audit", *where)
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["AT", "(UTC)", "ACTOR", "ACTION", "COUNT", "DETAIL"]
    user = f"cli:{getpass.getuser()}"
    assert [line.split()[2:5] for line in lines[1:]] == [
        [user, "delete_answers", "2"],
        [user, "erase_comments", "1"],
        ["retention", "erase_comments", "12"],
    ]
    limited = ces_hq("audit", "--limit", "1", *where).stdout.splitlines()
    assert len(limited) == 2 and "delete_answers" in limited[1]  # noqa: PT018
    assert "te duur" not in listing.stdout
    assert ces_hq("audit", "--limit", "0", *where).returncode == 2
    assert n_of(db, RANGE.narrowed(store="s001"))["ces7"] == 14


def test_an_erasure_the_database_stops_says_where_to_look(sqlite_database_url: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        seed(db)
        chosen = ids_where(db, comment="gaat wel")
        with db.writing() as conn:
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE DELETE ON responses "
                    f"WHEN old.id = '{chosen[-1]}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        result = ces_hq(
            "answers", "delete", "--yes", *(f"--id={i}" for i in chosen),
            "--database-url", sqlite_database_url,
        )  # fmt: skip
        assert one_line_error(result) == (
            "ces-hq: error: erasure failed: refused "
            "(any part done before the error is in ces-hq audit)"
        )
        # All in one chunk: nothing was deleted, so nothing is in the audit log.
        assert ids_where(db, comment="gaat wel") == chosen
        assert erasure.audit_entries(db) == []
    finally:
        db.close()
