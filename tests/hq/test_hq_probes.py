"""/livez and /readyz (issue 17): liveness never asks the database; readiness is a write
the database takes now, on SQLite and PostgreSQL, refused within seconds (503, JSON, no
traceback) while the database is locked, read-only or gone, and 200 again once it is not.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from hq_helpers import HQ, DoomedDatabase, serving
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hq.db.database import DB_FILENAME, HQDatabase, sqlite_url
from hq.surveys import SurveyCatalog

PROBES = ("/livez", "/readyz")
NOT_READY = "/readyz: the database does not take a write"


def _not_ready(reply: requests.Response, why: str) -> None:
    assert reply.status_code == 503, reply.text
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["retry-after"] == "5"
    body = reply.json()
    assert body["error"] == "unavailable"
    assert body["message"].startswith("the database does not take a write: ")
    assert why in body["message"]


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


@pytest.mark.parametrize("path", PROBES)
def test_a_probe_answers_get_and_head_with_json(hq: HQ, path: str) -> None:
    got = requests.get(hq.url + path, timeout=30)
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/json"
    assert got.json() == {"status": "ok"}
    head = requests.head(hq.url + path, timeout=30)
    assert head.status_code == 200
    assert head.headers["content-type"] == "application/json"
    assert head.content == b""


@pytest.mark.parametrize("path", PROBES)
def test_a_probe_answers_a_browser_in_json_too(hq_sqlite: HQ, path: str) -> None:
    html = {"Accept": "text/html"}
    assert requests.get(hq_sqlite.url + path, headers=html, timeout=30).json() == {"status": "ok"}
    wrong = requests.post(hq_sqlite.url + path, headers=html, timeout=30)
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("junk", ["?" + "x" * 4000, "?a=%00%ff", "/../healthz"])
def test_probes_ignore_junk_in_the_query(hq_sqlite: HQ, junk: str) -> None:
    for path in PROBES:
        reply = requests.get(hq_sqlite.url + path + junk, timeout=30)
        assert reply.status_code in (200, 404), reply.text
        assert reply.headers["content-type"] == "application/json"


def test_readyz_is_503_while_another_connection_holds_the_write_lock(
    hq_sqlite: HQ, expect_log: Any, caplog: pytest.LogCaptureFixture
) -> None:
    expect_log("effortless.hq.api", NOT_READY)
    caplog.set_level(logging.INFO, "effortless.hq.api")
    path = Path(make_url(hq_sqlite.db.url).database or "")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        _not_ready(requests.get(f"{hq_sqlite.url}/readyz", timeout=30), "database is locked")
        head = requests.head(f"{hq_sqlite.url}/readyz", timeout=30)
        assert (head.status_code, head.content) == (503, b"")
        # Liveness does not ask the database: a locked one restarts nothing.
        assert requests.get(f"{hq_sqlite.url}/livez", timeout=30).status_code == 200
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert requests.get(f"{hq_sqlite.url}/readyz", timeout=30).json() == {"status": "ok"}
    said = [r.getMessage() for r in caplog.records if r.name == "effortless.hq.api"]
    # Once per change, not per probe.
    assert sum(NOT_READY in m for m in said) == 1
    assert "/readyz: the database takes writes again" in said
    _no_tracebacks(caplog)


def test_readyz_is_503_while_the_database_files_are_read_only(
    tmp_path: Path, surveys: SurveyCatalog, expect_log: Any, caplog: pytest.LogCaptureFixture
) -> None:
    expect_log("effortless.hq.api", NOT_READY)
    chattr = shutil.which("chattr")
    db = HQDatabase.open(sqlite_url(tmp_path))
    # Root writes files whatever their mode; the immutable attribute stops root too.
    files = [tmp_path / DB_FILENAME, tmp_path / f"{DB_FILENAME}-wal"]
    try:
        with serving(db, surveys) as url:
            assert requests.get(f"{url}/readyz", timeout=30).status_code == 200
            made = chattr and subprocess.run([chattr, "+i", *map(str, files)], check=False)
            if not made or made.returncode != 0:
                pytest.skip("cannot make the database read-only here (chattr +i as root)")
            try:
                _not_ready(requests.get(f"{url}/readyz", timeout=30), "readonly database")
            finally:
                subprocess.run([chattr, "-i", *map(str, files)], check=True)
            assert requests.get(f"{url}/readyz", timeout=30).status_code == 200
    finally:
        db.close()
    _no_tracebacks(caplog)


def test_readyz_is_503_while_a_table_is_locked_on_postgresql(
    pg_url: str, surveys: SurveyCatalog, expect_log: Any, caplog: pytest.LogCaptureFixture
) -> None:
    expect_log("effortless.hq.api", NOT_READY)
    db = HQDatabase.open(pg_url)
    other = create_engine(pg_url)
    try:
        with serving(db, surveys) as url:
            assert requests.get(f"{url}/readyz", timeout=30).status_code == 200
            with other.connect() as conn:
                conn.execute(text("LOCK TABLE hq_meta IN EXCLUSIVE MODE"))
                _not_ready(requests.get(f"{url}/readyz", timeout=30), "lock timeout")
                assert requests.get(f"{url}/livez", timeout=30).status_code == 200
                conn.rollback()
            assert requests.get(f"{url}/readyz", timeout=30).status_code == 200
    finally:
        other.dispose()
        db.close()
    _no_tracebacks(caplog)


def test_readyz_is_503_when_the_postgresql_database_is_gone(
    doomed_pg: DoomedDatabase,
    surveys: SurveyCatalog,
    expect_log: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    expect_log("effortless.hq.api", NOT_READY)
    db = HQDatabase.open(doomed_pg.url)
    try:
        with serving(db, surveys) as url:
            assert requests.get(f"{url}/readyz", timeout=30).status_code == 200
            doomed_pg.drop()
            _not_ready(requests.get(f"{url}/readyz", timeout=30), doomed_pg.name)
            assert requests.get(f"{url}/livez", timeout=30).status_code == 200
    finally:
        db.close()
    _no_tracebacks(caplog)
