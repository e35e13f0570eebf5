"""ces-hq user, store and export: the dashboard's command line, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dashboard_data import Spec, add, kiosk, many
from hqserver import CES_HQ, ces_hq

from hq import users
from hq.db.database import HQDatabase

PASSWORD = "correct horse battery"


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_user_add_list_and_remove(tmp_path: Path) -> None:
    where = ["--data-dir", str(tmp_path)]
    added = ces_hq("user", "add", "anna", "--password-stdin", *where, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "user anna added" in added.stdout
    # The first user is an admin (HQ had none); the list shows role, stores and e-mail.
    assert ces_hq("user", "list", *where).stdout.split() == [
        *("NAME", "ROLE", "STORES", "E-MAIL"),
        *("anna", "admin", "all", "-"),
    ]
    db = HQDatabase.open(f"sqlite:///{tmp_path / 'hq.db'}")
    try:
        assert users.log_in(db, "anna", PASSWORD)
    finally:
        db.close()
    again = ces_hq("user", "add", "anna", "--password-stdin", *where, stdin=PASSWORD + "\n")
    assert "exists already" in one_line_error(again)
    replaced = ces_hq(
        "user", "add", "anna", "--replace", "--password-stdin", *where, stdin="another password\n"
    )
    assert replaced.returncode == 0
    assert "new password set" in replaced.stdout
    assert ces_hq("user", "remove", "anna", *where).returncode == 0
    assert "no users yet" in ces_hq("user", "list", *where).stdout
    assert "no user 'anna'" in one_line_error(ces_hq("user", "remove", "anna", *where))


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("anna", "short", "at least 10 characters"),
        ("anna bob", PASSWORD, "is not a user name"),
        ("<script>", PASSWORD, "is not a user name"),
        ("anna", "x" * 2000, "at most 1024 characters"),
    ],
)
def test_bad_users_are_refused_in_one_line(
    tmp_path: Path, name: str, password: str, message: str
) -> None:
    result = ces_hq(
        "user", "add", name, "--password-stdin", "--data-dir", str(tmp_path), stdin=password
    )
    assert message in one_line_error(result)


def test_without_a_terminal_the_password_must_come_on_stdin(tmp_path: Path) -> None:
    result = ces_hq("user", "add", "anna", "--data-dir", str(tmp_path))
    assert "use --password-stdin" in one_line_error(result)


def test_store_set_and_list(tmp_path: Path) -> None:
    where = ["--data-dir", str(tmp_path)]
    assert "no store has a name" in ces_hq("store", "list", *where).stdout
    assert (
        ces_hq("store", "set", "s042", "--region", "north", "--name", "Utrecht", *where).returncode
        == 0
    )
    assert ces_hq("store", "set", "s042", "--region", "east", *where).returncode == 0
    listing = ces_hq("store", "list", *where).stdout
    assert "s042" in listing and "Utrecht" in listing and "east" in listing  # noqa: PT018
    assert "is not a region id" in one_line_error(
        ces_hq("store", "set", "s042", "--region", "a b", *where)
    )
    assert "say what to set" in one_line_error(ces_hq("store", "set", "s042", *where))
    bad = ces_hq("store", "set", "s 42", "--region", "x", *where)
    assert bad.returncode == 2  # argparse refuses the store id


def _seeded(tmp_path: Path) -> list[str]:
    db = HQDatabase.open(f"sqlite:///{tmp_path / 'hq.db'}")
    try:
        at = datetime.now(UTC) - timedelta(hours=2)
        add(db, kiosk(db, "s001"), many(at, 6, 30, "price"))
        add(db, kiosk(db, "s002"), [Spec(at, 1, "service", "@SUM(A1) lange rij")])
    finally:
        db.close()
    return ["--data-dir", str(tmp_path)]


def test_export_csv_to_a_file_with_a_progress_bar(tmp_path: Path) -> None:
    where = _seeded(tmp_path)
    target = tmp_path / "answers.csv"
    result = ces_hq(
        "export", "--format", "csv", "--output", str(target), "--progress", "always", *where
    )
    assert result.returncode == 0, result.stderr
    assert "100% 31/31 answers" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 31
    assert next(r for r in rows if r["store_id"] == "s002")["comment"] == "'@SUM(A1) lange rij"


def test_export_json_to_stdout_with_filters(tmp_path: Path) -> None:
    where = _seeded(tmp_path)
    result = ces_hq("export", "--format", "json", "--store", "s002", *where)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    (answer,) = json.loads(result.stdout)
    assert answer["factor"] == "service" and answer["band"] == "difficult"  # noqa: PT018
    nothing = ces_hq(
        "export", "--format", "json", "--from", "2020-01-01", "--to", "2020-01-31", *where
    )
    assert json.loads(nothing.stdout) == []


VERSION_FORMAT = "--version: expected a version number (1 or more)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "yesterday"], "--from: expected a date as YYYY-MM-DD"),
        (["--from", "2026-11-20", "--to", "2026-11-01"], "--to: 2026-11-01 is before from"),
        (["--store", "a;b"], "--store: not a valid id"),
        (["--survey", "in_store_purchase", "--version", "0"], VERSION_FORMAT),
        (["--survey", "in_store_purchase", "--version", "-1"], VERSION_FORMAT),
        (["--survey", "in_store_purchase", "--version", "two"], VERSION_FORMAT),
        (["--survey", "in_store_purchase", "--version", "1.5"], VERSION_FORMAT),
        (["--survey", "in_store_purchase", "--version", " "], VERSION_FORMAT),
        (["--version", "2"], "--version: choose a survey for a version"),
    ],
)
def test_bad_export_filters_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = ces_hq("export", "--format", "csv", *args, "--data-dir", str(tmp_path))
    assert message in one_line_error(result)


def test_export_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    where = _seeded(tmp_path)
    result = ces_hq("export", "--format", "csv", "--output", str(tmp_path / "no" / "x.csv"), *where)
    assert "cannot write" in one_line_error(result)


def test_export_into_a_pipe_that_closes_early_ends_quietly(tmp_path: Path) -> None:
    db = HQDatabase.open(f"sqlite:///{tmp_path / 'hq.db'}")
    try:
        add(db, kiosk(db), many(datetime.now(UTC) - timedelta(hours=3), 6, 2000, "price"))
    finally:
        db.close()
    process = subprocess.Popen(
        [CES_HQ, "export", "--format", "csv", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None  # noqa: PT018
    assert process.stdout.read(100).startswith("\ufeffid,".encode())
    process.stdout.close()  # like `| head`
    assert process.wait(timeout=60) == 0
    with process.stderr:
        assert b"Traceback" not in process.stderr.read()
