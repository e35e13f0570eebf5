"""HQ ingest throughput: one `ces-hq serve` (one uvicorn worker) per store, fed batches of
new, valid answers over HTTP by a few client threads; reports answers/s per store.

The request bodies are built before the clock starts, so the figure is HQ's (the client
still shares the machine's cores with it). Beside answers/s it reports answers per second of
the server process's own CPU time, which other load on the machine disturbs much less
(PostgreSQL's own processes are not counted in it). PostgreSQL gets a fresh database,
dropped after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import requests
from from_tests import HQService, make_answer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ces.answer import COMPLETED, RAPID_FLAG, TIMEOUT
from ces.locales import SUPPORTED_LOCALES
from ces.timestamps import iso_utc
from hq.db.database import HQDatabase, sqlite_url

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Answers 30 s apart from here, as one busy kiosk gives them: HQ reads a kiosk's answers
# around each rapid one (whole bursts, issue 13), so answers packed closer than people can
# give them would measure bursts no kiosk sends. 150,000 answers reach 2026-10-23.
DAY = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
SPACING = timedelta(seconds=30)
FACTORS = ("price", "ease", "service", "reputation", None)


def answer(seq: int) -> dict[str, object]:
    started = DAY + SPACING * seq
    body: dict[str, object] = make_answer(
        at=started + timedelta(milliseconds=250),
        seq=seq,
        locale=SUPPORTED_LOCALES[seq % len(SUPPORTED_LOCALES)],
        score=1 + seq % 7,
        factor=FACTORS[seq % 5],
        comment="De kassa was snel en de medewerker vriendelijk." if seq % 4 == 0 else None,
        outcome=COMPLETED if seq % 10 else TIMEOUT,
        flags=[RAPID_FLAG] if seq % 50 == 0 else [],
        started_at=iso_utc(started),
        finished_at=iso_utc(started + timedelta(milliseconds=900)),
    )
    return body


def enrol(hq: HQService) -> str:
    code = hq.add_kiosk("s001")
    reply = requests.post(f"{hq.url}/api/v1/enroll", json={"code": code}, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["token"])


@dataclass(frozen=True)
class Rate:
    wall: float  # answers per second
    per_cpu_second: float  # answers per second of the server process's own CPU time
    load: float  # the machine's 1-minute load average at the end


def run(database_url: str, batches: int, size: int, threads: int) -> Rate:
    with tempfile.TemporaryDirectory() as tmp:
        with HQService(Path(tmp), database_url) as hq:
            token = enrol(hq)
            seqs = iter(range(1, (batches + 1) * size + 1))
            bodies = [
                json.dumps({"responses": [answer(next(seqs)) for _ in range(size)]}).encode()
                for _ in range(batches + 1)
            ]
            local = threading.local()

            def send(body: bytes) -> None:
                if not hasattr(local, "session"):
                    local.session = requests.Session()
                    local.session.headers.update(
                        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                    )
                reply = local.session.post(
                    f"{hq.url}/api/v1/responses",
                    data=body,
                    headers={"X-Request-Id": str(uuid.uuid4())},
                    timeout=60,
                )
                reply.raise_for_status()
                statuses = {r["status"] for r in reply.json()["results"]}
                assert statuses == {"new"}, statuses

            send(bodies[0])  # warm-up: first connections, compiled statements
            assert hq.process is not None
            server = psutil.Process(hq.process.pid)
            cpu_before = sum(server.cpu_times()[:2])
            started = time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(send, bodies[1:]))
            elapsed = time.perf_counter() - started
            cpu = sum(server.cpu_times()[:2]) - cpu_before
        db = HQDatabase.open(database_url)
        try:
            stored = db.count_answers()
        finally:
            db.close()
        assert stored == (batches + 1) * size, (stored, (batches + 1) * size)
        return Rate(batches * size / elapsed, batches * size / cpu, os.getloadavg()[0])


def fresh_pg_database(base: str) -> tuple[str, str]:
    name = f"effortless_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False), name


def drop_pg_database(base: str, name: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=200, help="timed batches per store")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("EFFORTLESS_TEST_PG_URL", DEFAULT_PG))
    args = parser.parse_args()
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{args.batches} x {args.batch_size} answers, {args.threads} client threads"
    )
    for kind in args.stores.split(","):
        if kind == "sqlite":
            with tempfile.TemporaryDirectory() as data:
                rate = run(sqlite_url(Path(data)), args.batches, args.batch_size, args.threads)
        elif kind == "postgresql":
            database_url, name = fresh_pg_database(args.pg_url)
            try:
                rate = run(database_url, args.batches, args.batch_size, args.threads)
            finally:
                drop_pg_database(args.pg_url, name)
        else:
            raise SystemExit(f"unknown store {kind!r}")
        print(
            f"{kind:<10} {rate.wall:>9,.0f} answers/s   "
            f"({rate.per_cpu_second:,.0f} per second of server CPU; load {rate.load:.1f})"
        )


if __name__ == "__main__":
    main()
