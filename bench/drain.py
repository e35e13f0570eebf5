"""Draining a kiosk's queue to a local HQ: the sync worker, batches of 500, against
`ces-hq serve` on 127.0.0.1 with its default SQLite store.

Fills a kiosk database with N finished answers (through Outbox.begin/update, as the kiosk
writes them), enrols it with a fresh HQ, and times the worker from start until it finds
the queue empty. For comparison, a sample queue is drained with one request per answer
and its rate extrapolated to N. Both runs are checked afterwards: HQ holds every answer
once and the kiosk has every row marked synced.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from from_tests import HQService, make_answer, queue_answer

from ces.answer import COMPLETED, RAPID_FLAG, TIMEOUT
from ces.timestamps import iso_utc
from sync.outbox import DB_FILENAME, Outbox
from sync.worker import SyncWorker

BIN = Path(sys.executable).parent
FACTORS = ("price", "ease", "service", "reputation")


def fill_queue(data_dir: Path, answers: int) -> float:
    """Write finished answers into the kiosk database in data_dir; returns seconds taken."""
    started = time.perf_counter()
    outbox = Outbox.open(data_dir)
    try:
        # Setting up the benchmark, not measuring it: no fsync per transaction.
        outbox._conn.execute("PRAGMA synchronous = OFF")
        base = datetime(2026, 11, 1, 8, 0, 2, tzinfo=UTC)
        for n in range(answers):
            answered = base + timedelta(seconds=7 * n)
            answer = make_answer(
                at=answered,
                locale="nl" if n % 4 else "en",
                score=1 + n % 7,
                factor=FACTORS[n % 4] if n % 5 else None,
                comment="Kassa was snel" if n % 10 == 0 else None,
                outcome=COMPLETED if n % 12 else TIMEOUT,
                flags=[RAPID_FLAG] if n % 13 == 0 else [],
                started_at=iso_utc(answered - timedelta(seconds=2)),
                finished_at=iso_utc(answered + timedelta(seconds=5)),
            )
            queue_answer(outbox, answer)
            if n % 2000 == 1999:
                outbox.checkpoint()
        outbox.checkpoint()
    finally:
        outbox.close()
    return time.perf_counter() - started


def enrol(hq: HQService, kiosk_dir: Path) -> None:
    """`ces-hq kiosk add` and `ces-kiosk enroll`, as an operator would."""
    code = hq.add_kiosk("s001")
    subprocess.run(
        [str(BIN / "ces-kiosk"), "enroll", "--hq", hq.url, "--code", code,
         "--data-dir", str(kiosk_dir)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip


def hq_count(hq: HQService) -> tuple[int, int]:
    """(answers stored, distinct answer ids) in HQ's SQLite file."""
    path = hq.data_dir / "hq.db"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT id) FROM responses").fetchone()
        return int(row[0]), int(row[1])


def pending(kiosk_dir: Path) -> tuple[int, int]:
    """(rows not yet synced, rows synced) in the kiosk database."""
    with closing(sqlite3.connect(f"file:{kiosk_dir / DB_FILENAME}?mode=ro", uri=True)) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE synced_at IS NULL), "
            "count(*) FILTER (WHERE synced_at IS NOT NULL) FROM responses"
        ).fetchone()
        return int(row[0]), int(row[1])


def drain(kiosk_dir: Path, batch_size: int, limit_s: float) -> tuple[float, int]:
    """Run the worker until the queue is empty; returns (seconds, batches sent)."""
    worker = SyncWorker(kiosk_dir, batch_size=batch_size)
    started = time.perf_counter()
    worker.start()
    worker.wake()
    try:
        if not worker.wait_until_idle(limit_s):
            raise RuntimeError(f"the queue was not empty after {limit_s:g} s")
        return time.perf_counter() - started, worker.batches_sent
    finally:
        worker.stop()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def run_once(root: Path, answers: int, batch_size: int, template: Path | None) -> dict[str, object]:
    kiosk_dir = root / f"kiosk-{batch_size}-{answers}"
    if template is not None:
        shutil.copytree(template, kiosk_dir)
    else:
        fill_queue(kiosk_dir, answers)
    with HQService(root / f"hq-{batch_size}-{answers}") as hq:
        enrol(hq, kiosk_dir)
        seconds, batches = drain(kiosk_dir, batch_size, limit_s=3600)
        stored, distinct = hq_count(hq)
    left, synced = pending(kiosk_dir)
    if (stored, distinct, left, synced) != (answers, answers, 0, answers):
        raise RuntimeError(
            f"not exactly once: HQ {stored} rows ({distinct} ids), kiosk {left} left, {synced} synced"
        )
    return {
        "answers": answers,
        "batch_size": batch_size,
        "requests": batches,
        "seconds": round(seconds, 2),
        "answers_per_s": round(answers / seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--sample", type=int, default=2_000, help="answers sent one per request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="effortless-drain-") as tmp:
        root = Path(tmp)
        template = root / "template"
        fill_s = fill_queue(template, args.answers)
        batched = run_once(root, args.answers, args.batch_size, template)
        single = run_once(root, args.sample, 1, None)
    per_answer_s = float(single["seconds"]) / args.sample  # type: ignore[arg-type]
    extrapolated = per_answer_s * args.answers
    print(
        json.dumps(
            {
                "machine": machine(),
                "fill_seconds": round(fill_s, 1),
                "batched": batched,
                "one_per_request_sample": single,
                "one_per_request_extrapolated_s": round(extrapolated, 1),
                "speedup": round(extrapolated / float(batched["seconds"]), 1),  # type: ignore[arg-type]
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
