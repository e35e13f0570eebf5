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
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import requests

from ces.answer import NewAnswer
from sync.outbox import DB_FILENAME, Outbox
from sync.worker import SyncWorker

BIN = Path(sys.executable).parent
FACTORS = ("price", "ease", "service", "reputation")


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def fill_queue(data_dir: Path, answers: int) -> float:
    """Write finished answers into the kiosk database in data_dir; returns seconds taken."""
    started = time.perf_counter()
    outbox = Outbox.open(data_dir)
    try:
        # Setting up the benchmark, not measuring it: no fsync per transaction.
        outbox._conn.execute("PRAGMA synchronous = OFF")
        kiosk_id = outbox.kiosk_id()
        base = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
        for n in range(answers):
            begun = base + timedelta(seconds=7 * n)
            answered = begun + timedelta(seconds=2)
            answer_id = outbox.begin(
                NewAnswer(
                    kiosk_id,
                    None,
                    None,
                    "in_store_purchase",
                    1,
                    "nl" if n % 4 else "en",
                    "ces7",
                    1 + n % 7,
                    stamp(begun),
                    stamp(answered),
                    flags=("rapid",) if n % 13 == 0 else (),
                )
            )
            outbox.update(
                answer_id,
                {
                    "factor": FACTORS[n % 4] if n % 5 else None,
                    "comment": "Kassa was snel" if n % 10 == 0 else None,
                    "outcome": "completed" if n % 12 else "timeout",
                    "finished_at": stamp(answered + timedelta(seconds=5)),
                },
            )
            if n % 2000 == 1999:
                outbox.checkpoint()
        outbox.checkpoint()
    finally:
        outbox.close()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HQProcess:
    """`ces-hq serve` on 127.0.0.1, its log in a file next to its database."""

    def __init__(self, data_dir: Path, cpus: set[int] | None = None) -> None:
        self.data_dir = data_dir
        # CPUs the server may run on (None: any), to keep it off the kiosk's.
        self.cpus = cpus
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> HQProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with (self.data_dir / "serve.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "ces-hq"),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(self.data_dir),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                preexec_fn=None if self.cpus is None else self._pin,
            )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError((self.data_dir / "serve.log").read_text())
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("ces-hq serve did not become healthy")
            time.sleep(0.05)  # ok-sleep: polling another process

    def _pin(self) -> None:
        assert self.cpus is not None
        os.sched_setaffinity(0, self.cpus)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def enrol(self, kiosk_dir: Path) -> None:
        """`ces-hq kiosk add` and `ces-kiosk enroll`, as an operator would."""
        added = subprocess.run(
            [str(BIN / "ces-hq"), "kiosk", "add", "--store", "s001", "--touchpoint",
             "in_store_purchase", "--data-dir", str(self.data_dir)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        code = next(
            word
            for word in added.stdout.split()
            if len(word) == 9 and word[4] == "-" and word.replace("-", "").isalnum()
        )
        subprocess.run(
            [str(BIN / "ces-kiosk"), "enroll", "--hq", self.url, "--code", code,
             "--data-dir", str(kiosk_dir)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip

    def count(self) -> tuple[int, int]:
        """(answers stored, distinct answer ids) in HQ's SQLite file."""
        path = self.data_dir / "hq.db"
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
    with HQProcess(root / f"hq-{batch_size}-{answers}") as hq:
        hq.enrol(kiosk_dir)
        seconds, batches = drain(kiosk_dir, batch_size, limit_s=3600)
        stored, distinct = hq.count()
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
