"""The dashboard's statistics, from counts the database has already made.

Every figure belongs to one scale and carries its n; nothing here averages across scales.
Percentages are 0-100. Intervals are 95%, chosen to stay honest for small n and at 0% and
100% (where the normal approximation shrinks to zero width):

- a share (% easy, a factor's share): Wilson's score interval;
- the mean: Student's t with n - 1 degrees of freedom, kept within the scale's range; when
  every answer is the same score v (t then has zero width), a bound instead: the share of
  answers that could differ is at most Wilson's upper limit for 0 of n, u = z^2 / (n + z^2),
  and each of them at most the scale's far end, so v - (v - lowest) * u .. v + (highest - v)
  * u (18 answers all 7 on CES 2.0: [5.94 - 7.00]); one answer has none;
- Net Easy (p_easy - p_difficult of one multinomial sample): Bonett and Price's adjusted
  Wald interval (2012), which adds one answer to each of the two bands and two to n;
- the difference of two independent shares (an action's before and after, a period
  against the one before): Newcombe's hybrid score interval (1998, method 10), built from
  the two Wilson intervals;
- the difference of two independent Net Easy figures (a period against the one before):
  the two Bonett-Price adjusted estimates (one answer added to each band, two to n), their
  difference with the variances summed, as the samples are independent:
  d = c2 - c1, SE = sqrt(V1 + V2), V = (pe + pd - (pe - pd)^2) / (n + 2);
- whether one factor's share of the difficult answers is ahead of the next's: the score
  test (variance under equal shares: z = (k1 - k2) / sqrt(k1 + k2), McNemar's), not Wald's,
  which calls leads near the 5% line too eagerly; before/after's p is the pooled z-test,
  likewise a score test.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

from ces.scales import SCALES, Band, Scale

Z95 = 1.959963984540054
# Below this many answers a figure is shown, but marked "too few answers".
MIN_N = 30
# From this many degrees of freedom t_quantile's series is exact to 1e-9 (no iteration).
CORNISH_FISHER_DF = 100
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


def wilson(k: int, n: int, z: float = Z95) -> Interval | None:
    """Wilson's 95% interval for k successes in n, in percent (another ``z``: another
    confidence)."""
    limits = _wilson(k, n, z)
    return None if limits is None else Interval(limits[0] * 100, limits[1] * 100)


def _wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson's limits for k successes in n, as fractions (95% two-sided; another ``z``
    for another confidence, e.g. an alert's one-sided test)."""
    if n <= 0:
        return None
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # At k = 0 or k = n one limit is exactly p; rounding must not push it past p.
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def net_easy_interval(easy: int, difficult: int, n: int) -> Interval | None:
    """Bonett and Price's adjusted Wald 95% interval for (easy - difficult) / n, in points.

    The plain Wald interval has zero width when every answer is easy; adding one answer to
    each band (and two to n) keeps it honest there and for small n.
    """
    if n <= 0:
        return None
    centre, variance = _adjusted_net(easy, difficult, n)
    half = Z95 * math.sqrt(variance)
    net = (easy - difficult) / n
    # Clipped to the possible range, and never excluding the estimate itself.
    low, high = max(-1.0, centre - half), min(1.0, centre + half)
    return Interval(min(low, net) * 100, max(high, net) * 100)


def net_easy_difference(
    first: tuple[int, int, int], second: tuple[int, int, int]
) -> Interval | None:
    """A 95% interval for Net Easy of ``second`` minus that of ``first``, in points.

    Each is (easy, difficult, n) of an independent sample. Each Net Easy is estimated as
    Bonett and Price's adjusted one (as in net_easy_interval), whose variance stays above
    zero when every answer is easy; the samples are independent, so the variances add.
    """
    (e1, d1, n1), (e2, d2, n2) = first, second
    if n1 <= 0 or n2 <= 0:
        return None
    c1, v1 = _adjusted_net(e1, d1, n1)
    c2, v2 = _adjusted_net(e2, d2, n2)
    half = Z95 * math.sqrt(v1 + v2)
    observed = (e2 - d2) / n2 - (e1 - d1) / n1
    low, high = max(-2.0, c2 - c1 - half), min(2.0, c2 - c1 + half)
    return Interval(min(low, observed) * 100, max(high, observed) * 100)


def _adjusted_net(easy: int, difficult: int, n: int) -> tuple[float, float]:
    """Bonett and Price's adjusted Net Easy (a fraction) and its variance."""
    pe, pd = (easy + 1) / (n + 2), (difficult + 1) / (n + 2)
    centre = pe - pd
    return centre, max(0.0, (pe + pd - centre * centre) / (n + 2))


def newcombe(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> Interval | None:
    """Newcombe's hybrid score 95% interval for k2/n2 - k1/n1, in percentage points (another
    ``z`` for another confidence)."""
    first, second = _wilson(k1, n1, z), _wilson(k2, n2, z)
    if first is None or second is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = first, second
    diff = p2 - p1
    low = diff - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = diff + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return Interval(low * 100, high * 100)


@functools.lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """Student's t quantile: the t with P(T <= t) = p on df degrees of freedom.

    Closed forms for df 1 and 2; from CORNISH_FISHER_DF on, the Cornish-Fisher expansion
    (within 1e-9 there); in between, Newton's method on the exact distribution function
    (via the regularised incomplete beta function) from that expansion. Cached: the
    dashboard asks for few distinct df.
    """
    if not 0.0 < p < 1.0:
        raise ValueError("p must be between 0 and 1")
    if df <= 0:
        raise ValueError("df must be positive")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if math.isinf(df):
        return NormalDist().inv_cdf(p)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    z2 = z * z
    t = (
        z
        + z * (z2 + 1) / (4 * df)
        + z * ((5 * z2 + 16) * z2 + 3) / (96 * df**2)
        + z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * df**3)
        + z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / (92160 * df**4)
    )
    if df >= CORNISH_FISHER_DF:
        return t
    for _ in range(50):
        step = (_t_cdf(t, df) - p) / _t_pdf(t, df)
        t -= step
        if abs(step) < 1e-12 * max(1.0, abs(t)):
            break
    return t


def _t_pdf(t: float, df: float) -> float:
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_c - (df + 1) / 2 * math.log1p(t * t / df))


def _t_cdf(t: float, df: float) -> float:
    tail = 0.5 * _beta_regularised(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def _beta_regularised(a: float, b: float, x: float) -> float:
    """I_x(a, b), by its continued fraction (Lentz), on the side where it converges fast."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 10_000):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return result


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
        net_easy_ci=net_easy_interval(easy, difficult, n),
        mean_ci=mean_interval(scale, full),
    )


def mean_interval(scale: Scale, counts: Mapping[int, int]) -> Interval | None:
    """The mean score's 95% interval, inside the scale's range; None below two answers.

    Student's t; but when every answer is the same score, t's interval has zero width, so
    the mean is bounded by how many answers could differ (Wilson's upper limit for 0 of n)
    times how far they could lie (the scale's far end).
    """
    n = sum(counts.values())
    if n < 2:
        return None
    lowest, highest = min(scale.points), max(scale.points)
    mean = sum(point * count for point, count in counts.items()) / n
    scores = [point for point, count in counts.items() if count]
    if len(scores) == 1:
        (only,) = scores
        limits = _wilson(0, n)
        assert limits is not None
        differ = limits[1]
        return Interval(only - (only - lowest) * differ, only + (highest - only) * differ)
    squares = sum((point - mean) ** 2 * count for point, count in counts.items())
    half = t_quantile(0.975, n - 1) * math.sqrt(squares / (n - 1) / n)
    return Interval(max(float(lowest), mean - half), min(float(highest), mean + half))


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
            ahead = _shares_differ(row.difficult, ranked[i + 1].difficult)
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


def _shares_differ(k1: int, k2: int) -> bool:
    """Whether two categories' shares of one multinomial sample differ at the 5% level.

    The score test: under equal shares Var(p1 - p2) = (p1 + p2) / n, so z reduces to
    (k1 - k2) / sqrt(k1 + k2), whatever n is.
    """
    if k1 + k2 == 0:
        return False
    return abs(k1 - k2) / math.sqrt(k1 + k2) > Z95


# --- before and after -------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """% easy after an action against before it, and whether the change is more than noise."""

    scale: str
    before: Summary
    after: Summary
    change: float | None  # percentage points
    change_ci: Interval | None  # Newcombe's hybrid score interval
    p_value: float | None  # two-proportion z-test, pooled (a score test)
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
        change_ci=newcombe(before.easy, before.n, after.easy, after.n),
        p_value=p_value,
        mean_change=after.mean - before.mean,
    )
