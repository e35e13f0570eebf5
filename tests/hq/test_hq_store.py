"""The store itself, on SQLite and PostgreSQL: schema set-up and its version guard, the
SQLite settings, database URLs, and exactly-once between several stores (as several
ces-hq processes would hold) on one database."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hq_helpers import make_answers
from sqlalchemy import create_engine, inspect, text, update

from hq.db import comment_words
from hq.db.database import (
    EnrolledKiosk,
    EnrolRefused,
    HQDatabase,
    HQDatabaseError,
    SchemaTooNew,
    UnknownKiosk,
    parse_url,
)
from hq.db.tables import SCHEMA_VERSION, meta
from hq.surveys import SurveyCatalog
from hq.validate import check_answer


def _checked(surveys: SurveyCatalog, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [check_answer(dict(a), surveys.rules) for a in answers]


def _enrolled(db: HQDatabase) -> EnrolledKiosk:
    new = db.add_kiosk("s042", "in_store_purchase")
    token = db.enrol(new.code).token
    kiosk = db.authenticate(token)
    assert kiosk is not None
    return kiosk


def test_the_schema_is_made_with_its_version_and_indexes(db: HQDatabase) -> None:
    with db.engine.connect() as conn:
        version = conn.execute(text("SELECT value FROM hq_meta WHERE key = 'schema_version'"))
        assert version.scalar_one() == str(SCHEMA_VERSION)
        inspector = inspect(conn)
        assert {"hq_meta", "kiosks", "enrolment_codes", "responses"} <= set(
            inspector.get_table_names()
        )
        indexes = {
            tuple(i["column_names"])
            for i in inspector.get_indexes("responses")
            if i["name"] != comment_words.INDEX_NAME
        }
        names = {i["name"] for i in inspector.get_indexes("responses")}
    # Narrow: figures read the counts (schema 4), so every index is written by every answer
    # for the few reads of the answers themselves.
    assert indexes == {
        ("store_id", "answered_at"),
        ("answered_at", "store_id", "touchpoint"),
        ("answered_at", "store_id", "flags", "outcome"),  # comments only (partial)
        ("kiosk_id", "answered_at"),  # rapid answers only (partial)
    }
    # And on PostgreSQL the comments' words (pg_trgm, on this server), for the search.
    assert (comment_words.INDEX_NAME in names) == (not db.is_sqlite)


def test_reopening_keeps_what_is_stored(database_url: str, surveys: SurveyCatalog) -> None:
    first = HQDatabase.open(database_url)
    kiosk = _enrolled(first)
    first.ingest(kiosk, _checked(surveys, make_answers(3)))
    first.close()
    again = HQDatabase.open(database_url)
    try:
        assert again.count_answers() == 3
        assert [k.id for k in again.kiosks()] == [kiosk.id]
    finally:
        again.close()


def test_a_newer_schema_is_refused_and_left_alone(database_url: str) -> None:
    db = HQDatabase.open(database_url)
    with db.engine.begin() as conn:
        conn.execute(update(meta).where(meta.c.key == "schema_version").values(value="99"))
        conn.execute(text("DROP TABLE enrolment_codes"))
    db.close()

    with pytest.raises(SchemaTooNew) as refused:
        HQDatabase.open(database_url)
    assert f"has schema version 99, newer than this ces-hq knows ({SCHEMA_VERSION})" in str(
        refused.value
    )
    assert "Nothing was changed." in str(refused.value)

    # The refused open did not go on to create the missing table.
    engine = create_engine(parse_url(database_url))
    try:
        with engine.connect() as conn:
            assert not inspect(conn).has_table("enrolment_codes")
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_database_url: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        with db.engine.connect() as conn:
            settings = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "busy_timeout", "synchronous", "foreign_keys")
            }
    finally:
        db.close()
    assert settings == {
        "journal_mode": "wal",
        "busy_timeout": 10_000,
        "synchronous": 2,
        "foreign_keys": 1,
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("::nonsense", "not a database URL: '::nonsense'"),
        ("mysql://root@localhost/hq", "unsupported database 'mysql'"),
        ("postgresql+asyncpg://u@h/db", "unsupported database 'postgresql+asyncpg'"),
        ("sqlite://", "an SQLite database URL needs a file: sqlite:///PATH"),
        ("sqlite:///:memory:", "an SQLite database URL needs a file: sqlite:///PATH"),
    ],
)
def test_a_url_hq_cannot_use_is_one_clear_error(url: str, message: str) -> None:
    with pytest.raises(HQDatabaseError) as refused:
        HQDatabase.open(url)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_plain_postgresql_urls_use_psycopg() -> None:
    assert parse_url("postgresql://u@h:5432/db").drivername == "postgresql+psycopg"


def test_an_sqlite_file_in_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(HQDatabaseError) as refused:
        HQDatabase.open(f"sqlite:///{tmp_path}/nope/hq.db")
    assert (
        str(refused.value) == f"the folder for the SQLite database does not exist: {tmp_path}/nope"
    )


def test_an_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(HQDatabaseError) as refused:
        HQDatabase.open("postgresql+psycopg://hq:secret@127.0.0.1:1/hq")
    message = str(refused.value)
    assert message.startswith(
        "cannot use the database postgresql+psycopg://hq:***@127.0.0.1:1/hq: "
    )
    assert "secret" not in message
    assert "\n" not in message


def test_unknown_kiosks(db: HQDatabase) -> None:
    missing = "3f1c2b9e-0000-4000-8000-000000000000"
    with pytest.raises(UnknownKiosk):
        db.revoke(missing)
    with pytest.raises(UnknownKiosk):
        db.kiosk(missing)


def test_ingest_results_and_stored_columns(db: HQDatabase, surveys: SurveyCatalog) -> None:
    kiosk = _enrolled(db)
    first = _checked(surveys, make_answers(3))
    assert [r.status for r in db.ingest(kiosk, first)] == ["new"] * 3
    resent = {**make_answers(1)[0], "id": first[0]["id"]}
    changed = {**resent, "score": 1}
    again = _checked(surveys, [*make_answers(1), resent, changed])
    results = db.ingest(kiosk, again)
    assert [r.status for r in results] == ["new", "duplicate", "rejected"]
    rows = db.answers(kiosk.id)
    assert len(rows) == 4
    assert all(len(r["content_hash"]) == 64 for r in rows)
    # One receipt per ingest transaction.
    assert len({r["receipt"] for r in rows}) == 2


def test_several_stores_on_one_database_store_each_answer_once(
    database_url: str, surveys: SurveyCatalog
) -> None:
    """Like several ces-hq processes: each has its own Store (pool, locks) on one database."""
    stores = [HQDatabase.open(database_url) for _ in range(4)]
    try:
        kiosk = _enrolled(stores[0])
        batch = make_answers(300)
        barrier = threading.Barrier(len(stores) * 2)
        outcomes: list[list[str]] = []
        errors: list[BaseException] = []

        def ingest(db: HQDatabase) -> None:
            try:
                answers = _checked(surveys, batch)
                barrier.wait(timeout=30)
                outcomes.append([r.status for r in db.ingest(kiosk, answers)])
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=ingest, args=(s,)) for s in stores * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        for i in range(len(batch)):
            assert Counter(o[i] for o in outcomes) == {"new": 1, "duplicate": len(threads) - 1}
        assert stores[1].count_answers() == len(batch)
    finally:
        for s in stores:
            s.close()


def test_overlapping_batches_in_opposite_order_do_not_deadlock(
    database_url: str, surveys: SurveyCatalog
) -> None:
    stores = [HQDatabase.open(database_url) for _ in range(2)]
    try:
        kiosk = _enrolled(stores[0])
        batch = make_answers(400)
        orders = [batch, list(reversed(batch))]
        barrier = threading.Barrier(2)
        outcomes: list[list[str]] = []

        def ingest(db: HQDatabase, answers: list[dict[str, Any]]) -> None:
            checked = _checked(surveys, answers)
            barrier.wait(timeout=30)
            outcomes.append([r.status for r in db.ingest(kiosk, checked)])

        threads = [
            threading.Thread(target=ingest, args=a) for a in zip(stores, orders, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert sorted(Counter(o).get("new", 0) for o in outcomes) != [0, 0]
        assert sum(o.count("new") for o in outcomes) == len(batch)
        assert stores[0].count_answers() == len(batch)
    finally:
        for s in stores:
            s.close()


def test_a_code_works_once_across_stores(database_url: str) -> None:
    stores = [HQDatabase.open(database_url) for _ in range(4)]
    try:
        code = stores[0].add_kiosk("s042", "in_store_purchase").code
        barrier = threading.Barrier(len(stores))
        outcomes: list[str] = []

        def enrol(db: HQDatabase) -> None:
            barrier.wait(timeout=30)
            try:
                db.enrol(code)
                outcomes.append("enrolled")
            except EnrolRefused as refused:
                outcomes.append(refused.reason)

        threads = [threading.Thread(target=enrol, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert Counter(outcomes) == {"enrolled": 1, "code_used": len(stores) - 1}
    finally:
        for s in stores:
            s.close()
