"""Today's answers on this kiosk, for the manager screen: never mixed across scales."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ces.scales import SCALES, Band


@dataclass(frozen=True)
class TodaySummary:
    scale: str
    n: int
    easy_pct: float | None
    distribution: tuple[tuple[int, int], ...]
    top_factor: str | None
    top_factor_n: int


def summarise(rows: Iterable[dict[str, Any]], scale_id: str) -> TodaySummary:
    """Completed and timed-out answers on one scale (the survey's current one)."""
    scale = SCALES[scale_id]
    scores: Counter[int] = Counter()
    factors: Counter[str] = Counter()
    for row in rows:
        if row["scale"] != scale_id or row["outcome"] is None:
            continue
        scores[row["score"]] += 1
        if row["factor"]:
            factors[row["factor"]] += 1
    n = sum(scores.values())
    easy = sum(count for score, count in scores.items() if scale.band(score) is Band.EASY)
    top = factors.most_common(1)
    return TodaySummary(
        scale=scale_id,
        n=n,
        easy_pct=round(100 * easy / n, 1) if n else None,
        distribution=tuple((point, scores.get(point, 0)) for point in scale.points),
        top_factor=top[0][0] if top else None,
        top_factor_n=top[0][1] if top else 0,
    )
