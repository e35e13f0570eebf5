"""The outbox alone: one transaction per answer (score, factor, comment), as the UI
thread writes them, with the checkpointer running beside it."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from ces.answer import COMPLETED, NewAnswer
from sync.checkpoint import Checkpointer
from sync.outbox import Outbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        outbox = Outbox.open(data)
        checkpointer = Checkpointer(data)
        checkpointer.start()
        kiosk_id = outbox.kiosk_id()
        timings: list[float] = []
        for n in range(args.sessions):
            stamp = "2026-11-22T10:00:00.000Z"
            started = time.perf_counter()
            answer_id = outbox.begin(
                NewAnswer(kiosk_id, "s1", "tp", "survey", 1, "nl", "ces7", 1 + n % 7, stamp, stamp)
            )
            timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            outbox.update(answer_id, {"factor": "price"})
            timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            outbox.update(answer_id, {"comment": "ok", "outcome": COMPLETED, "finished_at": stamp})
            timings.append(time.perf_counter() - started)
            if n % 50 == 0:
                checkpointer.request()
        checkpointer.stop()
        outbox.close()
    cuts = statistics.quantiles([t * 1000 for t in timings], n=100, method="inclusive")
    print(
        f"{len(timings)} transactions: p50 {cuts[49]:.3f} ms, p99 {cuts[98]:.3f} ms, "
        f"max {max(timings) * 1000:.3f} ms"
    )


if __name__ == "__main__":
    main()
