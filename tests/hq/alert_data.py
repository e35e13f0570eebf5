"""Stores, kiosks, answers and rules for the alert tests, through HQ's own code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dashboard_data import Spec, add, kiosk

from hq import journeys, storeinfo
from hq.alerts import rules
from hq.db.database import EnrolledKiosk, HQDatabase

# A Wednesday afternoon in Amsterdam (14:00 UTC is 15:00 there).
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
ZONE = "Europe/Amsterdam"
HOURS = "mon-sun 09:00-21:00"


def store(db: HQDatabase, store_id: str = "s001", **kw: Any) -> EnrolledKiosk:
    """A store open 09:00-21:00 in Amsterdam, with one kiosk."""
    storeinfo.set_store(
        db, store_id, name=kw.pop("name", "Centrum"), time_zone=ZONE, opening_hours=HOURS, **kw
    )
    return kiosk(db, store_id)


def target(db: HQDatabase, touchpoint: str = "in_store_purchase", goal: int = 80) -> None:
    journeys.add_journey(db, "shopping", {"en": "Shopping", "nl": "Winkelen"})
    journeys.add_touchpoint(
        db,
        "shopping",
        touchpoint,
        names={"en": "Till", "nl": "Kassa"},
        survey="in_store_purchase",
        target=goal,
        surveys={"in_store_purchase"},
    )


def answers(
    db: HQDatabase, where: EnrolledKiosk, scores: list[int], *, start: datetime, every: timedelta
) -> None:
    add(db, where, [Spec(start + i * every, s, "service") for i, s in enumerate(scores)])


def rule(db: HQDatabase, kind: str, scope: str = "chain", **kw: Any) -> rules.Rule:
    settings = kw.pop("settings", {})
    checked = rules.check_rule(kind=kind, scope=scope, settings=settings, created_by="anna", **kw)
    new_id = rules.add_rule(db, checked, now=NOW - timedelta(days=30))
    found = rules.get_rule(db, new_id)
    assert found is not None
    return found
