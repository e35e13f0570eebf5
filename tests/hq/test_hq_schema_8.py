"""Schema 8 (roles, scheduled work, footfall): a schema 7 database is upgraded in place,
its users stay able to do what they could (admins) and its actions count as in progress."""

from __future__ import annotations

from datetime import date

from hq_helpers import mark_schema_version, stored_schema_version
from sqlalchemy import insert, select, text

from hq import roles, users
from hq.db.database import HQDatabase
from hq.db.tables import SCHEMA_VERSION, actions


def test_a_schema_7_database_keeps_its_users_as_admins(database_url: str) -> None:
    db = HQDatabase.open(database_url)
    users.add_user(db, "anna", "a long password")
    with db.engine.begin() as conn:
        conn.execute(
            insert(actions).values(
                title="Extra till",
                started_on=date(2026, 11, 2),
                created_by="anna",
                created_at="2026-11-01T10:00:00.000000Z",
            )
        )
        for table in ("footfall", "job_runs", "user_stores"):
            conn.execute(text(f"DROP TABLE {table}"))
        for table, column in (
            ("users", "role"),
            ("users", "email"),
            ("actions", "owner"),
            ("actions", "factor"),
            ("actions", "status"),
        ):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        mark_schema_version(conn, 7)
    db.close()
    upgraded = HQDatabase.open(database_url)
    try:
        with upgraded.reading() as conn:
            assert stored_schema_version(conn) == str(SCHEMA_VERSION)
            (status,) = conn.execute(select(actions.c.status)).scalars()
        assert status == "in_progress"
        assert roles.member(upgraded, "anna") == roles.Member("anna", "admin", None, None)
        # The new tables are there to be used.
        users.add_user(upgraded, "bert", "another long password")
        assert [m.name for m in roles.members(upgraded)] == ["anna", "bert"]
    finally:
        upgraded.close()
