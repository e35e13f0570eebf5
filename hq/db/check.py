"""``ces-hq db check``: the database's own consistency check, and what it found.

SQLite: ``PRAGMA integrity_check`` on the file, opened read-only (a damaged file is not
written to, not even by a checkpoint). PostgreSQL: the amcheck extension,
``bt_index_check`` on every index of HQ's tables and ``verify_heapam`` on the tables.

Exit status: 0 nothing wrong found, 1 damage found, 2 the check could not be run.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from hq.db.database import PG_CONNECT_TIMEOUT_S, HQDatabaseError, describe_error, parse_url
from hq.db.tables import metadata

FINE, DAMAGED, NOT_CHECKED = 0, 1, 2
# SQLite's list of problems can be long; the first ones say enough.
MAX_PROBLEMS = 100
# SQLSTATEs amcheck raises for damage (data_corrupted, index_corrupted).
_CORRUPTION_STATES = frozenset({"XX001", "XX002"})
_INSUFFICIENT_PRIVILEGE = "42501"
_GRANT_HINT = (
    "; a superuser can let this role run the checks: GRANT EXECUTE ON FUNCTION "
    "bt_index_check(regclass, boolean), verify_heapam TO <role>"
)


@dataclass
class Finding:
    status: int
    lines: list[str] = field(default_factory=list)


def check(raw_url: str) -> Finding:
    try:
        url = parse_url(raw_url)
    except HQDatabaseError as e:
        return Finding(NOT_CHECKED, [str(e)])
    if url.drivername == "sqlite":
        assert url.database is not None
        return check_sqlite(Path(url.database))
    return check_postgresql(url)


# --- SQLite -------------------------------------------------------------------------------


def check_sqlite(path: Path) -> Finding:
    if not path.is_file():
        return Finding(NOT_CHECKED, [f"no SQLite database at {path}"])
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as e:
        return Finding(NOT_CHECKED, [f"cannot open {path}: {e}"])
    try:
        problems = [str(row[0]) for row in conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})")]
    except sqlite3.OperationalError as e:
        # Locked, unreadable, out of memory: says nothing about the file's state.
        return Finding(NOT_CHECKED, [f"cannot check {path}: {e}"])
    except sqlite3.DatabaseError as e:
        # "file is not a database", "database disk image is malformed": SQLite cannot
        # even read the schema.
        return Finding(DAMAGED, [f"{path}: DAMAGED: {e}"])
    finally:
        conn.close()
    if problems == ["ok"]:
        return Finding(FINE, [f"{path}: SQLite integrity_check: ok"])
    more = " (the first ones)" if len(problems) >= MAX_PROBLEMS else ""
    return Finding(
        DAMAGED,
        [f"{path}: DAMAGED: SQLite integrity_check found {len(problems)} problems{more}:"]
        + [f"  {p}" for p in problems],
    )


# --- PostgreSQL ---------------------------------------------------------------------------

_INDEXES = text(
    """
    SELECT format('%I.%I', n.nspname, c.relname) AS index_name, t.relname AS table_name
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am a ON a.oid = c.relam
    WHERE a.amname = 'btree' AND n.nspname = current_schema() AND t.relname = ANY(:tables)
    ORDER BY t.relname, c.relname
    """
)
_TABLES = text(
    """
    SELECT format('%I.%I', n.nspname, t.relname) AS qualified, t.relname AS table_name
    FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE t.relkind = 'r' AND n.nspname = current_schema() AND t.relname = ANY(:tables)
    ORDER BY t.relname
    """
)
_AMCHECK_SCHEMA = text(
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
    "WHERE e.extname = 'amcheck'"
)


def check_postgresql(url: URL) -> Finding:
    shown = url.render_as_string(hide_password=True)
    engine = create_engine(
        url,
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",  # one failed check does not abort the others
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        hide_parameters=True,
    )
    try:
        with engine.connect() as conn:
            return _amcheck(conn, shown)
    except SQLAlchemyError as e:
        return Finding(NOT_CHECKED, [f"cannot check {shown}: {describe_error(e)}"])
    finally:
        engine.dispose()


def _amcheck(conn: Connection, shown: str) -> Finding:
    schema = conn.execute(_AMCHECK_SCHEMA).scalar()
    if schema is None:
        try:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        except DBAPIError as e:
            return Finding(
                NOT_CHECKED,
                [
                    f"cannot check {shown}: the amcheck extension is not available "
                    f"({describe_error(e)}); a superuser can add it with "
                    "CREATE EXTENSION amcheck; in this database",
                ],
            )
        schema = conn.execute(_AMCHECK_SCHEMA).scalar()
    names = list(metadata.tables)
    indexes = list(conn.execute(_INDEXES, {"tables": names}))
    tables = list(conn.execute(_TABLES, {"tables": names}))
    if not tables:
        return Finding(NOT_CHECKED, [f"no HQ tables in the current schema of {shown}"])
    quoted = '"' + str(schema).replace('"', '""') + '"'
    has_heapam = (
        conn.execute(
            text("SELECT to_regproc(:name) IS NOT NULL"), {"name": f"{quoted}.verify_heapam"}
        ).scalar()
        is True
    )
    problems: list[str] = []
    for row in indexes:
        error = _run(
            conn, f"SELECT {quoted}.bt_index_check(CAST(:rel AS regclass), true)", row.index_name
        )
        if error is not None:
            if error[0] not in _CORRUPTION_STATES:
                hint = _GRANT_HINT if error[0] == _INSUFFICIENT_PRIVILEGE else ""
                return Finding(
                    NOT_CHECKED, [f"cannot check index {row.index_name}: {error[1]}{hint}"]
                )
            problems.append(f"  index {row.index_name} (table {row.table_name}): {error[1]}")
    if has_heapam:
        for row in tables:
            sql = (
                f"SELECT blkno, offnum, msg FROM {quoted}.verify_heapam(CAST(:rel AS regclass)) "
                f"LIMIT {MAX_PROBLEMS}"
            )
            try:
                found = list(conn.execute(text(sql), {"rel": row.qualified}))
            except DBAPIError as e:
                state = getattr(e.orig, "sqlstate", None)
                if state not in _CORRUPTION_STATES:
                    hint = _GRANT_HINT if state == _INSUFFICIENT_PRIVILEGE else ""
                    return Finding(
                        NOT_CHECKED,
                        [f"cannot check table {row.qualified}: {describe_error(e)}{hint}"],
                    )
                problems.append(f"  table {row.qualified}: {describe_error(e)}")
                continue
            problems += [
                f"  table {row.qualified}, block {f.blkno}, item {f.offnum}: {f.msg}" for f in found
            ]
    checked = f"{len(indexes)} indexes" + (f" and {len(tables)} tables" if has_heapam else "")
    if problems:
        return Finding(
            DAMAGED,
            [f"{shown}: DAMAGED: amcheck found {len(problems)} problems in {checked}:", *problems],
        )
    return Finding(FINE, [f"{shown}: amcheck: {checked} of HQ checked, no damage found"])


def _run(conn: Connection, sql: str, relation: str) -> tuple[str | None, str] | None:
    """None if the check passed, else (SQLSTATE, message)."""
    try:
        conn.execute(text(sql), {"rel": relation})
    except DBAPIError as e:
        return getattr(e.orig, "sqlstate", None), describe_error(e)
    return None
