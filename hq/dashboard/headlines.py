"""The overview's headline: each scale's figures for the chosen period against the period of
the same length just before it, with a change marked only where it is more than noise.

% easy changes by Newcombe's interval for the difference of two shares, Net Easy by the
difference of two Bonett-Price adjusted estimates (both in hq.dashboard.stats); a change is
marked up or down only when its interval leaves out 0 and both periods have at least
stats.MIN_N answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from ces.scales import SCALES
from hq.dashboard import stats
from hq.dashboard.filters import Filters


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    NOISE = "noise"  # the interval holds 0: no change beyond noise
    TOO_FEW = "too_few"  # a period has fewer than MIN_N answers: not tested


@dataclass(frozen=True)
class Delta:
    """One figure's change: now minus before, its 95% interval, and what it amounts to."""

    change: float | None
    ci: stats.Interval | None
    direction: Direction


@dataclass(frozen=True)
class Headline:
    scale: str
    now: stats.Summary
    before: stats.Summary
    pct_easy: Delta
    net_easy: Delta

    @property
    def n_change(self) -> int:
        return self.now.n - self.before.n


def previous_period(f: Filters) -> Filters:
    """The same filters over the same number of days, ending the day before ``f`` starts."""
    days = (f.end - f.start).days + 1
    end = f.start - timedelta(days=1)
    return f.narrowed(start=end - timedelta(days=days - 1), end=end)


def headlines(now: Sequence[stats.Summary], before: Sequence[stats.Summary]) -> list[Headline]:
    """One headline per scale found in either period, in the order of SCALES."""
    found_now = {s.scale: s for s in now}
    found_before = {s.scale: s for s in before}
    out = []
    for scale in SCALES:
        if scale not in found_now and scale not in found_before:
            continue
        current = found_now.get(scale) or stats.summarise(scale, {})
        previous = found_before.get(scale) or stats.summarise(scale, {})
        out.append(_headline(scale, current, previous))
    return out


def _headline(scale: str, now: stats.Summary, before: stats.Summary) -> Headline:
    comparable = not now.too_few and not before.too_few
    easy_ci = stats.newcombe(before.easy, before.n, now.easy, now.n)
    net_ci = stats.net_easy_difference(
        (before.easy, before.difficult, before.n), (now.easy, now.difficult, now.n)
    )
    return Headline(
        scale=scale,
        now=now,
        before=before,
        pct_easy=_delta(now.pct_easy, before.pct_easy, easy_ci, comparable),
        net_easy=_delta(now.net_easy, before.net_easy, net_ci, comparable),
    )


def _delta(
    now: float | None, before: float | None, ci: stats.Interval | None, comparable: bool
) -> Delta:
    change = None if now is None or before is None else now - before
    if not comparable or ci is None:
        return Delta(change, ci, Direction.TOO_FEW)
    if ci.low > 0:
        return Delta(change, ci, Direction.UP)
    if ci.high < 0:
        return Delta(change, ci, Direction.DOWN)
    return Delta(change, ci, Direction.NOISE)
