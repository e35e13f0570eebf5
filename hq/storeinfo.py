"""What HQ knows about a store besides its id: a name and a region (for the dashboard)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ces.answer import ID_PATTERN
from hq.db.database import HQDatabase
from hq.db.tables import stores

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


def set_store(
    db: HQDatabase, store_id: str, *, name: str | None = None, region: str | None = None
) -> None:
    """Set a store's name and/or region; an empty string clears it, None leaves it."""
    if not STORE_ID_RE.fullmatch(store_id):
        raise StoreInfoError(f"{store_id[:70]!r} is not a store id")
    if region and not STORE_ID_RE.fullmatch(region):
        raise StoreInfoError(
            f"{region[:70]!r} is not a region id (letters, digits, '_' or '-', at most 64)"
        )
    if name is not None and (len(name) > MAX_NAME_CHARS or not name.isprintable()):
        raise StoreInfoError(f"a store name is at most {MAX_NAME_CHARS} printable characters")
    with db.writing() as conn:
        row = conn.execute(select(stores).where(stores.c.id == store_id)).first()
        values = {
            "name": (name or None) if name is not None else (row.name if row else None),
            "region": (region or None) if region is not None else (row.region if row else None),
        }
        if row is None:
            conn.execute(stores.insert().values(id=store_id, **values))
        else:
            conn.execute(stores.update().where(stores.c.id == store_id).values(**values))


def store_list(db: HQDatabase) -> list[StoreInfo]:
    with db.reading() as conn:
        return [
            StoreInfo(r.id, r.name, r.region)
            for r in conn.execute(select(stores).order_by(stores.c.id))
        ]
