"""Which surveys the store manager may switch the kiosk to, and under which touchpoint its
answers then go.

Every answer is filed under one touchpoint, and a touchpoint's numbers must only hold
answers to its own surveys. HQ fixes an enrolled kiosk's touchpoint at enrolment and files
every answer the kiosk sends under it (hq/assignment.py; a kiosk that moves is enrolled
again), so an enrolled kiosk is offered only the surveys of its touchpoint (all of them
when no survey names that touchpoint, as HQ offers them) and its touchpoint never changes
here. A kiosk without HQ has nobody else to ask: it offers every survey it has, and its
touchpoint follows the survey chosen.
"""

from __future__ import annotations

from collections.abc import Sequence

from ces.survey import Survey


def choosable(
    surveys: Sequence[Survey],
    touchpoint: str | None,
    *,
    enrolled: bool,
    published: str | None = None,
) -> tuple[Survey, ...]:
    """The surveys the manager screen offers: an enrolled kiosk's touchpoint's (the one HQ
    published to it among them), all of them without HQ."""
    if not enrolled:
        return tuple(surveys)
    own = tuple(s for s in surveys if s.id == published or s.serves(touchpoint))
    return own or tuple(surveys)


def touchpoint_after(survey: Survey, touchpoint: str | None, *, enrolled: bool) -> str | None:
    """The kiosk's touchpoint once it runs ``survey``: HQ's for an enrolled kiosk, the
    survey's own for a kiosk without HQ."""
    return touchpoint if enrolled else survey.served_touchpoint


def friendly(name: str) -> str:
    """An id as a person reads it: ``returns_desk`` → ``Returns desk``."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else name
