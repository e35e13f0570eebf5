"""What HQ knows about a store besides its id: a name, a region, a time zone and its
opening hours."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ces.answer import ID_PATTERN
from ces.opening_hours import OpeningHoursError, canonical
from hq.db import counts, zones
from hq.db.database import HQDatabase
from hq.db.tables import OPENING_HOURS_CHARS, responses, stores

# Store, region and touchpoint ids as HQ takes them from people (CLI, dashboard): the
# contract's id rule, in either case.
STORE_ID_RE = re.compile(ID_PATTERN, re.IGNORECASE | re.ASCII)
MAX_NAME_CHARS = 128


class StoreInfoError(ValueError):
    pass


@dataclass(frozen=True)
class StoreInfo:
    id: str
    name: str | None
    region: str | None
    time_zone: str | None = None  # None: the chain's
    opening_hours: str | None = None  # canonical text; None: none set (always open)


@dataclass(frozen=True)
class KioskStore:
    """What a kiosk needs of its store: the zone it lives in and its opening hours."""

    time_zone: str
    opening_hours: str | None


def set_store(
    db: HQDatabase,
    store_id: str,
    *,
    name: str | None = None,
    region: str | None = None,
    time_zone: str | None = None,
    opening_hours: str | None = None,
) -> None:
    """Set a store's name, region, time zone and/or opening hours; an empty string clears
    it (a zone goes back to the chain's), None leaves it. A new zone moves the store's
    answers to their days in it, in the same transaction."""
    if not STORE_ID_RE.fullmatch(store_id):
        raise StoreInfoError(f"{store_id[:70]!r} is not a store id")
    if region and not STORE_ID_RE.fullmatch(region):
        raise StoreInfoError(
            f"{region[:70]!r} is not a region id (letters, digits, '_' or '-', at most 64)"
        )
    if name is not None and (len(name) > MAX_NAME_CHARS or not name.isprintable()):
        raise StoreInfoError(f"a store name is at most {MAX_NAME_CHARS} printable characters")
    zone = _checked_zone(time_zone) if time_zone else time_zone
    hours = _checked_hours(opening_hours) if opening_hours is not None else None
    with db.writing() as conn:
        if zone is not None:
            zones.lock_zones(conn)
        before = zones.read_zones(conn)
        row = conn.execute(select(stores).where(stores.c.id == store_id)).first()

        def value(given: str | None, column: str) -> str | None:
            if given is not None:
                return given or None
            return getattr(row, column) if row else None

        values = {
            "name": value(name, "name"),
            "region": value(region, "region"),
            "time_zone": value(zone, "time_zone"),
            "opening_hours": value(hours, "opening_hours"),
        }
        if row is None:
            conn.execute(stores.insert().values(id=store_id, **values))
        else:
            conn.execute(stores.update().where(stores.c.id == store_id).values(**values))
        after = zones.read_zones(conn)
        if before.name_of(store_id) != after.name_of(store_id):
            counts.move(conn, before, after, [store_id])


def chain_zone(db: HQDatabase) -> str:
    with db.reading() as conn:
        return zones.chain_zone(conn)


def set_chain_zone(db: HQDatabase, zone: str) -> int:
    """Set the chain's time zone; the answers of every store without a zone of its own move
    to their days in it (one transaction). Returns how many stores moved."""
    checked = _checked_zone(zone)
    with db.writing() as conn:
        zones.lock_zones(conn)
        before = zones.read_zones(conn)
        if before.chain == checked:
            return 0
        zones.set_chain_zone(conn, checked)
        after = zones.read_zones(conn)
        own = set(after.stores)
        moved = sorted(
            s
            for s in (str(x) for x in conn.scalars(select(responses.c.store_id).distinct()))
            if s not in own
        )
        for start in range(0, len(moved), counts.REBUILD_STORES):
            counts.move(conn, before, after, moved[start : start + counts.REBUILD_STORES])
        return len(moved)


def _checked_zone(zone: str) -> str:
    try:
        return zones.check_zone(zone)
    except zones.ZoneError as e:
        raise StoreInfoError(str(e)) from None


def _checked_hours(text: str) -> str:
    try:
        checked = canonical(text)
    except OpeningHoursError as e:
        raise StoreInfoError(str(e)) from None
    if len(checked) > OPENING_HOURS_CHARS:
        raise StoreInfoError("opening hours: too many time ranges")
    return checked


def store_list(db: HQDatabase) -> list[StoreInfo]:
    with db.reading() as conn:
        return [
            StoreInfo(r.id, r.name, r.region, r.time_zone, r.opening_hours)
            for r in conn.execute(select(stores).order_by(stores.c.id))
        ]


def kiosk_store(db: HQDatabase, store_id: str) -> KioskStore:
    """The time zone (the store's own, else the chain's) and opening hours of a store."""
    with db.reading() as conn:
        row = conn.execute(
            select(stores.c.time_zone, stores.c.opening_hours).where(stores.c.id == store_id)
        ).first()
        zone = row.time_zone if row is not None and row.time_zone else zones.chain_zone(conn)
    return KioskStore(zone, row.opening_hours if row is not None else None)
