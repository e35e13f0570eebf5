"""The UI thread is not blocked by sync: tap-to-screen and commit latency of simulated
shoppers on the real QML (offscreen) while the kiosk's own sync worker drains a large queue
to a local `ces-hq serve`.

An enrolled kiosk data dir is filled with a backlog of queued answers; `simulate()` then
builds the real Kiosk on it, which starts its SyncWorker (a thread in the same process),
and measures each tap until the frame that shows the next screen. The same simulation on
an unenrolled copy (no sync at all) is the baseline. The backlog is tracked while the
shoppers tap, to say whether the drain overlapped the whole measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from drain import enrol, fill_queue, hq_count, machine
from from_tests import HQService

from kiosk.ui.simulate import simulate
from sync.outbox import DB_FILENAME

FRAME_MS = 1000 / 60


def backlog(kiosk_dir: Path, queued: int) -> int:
    """Answers of the pre-filled backlog (seq 1..queued) not yet synced."""
    with closing(sqlite3.connect(f"file:{kiosk_dir / DB_FILENAME}?mode=ro", uri=True)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM responses WHERE synced_at IS NULL AND seq <= ?", (queued,)
        ).fetchone()
        return int(row[0])


class BacklogWatch(threading.Thread):
    """Notes when the backlog is first found empty (a read every 0.25 s, off the UI thread)."""

    def __init__(self, kiosk_dir: Path, queued: int) -> None:
        super().__init__(daemon=True)
        self.kiosk_dir = kiosk_dir
        self.queued = queued
        self.emptied_at: float | None = None
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.25):
            if backlog(self.kiosk_dir, self.queued) == 0:
                self.emptied_at = time.monotonic()
                return


def measured(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "tap_to_screen_ms": summary["tap_to_screen_ms"],
        "commit_ms": summary["commit_ms"],
        "seconds": summary["seconds"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queued", type=int, default=50_000, help="backlog of queued answers")
    parser.add_argument("--responses", type=int, default=500, help="simulated shoppers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the run without sync")
    parser.add_argument(
        "--hq-cpu",
        type=int,
        metavar="N",
        help="run HQ on CPU N only and the kiosk on the others (HQ as if on another machine)",
    )
    args = parser.parse_args()
    hq_cpus: set[int] | None = None
    if args.hq_cpu is not None:
        hq_cpus = {args.hq_cpu}
        os.sched_setaffinity(0, os.sched_getaffinity(0) - hq_cpus)
    out: dict[str, Any] = {
        "machine": machine(),
        "queued": args.queued,
        "hq_cpus": sorted(hq_cpus) if hq_cpus else "shared",
        "kiosk_cpus": sorted(os.sched_getaffinity(0)),
    }
    with tempfile.TemporaryDirectory(prefix="effortless-sync-ui-") as tmp:
        root = Path(tmp)
        kiosk_dir = root / "kiosk"
        out["fill_seconds"] = round(fill_queue(kiosk_dir, args.queued), 1)
        if not args.no_baseline:
            plain = root / "plain"
            shutil.copytree(kiosk_dir, plain)
            out["without_sync"] = measured(
                simulate(responses=args.responses, seed=args.seed, data_dir=plain, keep=True)
            )
        with HQService(root / "hq", cpus=hq_cpus) as hq:
            enrol(hq, kiosk_dir)
            before = backlog(kiosk_dir, args.queued)
            watch = BacklogWatch(kiosk_dir, args.queued)
            watch.start()
            started = time.monotonic()
            summary = simulate(
                responses=args.responses, seed=args.seed, data_dir=kiosk_dir, keep=True
            )
            ended = time.monotonic()
            left = backlog(kiosk_dir, args.queued)
            watch.halt.set()
            watch.join()
            stored, _ = hq_count(hq)
        drained = before - left
        out["with_sync"] = measured(summary) | {
            "backlog_at_start": before,
            "backlog_at_end": left,
            "answers_at_hq_at_end": stored,
            "drain_rate_per_s": round(drained / ((watch.emptied_at or ended) - started)),
            # Still answers of the backlog to send when the last shopper was measured: the
            # worker was draining for the whole measurement.
            "drain_overlapped_whole_measurement": left > 0,
            "backlog_emptied_after_s": (
                None if watch.emptied_at is None else round(watch.emptied_at - started, 1)
            ),
        }
        p95 = summary["tap_to_screen_ms"]["p95"]
        out["tap_to_screen_p95_within_one_frame"] = p95 <= FRAME_MS
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
