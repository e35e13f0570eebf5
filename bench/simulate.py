"""Simulated shoppers on the real UI: latency, commit time and memory growth."""

from __future__ import annotations

import argparse
import json
import os
import platform

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.ui.simulate import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--survey", default=None)
    parser.add_argument(
        "--pause-ms",
        type=int,
        default=0,
        help="leave the kiosk idle this long before each tap, as a thinking shopper does "
        "(20 on the cheap-tablet profile: bench/cpu_quota.py)",
    )
    args = parser.parse_args()
    summary = simulate(
        responses=args.responses, seed=args.seed, survey_path=args.survey, pause_ms=args.pause_ms
    )
    summary["machine"] = f"{platform.node()} {platform.machine()} {os.cpu_count()} cores"
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
