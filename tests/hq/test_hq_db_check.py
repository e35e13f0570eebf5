"""A damaged HQ database is noticed (issue 9, item 12).

Real garbage written into a real SQLite HQ database file: in middle pages HQ still
acknowledges answers, so only ``ces-hq db check`` (SQLite's integrity check) tells; in the
last pages every ingest fails, and /healthz must then say 503 instead of 200. On
PostgreSQL ``db check`` runs amcheck, and /healthz follows writes that fail and recover.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from hq_helpers import HQ, make_answer, make_heartbeat, serving
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ces.timestamps import iso_utc
from hq import cli
from hq.db.database import EnrolledKiosk, HQDatabase, sqlite_url
from hq.surveys import SurveyCatalog
from hq.validate import check_answer


def _db_check(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(["db", "check", "--database-url", url])
    out, err = capsys.readouterr()
    return status, out, err


def _id(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


def _fill(db: HQDatabase, surveys: SurveyCatalog, n: int = 3000) -> None:
    """n answers over a few days: a file of some hundreds of pages.

    The ids are drawn from a seeded generator, so the pages lie the same way every run and
    the garbage below always hits the same b-tree pages.
    """
    rnd = random.Random(42)
    new = db.add_kiosk("s001", "in_store_purchase")
    enrolment = db.enrol(new.code)
    kiosk = EnrolledKiosk(enrolment.kiosk_id, enrolment.store, enrolment.touchpoint)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for first in range(0, n, 500):
        batch = []
        for i in range(first, first + 500):
            at = iso_utc(start + timedelta(seconds=30 * i))
            answer = make_answer(
                id=_id(rnd),
                seq=i + 1,
                comment="Kassa was snel" if i % 3 == 0 else None,
                started_at=at,
                answered_at=at,
                finished_at=at,
            )
            batch.append(check_answer(answer, surveys.rules))
        db.ingest(kiosk, batch)


@pytest.fixture
def filled_db(tmp_path: Path, surveys: SurveyCatalog) -> Path:
    """A closed SQLite HQ database with answers in it (its WAL checkpointed away)."""
    db = HQDatabase.open(sqlite_url(tmp_path))
    try:
        _fill(db, surveys)
    finally:
        db.close()
    path = tmp_path / "hq.db"
    assert not (tmp_path / "hq.db-wal").exists()
    return path


def _garbage(path: Path, where: str, pages: int = 4) -> None:
    """Random bytes over ``pages`` whole pages in the middle or at the end of the file."""
    with path.open("rb") as f:
        f.seek(16)
        page_size = int.from_bytes(f.read(2), "big")
    total = path.stat().st_size // page_size
    assert total > 100
    first = total // 2 if where == "middle" else total - pages
    rnd = random.Random(7)
    with path.open("r+b") as f:
        f.seek(first * page_size)
        f.write(rnd.randbytes(pages * page_size))


@pytest.fixture
def hq_on(surveys: SurveyCatalog) -> Iterator[Any]:
    opened: list[HQDatabase] = []

    def start(path: Path) -> Any:
        db = HQDatabase.open(sqlite_url(path.parent))
        opened.append(db)
        return serving(db, surveys), db

    yield start
    for db in opened:
        db.close()


def test_a_healthy_database_checks_fine(db: HQDatabase, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _db_check(db.url.render_as_string(hide_password=False), capsys)
    assert (status, err) == (0, "")
    if db.is_sqlite:
        assert out.endswith("hq.db: SQLite integrity_check: ok\n")
    else:
        assert "amcheck: " in out
        assert "no damage found" in out


def test_garbage_in_middle_pages_is_found_by_db_check(
    filled_db: Path, hq_on: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _garbage(filled_db, "middle")
    serve, store = hq_on(filled_db)
    with serve as url:
        hq = HQ(url, store)
        _, token = hq.kiosk(store="s002")
        # What the audit saw: HQ still acknowledges, so nobody would notice ...
        answer = make_answer(id=_id(random.Random(1)))
        assert [r["status"] for r in hq.results(token, [answer])] == ["new"]
    # ... but the check does.
    status, out, err = _db_check(sqlite_url(filled_db.parent), capsys)
    assert status == 1, (out, err)
    assert "DAMAGED" in out
    assert "malformed" in out or "integrity_check found" in out


def test_garbage_in_the_last_pages_makes_healthz_fail_once_a_write_fails(
    filled_db: Path,
    hq_on: Any,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    expect_log: Any,
) -> None:
    expect_log("effortless.hq.api", "the database does not take writes: .*malformed")
    _garbage(filled_db, "last")
    serve, store = hq_on(filled_db)
    with serve as url:
        hq = HQ(url, store)
        _, token = hq.kiosk(store="s002")
        reply = hq.send(token, [make_answer(id=_id(random.Random(1)))])
        # The kiosk keeps the answer and sends it again later; no traceback in HQ's log.
        assert reply.status_code == 503
        assert reply.json()["message"] == "the database does not take writes; try again later"
        assert reply.headers["retry-after"]
        assert not [r for r in caplog.records if r.exc_info]
        health = requests.get(f"{url}/healthz", timeout=30)
        assert health.status_code == 503
        assert health.json()["error"] == "unavailable"
        assert health.json()["message"].startswith("the database does not take writes: ")
        assert "malformed" in health.json()["message"]
        assert health.headers["retry-after"]
        head = requests.head(f"{url}/healthz", timeout=30)
        assert head.status_code == 503
        assert head.content == b""
        # Still failing: a later heartbeat that works does not make it healthy again.
        beat = hq.post(
            "/api/v1/heartbeat",
            token,
            make_heartbeat(
                queue_depth=1, oldest_unsent_at=None, survey_id=None, survey_version=None
            ),
        )
        assert beat.status_code == 200
        assert requests.get(f"{url}/healthz", timeout=30).status_code == 503
    status, out, _ = _db_check(sqlite_url(filled_db.parent), capsys)
    assert status == 1
    assert "DAMAGED" in out


def test_head_healthz_answers(hq: HQ) -> None:
    reply = requests.head(f"{hq.url}/healthz", timeout=30)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.content == b""


def test_healthz_follows_writes_that_fail_and_recover_on_postgresql(
    pg_url: str, surveys: SurveyCatalog, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "the database does not take writes: simulated damage")
    db = HQDatabase.open(pg_url)
    trigger = (
        "CREATE OR REPLACE FUNCTION effortless_test_fail() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'simulated damage' USING ERRCODE = 'XX001'; END $$; "
        "CREATE TRIGGER effortless_test_fail BEFORE INSERT ON responses "
        "FOR EACH ROW EXECUTE FUNCTION effortless_test_fail()"
    )
    try:
        with serving(db, surveys) as url:
            hq = HQ(url, db)
            _, token = hq.kiosk()
            assert requests.get(f"{url}/healthz", timeout=30).status_code == 200
            with db.engine.begin() as conn:
                conn.execute(text(trigger))
            try:
                assert hq.send(token, [make_answer()]).status_code == 503
                health = requests.get(f"{url}/healthz", timeout=30)
                assert health.status_code == 503
                assert "simulated damage" in health.json()["message"]
            finally:
                with db.engine.begin() as conn:
                    conn.execute(text("DROP TRIGGER effortless_test_fail ON responses"))
                    conn.execute(text("DROP FUNCTION effortless_test_fail()"))
            # Repaired: the probe write works again, and so does ingest.
            assert requests.get(f"{url}/healthz", timeout=30).status_code == 200
            assert [r["status"] for r in hq.results(token, [make_answer()])] == ["new"]
    finally:
        db.close()


def test_a_missing_database_could_not_be_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _db_check(sqlite_url(tmp_path), capsys)
    assert status == 2
    assert out == ""
    assert err == f"ces-hq: could not check: no SQLite database at {tmp_path / 'hq.db'}\n"


def test_without_amcheck_db_check_says_so_and_could_not_check(
    pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An HQ role that is no superuser cannot add amcheck: exit 2, and the reason."""
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:8]
    role, name = f"hq_{suffix}", f"effortless_hq_noamcheck_{suffix}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER {role}'))
    try:
        url = make_url(pg_database).set(username=role, database=name)
        HQDatabase.open(url.render_as_string(hide_password=False)).close()
        status, out, err = _db_check(url.render_as_string(hide_password=False), capsys)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()
    assert (status, out) == (2, "")
    assert err.startswith("ces-hq: could not check: ")
    assert "the amcheck extension is not available (permission denied" in err
    assert "CREATE EXTENSION amcheck" in err
