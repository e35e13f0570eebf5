"""HQ fixtures: a real store on SQLite or PostgreSQL, and the real service on loopback.

PostgreSQL is this machine's server (EFFORTLESS_TEST_PG_URL, by default
postgresql+psycopg://postgres@127.0.0.1:5432/test). A test run makes its own database and
drops it afterwards; each test gets a fresh schema in it. Where no server answers, the
PostgreSQL variants are skipped, with the reason in the summary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hq_helpers import HQ, DoomedDatabase, serving
from smtp_inbox import Inbox, start_inbox
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hq.db.database import HQDatabase, sqlite_url
from hq.surveys import SurveyCatalog, load_surveys

PG_URL = os.environ.get(
    "EFFORTLESS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


# --- databases ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of this test run's own on the PostgreSQL server; dropped at the end."""
    try:
        admin = create_engine(
            PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {reason}")
    name = f"effortless_hq_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_schema_url(database_url: str, schema: str) -> str:
    # libpq's "options" puts the schema first on the search path of every connection.
    return f"{database_url}?options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new schema on PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    yield from _pg_schema(request.getfixturevalue("pg_database"))


@pytest.fixture
def pg_url(pg_database: str) -> Iterator[str]:
    """A schema of its own on the test run's PostgreSQL database (PostgreSQL only)."""
    yield from _pg_schema(pg_database)


def _pg_schema(database: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(database, schema)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def doomed_pg(pg_database: str) -> Iterator[DoomedDatabase]:
    name = f"effortless_hq_gone_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_database).set(database=name).render_as_string(hide_password=False)
    try:
        yield DoomedDatabase(url, name, admin)
    finally:
        DoomedDatabase(url, name, admin).drop()  # if the test did not get that far
        admin.dispose()


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path)


@pytest.fixture
def db(database_url: str) -> Iterator[HQDatabase]:
    opened = HQDatabase.open(database_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def surveys() -> SurveyCatalog:
    return load_surveys()


# --- the service ------------------------------------------------------------------------------


@pytest.fixture
def hq(db: HQDatabase, surveys: SurveyCatalog) -> Iterator[HQ]:
    """The service on SQLite and on PostgreSQL."""
    with serving(db, surveys) as url:
        yield HQ(url, db)


@pytest.fixture
def hq_sqlite(sqlite_database_url: str, surveys: SurveyCatalog) -> Iterator[HQ]:
    """The service on SQLite only, for what does not depend on the database."""
    opened = HQDatabase.open(sqlite_database_url)
    try:
        with serving(opened, surveys) as url:
            yield HQ(url, opened)
    finally:
        opened.close()


# --- e-mail ---------------------------------------------------------------------------


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd); ``smtp_inbox.url`` is its --smtp-url."""
    inbox, controller = start_inbox()
    try:
        yield inbox
    finally:
        controller.stop()
