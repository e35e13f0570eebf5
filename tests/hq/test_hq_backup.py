"""`ces-hq backup` and `ces-hq restore` (hq.backup), run as the operator runs them.

The main test takes a backup with the real command while kiosk-like clients send batches
to a real `ces-hq serve`, restores it into a new place, starts HQ on it and finds there
every answer HQ had acknowledged before the backup began, each once.
"""

from __future__ import annotations

import hashlib
import os
import random
import shlex
import shutil
import sqlite3
import stat
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from answers import make_answer
from hq_helpers import make_schema_2
from hqserver import CES_HQ, HQService, ces_hq
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hq.db.tables import SCHEMA_VERSION
from sync.outbox import Outbox

CLIENTS = 4
BATCH = 25
# Answers HQ holds before the backup starts, so the copy takes more than one step.
PREFILLED_BATCHES = 200


@dataclass
class Acknowledged:
    """Batches HQ answered 200 to, with the moment the answer arrived."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    batches: list[tuple[float, str, list[dict[str, Any]]]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, token: str, answers: list[dict[str, Any]]) -> None:
        with self.lock:
            self.batches.append((time.monotonic(), token, answers))

    def count(self) -> int:
        with self.lock:
            return len(self.batches)


def _enrol(service: HQService) -> str:
    reply = requests.post(
        f"{service.url}/api/v1/enroll", json={"code": service.add_kiosk()}, timeout=30
    )
    assert reply.status_code == 200, reply.text
    token: str = reply.json()["token"]
    return token


def _send(url: str, token: str, answers: list[dict[str, Any]]) -> list[str]:
    """The statuses HQ gives the answers ("new", "duplicate", ...)."""
    reply = requests.post(
        f"{url}/api/v1/responses",
        json={"responses": answers},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return [r["status"] for r in reply.json()["results"]]


def _batch(seq: int) -> list[dict[str, Any]]:
    return [make_answer(seq=seq + i, comment=f"note {seq + i}") for i in range(BATCH)]


def _kiosk(url: str, token: str, stop: threading.Event, acked: Acknowledged) -> None:
    seq = 1
    try:
        while not stop.is_set():
            answers = _batch(seq)
            seq += BATCH
            statuses = _send(url, token, answers)
            if set(statuses) - {"new", "duplicate"}:
                acked.failures.append(f"unexpected statuses {set(statuses)}")
                return
            acked.add(token, answers)
    except Exception as e:  # reported by the test's own thread
        acked.failures.append(repr(e))


def _stored_ids(db: Path) -> list[str]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return [str(r[0]) for r in conn.execute("SELECT id FROM responses")]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _no_traceback(result: object) -> None:
    assert "Traceback" not in str(getattr(result, "stderr", ""))


def test_a_backup_taken_during_ingest_restores_every_acknowledged_answer(tmp_path: Path) -> None:
    backup = tmp_path / "backups" / "hq-backup.db"
    backup.parent.mkdir()
    with HQService(tmp_path / "hq") as service:
        tokens = [_enrol(service) for _ in range(CLIENTS)]
        acked = Acknowledged()
        for i in range(PREFILLED_BATCHES):
            answers = _batch(1_000_000 + i * BATCH)
            _send(service.url, tokens[i % CLIENTS], answers)
            acked.add(tokens[i % CLIENTS], answers)
        stop = threading.Event()
        clients = [
            threading.Thread(target=_kiosk, args=(service.url, t, stop, acked)) for t in tokens
        ]
        for c in clients:
            c.start()
        try:
            # Some batches go in while the clients run, before the backup begins.
            while acked.count() < PREFILLED_BATCHES + 2 * CLIENTS and not acked.failures:
                time.sleep(0.01)  # ok-sleep: waiting for other threads' progress
            began = time.monotonic()
            result = service.run("backup", "--to", str(backup))
            during = [b for b in acked.batches if b[0] > began]
        finally:
            stop.set()
            for c in clients:
                c.join(timeout=60)
        assert not acked.failures
        _no_traceback(result)
        assert result.returncode == 0, result.stderr
        assert f"wrote {backup}" in result.stdout
        assert f"schema version {SCHEMA_VERSION}" in result.stdout
        # Ingest went on while the backup ran.
        assert during or acked.count() > PREFILLED_BATCHES + 2 * CLIENTS

    before = [b for b in acked.batches if b[0] < began]
    in_backup = set(_stored_ids(backup))
    # A batch is one transaction: in the copy whole or not at all.
    for _, _, batch in acked.batches:
        batch_ids = {str(a["id"]) for a in batch}
        assert len(in_backup & batch_ids) in (0, len(batch_ids))
    assert f"{len(in_backup)} answers" in result.stdout

    restored = tmp_path / "restored"
    done = ces_hq("restore", "--from", str(backup), "--data-dir", str(restored))
    assert done.returncode == 0, done.stderr
    with HQService(restored) as again:
        ids = _stored_ids(restored / "hq.db")
        assert len(ids) == len(set(ids))
        assert all({str(a["id"]) for a in batch} <= set(ids) for _, _, batch in before)
        # The kiosks' tokens came back too: each acknowledged batch, sent again as a kiosk
        # whose acknowledgement was lost would, is all duplicates -- none is stored twice.
        for _, token, batch in before[-CLIENTS:]:
            assert set(_send(again.url, token, batch)) == {"duplicate"}
        assert len(_stored_ids(restored / "hq.db")) == len(ids)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[HQService, Path]]:
    """A serving HQ with a few answers, and a backup of it."""
    with HQService(tmp_path / "hq") as service:
        token = _enrol(service)
        _send(service.url, token, _batch(1))
        backup = tmp_path / "hq-backup.db"
        result = service.run("backup", "--to", str(backup))
        assert result.returncode == 0, result.stderr
        yield service, backup


def test_restore_refuses_while_hq_serves_on_the_database(
    served: tuple[HQService, Path],
) -> None:
    service, backup = served
    database = service.data_dir / "hq.db"
    before = sorted(p.name for p in service.data_dir.iterdir())
    result = service.run("restore", "--from", str(backup))
    _no_traceback(result)
    assert result.returncode == 1
    assert "in use" in result.stderr
    assert "stop HQ first" in result.stderr
    assert sorted(p.name for p in service.data_dir.iterdir()) == before
    assert len(_stored_ids(database)) == BATCH


def test_restore_keeps_the_current_database_aside(served: tuple[HQService, Path]) -> None:
    service, backup = served
    token = _enrol(service)
    _send(service.url, token, _batch(500))  # only in the current database
    service.stop()
    database = service.data_dir / "hq.db"
    # HQ's own user and mode stay on the restored file (a restore is often run as root).
    owner = (65534, 65534) if os.geteuid() == 0 else (os.geteuid(), os.getegid())
    os.chown(database, *owner)
    database.chmod(0o640)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    result = service.run("restore", "--from", str(backup))
    assert result.returncode == 0, result.stderr
    assert (database.stat().st_uid, database.stat().st_gid) == owner
    assert stat.S_IMODE(database.stat().st_mode) == 0o640
    kept = [p for p in service.data_dir.iterdir() if ".before-restore-" in p.name]
    assert [p.name for p in kept if p.name.endswith("Z")] == [
        p.name for p in kept if not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(kept) == 1, kept
    assert f"kept as {kept[0]}" in result.stdout
    assert len(_stored_ids(kept[0])) == 2 * BATCH
    assert len(_stored_ids(database)) == BATCH
    # The backup file itself is left as it was.
    assert len(_stored_ids(backup)) == BATCH
    service.start()
    assert service.run("db", "check").returncode == 0


def test_backup_will_not_overwrite_without_force(served: tuple[HQService, Path]) -> None:
    service, backup = served
    old = _digest(backup)
    _send(service.url, _enrol(service), _batch(900))
    refused = service.run("backup", "--to", str(backup))
    _no_traceback(refused)
    assert refused.returncode == 1
    assert "already exists" in refused.stderr
    assert "--force" in refused.stderr
    assert _digest(backup) == old
    forced = service.run("backup", "--to", str(backup), "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(_stored_ids(backup)) == 2 * BATCH
    assert [p.name for p in backup.parent.iterdir() if "partial" in p.name] == []


def test_backup_refuses_a_directory_and_a_missing_database(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    missing = ces_hq("backup", "--to", str(tmp_path / "b.db"), "--data-dir", str(tmp_path / "e"))
    assert missing.returncode == 1
    assert "no HQ database" in missing.stderr
    a_dir = ces_hq("backup", "--to", str(tmp_path / "d"), "--data-dir", str(tmp_path / "e"))
    assert a_dir.returncode == 1
    assert "is a directory" in a_dir.stderr
    for r in (missing, a_dir):
        _no_traceback(r)
    assert not (tmp_path / "b.db").exists()


# --- what restore refuses -----------------------------------------------------------------------


def _kiosk_database(where: Path) -> Path:
    with closing(Outbox.open(where / "kiosk")):
        pass
    return where / "kiosk" / "kiosk.db"


def _newer(where: Path, backup: Path) -> Path:
    copy = where / "newer.db"
    copy.write_bytes(backup.read_bytes())
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute(
            "UPDATE hq_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
    return copy


def _truncated(where: Path, backup: Path) -> Path:
    cut = where / "cut.db"
    data = backup.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    return cut


def _damaged(where: Path, backup: Path) -> Path:
    bad = where / "damaged.db"
    data = bytearray(backup.read_bytes())
    rnd = random.Random(7)
    for page in range(2, len(data) // 4096):
        data[page * 4096 + 100 : page * 4096 + 400] = rnd.randbytes(300)
    bad.write_bytes(bytes(data))
    return bad


def _random_bytes(where: Path, _backup: Path) -> Path:
    junk = where / "junk.db"
    junk.write_bytes(random.Random(3).randbytes(64 * 1024))
    return junk


def _empty(where: Path, _backup: Path) -> Path:
    empty = where / "empty.db"
    empty.touch()
    return empty


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda w, b: w / "nowhere.db", "no such file"),
        (lambda w, b: w, "is a directory"),
        (_empty, "is empty"),
        (_random_bytes, "not an SQLite database"),
        (_truncated, "damaged"),
        (_damaged, "damaged"),
        (lambda w, b: _kiosk_database(w), "kiosk's database"),
        (_newer, "newer than this ces-hq knows"),
    ],
    ids=["missing", "directory", "empty", "random", "truncated", "damaged", "kiosk", "newer"],
)
def test_restore_refuses_what_is_not_a_usable_backup(
    tmp_path: Path, make: object, says: str
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    with HQService(tmp_path / "hq") as service:
        _send(service.url, _enrol(service), _batch(1))
        backup = source / "good.db"
        assert service.run("backup", "--to", str(backup)).returncode == 0
    database = service.data_dir / "hq.db"
    before = _digest(database)
    names = sorted(p.name for p in service.data_dir.iterdir())
    bad = make(source, backup)  # type: ignore[operator]
    result = service.run("restore", "--from", str(bad))
    _no_traceback(result)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("ces-hq: error: ")
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _digest(database) == before
    assert sorted(p.name for p in service.data_dir.iterdir()) == names


def _without_permission(*args: str) -> subprocess.CompletedProcess[str]:
    """`ces-hq` for whom file permissions hold: root, too, once it lacks the capabilities
    that let it read and write past them (util-linux's setpriv)."""
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
    return subprocess.run(
        [*(drop if os.geteuid() == 0 else []), CES_HQ, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "EFFORTLESS_HQ_DATABASE_URL": ""},
    )


def test_no_permission_to_read_the_backup_or_write_its_folder(
    served: tuple[HQService, Path],
) -> None:
    service, backup = served
    service.stop()
    database = service.data_dir / "hq.db"
    before = _digest(database)
    backup.chmod(0)
    unreadable = _without_permission("restore", "--from", str(backup), *service.where())
    locked = backup.parent / "locked"
    locked.mkdir(mode=0o555)
    unwritable = _without_permission("backup", "--to", str(locked / "b.db"), *service.where())
    backup.chmod(stat.S_IRUSR | stat.S_IWUSR)
    for r in (unreadable, unwritable):
        _no_traceback(r)
        assert r.returncode == 1, r.stdout
        assert "permission denied" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert _digest(database) == before
    assert list(locked.iterdir()) == []


def test_on_postgresql_both_explain_pg_dump_without_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://hq:s3cret@db.example:5433/effortless"
    dump = ces_hq("backup", "--to", str(tmp_path / "hq.dump"), "--database-url", url)
    back = ces_hq("restore", "--from", str(tmp_path / "hq.dump"), "--database-url", url)
    for r in (dump, back):
        _no_traceback(r)
        assert r.returncode == 2
        assert "s3cret" not in r.stderr + r.stdout
        assert "pg_dump --format=custom --host=db.example --port=5433 --username=hq" in r.stderr
        assert "pg_restore --no-owner --single-transaction" in r.stderr
        assert "--dbname=effortless_restored" in r.stderr
    assert not (tmp_path / "hq.dump").exists()


def _printed(stderr: str, tool: str) -> list[str]:
    """The command line for ``tool`` that `ces-hq backup`/`restore` printed."""
    for line in stderr.splitlines():
        words = shlex.split(
            line.split(":", 1)[1] if line.lstrip().startswith(("back up:", "restore:")) else line
        )
        if words and words[0] == tool:
            return words
    raise AssertionError(f"no {tool} line in {stderr!r}")


def test_the_printed_pg_dump_and_pg_restore_lines_back_up_and_restore(
    pg_database: str, tmp_path: Path
) -> None:
    """The command lines `ces-hq backup` and `restore` print for PostgreSQL, run as
    printed, on HQ in its own schema: a dump, a restore into a new database, HQ on it."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.fail("pg_dump/pg_restore missing: scripts/system-deps --test installs them")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{pg_database}?options={quote(f'-csearch_path={schema}')}"
    restored = f"{make_url(pg_database).database}_restored"
    try:
        with HQService(tmp_path / "hq", database_url=url) as service:
            token, batch = _enrol(service), _batch(1)
            _send(service.url, token, batch)
            dump = tmp_path / "hq.dump"
            told = service.run("backup", "--to", str(dump))
            assert told.returncode == 2, told.stderr
            made = subprocess.run(_printed(told.stderr, "pg_dump"), capture_output=True, text=True)
            assert made.returncode == 0, made.stderr
            assert dump.stat().st_size > 0
        back = service.run("restore", "--from", str(dump))
        assert back.returncode == 2, back.stderr
        for tool in ("createdb", "pg_restore"):
            put = subprocess.run(_printed(back.stderr, tool), capture_output=True, text=True)
            assert put.returncode == 0, put.stderr
        moved = url.replace(f"/{make_url(pg_database).database}?", f"/{restored}?")
        with HQService(tmp_path / "again", database_url=moved) as again:
            assert set(_send(again.url, token, batch)) == {"duplicate"}
            assert again.run("kiosk", "list").returncode == 0
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)'))
        admin.dispose()


def test_a_backup_with_an_older_schema_is_restored_and_upgraded_on_start(
    served: tuple[HQService, Path],
) -> None:
    service, backup = served
    service.stop()
    engine = create_engine(f"sqlite:///{backup}")
    with engine.begin() as conn:
        make_schema_2(conn)
    engine.dispose()
    restored = backup.parent / "restored"
    result = ces_hq("restore", "--from", str(backup), "--data-dir", str(restored))
    assert result.returncode == 0, result.stderr
    assert "schema version 2" in result.stdout
    assert f"upgrades it to schema {SCHEMA_VERSION}" in result.stdout
    with HQService(restored):
        pass
    with closing(sqlite3.connect(restored / "hq.db")) as conn:
        found = conn.execute("SELECT value FROM hq_meta WHERE key = 'schema_version'").fetchone()
    assert found == (str(SCHEMA_VERSION),)
    assert len(_stored_ids(restored / "hq.db")) == BATCH
