"""What each dashboard user may do and see.

- ``admin``: everything, including users, journeys, surveys and kiosks;
- ``analyst``: every store's figures, comments and exports, and actions and alerts;
- ``store_manager``: the same, but only of the stores in user_stores, filtered on the
  server (a store manager of no store sees nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from hq.db.database import HQDatabase
from hq.db.tables import user_stores, users
from hq.mail import MailError, check_address
from hq.storeinfo import STORE_ID_RE

ADMIN = "admin"
ANALYST = "analyst"
STORE_MANAGER = "store_manager"
ROLES = (ADMIN, ANALYST, STORE_MANAGER)


@dataclass(frozen=True)
class Member:
    """A dashboard user as alerts and digests address them."""

    name: str
    role: str
    email: str | None
    # The stores a store manager sees; None: every store (admins and analysts).
    stores: frozenset[str] | None

    def sees(self, store: str | None) -> bool:
        """Whether this user may see what belongs to ``store`` (None: chain-wide things,
        which only users who see every store may)."""
        if self.stores is None:
            return True
        return store is not None and store in self.stores


def members(db: HQDatabase) -> list[Member]:
    """Every user, by name."""
    with db.reading() as conn:
        rows = conn.execute(
            select(users.c.name, users.c.role, users.c.email).order_by(users.c.name)
        ).all()
        kept: dict[str, set[str]] = defaultdict(set)
        for link in conn.execute(select(user_stores.c.user_name, user_stores.c.store_id)):
            kept[link.user_name].add(link.store_id)
    return [
        Member(
            r.name,
            r.role,
            r.email,
            frozenset(kept[r.name]) if r.role == STORE_MANAGER else None,
        )
        for r in rows
    ]


def member(db: HQDatabase, name: str) -> Member | None:
    with db.reading() as conn:
        row = conn.execute(
            select(users.c.name, users.c.role, users.c.email).where(users.c.name == name)
        ).first()
        if row is None:
            return None
        stores = frozenset(
            conn.execute(
                select(user_stores.c.store_id).where(user_stores.c.user_name == name)
            ).scalars()
        )
    return Member(row.name, row.role, row.email, stores if row.role == STORE_MANAGER else None)


class RoleError(ValueError):
    """A role, store list or e-mail address HQ cannot use; ``str(e)`` says why."""


def set_member(
    db: HQDatabase,
    name: str,
    *,
    role: str,
    stores: Iterable[str] = (),
    email: str | None = None,
) -> None:
    """Give user ``name`` a role, their stores (store managers only) and an e-mail address
    (None: none). RoleError if the user does not exist or a value cannot be used."""
    if role not in ROLES:
        raise RoleError(f"{role[:40]!r} is not a role (one of {', '.join(ROLES)})")
    kept = sorted(set(stores))
    for store in kept:
        if not STORE_ID_RE.fullmatch(store):
            raise RoleError(f"{store[:80]!r} is not a store id")
    if kept and role != STORE_MANAGER:
        raise RoleError(f"only a {STORE_MANAGER} has stores of their own; a {role} sees all")
    if email is not None:
        try:
            email = check_address(email)
        except MailError as e:
            raise RoleError(str(e)) from None
    with db.writing() as conn:
        changed = conn.execute(
            update(users).where(users.c.name == name).values(role=role, email=email)
        ).rowcount
        if changed != 1:
            raise RoleError(f"no user {name!r}")
        conn.execute(delete(user_stores).where(user_stores.c.user_name == name))
        if kept:
            conn.execute(insert(user_stores), [{"user_name": name, "store_id": s} for s in kept])
