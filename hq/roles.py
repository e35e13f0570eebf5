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

from sqlalchemy import delete, func, insert, select, update

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
    """A role, store list or e-mail address HQ cannot use; ``str(e)`` says why (English),
    ``key`` which problem it is (the dashboard words it: webtexts ``u_err_<key>``)."""

    def __init__(self, problem: str, key: str = "value") -> None:
        self.key = key
        super().__init__(problem)


# The most stores one store manager is given (a form or a command line, not a crawl).
MAX_STORES = 500


def parse_stores(raw: str) -> list[str]:
    """Store ids as typed: separated by commas, spaces or new lines."""
    return [s for s in raw.replace(",", " ").split() if s]


def checked(
    role: str, stores: Iterable[str] = (), email: str | None = None
) -> tuple[str, list[str], str | None]:
    """The role, stores and e-mail address as HQ keeps them; RoleError if one cannot be used."""
    if role not in ROLES:
        raise RoleError(f"{role[:40]!r} is not a role (one of {', '.join(ROLES)})", "role")
    kept = sorted(set(stores))
    if len(kept) > MAX_STORES:
        raise RoleError(f"at most {MAX_STORES} stores", "too_many")
    for store in kept:
        if not STORE_ID_RE.fullmatch(store):
            raise RoleError(f"{store[:80]!r} is not a store id", "store")
    if kept and role != STORE_MANAGER:
        raise RoleError(
            f"only a {STORE_MANAGER} has stores of their own; a {role} sees all", "stores_role"
        )
    if email is not None and email.strip():
        try:
            email = check_address(email.strip())
        except MailError as e:
            raise RoleError(str(e), "email") from None
    else:
        email = None
    return role, kept, email


def admin_count(db: HQDatabase) -> int:
    with db.reading() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(users).where(users.c.role == ADMIN)
            ).scalar_one()
        )


def set_member(
    db: HQDatabase,
    name: str,
    *,
    role: str,
    stores: Iterable[str] = (),
    email: str | None = None,
) -> None:
    """Give user ``name`` a role, their stores (store managers only) and an e-mail address
    (None: none). RoleError if the user does not exist, a value cannot be used, or it would
    take the admin role from the last admin (nobody could manage users any more)."""
    role, kept, email = checked(role, stores, email)
    with db.writing() as conn:
        was = conn.execute(select(users.c.role).where(users.c.name == name)).first()
        if was is None:
            raise RoleError(f"no user {name!r}", "user")
        if was.role == ADMIN and role != ADMIN:
            # Counted inside the writing transaction: two admins demoting each other at
            # once cannot both succeed (SQLite writes one at a time; PostgreSQL locks the
            # admins' rows).
            admins = conn.execute(
                select(users.c.name).where(users.c.role == ADMIN).with_for_update()
            ).all()
            if len(admins) <= 1:
                raise RoleError(
                    f"{name!r} is the last admin: make another user an admin first",
                    "last_admin",
                )
        conn.execute(update(users).where(users.c.name == name).values(role=role, email=email))
        conn.execute(delete(user_stores).where(user_stores.c.user_name == name))
        if kept:
            conn.execute(insert(user_stores), [{"user_name": name, "store_id": s} for s in kept])


def describe(role: str, stores: Iterable[str], email: str | None) -> str:
    """A user's role for the audit log: the role and the stores (never more than a few
    hundred characters; an e-mail address is said to be set, not written out)."""
    kept = sorted(stores)
    shown = f"{role}" + (f" of {', '.join(kept[:20])}" if kept else "")
    if len(kept) > 20:
        shown += f" and {len(kept) - 20} more"
    return shown + ("; e-mail set" if email else "; no e-mail")
