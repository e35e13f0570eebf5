"""Which answers belong to a rapid burst: the kiosk's rule, completed at HQ.

The kiosk flags an answer ``rapid`` when it is the RAPID_RUN-th completion within
RAPID_WINDOW_S seconds (ces.answer). The completions that made it so were finished before
it, so the kiosk can never flag them; HQ does, by the same rule on finished_at: every
completed answer of the same kiosk that finished within the window before a rapid answer
belongs to its burst. A burst of rapid answers chains, since each one's window reaches
back over the ones before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ces.answer import RAPID_WINDOW_S

WINDOW = timedelta(seconds=RAPID_WINDOW_S)


@dataclass(frozen=True)
class Completion:
    """One completed answer of a kiosk, as the burst rule sees it."""

    id: str
    finished_at: datetime
    rapid: bool


def unflagged_in_bursts(completions: Sequence[Completion]) -> list[str]:
    """The ids of answers in a burst that are not flagged yet, in finishing order.

    ``completions``: one kiosk's completed answers, in any order. The window's edge counts
    as inside, as on the kiosk (kiosk.flow.machine drops a completion only once it is
    more than the window old).
    """
    ordered = sorted(completions, key=lambda c: (c.finished_at, c.id))
    found: list[str] = []
    # A rapid answer's burst reaches back to the first completion within its window;
    # walking backwards, everything from there up to the newest rapid answer is taken.
    reach: datetime | None = None
    for c in reversed(ordered):
        if reach is not None and c.finished_at >= reach and not c.rapid:
            found.append(c.id)
        if c.rapid:
            start = c.finished_at - WINDOW
            reach = start if reach is None else min(reach, start)
    found.reverse()
    return found


def merged(spans: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The time spans, overlapping ones joined: each part of the kiosk's time read once."""
    out: list[tuple[datetime, datetime]] = []
    for low, high in sorted(spans):
        if out and low <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out
