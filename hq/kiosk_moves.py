"""Moving a kiosk to another touchpoint from HQ (``ces-hq kiosk move``, the fleet page).

The kiosk is told by its next config; the answers it gave before stay filed under the
touchpoint they were given at (HQDatabase.move_kiosk), and the move is a kiosk event.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from ces.answer import ID_RE
from hq.assignment import served_touchpoints
from hq.db.database import HQDatabase, HQDatabaseError, UnknownKiosk
from hq.db.tables import journey_touchpoints
from hq.survey_versions import published_catalog


class MoveError(ValueError):
    """A move refused; ``key`` names its words in webtexts (mv_err_<key>), ``str(e)`` is
    English for the command line."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


def touchpoints(db: HQDatabase) -> list[str]:
    """Where a kiosk can be: the journeys' touchpoints and those a published survey names."""
    with db.reading() as conn:
        journey = set(conn.scalars(select(journey_touchpoints.c.touchpoint)))
    return sorted(journey | set(served_touchpoints(published_catalog(db))))


def move(db: HQDatabase, kiosk_id: str, touchpoint: str, actor: str) -> str:
    """Move the kiosk; returns the touchpoint it was at."""
    try:
        kiosk_id = str(uuid.UUID(str(kiosk_id)))
    except ValueError:
        raise MoveError("no_kiosk", f"{str(kiosk_id)[:40]!r} is not a kiosk id (a UUID)") from None
    if not isinstance(touchpoint, str) or not ID_RE.fullmatch(touchpoint):
        raise MoveError("bad_touchpoint", f"{str(touchpoint)[:70]!r} is not a touchpoint id")
    known = touchpoints(db)
    if touchpoint not in known:
        raise MoveError(
            "unknown_touchpoint",
            f"no journey or survey has touchpoint {touchpoint!r}; "
            f"the touchpoints are: {', '.join(known)}",
        )
    try:
        return db.move_kiosk(kiosk_id, touchpoint, actor)
    except UnknownKiosk as e:
        raise MoveError("no_kiosk", str(e)) from None
    except HQDatabaseError as e:
        key = "revoked" if "revoked" in str(e) else "same_touchpoint"
        raise MoveError(key, str(e)) from None
