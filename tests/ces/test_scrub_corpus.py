"""Recall of the scrubber per kind of personal data, and how many clean comments it alters.

The corpus is test data in tests/ces/scrub_corpus/*.jsonl, one comment per line:
``{"lang": "nl", "text": "...", "pii": [{"kind": "iban", "value": "NL91 ABNA 0417 1643 00"}]}``
(``pii`` empty for a clean comment; ``"sub": "bsn"`` marks a citizen number among the ids).
``heldout.jsonl`` was written without looking at the scrubber; the ``dev_*`` files were
written beside it. A find counts only if all of it is gone and its kind's placeholder is
there: "NL91 ABNA [phone]" is a miss. A word of the value that the comment has elsewhere
too may stay.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ces.scrub import MARKS, scrub

CORPUS = Path(__file__).parent / "scrub_corpus"
# What the issue asks for, per kind (ids: order and loyalty numbers; bsn: citizen numbers).
GOALS = {
    "e-mail": 0.98,
    "phone": 0.99,
    "iban": 0.95,
    "card": 0.95,
    "bsn": 0.95,
    "id": 0.90,
    "address": 0.90,
    "plate": 0.90,
    "name": 0.80,
}
MAX_CLEAN_ALTERED = 0.01
MIN_ITEMS = 300
# Two characters and more: "06 72 [phone]" leaves "06" and "72" of "06 72 18 44 95".
_FRAGMENT = re.compile(r"[^\W_]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Item:
    source: str
    line: int
    lang: str
    text: str
    pii: tuple[dict[str, str], ...]


def load() -> list[Item]:
    items = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            data: dict[str, Any] = json.loads(raw)
            item = Item(path.name, number, data["lang"], data["text"], tuple(data["pii"]))
            for pii in item.pii:
                assert pii["kind"] in MARKS, f"{path.name}:{number}: unknown kind {pii['kind']}"
                assert pii["value"] in item.text, f"{path.name}:{number}: value not in text"
            items.append(item)
    return items


def goal_of(pii: dict[str, str]) -> str:
    return "bsn" if pii.get("sub") == "bsn" else pii["kind"]


def words(text: str) -> set[str]:
    return {w.casefold() for w in _FRAGMENT.findall(unicodedata.normalize("NFKC", text))}


def caught(item: Item, pii: dict[str, str], scrubbed: str) -> bool:
    if MARKS[pii["kind"]] not in scrubbed:
        return False
    # A fragment of the value that is also elsewhere in the comment may stay.
    elsewhere = words(item.text.replace(pii["value"], " "))
    left = words(scrubbed)
    return not ((words(pii["value"]) - elsewhere) & left)


def normalised(text: str) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFKC", text)).strip()


@dataclass
class Tally:
    found: Counter[str]
    total: Counter[str]
    clean: int = 0
    altered: int = 0

    def recall(self, goal: str) -> float:
        return self.found[goal] / self.total[goal] if self.total[goal] else 1.0


def measure(items: list[Item]) -> tuple[Tally, list[str]]:
    tally = Tally(Counter(), Counter())
    misses = []
    for item in items:
        scrubbed = scrub(item.text)
        if not item.pii:
            tally.clean += 1
            if scrubbed != normalised(item.text):
                tally.altered += 1
                misses.append(f"altered {item.source}:{item.line}: {item.text!r} -> {scrubbed!r}")
        for pii in item.pii:
            goal = goal_of(pii)
            tally.total[goal] += 1
            if caught(item, pii, scrubbed):
                tally.found[goal] += 1
            else:
                misses.append(f"missed {goal} {item.source}:{item.line}: {scrubbed!r}")
    return tally, misses


def report(name: str, tally: Tally) -> str:
    lines = [f"scrubber on {name}:", f"  {'kind':<8} {'recall':>6}  found/total  goal"]
    for goal, target in GOALS.items():
        lines.append(
            f"  {goal:<8} {tally.recall(goal):>6.3f}  {tally.found[goal]:>5}/{tally.total[goal]:<5}"
            f"  {target:.2f}"
        )
    share = tally.altered / tally.clean if tally.clean else 0.0
    lines.append(f"  clean comments altered: {tally.altered}/{tally.clean} = {share:.2%}")
    return "\n".join(lines)


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    items = load()
    assert len(items) >= MIN_ITEMS
    kinds = Counter(goal_of(p) for item in items for p in item.pii)
    assert all(kinds[goal] >= 10 for goal in GOALS), kinds
    assert sum(1 for item in items if not item.pii) >= 100
    assert len({item.lang for item in items}) >= 5


@pytest.mark.parametrize("subset", ["all", "heldout"])
def test_recall_per_kind_meets_the_goals(subset: str, capsys: pytest.CaptureFixture[str]) -> None:
    items = [i for i in load() if subset == "all" or i.source == f"{subset}.jsonl"]
    if not items:
        pytest.skip(f"no {subset} corpus yet")
    tally, misses = measure(items)
    with capsys.disabled():
        print("\n" + report(subset, tally))
    below = {
        g: round(tally.recall(g), 3) for g, target in GOALS.items() if tally.recall(g) < target
    }
    assert not below, "\n".join([f"below the goal: {below}", *misses])
    assert tally.altered / max(tally.clean, 1) < MAX_CLEAN_ALTERED, "\n".join(misses)
