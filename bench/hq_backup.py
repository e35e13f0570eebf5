"""`ces-hq backup` of a large SQLite HQ database while kiosks keep sending batches.

Fills a `ces-hq serve` on SQLite over HTTP (batches of 500, several kiosks), then measures
kiosk-like clients sending small batches (20 answers) for a while with no backup (the
baseline), and again while `ces-hq backup --to FILE` runs as a subprocess: the backup's wall
time and MB/s, and p50/p99/max batch latency of the batches sent in each window. The
baseline window lasts as long as the backup did, so both have about as many batches.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from from_tests import HQService
from hq_ingest import answer, enrol

FILL_BATCH = 500
# hq_ingest.answer spaces a kiosk's answers 30 s apart from 2026-09-01: 150,000 of them stay
# in the past, so a large database takes several kiosks.
PER_KIOSK = 150_000


def fill(hq: HQService, answers: int, threads: int) -> int:
    kiosks = max(1, -(-answers // PER_KIOSK))
    tokens = [enrol(hq) for _ in range(kiosks)]
    jobs = [
        (tokens[k], start)
        for k in range(kiosks)
        for start in range(1, min(PER_KIOSK, answers - k * PER_KIOSK) + 1, FILL_BATCH)
    ]

    def send(job: tuple[str, int]) -> int:
        token, start = job
        body: dict[str, Any] = {"responses": [answer(s) for s in range(start, start + FILL_BATCH)]}
        reply = requests.post(
            f"{hq.url}/api/v1/responses",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        reply.raise_for_status()
        return FILL_BATCH

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(send, jobs))


def clients(hq: HQService, tokens: list[str], stop: threading.Event) -> list[float]:
    """Batch latencies (s) of clients sending 20 fresh answers at a time until ``stop``."""
    latencies: list[float] = []
    lock = threading.Lock()

    def kiosk(token: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        seq = 1
        while not stop.is_set():
            body: dict[str, Any] = {"responses": [answer(s) for s in range(seq, seq + 20)]}
            seq = seq + 20 if seq + 40 < PER_KIOSK else 1
            began = time.perf_counter()
            reply = session.post(f"{hq.url}/api/v1/responses", json=body, timeout=120)
            took = time.perf_counter() - began
            reply.raise_for_status()
            with lock:
                latencies.append(took)

    threads = [threading.Thread(target=kiosk, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    q = statistics.quantiles(ordered, n=100)
    return {
        "batches": len(ordered),
        "p50_ms": round(q[49] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=600_000, help="answers in the database")
    parser.add_argument("--kiosks", type=int, default=4, help="clients sending during the test")
    parser.add_argument("--fill-threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, HQService(Path(tmp) / "hq") as hq:
        started = time.perf_counter()
        stored = fill(hq, args.answers, args.fill_threads)
        fill_s = time.perf_counter() - started
        database = Path(tmp) / "hq" / "hq.db"
        tokens = [enrol(hq) for _ in range(args.kiosks)]

        # With a backup: clients run until the backup command returns.
        stop = threading.Event()
        result: dict[str, object] = {}
        during: list[float] = []

        def background() -> None:
            during.extend(clients(hq, tokens, stop))

        sender = threading.Thread(target=background)
        sender.start()
        time.sleep(1)  # ok-sleep: let the clients reach a steady pace first
        target = Path(tmp) / "backup.db"
        began = time.perf_counter()
        done = subprocess.run(
            [*hq.command, "backup", "--to", str(target), *hq.where()],
            capture_output=True,
            text=True,
            check=False,
        )
        backup_s = time.perf_counter() - began
        stop.set()
        sender.join()
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        result["backup_output"] = done.stdout.strip()

        # Without: the same clients for as long as the backup took.
        stop = threading.Event()
        timer = threading.Timer(max(backup_s, 5.0), stop.set)
        timer.start()
        without = clients(hq, tokens, stop)
        size = database.stat().st_size
        copied = target.stat().st_size
    print(
        json.dumps(
            {
                "machine": f"{platform.node()}: {os.cpu_count()} cores, "
                f"{platform.machine()}, Python {platform.python_version()}",
                "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "answers": stored,
                "fill_s": round(fill_s, 1),
                "database_mib_at_the_end": round(size / 2**20, 1),
                "backup_s": round(backup_s, 2),
                "backup_mib": round(copied / 2**20, 1),
                "backup_mib_per_s": round(copied / 2**20 / backup_s, 1),
                "batch_latency_during_backup": summary(during),
                "batch_latency_without_backup": summary(without),
                **result,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
