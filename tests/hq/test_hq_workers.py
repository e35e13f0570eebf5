"""`ces-hq serve --workers N` on PostgreSQL: N real processes behind one address, the
background work in exactly one of them (taken over when it dies), /metrics adding up every
worker's counts, a clean stop; and two separate `ces-hq serve` on one database electing one
leader. SQLite refuses more than one worker."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import requests
from answers import make_answer
from hqserver import HQService, ces_hq
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, func, select, text
from sync_fixtures import wait_until

from hq.db import tables
from hq.db.database import HQDatabase
from hq.leader import LEAD_LOCK_CLASS

TOKEN = "workers-metrics-token-0123456789abcdef"
LEADS = re.compile(r"this process \(pid (\d+)\) now runs the background work")
STANDS_BY = re.compile(r"this one \(pid (\d+)\) stands by")
STARTED = re.compile(r"worker (\d+) started \(pid (\d+)\)")


def worker_pids(log: str) -> list[int]:
    return [int(m.group(2)) for m in STARTED.finditer(log)]


def alive(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def workers(tmp_path: Path, pg_url: str) -> Iterator[HQService]:
    token = tmp_path / "metrics-token"
    token.write_text(TOKEN)
    options = ["--workers", "2", "--metrics-token-file", str(token)]
    with HQService(tmp_path / "hq", pg_url, port=0, options=options) as hq:
        wait_until(lambda: len(worker_pids(hq.stderr())) == 2, 60, "both workers")
        yield hq


def enrol(hq: HQService) -> str:
    reply = requests.post(f"{hq.url}/api/v1/enroll", json={"code": hq.add_kiosk()}, timeout=30)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["token"])


def stored(url: str) -> int:
    db = HQDatabase.open(url)
    try:
        with db.reading() as conn:
            return int(
                conn.execute(select(func.count()).select_from(tables.responses)).scalar_one()
            )
    finally:
        db.close()


def scrape(hq: HQService) -> dict[str, float]:
    reply = requests.get(
        f"{hq.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}", "Connection": "close"},
        timeout=30,
    )  # fmt: skip
    assert reply.status_code == 200, reply.text
    return {
        s.name + str(sorted(s.labels.items())): s.value
        for family in text_string_to_metric_families(reply.text)
        for s in family.samples
    }


def test_two_workers_share_the_address_and_count_together(workers: HQService) -> None:
    hq = workers
    assert hq.process is not None
    assert {p.pid for p in psutil.Process(hq.process.pid).children()} == set(
        worker_pids(hq.stderr())
    )
    token = enrol(hq)
    sent = 0
    # A new connection per batch: the kernel hands them to both workers.
    for n in range(20):
        batch = [make_answer(seq=1 + 5 * n + i) for i in range(5)]
        reply = requests.post(
            f"{hq.url}/api/v1/responses",
            json={"responses": batch},
            headers={"Authorization": f"Bearer {token}", "Connection": "close"},
            timeout=60,
        )
        assert [r["status"] for r in reply.json()["results"]] == ["new"] * 5
        sent += 5
    assert hq.database_url is not None
    assert stored(hq.database_url) == sent
    # Whichever worker answers the scrape, it counts what both took.
    ingested = "effortless_hq_answers_total[('result', 'ingested')]"
    batches = "effortless_hq_batch_seconds_count[]"
    for _ in range(6):
        got = scrape(hq)
        assert got[ingested] == sent
        assert got[batches] == 20


def test_one_worker_does_the_background_work_and_another_takes_over(
    workers: HQService,
) -> None:
    hq = workers
    wait_until(
        lambda: bool(LEADS.search(hq.stderr()) and STANDS_BY.search(hq.stderr())), 60, "a leader"
    )
    log = hq.stderr()
    assert len(LEADS.findall(log)) == 1
    leader = int(LEADS.findall(log)[0])
    assert leader in worker_pids(log)
    assert log.count("retention: comments kept") == 1

    os.kill(leader, signal.SIGKILL)
    wait_until(lambda: "ended by SIGKILL" in hq.stderr(), 60, "the supervisor to notice")
    wait_until(lambda: len(LEADS.findall(hq.stderr())) == 2, 60, "a new leader")
    new_leader = int(LEADS.findall(hq.stderr())[1])
    assert new_leader != leader
    wait_until(lambda: len(worker_pids(hq.stderr())) == 3, 60, "a third worker")
    assert requests.get(f"{hq.url}/livez", timeout=30).status_code == 200
    # Still one leader: whichever of the two took the lead, the other stands by.

    def roles() -> int:
        log = hq.stderr()
        return len(LEADS.findall(log)) + len(STANDS_BY.findall(log))

    wait_until(lambda: roles() == 3, 60, "the new worker to find its role")
    log = hq.stderr()
    assert len(LEADS.findall(log)) == 2
    current = {int(pid) for pid in LEADS.findall(log)[1:] + STANDS_BY.findall(log)} - {leader}
    assert current == {p for p in worker_pids(log) if p != leader}


def test_sigterm_stops_every_worker(workers: HQService) -> None:
    hq = workers
    assert hq.process is not None
    pids = worker_pids(hq.stderr())
    hq.process.send_signal(signal.SIGTERM)
    assert hq.process.wait(timeout=40) == 0
    assert not any(alive(pid) for pid in pids)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{hq.url}/livez", timeout=5)
    assert "Traceback" not in hq.stderr()


def test_workers_end_when_the_supervisor_is_killed(workers: HQService) -> None:
    hq = workers
    assert hq.process is not None
    pids = worker_pids(hq.stderr())
    hq.process.kill()
    hq.process.wait(timeout=10)
    wait_until(lambda: not any(alive(pid) for pid in pids), 40, "the workers to end")


@contextmanager
def leader_and_standby(tmp_path: Path, pg_url: str) -> Iterator[tuple[HQService, HQService]]:
    """Two separate `ces-hq serve` on one database: the first leads, the second stands by."""
    first = HQService(tmp_path / "one", pg_url, port=0).start()
    try:
        wait_until(lambda: bool(LEADS.search(first.stderr())), 60, "the first to lead")
        with HQService(tmp_path / "two", pg_url, port=0) as second:
            wait_until(
                lambda: bool(STANDS_BY.search(second.stderr())), 60, "the second to stand by"
            )
            yield first, second
    finally:
        first.stop()


def test_separate_processes_on_one_database_elect_one_leader(tmp_path: Path, pg_url: str) -> None:
    with leader_and_standby(tmp_path, pg_url) as (first, second):
        assert not LEADS.search(second.stderr())
        first.stop()
        wait_until(lambda: bool(LEADS.search(second.stderr())), 60, "the second to take over")


def test_more_than_one_worker_needs_postgresql(tmp_path: Path) -> None:
    result = ces_hq("serve", "--data-dir", str(tmp_path), "--port", "0", "--workers", "3")
    assert result.returncode == 1
    assert "--workers 3 needs PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["0", "-1", "two", "1e9", "65", "99999999999999999999"])
def test_a_bad_worker_count_is_refused(tmp_path: Path, value: str) -> None:
    result = ces_hq("serve", "--data-dir", str(tmp_path), "--workers", value)
    assert result.returncode == 2
    assert "--workers" in result.stderr


def test_workers_from_the_environment(tmp_path: Path) -> None:
    result = ces_hq(
        "serve", "--data-dir", str(tmp_path), "--port", "0",
        env={**os.environ, "EFFORTLESS_HQ_WORKERS": "2"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "--workers 2 needs PostgreSQL" in result.stderr


def test_a_leader_whose_lock_connection_is_cut_hands_over(tmp_path: Path, pg_url: str) -> None:
    with leader_and_standby(tmp_path, pg_url) as (first, second):
        # As a database restart or a network cut would: the lead's session ends.
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                cut = conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks "
                        "WHERE locktype = 'advisory' AND granted AND classid = :lead "
                        "AND database = (SELECT oid FROM pg_database "
                        "                WHERE datname = current_database()) "
                        # The key's second half is the schema (an oid: unsigned).
                        "AND objid::int8 = hashtext(current_schema())::int8 & 4294967295"
                    ),
                    {"lead": LEAD_LOCK_CLASS},
                ).all()
        finally:
            admin.dispose()
        assert len(cut) == 1
        wait_until(lambda: bool(LEADS.search(second.stderr())), 60, "the second to take over")
        wait_until(lambda: "lost the database" in first.stderr(), 60, "the first to notice")
        assert first.running()
        assert requests.get(f"{first.url}/readyz", timeout=30).status_code == 200
