"""``ces-hq user ...``: the options and listing for users' roles, stores and e-mail addresses.

    ces-hq user add NAME [--role ROLE] [--stores S1,S2] [--email ADDR] [--password-stdin]
    ces-hq user set NAME [--role ROLE] [--stores S1,S2] [--email ADDR]
    ces-hq user list [--json]

A new user without ``--role`` is a store manager if given ``--stores``, else an analyst
(every store's figures, nothing to manage), except the first: while HQ has no admin, a new
user becomes one, so that someone can manage the others. Every change is written to the audit log (``ces-hq audit``).
"""

from __future__ import annotations

import argparse
import json

from hq import erasure, roles
from hq.db.database import HQDatabase


def add_role_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--role",
        metavar="ROLE",
        help=f"one of {', '.join(roles.ROLES)} (new users: analyst, or admin while HQ has none)",
    )
    parser.add_argument(
        "--stores",
        metavar="S1,S2",
        help="a store manager's stores, separated by commas ('' for none)",
    )
    parser.add_argument("--email", metavar="ADDR", help="where alerts and digests go ('' for none)")


def check_options(args: argparse.Namespace) -> None:
    """RoleError for a role, store or e-mail address that cannot be used, before anything
    is written (a new user with a bad store id is not created at all)."""
    stores = roles.parse_stores(args.stores or "")
    roles.checked(
        args.role or (roles.STORE_MANAGER if stores else roles.ANALYST), stores, args.email
    )


def apply(
    db: HQDatabase, name: str, args: argparse.Namespace, actor: str, *, new: bool
) -> roles.Member:
    """The options given applied to user ``name`` (the rest kept); the audit log says so."""
    was = roles.member(db, name)
    if was is None:
        raise roles.RoleError(f"no user {name!r}", "user")
    given = roles.parse_stores(args.stores) if args.stores is not None else None
    role = args.role or (default_role_of_new(db, name, given) if new else was.role)
    if given is not None:
        stores = given
    else:
        stores = sorted(was.stores or ()) if role == roles.STORE_MANAGER else []
    email = was.email if args.email is None else args.email
    roles.set_member(db, name, role=role, stores=stores, email=email)
    now = roles.member(db, name)
    assert now is not None
    if new or now != was:
        erasure.record(
            db,
            actor,
            "user_added" if new else "user_changed",
            1,
            f"{name}: " + roles.describe(now.role, now.stores or (), now.email),
        )
    return now


def default_role_of_new(db: HQDatabase, name: str, stores: list[str] | None) -> str:
    """A new user's role: a store manager if given stores; else admin while no other user is
    one, and analyst after."""
    if stores:
        return roles.STORE_MANAGER
    others = [m for m in roles.members(db) if m.role == roles.ADMIN and m.name != name]
    return roles.ANALYST if others else roles.ADMIN


def listing(db: HQDatabase, as_json: bool) -> str:
    found = roles.members(db)
    if as_json:
        return json.dumps(
            [
                {
                    "name": m.name,
                    "role": m.role,
                    "stores": sorted(m.stores) if m.stores is not None else None,
                    "email": m.email,
                }
                for m in found
            ],
            indent=2,
        )
    if not found:
        return "no users yet; add one with: ces-hq user add NAME"
    rows = [("NAME", "ROLE", "STORES", "E-MAIL")]
    for m in found:
        shown = "all" if m.stores is None else ",".join(sorted(m.stores)) or "(none)"
        rows.append((m.name, m.role, shown, m.email or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(r[:3], widths, strict=True))
        + "  "
        + r[3]
        for r in rows
    )
