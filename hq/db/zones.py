"""Stores' time zones: the chain's (hq_meta "time_zone", UTC until set) and each store's own.

An answer's day is the date where its store is when it was given: late-evening answers in
Amsterdam belong to that evening, not to the next UTC day. Days and weeks on the dashboard,
the daily counts, the filters, actions and exports are all cut this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, bindparam, func, select

from hq.db.tables import meta, stores

CHAIN_ZONE_KEY = "time_zone"
# An arbitrary constant: the advisory lock (PostgreSQL) that a change of zones holds
# exclusively and every ingest shares, so no batch is counted in a zone being replaced.
# SQLite has one writer at a time anyway.
ZONE_LOCK_KEY = 0x45464C5A
DEFAULT_ZONE = "UTC"
MAX_ZONE_CHARS = 64


class ZoneError(ValueError):
    pass


def check_zone(name: str) -> str:
    """The IANA name as given, if Python knows it; else ZoneError saying what is wanted."""
    shown = name[:70]
    if not name or len(name) > MAX_ZONE_CHARS or not name.isprintable() or ".." in name:
        raise ZoneError(f"{shown!r} is not a time zone; use an IANA name, e.g. Europe/Amsterdam")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ZoneError(
            f"unknown time zone {shown!r}; use an IANA name, e.g. Europe/Amsterdam"
        ) from None
    return name


class LocalDays:
    """Local days of instants in one zone, remembered per minute (offsets are whole minutes)."""

    def __init__(self, zone: str) -> None:
        self.name = zone
        self.zone = ZoneInfo(zone)
        self._utc = zone == "UTC"
        self._seen: dict[str, date] = {}

    def of(self, at: str | datetime) -> date:
        """The local date of a stored timestamp: canonical UTC text or an aware datetime."""
        if isinstance(at, datetime):
            return at.astimezone(self.zone).date()
        minute = at[:16]
        day = self._seen.get(minute)
        if day is None:
            if self._utc:
                day = date.fromisoformat(at[:10])
            else:
                day = datetime.fromisoformat(minute + ":00+00:00").astimezone(self.zone).date()
            if len(self._seen) > 200_000:
                self._seen.clear()
            self._seen[minute] = day
        return day

    def start(self, day: date) -> datetime:
        """The UTC instant the local day begins (its first existing local moment)."""
        return datetime.combine(day, time(), self.zone).astimezone(UTC)

    def bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        """UTC instants from the start of ``first`` to the start of the day after ``last``."""
        return self.start(first), self.start(last + timedelta(days=1))


@dataclass(frozen=True)
class Zones:
    """The chain's zone and the stores that have their own."""

    chain: str = DEFAULT_ZONE
    stores: Mapping[str, str] = field(default_factory=dict)

    def name_of(self, store_id: str) -> str:
        return self.stores.get(store_id, self.chain)

    def days(self, store_id: str) -> LocalDays:
        return _local_days(self.name_of(store_id))

    def groups(self) -> list[tuple[LocalDays, list[str], bool]]:
        """Stores by zone: (days, store ids, whether it is every other store too).

        The chain's zone covers every store not listed with a zone of its own (stores are
        known from kiosks, not only from the stores table).
        """
        by_zone: dict[str, list[str]] = {}
        for store_id, zone in sorted(self.stores.items()):
            if zone != self.chain:
                by_zone.setdefault(zone, []).append(store_id)
        out = [(_local_days(zone), ids, False) for zone, ids in sorted(by_zone.items())]
        others = sorted(s for ids in by_zone.values() for s in ids)
        return [(_local_days(self.chain), others, True), *out]

    @property
    def uniform(self) -> bool:
        return all(zone == self.chain for zone in self.stores.values())


_CACHE: dict[str, LocalDays] = {}


def _local_days(zone: str) -> LocalDays:
    found = _CACHE.get(zone)
    if found is None:
        found = _CACHE[zone] = LocalDays(zone)
    return found


def chain_zone(conn: Connection) -> str:
    value = conn.execute(
        select(meta.c.value).where(meta.c.key == CHAIN_ZONE_KEY)
    ).scalar_one_or_none()
    return str(value) if value else DEFAULT_ZONE


def read_zones(conn: Connection) -> Zones:
    own = {
        str(store_id): str(zone)
        for store_id, zone in conn.execute(
            select(stores.c.id, stores.c.time_zone).where(stores.c.time_zone.is_not(None))
        )
    }
    return Zones(chain_zone(conn), own)


# Built once: ingest runs it for every batch.
_STORE_ZONE = select(
    select(stores.c.time_zone).where(stores.c.id == bindparam("store_id")).scalar_subquery(),
    select(meta.c.value).where(meta.c.key == CHAIN_ZONE_KEY).scalar_subquery(),
)
_SHARE_ZONES = select(func.pg_advisory_xact_lock_shared(ZONE_LOCK_KEY))


def store_zone(conn: Connection, store_id: str) -> LocalDays:
    """One store's zone (ingest asks once per batch), sharing the zones' lock until the
    transaction ends on PostgreSQL. The lock comes first, in a statement of its own: a
    statement reads what was committed when it began, so a read that waited for a change
    of zones in the same statement would still see the old zone."""
    if conn.dialect.name == "postgresql":
        conn.execute(_SHARE_ZONES)
    own, chain = conn.execute(_STORE_ZONE, {"store_id": store_id}).one()
    return _local_days(str(own or chain or DEFAULT_ZONE))


def lock_zones(conn: Connection) -> None:
    """Wait for every ingest that counted in the current zones, and keep new ones waiting
    until this transaction ends (PostgreSQL; SQLite's write lock does it there)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(ZONE_LOCK_KEY)))


def set_chain_zone(conn: Connection, zone: str) -> None:
    """Write the chain's zone (the caller moves the counts, in the same transaction)."""
    found = conn.execute(select(meta.c.key).where(meta.c.key == CHAIN_ZONE_KEY)).first()
    if found is None:
        conn.execute(meta.insert().values(key=CHAIN_ZONE_KEY, value=zone))
    else:
        conn.execute(meta.update().where(meta.c.key == CHAIN_ZONE_KEY).values(value=zone))
