"""The ces-hq command as an operator runs it: the installed console script, in a
subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from hq_helpers import HQ, make_answers, serving
from hqserver import HQService, ces_hq

from hq.db.database import HQDatabase
from hq.db.tables import SCHEMA_VERSION

CODE_RE = re.compile(r"^enrolment code:\s+([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})$", re.M)
UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int = 1) -> str:
    assert result.returncode == status, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def where(database_url: str) -> list[str]:
    return ["--database-url", database_url]


# --- kiosk add / list / revoke ---------------------------------------------------------------


def test_kiosk_add_prints_the_id_and_a_one_time_code(where: list[str], database_url: str) -> None:
    before = datetime.now(UTC)
    result = ces_hq("kiosk", "add", "--store", "s042", "--touchpoint", "returns_desk", *where)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    kiosk_id = re.search(rf"^kiosk id:\s+({UUID_RE})$", out, re.M)
    code = CODE_RE.search(out)
    expires = re.search(r"^code expires:\s+(\S+ \S+) UTC \(works once\)$", out, re.M)
    assert kiosk_id, out
    assert code, out
    assert expires, out
    assert re.search(r"^store:\s+s042$", out, re.M)
    assert re.search(r"^touchpoint:\s+returns_desk$", out, re.M)
    expiry = datetime.fromisoformat(expires.group(1)).replace(tzinfo=UTC)
    assert before + timedelta(hours=72) - timedelta(seconds=1) <= expiry
    assert expiry <= datetime.now(UTC) + timedelta(hours=72)

    db = HQDatabase.open(database_url)
    try:
        assert db.enrol(code.group(1)).kiosk_id == kiosk_id.group(1)
    finally:
        db.close()


def test_kiosk_add_as_json(where: list[str]) -> None:
    result = ces_hq(
        "kiosk", "add", "--store", "S-42", "--touchpoint", "in_store_purchase", "--json", *where
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"kiosk_id", "store", "touchpoint", "code", "code_expires_at"}
    assert body["store"] == "S-42"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", body["code"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "s 42", "--touchpoint", "tp"], "'s 42' is not a store id"),
        (["--store", "s42", "--touchpoint", "Returns"], "'Returns' is not a touchpoint id"),
        (["--store", "", "--touchpoint", "tp"], "'' is not a store id"),
        (["--touchpoint", "tp"], "the following arguments are required: --store"),
    ],
)
def test_kiosk_add_refuses_bad_names(tmp_path: Path, args: list[str], message: str) -> None:
    result = ces_hq("kiosk", "add", *args, "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "hq.db").exists()


def test_kiosk_add_refuses_a_touchpoint_no_survey_is_for(tmp_path: Path) -> None:
    # The keyboard capitalised it, or it was typed as a name: a kiosk for it would run a
    # survey whose answers HQ files under another touchpoint.
    result = ces_hq(
        "kiosk", "add", "--store", "s42", "--touchpoint", "returns", "--data-dir", str(tmp_path)
    )
    line = assert_one_line_error(result)
    assert line.startswith(
        "ces-hq: error: no survey is for touchpoint 'returns'; "
        "the touchpoints there are: in_store_purchase, returns_desk "
    ), line
    assert not (tmp_path / "hq.db").exists()


def test_kiosk_add_checks_the_touchpoint_against_the_survey_folder_hq_serves(
    tmp_path: Path,
) -> None:
    from ces.assets import surveys_dir

    folder = tmp_path / "surveys"
    folder.mkdir()
    body = json.loads((surveys_dir() / "returns_desk.json").read_text(encoding="utf-8"))
    body.update({"id": "kassa_v2", "touchpoint": "kassa"})
    (folder / "kassa_v2.json").write_text(json.dumps(body), encoding="utf-8")
    where = ["--data-dir", str(tmp_path / "hq"), "--surveys", str(folder)]
    result = ces_hq("kiosk", "add", "--store", "s42", "--touchpoint", "kassa", *where)
    assert result.returncode == 0, result.stderr
    refused = ces_hq("kiosk", "add", "--store", "s42", "--touchpoint", "returns_desk", *where)
    assert "the touchpoints there are: kassa " in assert_one_line_error(refused)


def test_kiosk_list_shows_each_kiosk_and_its_latest_heartbeat(
    where: list[str], database_url: str, surveys: Any
) -> None:
    empty = ces_hq("kiosk", "list", *where)
    assert empty.returncode == 0
    assert (
        empty.stdout.strip()
        == "no kiosks yet; add one with: ces-hq kiosk add --store STORE --touchpoint TP"
    )

    db = HQDatabase.open(database_url)
    try:
        waiting = db.add_kiosk("s001", "returns_desk")
        busy = db.add_kiosk("s002", "in_store_purchase")
        token = db.enrol(busy.code).token
        with serving(db, surveys) as url:
            beat = {
                "queue_depth": 42,
                "oldest_unsent_at": None,
                "app_version": "0.1.0",
                "survey_id": None,
                "survey_version": None,
                "kiosk_time": "2026-11-22T09:05:00.000Z",
                "last_sync_error": None,
            }
            assert HQ(url, db).post("/api/v1/heartbeat", token, beat).status_code == 200
        revoked = db.add_kiosk("s003", "returns_desk")
        db.revoke(revoked.id)
    finally:
        db.close()

    table = ces_hq("kiosk", "list", *where)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.strip().splitlines()
    assert re.split(r"\s{2,}", lines[0]) == [
        "ID", "STORE", "TOUCHPOINT", "STATUS", "LAST SEEN", "QUEUE", "APP VERSION", "SCRUBBED",
    ]  # fmt: skip
    rows = {cells[0]: cells for cells in (re.split(r"\s{2,}", line) for line in lines[1:])}
    assert rows[waiting.id] == [
        waiting.id, "s001", "returns_desk", "waiting", "never", "-", "-", "0",
    ]  # fmt: skip
    assert rows[busy.id][:4] == [busy.id, "s002", "in_store_purchase", "enrolled"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", rows[busy.id][4])
    assert rows[busy.id][5:] == ["42", "0.1.0", "0"]
    assert rows[revoked.id][3] == "revoked"

    listed = json.loads(ces_hq("kiosk", "list", "--json", *where).stdout)
    by_id = {k["id"]: k for k in listed}
    assert by_id[busy.id]["queue_depth"] == 42
    assert by_id[busy.id]["app_version"] == "0.1.0"
    assert by_id[busy.id]["kiosk_time"] == "2026-11-22T09:05:00.000Z"
    assert by_id[busy.id]["heartbeat_at"].endswith("Z")
    assert by_id[waiting.id]["last_seen_at"] is None
    assert by_id[revoked.id]["status"] == "revoked"


def test_kiosk_revoke(where: list[str], database_url: str) -> None:
    db = HQDatabase.open(database_url)
    try:
        new = db.add_kiosk("s001", "returns_desk")
        token = db.enrol(new.code).token
    finally:
        db.close()
    first = ces_hq("kiosk", "revoke", new.id.upper(), *where)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        f"kiosk {new.id} revoked: its token and enrolment code no longer work"
    )
    again = ces_hq("kiosk", "revoke", new.id, *where)
    assert again.returncode == 0
    assert again.stdout.strip() == f"kiosk {new.id} was already revoked"
    db = HQDatabase.open(database_url)
    try:
        assert db.authenticate(token) is None
    finally:
        db.close()


def test_kiosk_revoke_errors(where: list[str]) -> None:
    missing = str(uuid.uuid4())
    line = assert_one_line_error(ces_hq("kiosk", "revoke", missing, *where))
    assert line == f"ces-hq: error: no kiosk with id {missing}"
    bad = ces_hq("kiosk", "revoke", "kiosk-7", *where)
    assert bad.returncode == 2
    assert "'kiosk-7' is not a kiosk id (a UUID)" in bad.stderr


# --- where the database is -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("::nonsense", "ces-hq: error: not a database URL: '::nonsense'"),
        ("mysql://root@localhost/hq", "ces-hq: error: unsupported database 'mysql'"),
        (
            "postgresql://hq:secret@127.0.0.1:1/hq",
            "ces-hq: error: cannot use the database postgresql+psycopg://hq:***@127.0.0.1:1/hq: ",
        ),
    ],
)
@pytest.mark.parametrize("command", [["kiosk", "list"], ["serve", "--port", "0"]])
def test_a_database_hq_cannot_use_is_one_line(url: str, message: str, command: list[str]) -> None:
    line = assert_one_line_error(ces_hq(*command, "--database-url", url))
    assert line.startswith(message)
    assert "secret" not in line


def test_the_database_url_can_come_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/from-env.db"
    env = {"EFFORTLESS_HQ_DATABASE_URL": url}
    added = ces_hq("kiosk", "add", "--store", "s1", "--touchpoint", "returns_desk", env=env)
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "from-env.db").exists()
    # An explicit --data-dir wins over the environment.
    other = tmp_path / "other"
    result = ces_hq("kiosk", "list", "--data-dir", str(other), env=env)
    assert result.stdout.startswith("no kiosks yet")


def test_database_url_and_data_dir_do_not_mix(tmp_path: Path) -> None:
    result = ces_hq(
        "kiosk", "list", "--data-dir", str(tmp_path), "--database-url", "sqlite:///x.db"
    )
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr


def test_a_data_dir_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    line = assert_one_line_error(ces_hq("kiosk", "list", "--data-dir", str(blocker / "hq")))
    assert line.startswith(f"ces-hq: error: cannot create the data dir {blocker / 'hq'}: ")


def test_a_database_from_a_newer_ces_hq_is_refused(tmp_path: Path) -> None:
    assert ces_hq("kiosk", "list", "--data-dir", str(tmp_path)).returncode == 0
    with sqlite3.connect(tmp_path / "hq.db") as conn:
        conn.execute("UPDATE hq_meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    line = assert_one_line_error(ces_hq("kiosk", "list", "--data-dir", str(tmp_path)))
    assert f"has schema version 99, newer than this ces-hq knows ({SCHEMA_VERSION})" in line


# --- serve ---------------------------------------------------------------------------------------


@contextmanager
def served(
    data_dir: Path, *, log: Path, database_url: str | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`ces-hq serve --port 0`, once it has printed its URL and answers /healthz."""
    with HQService(data_dir, database_url, port=0, log_path=log) as hq:
        assert hq.process is not None
        yield hq.process, hq.url


def test_serve_prints_its_url_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with served(tmp_path / "data", log=log) as (proc, url):
        assert requests.get(f"{url}/healthz", timeout=5).json() == {"status": "ok"}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    text = log.read_text()
    assert "Traceback" not in text
    assert "effortless.hq.cli: ces-hq stopped" in text
    assert (tmp_path / "data" / "hq.db").exists()


def test_serve_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with served(tmp_path, log=log) as (proc, _):
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    assert "Traceback" not in log.read_text()


def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = assert_one_line_error(
            ces_hq("serve", "--port", str(port), "--data-dir", str(tmp_path))
        )
    assert line.startswith(f"ces-hq: error: cannot listen on 127.0.0.1:{port}: ")


def test_serve_refuses_a_bad_survey_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    line = assert_one_line_error(
        ces_hq("serve", "--surveys", str(missing), "--data-dir", str(tmp_path))
    )
    assert line == f"ces-hq: error: survey folder: the survey folder does not exist: {missing}"
    folder = tmp_path / "surveys"
    folder.mkdir()
    line = assert_one_line_error(
        ces_hq("serve", "--surveys", str(folder), "--data-dir", str(tmp_path))
    )
    assert line == f"ces-hq: error: survey folder: no survey files (*.json) in {folder}"
    (folder / "broken.json").write_text('{"id": "broken"')
    line = assert_one_line_error(
        ces_hq("serve", "--surveys", str(folder), "--data-dir", str(tmp_path))
    )
    assert line.startswith(
        f"ces-hq: error: survey folder: {folder / 'broken.json'}: (file): is not valid JSON"
    )


def test_two_processes_on_one_database_store_each_answer_once(
    tmp_path: Path, database_url: str
) -> None:
    """Several ces-hq processes share a database; the same batch to each is stored once."""
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    with (
        served(tmp_path, database_url=database_url, log=logs[0]) as (_, url_one),
        served(tmp_path, database_url=database_url, log=logs[1]) as (_, url_two),
    ):
        db = HQDatabase.open(database_url)
        try:
            _, token = HQ(url_one, db).kiosk()
            batch = make_answers(300)
            urls = [url_one, url_two] * 3
            barrier = threading.Barrier(len(urls))
            outcomes: list[list[str]] = []

            def send(url: str) -> None:
                barrier.wait(timeout=30)
                outcomes.append([r["status"] for r in HQ(url, db).results(token, batch)])

            threads = [threading.Thread(target=send, args=(u,)) for u in urls]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            assert len(outcomes) == len(urls)
            for i in range(len(batch)):
                assert Counter(o[i] for o in outcomes) == {"new": 1, "duplicate": len(urls) - 1}
            assert db.count_answers() == len(batch)
        finally:
            db.close()
    for log in logs:
        assert "Traceback" not in log.read_text()


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "hq.db").write_bytes(b"this is not SQLite" * 100)
    line = assert_one_line_error(ces_hq("kiosk", "list", "--data-dir", str(tmp_path)))
    assert line.startswith("ces-hq: error: cannot use the database sqlite:///")
    assert line.endswith(": file is not a database")
    assert (tmp_path / "hq.db").read_bytes() == b"this is not SQLite" * 100
