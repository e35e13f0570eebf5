"""An action's effect net of what happened elsewhere: difference-in-differences on % easy.

Four groups of answers on one scale: the action's stores (treated) and comparable stores
without it (control), each in the window before the action's date and the window after.
With p the share of easy answers of a group (answers of all its stores pooled):

    DiD = (p_T,after - p_T,before) - (p_C,after - p_C,before)        (x 100: points)

so a rise every store shared (a season, a chain-wide campaign) cancels out. The relative
change quotes it the way "% easy +20%" does: the treated stores' % easy after against what
it would have been had they followed the control's trend, expected = p_T,before +
(p_C,after - p_C,before):

    relative = p_T,after / expected - 1 = DiD / expected          (None when expected <= 0)

The 95% interval treats the four groups as independent binomial samples (normal
approximation) with Price and Bonett's adjustment for a linear function of m proportions
(2004): 2/m easy answers and 4/m answers added to each group (m = 4: half an answer and one
answer), so the interval keeps a width at 0% and 100%; it is centred on the adjusted
estimate and widened, where needed, to contain the observed one:

    p~ = (k + 0.5) / (n + 1),   SE = sqrt(sum of p~ (1 - p~) / (n + 1) over the four groups)

Answers within a store are not independent (a store has its good and bad weeks), and this
does not cluster by store: with few stores the interval is narrower than the truth, which
the page says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hq.dashboard.stats import MIN_N, Z95

# Price and Bonett's adjustment for m = 4 proportions: 2/m easy answers and 4/m answers.
ADDED_EASY = 0.5
ADDED_ANSWERS = 1.0


@dataclass(frozen=True)
class Group:
    """Easy answers and all answers of a set of stores over one window, on one scale."""

    easy: int
    n: int

    @property
    def pct_easy(self) -> float:
        return self.easy / self.n * 100


@dataclass(frozen=True)
class DiD:
    """One scale's difference-in-differences (points of % easy) and its 95% interval."""

    scale: str
    points: float
    low: float
    high: float
    relative: float | None  # a fraction: 0.2 is "+20%"
    treated_before: Group
    treated_after: Group
    control_before: Group
    control_after: Group
    treated_stores: int
    control_stores: int

    @property
    def treated_change(self) -> float:
        return self.treated_after.pct_easy - self.treated_before.pct_easy

    @property
    def control_change(self) -> float:
        return self.control_after.pct_easy - self.control_before.pct_easy

    @property
    def too_few(self) -> bool:
        """A group under MIN_N answers: shown, but no verdict."""
        return min(g.n for g in self._groups) < MIN_N

    @property
    def significant(self) -> bool:
        return self.low > 0 or self.high < 0

    @property
    def n(self) -> int:
        return sum(g.n for g in self._groups)

    @property
    def _groups(self) -> tuple[Group, Group, Group, Group]:
        return (self.treated_before, self.treated_after, self.control_before, self.control_after)


def did(
    scale: str,
    treated: tuple[Group, Group],
    control: tuple[Group, Group],
    treated_stores: int,
    control_stores: int,
) -> DiD | None:
    """The DiD of (before, after) pairs; None when a group has no answers."""
    groups = (*treated, *control)
    if any(g.n <= 0 for g in groups):
        return None
    (t0, t1), (c0, c1) = treated, control
    p_t0, p_t1, p_c0, p_c1 = (g.easy / g.n for g in groups)
    observed = (p_t1 - p_t0) - (p_c1 - p_c0)
    adjusted = [(g.easy + ADDED_EASY) / (g.n + ADDED_ANSWERS) for g in groups]
    centre = (adjusted[1] - adjusted[0]) - (adjusted[3] - adjusted[2])
    variance = sum(
        p * (1 - p) / (g.n + ADDED_ANSWERS) for p, g in zip(adjusted, groups, strict=True)
    )
    half = Z95 * math.sqrt(variance)
    low = min(max(-2.0, centre - half), observed)
    high = max(min(2.0, centre + half), observed)
    expected = p_t0 + (p_c1 - p_c0)
    relative = observed / expected if expected > 0 else None
    return DiD(
        scale=scale,
        points=observed * 100,
        low=low * 100,
        high=high * 100,
        relative=relative,
        treated_before=t0,
        treated_after=t1,
        control_before=c0,
        control_after=c1,
        treated_stores=treated_stores,
        control_stores=control_stores,
    )
