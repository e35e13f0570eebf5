"""The comment scrubber alone (ces.scrub): µs per comment, µs per stage, KB/s on hostile input.

The comments are the scrubber's own corpus (tests/ces/scrub_corpus/*.jsonl): the clean ones
(what most shoppers type), the ones with personal data, and both joined into comments of
1,000 characters (the most HQ stores). Each figure is the best of a few rounds, so a burst of
other load on the machine shows less. The per-stage table runs the stages one after the
other on each comment, as scrub_report does, and times each, so the slow stage is visible.
Hostile inputs are 100 KB of what makes a stage look far: each must stay linear.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ces.scrub import STAGES, scrub_report

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "ces" / "scrub_corpus"
# The comment bench/hq_ingest.py sends with every fourth answer.
INGEST_COMMENT = "De kassa was snel en de medewerker vriendelijk."
LONG = 1_000
LONG_CLEAN = f"{LONG:,} chars, clean"
DIGIT = re.compile(r"\d")
HOSTILE: dict[str, Callable[[int], str]] = {
    "digits and spaces": lambda size: "1 " * (size // 2),
    "many @": lambda size: "@" * size,
    "a@ repeated": lambda size: "a@" * (size // 2),
    "mijn naam is ...": lambda size: "mijn naam is " * (size // 13),
    "capitalised words": lambda size: "Jan Piet Kerkstraat Van " * (size // 24),
    "street and digit": lambda size: "Kerkstraat 1 " * (size // 13),
    "ordernummer 1-": lambda size: "ordernummer 1-" * (size // 14),
    "kenteken": lambda size: "kenteken " * (size // 9),
}


def corpus() -> tuple[list[str], list[str]]:
    clean: list[str] = []
    personal: list[str] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                item = json.loads(raw)
                (personal if item["pii"] else clean).append(item["text"])
    return clean, personal


def joined(texts: list[str], length: int) -> list[str]:
    """Comments of `length` characters, each the next texts joined by spaces."""
    out: list[str] = []
    current = ""
    for text in texts * (1 + length * 20 // max(1, sum(map(len, texts)))):
        current = f"{current} {text}" if current else text
        if len(current) >= length:
            out.append(current[:length])
            current = ""
    return out


def per_comment(texts: list[str], rounds: int) -> float:
    """µs per comment through scrub_report, the best of `rounds`."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            scrub_report(text)
        best = min(best, time.perf_counter() - started)
    return best / len(texts) * 1e6


def per_stage(texts: list[str], rounds: int) -> dict[str, float]:
    """µs per comment in each stage, the best of `rounds` per stage."""
    best = {stage.__name__: float("inf") for stage in STAGES}
    prepared = [unicodedata.normalize("NFKC", text) for text in texts]
    for _ in range(rounds):
        spent = dict.fromkeys(best, 0.0)
        for text in prepared:
            found: Counter[str] = Counter()
            for stage in STAGES:
                started = time.perf_counter()
                text = stage(text, found)
                spent[stage.__name__] += time.perf_counter() - started
        for name, seconds in spent.items():
            best[name] = min(best[name], seconds)
    return {name: seconds / len(texts) * 1e6 for name, seconds in best.items()}


def hostile(text: str) -> tuple[float, str, float]:
    """KB/s through scrub_report, and the slowest stage with its share of the time."""
    started = time.perf_counter()
    scrub_report(text)
    total = time.perf_counter() - started
    stages = per_stage([text], 1)
    slowest = max(stages, key=lambda name: stages[name])
    return len(text.encode()) / 1024 / total, slowest, stages[slowest] / 1e6 / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="best of this many rounds")
    parser.add_argument("--hostile-kb", type=int, default=100, help="size of each hostile input")
    args = parser.parse_args()
    clean, personal = corpus()
    sets = {
        "clean comments": clean,
        "  clean, with a digit": [text for text in clean if DIGIT.search(text)],
        "  clean, without": [text for text in clean if not DIGIT.search(text)],
        "with personal data": personal,
        LONG_CLEAN: joined(clean, LONG),
        f"{LONG:,} chars, personal data": joined(personal, LONG),
        "HQ ingest's comment": [INGEST_COMMENT] * 200,
    }
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"best of {args.rounds} rounds, load {os.getloadavg()[0]:.1f}"
    )
    print(f"\n{'comments':<28} {'n':>5} {'µs/comment':>11}")
    for label, texts in sets.items():
        print(f"{label:<28} {len(texts):>5} {per_comment(texts, args.rounds):>11.1f}")
    stage_sets = {
        label: sets[label] for label in ("clean comments", "with personal data", LONG_CLEAN)
    }
    stage_times = {label: per_stage(texts, args.rounds) for label, texts in stage_sets.items()}
    print(f"\n{'µs per comment in stage':<28}" + "".join(f"{label:>22}" for label in stage_sets))
    for stage in STAGES:
        name = stage.__name__
        print(f"{name:<28}" + "".join(f"{stage_times[lb][name]:>22.1f}" for lb in stage_sets))
    size = args.hostile_kb * 1024
    print(f"\n{'hostile, ' + str(args.hostile_kb) + ' KB':<28} {'KB/s':>9}   slowest stage")
    for label, make in HOSTILE.items():
        rate, slowest, share = hostile(make(size))
        print(f"{label:<28} {rate:>9,.0f}   {slowest} ({share:.0%})")
    print(f"\nload {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
