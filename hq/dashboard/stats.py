"""The dashboard's statistics, from counts the database has already made.

Every figure belongs to one scale and carries its n; nothing here averages across scales.
Percentages are 0-100. Intervals are 95%: Wilson's for a share (sound near 0% and 100%
and for small n), the normal approximation for a mean and for Net Easy, whose variance
follows from the multinomial: Var(p_easy - p_difficult) = (p_e + p_d - (p_e - p_d)^2) / n.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ces.scales import SCALES, Band, Scale

Z95 = 1.959963984540054
# Below this many answers a figure is shown, but marked "too few answers".
MIN_N = 30
# "No factor": the shopper answered the CES question but chose no factor (timed out).
NO_FACTOR = ""


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Summary:
    """One scale's figures over a set of answers."""

    scale: str
    n: int
    counts: dict[int, int]  # every point of the scale, zeros included
    easy: int
    neutral: int
    difficult: int
    pct_easy: float | None
    pct_difficult: float | None
    net_easy: float | None
    mean: float | None
    easy_ci: Interval | None
    net_easy_ci: Interval | None
    mean_ci: Interval | None

    @property
    def too_few(self) -> bool:
        return self.n < MIN_N


def wilson(k: int, n: int) -> Interval | None:
    """Wilson's 95% interval for k successes in n, in percent."""
    if n <= 0:
        return None
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Interval(max(0.0, centre - half) * 100, min(1.0, centre + half) * 100)


def summarise(scale: Scale | str, counts: Mapping[int, int]) -> Summary:
    scale = SCALES[scale] if isinstance(scale, str) else scale
    full = {point: int(counts.get(point, 0)) for point in scale.points}
    n = sum(full.values())
    bands = {band: 0 for band in Band}
    for point, count in full.items():
        bands[scale.band(point)] += count
    easy, neutral, difficult = bands[Band.EASY], bands[Band.NEUTRAL], bands[Band.DIFFICULT]
    if n == 0:
        return Summary(scale.id, 0, full, 0, 0, 0, None, None, None, None, None, None, None)
    p_easy, p_difficult = easy / n, difficult / n
    net = p_easy - p_difficult
    total = sum(point * count for point, count in full.items())
    mean = total / n
    mean_ci = None
    net_ci = None
    if n > 1:
        squares = sum((point - mean) ** 2 * count for point, count in full.items())
        half = Z95 * math.sqrt(squares / (n - 1) / n)
        mean_ci = Interval(mean - half, mean + half)
        net_half = Z95 * math.sqrt(max(0.0, (p_easy + p_difficult - net * net) / n))
        net_ci = Interval(max(-1.0, net - net_half) * 100, min(1.0, net + net_half) * 100)
    return Summary(
        scale=scale.id,
        n=n,
        counts=full,
        easy=easy,
        neutral=neutral,
        difficult=difficult,
        pct_easy=p_easy * 100,
        pct_difficult=p_difficult * 100,
        net_easy=net * 100,
        mean=mean,
        easy_ci=wilson(easy, n),
        net_easy_ci=net_ci,
        mean_ci=mean_ci,
    )


# --- factors and priorities ------------------------------------------------------------


@dataclass(frozen=True)
class FactorRow:
    """How often a factor was chosen, and how those who chose it found their visit."""

    factor: str  # NO_FACTOR for answers without one
    chosen: int
    easy: int
    neutral: int
    difficult: int
    pct_of_answers: float  # of all answers on this scale
    pct_easy: float  # among those who chose it
    pct_difficult: float

    @property
    def too_few(self) -> bool:
        return self.chosen < MIN_N


def factor_rows(
    scale: Scale | str, counts: Iterable[tuple[str | None, int, int]]
) -> list[FactorRow]:
    """Rows per factor from (factor, score, count), most chosen first; no factor last."""
    scale = SCALES[scale] if isinstance(scale, str) else scale
    tallies: dict[str, dict[Band, int]] = {}
    for factor, score, count in counts:
        key = factor or NO_FACTOR
        bands = tallies.setdefault(key, {band: 0 for band in Band})
        bands[scale.band(score)] += count
    total = sum(sum(b.values()) for b in tallies.values())
    rows = []
    for factor, bands in tallies.items():
        chosen = sum(bands.values())
        rows.append(
            FactorRow(
                factor=factor,
                chosen=chosen,
                easy=bands[Band.EASY],
                neutral=bands[Band.NEUTRAL],
                difficult=bands[Band.DIFFICULT],
                pct_of_answers=chosen / total * 100,
                pct_easy=bands[Band.EASY] / chosen * 100,
                pct_difficult=bands[Band.DIFFICULT] / chosen * 100,
            )
        )
    rows.sort(key=lambda r: (r.factor == NO_FACTOR, -r.chosen, r.factor))
    return rows


@dataclass(frozen=True)
class Priority:
    """A factor's rank among the difficult answers, and the evidence for it."""

    rank: int
    factor: str
    difficult: int  # difficult answers naming this factor
    difficult_total: int  # all difficult answers on the scale (with or without factor)
    share: float  # difficult / difficult_total, in percent
    share_ci: Interval
    chosen: int
    pct_difficult: float  # among those who chose this factor
    pct_difficult_overall: float  # among all answers on the scale
    # Whether its share is more than noise above the next factor's (None for the last).
    ahead_of_next: bool | None

    @property
    def too_few(self) -> bool:
        return self.difficult_total < MIN_N


def priorities(rows: list[FactorRow]) -> list[Priority]:
    """Factors ranked by the share of difficult answers that name them.

    Ties in share go to the factor whose choosers found it difficult more often. Answers
    without a factor count in the total (they are difficult answers nobody explained) but
    are not ranked.
    """
    difficult_total = sum(r.difficult for r in rows)
    answers = sum(r.chosen for r in rows)
    if difficult_total == 0:
        return []
    overall = difficult_total / answers * 100
    ranked = sorted(
        (r for r in rows if r.factor != NO_FACTOR and r.difficult > 0),
        key=lambda r: (-r.difficult, -r.pct_difficult, r.factor),
    )
    out = []
    for i, row in enumerate(ranked):
        ahead = None
        if i + 1 < len(ranked):
            ahead = _shares_differ(row.difficult, ranked[i + 1].difficult, difficult_total)
        share_ci = wilson(row.difficult, difficult_total)
        assert share_ci is not None
        out.append(
            Priority(
                rank=i + 1,
                factor=row.factor,
                difficult=row.difficult,
                difficult_total=difficult_total,
                share=row.difficult / difficult_total * 100,
                share_ci=share_ci,
                chosen=row.chosen,
                pct_difficult=row.pct_difficult,
                pct_difficult_overall=overall,
                ahead_of_next=ahead,
            )
        )
    return out


def _shares_differ(k1: int, k2: int, n: int) -> bool:
    """Whether two categories' shares of one multinomial sample differ at the 5% level."""
    p1, p2 = k1 / n, k2 / n
    variance = (p1 + p2 - (p1 - p2) ** 2) / n
    if variance <= 0:
        return k1 != k2
    return abs(p1 - p2) / math.sqrt(variance) > Z95


# --- before and after -------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """% easy after an action against before it, and whether the change is more than noise."""

    scale: str
    before: Summary
    after: Summary
    change: float | None  # percentage points
    change_ci: Interval | None
    p_value: float | None  # two-proportion z-test
    mean_change: float | None

    @property
    def significant(self) -> bool:
        return (
            self.p_value is not None
            and self.p_value < 0.05
            and not self.before.too_few
            and not self.after.too_few
        )


def compare(before: Summary, after: Summary) -> Change:
    if before.scale != after.scale:
        raise ValueError("before and after must be on the same scale")
    if before.n == 0 or after.n == 0:
        return Change(before.scale, before, after, None, None, None, None)
    p1, p2 = before.easy / before.n, after.easy / after.n
    diff = p2 - p1
    half = Z95 * math.sqrt(p1 * (1 - p1) / before.n + p2 * (1 - p2) / after.n)
    pooled = (before.easy + after.easy) / (before.n + after.n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / before.n + 1 / after.n))
    p_value = 1.0 if se == 0 else math.erfc(abs(diff) / se / math.sqrt(2))
    assert before.mean is not None
    assert after.mean is not None
    return Change(
        scale=before.scale,
        before=before,
        after=after,
        change=diff * 100,
        change_ci=Interval((diff - half) * 100, (diff + half) * 100),
        p_value=p_value,
        mean_change=after.mean - before.mean,
    )
