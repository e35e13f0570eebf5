"""Times HQ's password check (scrypt) at the old, a middle and the current cost.

    .venv/bin/python bench/password_hash.py [--runs 10]

For each cost, in a fresh process: the median and slowest of ``--runs`` checks, and the
process's peak memory above what it held before the first check (ru_maxrss). Then the
current cost with as many checks at once as the hashing pool allows on this machine
(hq.hashpool.HASH_WORKERS) and with the pool's maximum: what logins hold at worst.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ces.hashing import ScryptCost, hash_secret, verify_secret
from hq.hashpool import HASH_WORKERS, MAX_HASH_WORKERS
from hq.users import PASSWORD_COST

COSTS = {
    "old (N=2^14)": ScryptCost(2**14, 8, 1),
    "N=2^16": ScryptCost(2**16, 8, 1),
    "current (N=2^17)": PASSWORD_COST,
}


def measure(cost: ScryptCost, runs: int, at_once: int) -> dict[str, float]:
    """In this process: check times and the peak memory they added."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stored = hash_secret("correct horse battery", cost=cost)
    times: list[float] = []
    with ThreadPoolExecutor(at_once) as pool:
        for _ in range(runs):
            start = time.perf_counter()
            results = list(
                pool.map(lambda _: verify_secret("correct horse battery", stored), range(at_once))
            )
            times.append(time.perf_counter() - start)
            assert all(results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "peak_mib": peak / 1024,
        "added_mib": (peak - before) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--child", nargs=4, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        n, r, p, at_once = args.child
        print(json.dumps(measure(ScryptCost(n, r, p), args.runs, at_once)))
        return
    print(f"machine: {os.cpu_count()} CPUs; hashing pool here: {HASH_WORKERS} at once")
    plan = [(label, cost, 1) for label, cost in COSTS.items()]
    plan += [
        (f"current, {k} at once", PASSWORD_COST, k)
        for k in sorted({HASH_WORKERS, MAX_HASH_WORKERS})
        if k > 1
    ]
    for label, cost, at_once in plan:
        # A fresh process each, so one cost's peak memory does not hide the next one's.
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--runs",
                str(args.runs),
                "--child",
                *map(str, cost),
                str(at_once),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        m = json.loads(out)
        print(
            f"{label:24} {cost.memory / 2**20:5.0f} MiB each  median {m['median_ms']:6.0f} ms"
            f"  max {m['max_ms']:6.0f} ms  peak RSS +{m['added_mib']:.0f} MiB"
        )


if __name__ == "__main__":
    main()
