"""HQ's store: kiosks, enrolment codes and answers, on SQLite or PostgreSQL.

One code path for both (SQLAlchemy Core). Everything that decides correctness lives in
the database, so several ces-hq processes can share one PostgreSQL store: a code is used
once by an atomic UPDATE, and an answer is stored once by INSERT ... ON CONFLICT DO
NOTHING on its primary key.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    bindparam,
    case,
    create_engine,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool

from ces.answer import COMPLETED, RAPID_FLAG
from ces.scrub import scrub_report
from hq import credentials
from hq.db import bursts, comment_words, counts
from hq.db.counts import RAPID_TEXT
from hq.db.tables import (
    RAPID_CONDITION,
    SCHEMA_VERSION,
    actions,
    daily_answers,
    enrolment_codes,
    journey_touchpoints,
    kiosk_events,
    kiosks,
    meta,
    metadata,
    responses,
    stores,
    users,
)
from hq.db.zones import LocalDays, read_zones, store_zone
from hq.moments import moment, stamp, utcnow
from hq.validate import MAX_COMMENT_CHARS, Answer, Heartbeat

log = logging.getLogger("effortless.hq.db")

# The rapid flag as it appears in an answer's flags (compact JSON text, hq.validate).

DB_FILENAME = "hq.db"
# hq_meta: a number every change to the published surveys raises (hq.survey_versions), so
# every ces-hq process on the database sees the change at its next look.
SURVEYS_GENERATION_KEY = "surveys_generation"
# Indexes of the answers that schema 4 dropped (figures read the counts since).
DROPPED_INDEXES = (
    "responses_store_cover",
    "responses_time_cover",
    "responses_touchpoint_time",
    "responses_survey_time",
    "responses_comments_time",  # now responses_comments, with more columns
)
SQLITE_BUSY_TIMEOUT_MS = 10_000
# About 40 MB of log before a commit checkpoints by itself (normally _Checkpointer has).
SQLITE_AUTOCHECKPOINT_PAGES = 10_000
PG_CONNECT_TIMEOUT_S = 10
# How long /readyz waits for a lock or a connection before it says "not ready".
READY_TIMEOUT_S = 2.0
# Store calls a process runs at once besides ingesting (the app bounds its threads to it).
POOL_SIZE = 8
# Batches a process ingests at once on PostgreSQL (on SQLite: one, see Store).
PG_CONCURRENT_WRITERS = 4
# An arbitrary constant: the key of the advisory lock that serialises schema set-up
# between ces-hq processes starting together on one PostgreSQL database.
_SCHEMA_LOCK_KEY = 0x45464C53

# Rows per INSERT statement on SQLite: a whole batch in one. 500 rows x 20 columns stays
# well under SQLite's limit of 32,766 parameters.
_SQLITE_ROWS_PER_STATEMENT = 500

CONFLICT_ERROR = "conflict: an answer with this id is already stored with different content"

Status = Literal["new", "duplicate", "rejected"]
EnrolRefusal = Literal["unknown_code", "code_used", "code_expired", "kiosk_revoked"]


class HQDatabaseError(RuntimeError):
    """The store cannot be used; ``str(e)`` is one line for the operator."""


class SchemaTooNew(HQDatabaseError):
    pass


class WritesFailing(HQDatabaseError):
    """A write failed for the database's own reason (a damaged file), not the request's:
    the request may be sent again once the database is mended."""


class UnknownKiosk(HQDatabaseError):
    pass


class EnrolRefused(Exception):
    def __init__(self, reason: EnrolRefusal) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class EnrolledKiosk:
    """An enrolled, unrevoked kiosk, as its token identifies it."""

    id: str
    store: str
    touchpoint: str
    # Moved by HQ (move_kiosk): the touchpoint before, and when the kiosk took the new one's
    # config (canonical text; None: not yet). Answers given before stay filed under the old.
    previous_touchpoint: str | None = None
    moved_at: str | None = None

    def touchpoint_at(self, answered_at: str) -> str:
        """The touchpoint an answer given at ``answered_at`` (canonical text) was given at."""
        if self.previous_touchpoint is not None and (
            self.moved_at is None or answered_at < self.moved_at
        ):
            return self.previous_touchpoint
        return self.touchpoint


@dataclass(frozen=True)
class NewKiosk:
    id: str
    store: str
    touchpoint: str
    code: str  # shown once, as XXXX-XXXX
    code_expires_at: datetime


@dataclass(frozen=True)
class Enrolment:
    kiosk_id: str
    token: str  # shown once
    store: str
    touchpoint: str


@dataclass(frozen=True)
class KioskInfo:
    id: str
    store: str
    touchpoint: str
    created_at: datetime
    enrolled_at: datetime | None
    revoked_at: datetime | None
    last_seen_at: datetime | None
    queue_depth: int | None
    oldest_unsent_at: datetime | None
    app_version: str | None
    survey_id: str | None
    survey_version: int | None
    kiosk_time: datetime | None
    last_sync_error: str | None
    heartbeat_at: datetime | None
    # New comments from this kiosk HQ had to scrub (a kiosk that needs it runs old software).
    redacted_comments: int = 0
    # Answers HQ rejected that the kiosk keeps aside (its latest heartbeat).
    rejected_answers: int = 0
    # When the kiosk first reported the survey version it reports now.
    survey_since: datetime | None = None
    # Moved by HQ: the touchpoint before, and when the kiosk took the new one's config.
    previous_touchpoint: str | None = None
    moved_at: datetime | None = None

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "enrolled" if self.enrolled_at is not None else "waiting"


@dataclass(frozen=True)
class Result:
    id: str | None  # None: the answer had no well-formed id
    status: Status
    error: str | None = None


# Separates the fields of an answer in its content hash. No field can contain it: comments
# refuse control characters and every other field is an id, a number or a timestamp.
_SEP = "\x1f"
_NULL = "\x1e"


def content_hash(kiosk_id: str, a: Answer) -> str:
    """What makes a resend a duplicate: the same answer from the same kiosk.

    Taken over the answer as stored, so over its scrubbed comment (scrub_comment): a hash
    of the raw text would keep a fingerprint of the personal data HQ removed, and a phone
    number or an IBAN is few enough guesses to find again from it. The scrubber is
    deterministic, so a resend of the same answer hashes the same. (Should an HQ upgrade
    scrub more of a comment than the HQ that stored it, a resend across that upgrade is
    judged a conflict: the stored answer stays, nothing is lost.)
    """
    factor = a["factor"]
    comment = a["comment"]
    payload = _SEP.join(
        (
            kiosk_id,
            a["id"],
            str(a["seq"]),
            a["survey_id"],
            str(a["survey_version"]),
            a["locale"],
            a["scale"],
            str(a["score"]),
            _NULL if factor is None else factor,
            _NULL if comment is None else comment,
            a["outcome"],
            a["flags"],
            a["started_at"],
            a["answered_at"],
            a["finished_at"],
        )
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def scrub_comment(a: Answer) -> dict[str, int]:
    """Scrub the answer's comment in place, as the kiosk does; what was found, by kind.

    Defence in depth: a current kiosk has scrubbed it already (scrubbing is idempotent,
    so that finds nothing), an old kiosk or a hostile client may not have.
    """
    comment = a["comment"]
    if comment is None:
        return {}
    scrubbed = scrub_report(comment)
    # A placeholder can be longer than what it replaced: the stored text keeps the limit.
    a["comment"] = scrubbed.text[:MAX_COMMENT_CHARS].strip() or None
    return scrubbed.found


# --- database URLs -------------------------------------------------------------------------


def sqlite_url(data_dir: Path) -> str:
    return URL.create("sqlite", database=str(data_dir.resolve() / DB_FILENAME)).render_as_string()


def parse_url(raw: str) -> URL:
    """A database URL HQ can use, or StoreError saying why not."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise HQDatabaseError(
            f"not a database URL: {raw!r} "
            "(use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE)"
        ) from None
    backend, _, driver = url.drivername.partition("+")
    if backend == "postgresql" and driver in ("", "psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if not url.database or url.database == ":memory:":
            raise HQDatabaseError("an SQLite database URL needs a file: sqlite:///PATH")
        return url.set(drivername="sqlite")
    raise HQDatabaseError(
        f"unsupported database {url.drivername!r}: use sqlite:///PATH or "
        "postgresql+psycopg://USER@HOST:PORT/DATABASE"
    )


def _shown_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def describe_error(exc: BaseException) -> str:
    """One line about a database error, for logs: the driver's words, no SQL, no values."""
    return _first_line(exc)


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


# --- the store ---------------------------------------------------------------------------


class HQDatabase:
    """HQ's database. Thread-safe: each call takes a pooled connection of its own."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._insert = sqlite.insert if self.is_sqlite else postgresql.insert
        # Writers take SQLite's write lock up front (BEGIN IMMEDIATE) ...
        self._writer = engine.execution_options(effortless_write=True)
        # ... and queue for it here rather than in SQLite's busy handler, which sleeps in
        # steps of milliseconds. Other processes on the same file still wait on the lock
        # itself, so this is speed, not correctness.
        self._write_lock: threading.Lock | None = threading.Lock() if self.is_sqlite else None
        self._compiled: dict[int, tuple[str, Callable[[Answer], Any]]] = {}
        self._groups_repeat: bool | None = None
        # How many batches the app should ingest at once. SQLite has one writer at a time
        # anyway; parsing further batches beside it only makes the threads fight over the
        # GIL, which the writer must win back after every SQLite call.
        self.concurrent_writers = 1 if self.is_sqlite else PG_CONCURRENT_WRITERS
        self._checkpointer = _Checkpointer(engine) if self.is_sqlite else None
        # Why the latest write failed, until a probe write succeeds (see ready()).
        self.write_failure: str | None = None
        # /readyz's engine (takes_write), made at its first use.
        self._prober: Engine | None = None
        self._probe_lock = threading.Lock()

    @classmethod
    def open(cls, raw_url: str) -> HQDatabase:
        url = parse_url(raw_url)
        if url.drivername == "sqlite":
            assert url.database is not None
            path = Path(url.database)
            if not path.parent.is_dir():
                raise HQDatabaseError(
                    f"the folder for the SQLite database does not exist: {path.parent}"
                )
            engine = create_engine(
                url,
                pool_size=POOL_SIZE + 1,  # and one writer
                max_overflow=1,  # the checkpointer
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
                # Parameters hold shoppers' comments: never into exception messages and logs.
                hide_parameters=True,
            )
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
        else:
            engine = create_engine(
                url,
                pool_size=POOL_SIZE + PG_CONCURRENT_WRITERS,
                max_overflow=0,
                pool_pre_ping=True,
                connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
                hide_parameters=True,
            )
        store = cls(engine, url)
        try:
            store._prepare_schema()
        except SchemaTooNew:
            store.close()
            raise
        except (SQLAlchemyError, WritesFailing) as exc:
            store.close()
            raise HQDatabaseError(
                f"cannot use the database {_shown_url(url)}: {_first_line(exc)}"
            ) from None
        return store

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        if self._prober is not None:
            self._prober.dispose()
        self.engine.dispose()

    def timestamp(self, moment_: datetime) -> Any:
        """A moment as this database compares timestamps (SQLite: the canonical text)."""
        return stamp(moment_) if self.is_sqlite else moment_

    def describe(self) -> str:
        return _shown_url(self.url)

    # -- plumbing ------------------------------------------------------------------------

    def _insert_answers(self, conn: Connection, rows: list[Answer]) -> int:
        """INSERT ... ON CONFLICT (id) DO NOTHING for every row; returns how many were new.

        The statements are compiled by SQLAlchemy from the table and run with
        exec_driver_sql: the values go to the driver as they are, without SQLAlchemy's
        per-row parameter processing (a third of the ingest time). That is safe because
        every value is already what the driver takes: text and integers, with timestamps
        and ids as text (see tables.py).

        How the rows are sent is tuned per database. psycopg pipelines an executemany in
        one round trip. Python's sqlite3 releases the GIL around every row of an
        executemany and must win it back each time, which under load from the other
        request threads costs up to a switch interval per row; one multi-row statement
        releases it once.
        """
        if not self.is_sqlite:
            sql, _ = self._multi_row_insert(1)
            return int(conn.exec_driver_sql(sql, rows).rowcount)
        new = 0
        for start in range(0, len(rows), _SQLITE_ROWS_PER_STATEMENT):
            page = rows[start : start + _SQLITE_ROWS_PER_STATEMENT]
            sql, values = self._multi_row_insert(len(page))
            params = tuple(chain.from_iterable(map(values, page)))
            new += int(conn.exec_driver_sql(sql, params).rowcount)
        return new

    def _multi_row_insert(self, size: int) -> tuple[str, Callable[[Answer], Any]]:
        """The INSERT for ``size`` rows, and how to get one row's values for it."""
        cached = self._compiled.get(size)
        if cached is not None:
            return cached
        columns = [c.name for c in responses.c]
        statement = self._insert(responses).on_conflict_do_nothing(index_elements=["id"])
        one = statement.compile(dialect=self.engine.dialect)
        if not one.positiontup:
            # Named placeholders (psycopg): one row at a time, as a dict.
            cached = (one.string, _same)
        else:
            # SQLite's "?" placeholders take the columns in table order, row by row. The
            # multi-row form repeats the VALUES group; made by repeating that group of the
            # one-row statement (compiling 500 rows takes SQLAlchemy 0.2 s per size), and
            # checked once against SQLAlchemy's own two-row statement.
            group = "(" + ", ".join("?" * len(columns)) + ")"
            if self._groups_repeat is None:
                two = statement.values([dict.fromkeys(columns)] * 2)
                expected = two.compile(dialect=self.engine.dialect).string
                self._groups_repeat = one.string.count(group) == 1 and expected == (
                    one.string.replace(group, f"{group}, {group}")
                )
            if self._groups_repeat:
                sql = one.string.replace(group, ", ".join([group] * size))
            else:
                many = statement.values([dict.fromkeys(columns)] * size) if size > 1 else statement
                sql = many.compile(dialect=self.engine.dialect).string
            cached = (sql, itemgetter(*columns))
        if len(self._compiled) < 64:
            self._compiled[size] = cached
        return cached

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction (on SQLite: holding the write lock from the start)."""
        with self._write() as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self._read() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._write_lock or nullcontext(), self._writer.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            # A refused duplicate is an answer, and a full pool is load: neither is a
            # database that fails to write.
            if not isinstance(exc, IntegrityError | PoolTimeout):
                self.write_failure = _first_line(exc)
                if _is_damage(exc) and not is_unavailable(exc):
                    raise WritesFailing(self.write_failure) from exc
            raise
        if self._checkpointer is not None:
            self._checkpointer.request()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def _prepare_schema(self) -> None:
        with self._write() as conn:
            if not self.is_sqlite:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
            found = None
            if inspect(conn).has_table(meta.name):
                row = conn.execute(
                    select(meta.c.value).where(meta.c.key == "schema_version")
                ).scalar_one_or_none()
                found = int(row) if row is not None else None
            if found is not None and found > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"the database {_shown_url(self.url)} has schema version {found}, newer than "
                    f"this ces-hq knows ({SCHEMA_VERSION}); install the newer ces-hq. "
                    "Nothing was changed."
                )
            metadata.create_all(conn)
            if not self.is_sqlite:
                # At every start, so a pg_trgm installed later is used after a restart.
                comment_words.ensure_index(conn)
            if found is None:
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                conn.execute(meta.insert().values(key=SURVEYS_GENERATION_KEY, value="0"))
                return
            # Upgrades from older schema versions, one step per version. create_all above
            # made the new tables; indexes new on old tables are made here.
            if found < 2:
                log.info("upgrading the database to schema 2 (dashboard tables)")
            if found < 3:
                log.info(
                    "upgrading the database to schema 3 (privacy: redaction counts, audit log)"
                )
                for column in ("redacted_comments", "rejected_answers"):
                    conn.execute(
                        text(f"ALTER TABLE kiosks ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
                    )
                stamp_type = kiosks.c.last_answer_at.type.compile(dialect=conn.dialect)
                conn.execute(text(f"ALTER TABLE kiosks ADD COLUMN last_answer_at {stamp_type}"))
                self._fill_last_answers(conn)
                # daily_answers gained the survey_version, outcome and rapid keys: counted
                # again below.
                daily_answers.drop(conn)
                daily_answers.create(conn)
            if found < 4:
                log.info("upgrading the database to schema 4 (stores' time zones, store counts)")
                # (A schema 1 database got the stores table, with the column, above.)
                if "time_zone" not in {c["name"] for c in inspect(conn).get_columns("stores")}:
                    zone_type = stores.c.time_zone.type.compile(dialect=conn.dialect)
                    conn.execute(text(f"ALTER TABLE stores ADD COLUMN time_zone {zone_type}"))
                # Narrow indexes instead of the wide ones schema 2 and 3 made (tables.py);
                # schema 1's responses_store_time is the same as schema 4's.
                for name in DROPPED_INDEXES:
                    conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
                if not self.is_sqlite:
                    # Statistics for a day expression schema 3 grouped the answers by.
                    conn.execute(text("DROP STATISTICS IF EXISTS responses_answer_day"))
                for index in responses.indexes:
                    index.create(conn, checkfirst=True)
                # Every store counted per day (the zone is UTC until one is set, as before).
                counts.rebuild(conn, read_zones(conn))
            if found < 5:
                # create_all above made the journey tables; hq.journeys seeds them at start.
                log.info("upgrading the database to schema 5 (journeys and their touchpoints)")
            if found < 6:
                # create_all above made survey_versions; hq.survey_versions seeds it at start.
                log.info("upgrading the database to schema 6 (survey versions, kiosk moves)")
                # (Tables made by create_all above have the columns already.)
                for added in (
                    journey_touchpoints.c.survey_version,
                    kiosks.c.survey_since,
                    kiosks.c.previous_touchpoint,
                    kiosks.c.moved_at,
                ):
                    table = added.table.name
                    if added.name not in {c["name"] for c in inspect(conn).get_columns(table)}:
                        kind = added.type.compile(dialect=conn.dialect)
                        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {added.name} {kind}"))
                has_generation = conn.execute(
                    select(meta.c.key).where(meta.c.key == SURVEYS_GENERATION_KEY)
                ).first()
                if has_generation is None:
                    conn.execute(meta.insert().values(key=SURVEYS_GENERATION_KEY, value="0"))
            if found < 7:
                log.info("upgrading the database to schema 7 (stores' opening hours)")
                # (A stores table made by create_all above has the column already.)
                if "opening_hours" not in {c["name"] for c in inspect(conn).get_columns("stores")}:
                    kind = stores.c.opening_hours.type.compile(dialect=conn.dialect)
                    conn.execute(text(f"ALTER TABLE stores ADD COLUMN opening_hours {kind}"))
            if found < 8:
                log.info("upgrading the database to schema 8 (roles, alerts, digests, footfall)")
                # (Tables made by create_all above have the columns already.)
                for added in (
                    users.c.role,
                    users.c.email,
                    actions.c.owner,
                    actions.c.factor,
                    actions.c.status,
                ):
                    table = added.table.name
                    if added.name not in {c["name"] for c in inspect(conn).get_columns(table)}:
                        kind = added.type.compile(dialect=conn.dialect)
                        extra = ""
                        if added.server_default is not None:
                            default = added.server_default.arg  # type: ignore[attr-defined]
                            extra = f" NOT NULL DEFAULT '{default}'"
                        conn.execute(
                            text(f"ALTER TABLE {table} ADD COLUMN {added.name} {kind}{extra}")
                        )
            if found < SCHEMA_VERSION:
                conn.execute(
                    update(meta)
                    .where(meta.c.key == "schema_version")
                    .values(value=str(SCHEMA_VERSION))
                )

    def rebuild_daily_answers(self) -> None:
        """Count every stored answer into daily_answers and the store counts, and each
        kiosk's last answer, again (after a bulk load)."""
        with self._write() as conn:
            counts.rebuild(conn, read_zones(conn))
            self._fill_last_answers(conn)

    @staticmethod
    def _fill_last_answers(conn: Connection) -> None:
        """Every kiosk's last_answer_at from its stored answers (one scan of them)."""
        newest = (
            select(responses.c.kiosk_id, func.max(responses.c.answered_at).label("newest"))
            .group_by(responses.c.kiosk_id)
            .subquery()
        )
        conn.execute(update(kiosks).values(last_answer_at=None))
        conn.execute(
            update(kiosks)
            .where(kiosks.c.id == newest.c.kiosk_id)
            .values(last_answer_at=newest.c.newest)
        )

    def delete_answers(self, conn: Connection, ids: list[str]) -> int:
        """Delete these answers and take them out of daily_answers, in the caller's transaction."""
        if not ids:
            return 0
        # The kiosks whose last answer may be among these; recomputed after the DELETE.
        touched = {
            str(kiosk_id): newest
            for kiosk_id, newest in conn.execute(
                select(responses.c.kiosk_id, func.max(responses.c.answered_at))
                .where(responses.c.id.in_(ids))
                .group_by(responses.c.kiosk_id)
            )
        }
        # Counted from the rows this DELETE removed (counts.removed).
        tally = counts.removed(conn, responses.c.id.in_(ids), read_zones(conn))
        counts.apply(conn, tally)
        self._recompute_last_answers(conn, touched)
        return -sum(tally.values())

    @staticmethod
    def _recompute_last_answers(conn: Connection, touched: dict[str, Any]) -> None:
        """last_answer_at again for kiosks that lost answers as new as their last one.

        Deleting older answers (retention) changes nothing, so most erasures read no more.
        """
        # Locked first (in one order) on PostgreSQL, so the recount below starts after any
        # ingest that raised last_answer_at has committed, and sees its answers.
        current = {
            str(kiosk_id): last
            for kiosk_id, last in conn.execute(
                select(kiosks.c.id, kiosks.c.last_answer_at)
                .where(kiosks.c.id.in_(sorted(touched)))
                .order_by(kiosks.c.id)
                .with_for_update()
            )
        }
        for kiosk_id in sorted(touched):
            last, deleted = moment(current.get(kiosk_id)), moment(touched[kiosk_id])
            if last is not None and deleted is not None and last > deleted:
                continue
            # Newest first along the store's index: it stops at the kiosk's newest answer.
            newest = (
                select(responses.c.answered_at)
                .where(responses.c.store_id == kiosks.c.store, responses.c.kiosk_id == kiosk_id)
                .order_by(responses.c.answered_at.desc())
                .limit(1)
                .scalar_subquery()
            )
            conn.execute(
                update(kiosks).where(kiosks.c.id == kiosk_id).values(last_answer_at=newest)
            )

    def ping(self) -> None:
        with self._read() as conn:
            conn.execute(text("SELECT 1"))

    def ready(self, now: datetime | None = None) -> str | None:
        """None if the store answers and takes writes, else why not (one line, for /healthz).

        Cheap while writes work: a SELECT 1. After a write failed (a full disk, a damaged
        file), a probe write to the tables ingest writes, rolled back, decides; only its
        success clears the failure, so a later heartbeat that happens to work does not
        hide answers that cannot be stored.
        """
        try:
            if self.write_failure is None:
                self.ping()
                return None
            self._probe_write(now or utcnow())
        except SQLAlchemyError as exc:
            if is_unavailable(exc) and self.write_failure is None:
                raise
            return _first_line(exc)
        self.write_failure = None
        return None

    def takes_write(self, timeout_s: float = READY_TIMEOUT_S) -> str | None:
        """None if a new connection can start a write within ``timeout_s``, else why not
        (one line, for /readyz).

        The write (an UPDATE of hq_meta that changes nothing) is rolled back. It runs on a
        connection of its own, opened for the probe: on SQLite a file made read-only since
        the pool opened it, on PostgreSQL a server that no longer takes new connections,
        both show here. Locks are waited for at most ``timeout_s`` (SQLite's busy timeout,
        PostgreSQL's lock and statement timeouts).
        """
        lock = self._write_lock
        if lock is not None and not lock.acquire(timeout=timeout_s):
            return f"another write of this process held the lock for {timeout_s:g} s"
        try:
            with self._probe_engine(timeout_s).connect() as conn:
                transaction = conn.begin()
                try:
                    if not self.is_sqlite:
                        ms = int(timeout_s * 1000)
                        conn.execute(text(f"SET LOCAL lock_timeout = {ms}"))
                        # A little longer, so a lock is reported as the reason.
                        conn.execute(text(f"SET LOCAL statement_timeout = {ms + 500}"))
                    conn.execute(
                        update(meta)
                        .where(meta.c.key == "schema_version")
                        .values(value=meta.c.value)
                    )
                finally:
                    transaction.rollback()
        except SQLAlchemyError as exc:
            return _first_line(exc)
        finally:
            if lock is not None:
                lock.release()
        return None

    def _probe_engine(self, timeout_s: float) -> Engine:
        """An engine without a pool: every probe opens the database afresh."""
        with self._probe_lock:
            if self._prober is None:
                if self.is_sqlite:
                    args: dict[str, Any] = {"timeout": timeout_s, "check_same_thread": False}
                else:
                    # libpq's connect_timeout counts whole seconds, at least 2;
                    # tcp_user_timeout bounds a server that stopped answering mid-way.
                    args = {
                        "connect_timeout": max(2, round(timeout_s)),
                        "tcp_user_timeout": int(timeout_s * 1000),
                    }
                engine = create_engine(
                    self.url, poolclass=NullPool, connect_args=args, hide_parameters=True
                )
                if self.is_sqlite:
                    event.listen(engine, "connect", _sqlite_probe_on_connect)
                    event.listen(engine, "begin", _sqlite_probe_on_begin)
                self._prober = engine
            return self._prober

    def _probe_write(self, now: datetime) -> None:
        at = stamp(now)
        kiosk_id = str(uuid.uuid4())
        with self._write_lock or nullcontext(), self._writer.connect() as conn:
            transaction = conn.begin()
            try:
                conn.execute(
                    kiosks.insert().values(id=kiosk_id, store="-", touchpoint="-", created_at=at)
                )
                conn.execute(
                    responses.insert().values(
                        id=str(uuid.uuid4()),
                        kiosk_id=kiosk_id,
                        store_id="-",
                        touchpoint="-",
                        seq=1,
                        survey_id="-",
                        survey_version=1,
                        locale="nl",
                        scale="ces7",
                        score=1,
                        outcome="timeout",
                        flags="[]",
                        started_at=at,
                        answered_at=at,
                        finished_at=at,
                        received_at=at,
                        content_hash="0" * 64,
                        receipt=str(uuid.uuid4()),
                    )
                )
            finally:
                transaction.rollback()

    # -- kiosks --------------------------------------------------------------------------

    def add_kiosk(self, store: str, touchpoint: str, now: datetime | None = None) -> NewKiosk:
        now = now or utcnow()
        expires = now + timedelta(hours=credentials.CODE_VALID_HOURS)
        kiosk_id = str(uuid.uuid4())
        # Codes are short, so two could collide; a fresh one is drawn until it is unique.
        for _ in range(10):
            code = credentials.new_code()
            normalised = credentials.normalise_code(code)
            assert normalised is not None
            try:
                with self._write() as conn:
                    conn.execute(
                        kiosks.insert().values(
                            id=kiosk_id, store=store, touchpoint=touchpoint, created_at=stamp(now)
                        )
                    )
                    conn.execute(
                        enrolment_codes.insert().values(
                            code_hash=credentials.code_hash(normalised),
                            kiosk_id=kiosk_id,
                            created_at=stamp(now),
                            expires_at=stamp(expires),
                        )
                    )
            except IntegrityError:
                continue
            return NewKiosk(kiosk_id, store, touchpoint, code, expires)
        raise HQDatabaseError("could not draw an unused enrolment code; try again")

    def kiosks(self) -> list[KioskInfo]:
        with self._read() as conn:
            rows = conn.execute(
                select(kiosks).order_by(kiosks.c.store, kiosks.c.touchpoint, kiosks.c.created_at)
            ).mappings()
            return [_kiosk_info(row) for row in rows]

    def kiosk(self, kiosk_id: str) -> KioskInfo:
        with self._read() as conn:
            row = conn.execute(select(kiosks).where(kiosks.c.id == kiosk_id)).mappings().first()
        if row is None:
            raise UnknownKiosk(f"no kiosk with id {kiosk_id}")
        return _kiosk_info(row)

    def revoke(self, kiosk_id: str, now: datetime | None = None) -> bool:
        """Revoke a kiosk: its token and unused codes stop working. False if it already was."""
        with self._write() as conn:
            found = conn.execute(select(kiosks.c.revoked_at).where(kiosks.c.id == kiosk_id)).first()
            if found is None:
                raise UnknownKiosk(f"no kiosk with id {kiosk_id}")
            if found.revoked_at is not None:
                return False
            conn.execute(
                update(kiosks)
                .where(kiosks.c.id == kiosk_id)
                .values(revoked_at=stamp(now or utcnow()))
            )
            return True

    # -- enrolment and tokens ---------------------------------------------------------------

    def enrol(self, typed_code: str, now: datetime | None = None) -> Enrolment:
        now = now or utcnow()
        normalised = credentials.normalise_code(typed_code)
        if normalised is None:
            raise EnrolRefused("unknown_code")
        hashed = credentials.code_hash(normalised)
        # A wrong code is refused from a read: guesses neither take the write lock (which
        # kiosk batches wait for on SQLite) nor write anything.
        with self._read() as conn:
            self._usable_code(conn, hashed, now)
        with self._write() as conn:
            # Again inside the write: the code may have been used or revoked meanwhile.
            row = self._usable_code(conn, hashed, now)
            # The guard in the WHERE makes "works once" hold between concurrent requests
            # and processes: only one UPDATE finds the code unused.
            used = conn.execute(
                update(enrolment_codes)
                .where(enrolment_codes.c.code_hash == hashed, enrolment_codes.c.used_at.is_(None))
                .values(used_at=stamp(now))
            )
            if used.rowcount != 1:
                raise EnrolRefused("code_used")
            token = credentials.new_token()
            enrolled = conn.execute(
                update(kiosks)
                .where(kiosks.c.id == row.kiosk_id, kiosks.c.revoked_at.is_(None))
                .values(
                    token_hash=credentials.token_hash(token),
                    enrolled_at=stamp(now),
                    last_seen_at=stamp(now),
                )
            )
            if enrolled.rowcount != 1:
                raise EnrolRefused("kiosk_revoked")
        return Enrolment(str(row.kiosk_id), token, row.store, row.touchpoint)

    @staticmethod
    def _usable_code(conn: Connection, hashed: str, now: datetime) -> Any:
        """The code's row with its kiosk's, or EnrolRefused saying why it cannot be used."""
        row = conn.execute(
            select(
                enrolment_codes.c.kiosk_id,
                enrolment_codes.c.expires_at,
                enrolment_codes.c.used_at,
                kiosks.c.store,
                kiosks.c.touchpoint,
                kiosks.c.revoked_at,
            )
            .join(kiosks, kiosks.c.id == enrolment_codes.c.kiosk_id)
            .where(enrolment_codes.c.code_hash == hashed)
        ).first()
        if row is None:
            raise EnrolRefused("unknown_code")
        if row.used_at is not None:
            raise EnrolRefused("code_used")
        if row.revoked_at is not None:
            raise EnrolRefused("kiosk_revoked")
        expires_at = moment(row.expires_at)
        assert expires_at is not None
        if expires_at <= now:
            raise EnrolRefused("code_expired")
        return row

    def authenticate(self, token: str) -> EnrolledKiosk | None:
        with self._read() as conn:
            row = conn.execute(
                select(
                    kiosks.c.id,
                    kiosks.c.store,
                    kiosks.c.touchpoint,
                    kiosks.c.previous_touchpoint,
                    kiosks.c.moved_at,
                ).where(
                    kiosks.c.token_hash == credentials.token_hash(token),
                    kiosks.c.revoked_at.is_(None),
                )
            ).first()
        if row is None:
            return None
        moved_at = moment(row.moved_at)
        return EnrolledKiosk(
            str(row.id),
            row.store,
            row.touchpoint,
            row.previous_touchpoint,
            None if moved_at is None else stamp(moved_at),
        )

    def seen(self, kiosk: EnrolledKiosk, now: datetime | None = None) -> None:
        """The kiosk fetched its config; if HQ moved it, from now on it is at the new touchpoint."""
        now = now or utcnow()
        values: dict[str, Any] = {"last_seen_at": stamp(now)}
        if kiosk.previous_touchpoint is not None and kiosk.moved_at is None:
            values["moved_at"] = case(
                (kiosks.c.moved_at.is_(None), stamp(now) if self.is_sqlite else now),
                else_=kiosks.c.moved_at,
            )
        with self._write() as conn:
            conn.execute(update(kiosks).where(kiosks.c.id == kiosk.id).values(**values))

    def move_kiosk(
        self, kiosk_id: str, touchpoint: str, actor: str, now: datetime | None = None
    ) -> str:
        """File the kiosk's answers under ``touchpoint`` from when it takes its next config
        (recorded in kiosk_events); returns the touchpoint it was at. Answers it gave before
        stay filed under the touchpoint they were given at."""
        now = now or utcnow()
        with self._write() as conn:
            row = conn.execute(
                select(kiosks).where(kiosks.c.id == kiosk_id).with_for_update()
            ).first()
            if row is None:
                raise UnknownKiosk(f"no kiosk with id {kiosk_id}")
            if row.revoked_at is not None:
                raise HQDatabaseError(f"kiosk {kiosk_id} is revoked")
            if row.touchpoint == touchpoint:
                raise HQDatabaseError(f"kiosk {kiosk_id} is at touchpoint {touchpoint} already")
            # A kiosk that has not taken the previous move yet still gives its answers at the
            # touchpoint before that one.
            pending = row.previous_touchpoint is not None and row.moved_at is None
            previous = row.previous_touchpoint if pending else row.touchpoint
            conn.execute(
                update(kiosks)
                .where(kiosks.c.id == kiosk_id)
                .values(
                    touchpoint=touchpoint,
                    previous_touchpoint=None if previous == touchpoint else previous,
                    moved_at=None,
                )
            )
            conn.execute(
                insert(kiosk_events).values(
                    kiosk_id=kiosk_id,
                    kind="moved",
                    at=stamp(now),
                    detail=f"{row.touchpoint} -> {touchpoint} by {actor}"[:500],
                    received_at=stamp(now),
                )
            )
        log.info("%s moved kiosk %s from %s to %s", actor, kiosk_id, row.touchpoint, touchpoint)
        return str(row.touchpoint)

    # -- answers ---------------------------------------------------------------------------

    def ingest(
        self, kiosk: EnrolledKiosk, answers: Sequence[Answer], now: datetime | None = None
    ) -> list[Result]:
        """Store checked answers in one transaction; one Result per answer, in order.

        The answer dicts are completed in place with the columns HQ adds, and their
        comments scrubbed (scrub_comment); the kiosk's redacted_comments counts the new
        answers whose comment HQ had to scrub.
        """
        received_at = stamp(now or utcnow())
        receipt = str(uuid.uuid4())
        found = [scrub_comment(a) for a in answers]
        hashes = [content_hash(kiosk.id, a) for a in answers]
        # The first answer with an id is the one inserted; a repeat in the same batch is
        # judged against it like a resend.
        first: dict[str, int] = {}
        rows: list[Answer] = []
        added = {
            "kiosk_id": kiosk.id,
            "store_id": kiosk.store,
            "touchpoint": kiosk.touchpoint,
            "received_at": received_at,
            "receipt": receipt,
        }
        for i, a in enumerate(answers):
            if a["id"] in first:
                continue
            first[a["id"]] = i
            a.update(added)
            if kiosk.previous_touchpoint is not None:
                a["touchpoint"] = kiosk.touchpoint_at(a["answered_at"])
            a["content_hash"] = hashes[i]
            rows.append(a)
        # Rows are locked in id order, so two PostgreSQL transactions with overlapping
        # batches wait for each other instead of deadlocking.
        rows.sort(key=lambda r: r["id"])
        stored: dict[str, str] = {}
        with self._write() as conn:
            # No RETURNING: it needs one huge multi-row statement, which psycopg parses
            # again for every batch. The count of new rows says whether to look further.
            if rows and self._insert_answers(conn, rows) != len(rows):
                # Some ids were stored already, by an earlier transaction (on PostgreSQL
                # the INSERT waited for any concurrent one that had them).
                earlier = conn.execute(
                    select(responses.c.id, responses.c.content_hash).where(
                        responses.c.id.in_([r["id"] for r in rows]),
                        responses.c.receipt != receipt,
                    )
                )
                stored = {str(r.id): r.content_hash for r in earlier}
            new = [r for r in rows if r["id"] not in stored]
            days = store_zone(conn, kiosk.store)
            counts.apply(conn, Counter(counts.fact(r, days) for r in new))
            self._complete_bursts(conn, kiosk, new, days)
            # Only answers this transaction stored: a resend was counted when it was new.
            redacted = [
                found[i] for answer_id, i in first.items() if found[i] and answer_id not in stored
            ]
            seen: dict[str, Any] = {"last_seen_at": received_at}
            newest = max((r["answered_at"] for r in rows if r["id"] not in stored), default=None)
            if newest is not None:
                # Canonical UTC text sorts in time order, so max() over it is the newest.
                newest_at = newest if self.is_sqlite else moment(newest)
                seen["last_answer_at"] = case(
                    (kiosks.c.last_answer_at.is_(None), newest_at),
                    (kiosks.c.last_answer_at < newest_at, newest_at),
                    else_=kiosks.c.last_answer_at,
                )
            if redacted:
                seen["redacted_comments"] = kiosks.c.redacted_comments + len(redacted)
            conn.execute(update(kiosks).where(kiosks.c.id == kiosk.id).values(**seen))
        if redacted:
            # The kinds and a count, never the text.
            kinds: Counter[str] = Counter()
            for one in redacted:
                kinds.update(one)
            log.info(
                "kiosk %s: HQ scrubbed personal data from %d new comment(s) (%s); "
                "an old kiosk, or not one of ours",
                kiosk.id,
                len(redacted),
                ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())),
            )

        results: list[Result] = []
        for i, a in enumerate(answers):
            answer_id = a["id"]
            previous = stored.get(answer_id)
            if previous is None:
                if first[answer_id] == i:
                    results.append(Result(answer_id, "new"))
                    continue
                previous = hashes[first[answer_id]]
            if previous == hashes[i]:
                results.append(Result(answer_id, "duplicate"))
            else:
                results.append(Result(answer_id, "rejected", CONFLICT_ERROR))
        return results

    def _complete_bursts(
        self, conn: Connection, kiosk: EnrolledKiosk, new_rows: list[Answer], days: LocalDays
    ) -> None:
        """Flag the answers of a rapid burst the kiosk could not flag (hq.db.bursts), in the
        ingest's transaction, whichever order the burst's answers arrive in.

        Reads the kiosk's completions around the new ones: those that finished within the
        window before a new rapid answer, and the rapid ones within the window after a new
        answer. Along the store's index (responses_store_time: store_id, answered_at; an
        answer's store is its kiosk's), so no index of its own: an answer is given before
        it finishes, and a kiosk's sessions follow each other, so only the one answer
        given before the range can have finished inside it, and that one is read too.
        """
        completed = [r for r in new_rows if r["outcome"] == COMPLETED]
        finished = [f for r in completed if (f := moment(r["finished_at"])) is not None]
        if not finished:
            return
        first, last = min(finished), max(finished)
        # A stored rapid answer just after the new ones makes a burst of them (they came
        # late); looked for in the small partial index of rapid answers.
        mine = {"store_id": kiosk.store, "kiosk_id": kiosk.id}
        later_rapid = conn.execute(
            _LATER_RAPID,
            {**mine, "low": self.timestamp(first), "high": self.timestamp(last + bursts.WINDOW)},
        ).first()
        rapid = [
            f for r in completed if RAPID_TEXT in r["flags"] and (f := moment(r["finished_at"]))
        ]
        if later_rapid is not None:
            windows = [(first - bursts.WINDOW, last + bursts.WINDOW)]
        elif rapid:
            # Only what each new rapid answer's window reaches back over.
            windows = bursts.merged([(at - bursts.WINDOW, at) for at in rapid])
        else:
            return  # most batches: nothing rapid, so no burst
        bounds = {
            f"{edge}{i}": self.timestamp(at)
            for i, window in enumerate(windows)
            for edge, at in zip(("low", "high"), window, strict=True)
        }
        rows = {
            str(row.id): row
            for row in conn.execute(_windows_statement(len(windows)), {**mine, **bounds})
        }
        found = list(rows.values())
        flags = {str(r.id): r.flags for r in found}
        ids = bursts.unflagged_in_bursts(
            [
                bursts.Completion(str(r.id), at, RAPID_TEXT in r.flags)
                for r in found
                if r.outcome == COMPLETED and (at := moment(r.finished_at)) is not None
            ]
        )
        if not ids:
            return
        # Only the flags change: content_hash stays the hash of the answer as the kiosk
        # sent it, so a resend of it is still a duplicate.
        moved: Counter[counts.Fact] = Counter()
        for stored_row in conn.execute(select(*counts.FACT_COLUMNS).where(responses.c.id.in_(ids))):
            was = counts.fact(stored_row._mapping, days)
            moved[was] -= 1
            moved[was._replace(rapid=1)] += 1
        for answer_id in ids:
            conn.execute(
                update(responses)
                .where(responses.c.id == answer_id)
                .values(flags=_with_rapid(flags[answer_id]))
            )
        counts.apply(conn, moved)

    def count_answers(self, kiosk_id: str | None = None) -> int:
        query = select(func.count()).select_from(responses)
        if kiosk_id is not None:
            query = query.where(responses.c.kiosk_id == kiosk_id)
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    def answers(self, kiosk_id: str | None = None) -> list[dict[str, Any]]:
        """Stored answers by kiosk and counter, timestamps as aware datetimes."""
        query = select(responses).order_by(responses.c.kiosk_id, responses.c.seq)
        if kiosk_id is not None:
            query = query.where(responses.c.kiosk_id == kiosk_id)
        with self._read() as conn:
            out = []
            for row in conn.execute(query).mappings():
                item = dict(row)
                item["id"] = str(item["id"])
                item["kiosk_id"] = str(item["kiosk_id"])
                for key in ("started_at", "answered_at", "finished_at", "received_at"):
                    item[key] = moment(item[key])
                out.append(item)
            return out

    # -- heartbeats ------------------------------------------------------------------------

    def heartbeat(self, kiosk: EnrolledKiosk, beat: Heartbeat, now: datetime | None = None) -> None:
        arrived = stamp(now or utcnow())
        # When the kiosk started running the survey version it reports (it changed now).
        changed = or_(
            kiosks.c.survey_id.is_distinct_from(beat.survey_id),
            kiosks.c.survey_version.is_distinct_from(beat.survey_version),
            kiosks.c.survey_since.is_(None),
        )
        since = case(
            (changed, arrived if self.is_sqlite else moment(arrived)),
            else_=kiosks.c.survey_since,
        )
        with self._write() as conn:
            conn.execute(
                update(kiosks)
                .where(kiosks.c.id == kiosk.id)
                .values(
                    survey_since=since,
                    queue_depth=beat.queue_depth,
                    oldest_unsent_at=beat.oldest_unsent_at,
                    app_version=beat.app_version,
                    survey_id=beat.survey_id,
                    survey_version=beat.survey_version,
                    kiosk_time=beat.kiosk_time,
                    last_sync_error=beat.last_sync_error,
                    rejected_answers=beat.rejected_answers,
                    heartbeat_at=arrived,
                    last_seen_at=arrived,
                )
            )
            events = [
                {
                    "kiosk_id": kiosk.id,
                    "kind": kind,
                    "at": at,
                    "detail": None,
                    "received_at": arrived,
                }
                for kind, at in beat.manager_events
            ]
            if beat.config_error is not None:
                events.append(
                    {
                        "kiosk_id": kiosk.id,
                        "kind": "config_refused",
                        "at": beat.kiosk_time,
                        "detail": beat.config_error,
                        "received_at": arrived,
                    }
                )
            if events:
                conn.execute(insert(kiosk_events), events)


def _kiosk_info(row: Any) -> KioskInfo:
    created_at = moment(row["created_at"])
    assert created_at is not None
    return KioskInfo(
        id=str(row["id"]),
        store=row["store"],
        touchpoint=row["touchpoint"],
        created_at=created_at,
        enrolled_at=moment(row["enrolled_at"]),
        revoked_at=moment(row["revoked_at"]),
        last_seen_at=moment(row["last_seen_at"]),
        queue_depth=row["queue_depth"],
        oldest_unsent_at=moment(row["oldest_unsent_at"]),
        app_version=row["app_version"],
        survey_id=row["survey_id"],
        survey_version=row["survey_version"],
        kiosk_time=moment(row["kiosk_time"]),
        last_sync_error=row["last_sync_error"],
        heartbeat_at=moment(row["heartbeat_at"]),
        redacted_comments=row["redacted_comments"],
        rejected_answers=row["rejected_answers"],
        survey_since=moment(row["survey_since"]),
        previous_touchpoint=row["previous_touchpoint"],
        moved_at=moment(row["moved_at"]),
    )


def _with_rapid(flags: str) -> str:
    """An answer's flags (compact JSON text, hq.validate) with the rapid flag added."""
    return json.dumps([*json.loads(flags), RAPID_FLAG], separators=(",", ":"))


def _same(row: Answer) -> Answer:
    return row


# --- SQLite connection set-up --------------------------------------------------------------


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # SQLAlchemy issues BEGIN itself (below), so pysqlite must not.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise HQDatabaseError(f"SQLite refused WAL mode (journal_mode stays {mode!r})")
        # FULL: an answer HQ acknowledged as new survives a power cut; the kiosk will not
        # send it again.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Checkpoints are the _Checkpointer's job, off the request path; this is only the
        # backstop should it fall behind.
        cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_AUTOCHECKPOINT_PAGES}")
        # After a checkpoint the WAL file is cut back to this instead of staying at its peak.
        cursor.execute(f"PRAGMA journal_size_limit = {64 * 2**20}")
        # Index pages of a large table stay in memory (negative: KiB).
        cursor.execute("PRAGMA cache_size = -65536")
    finally:
        cursor.close()
    # SQLite's own lower() folds only A-Z (hq.db.comment_words.folded).
    dbapi_conn.create_function(comment_words.SQLITE_FOLDED, 1, _lower, deterministic=True)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


class _Checkpointer:
    """Copies SQLite's write-ahead log into the database file in a thread of its own.

    Left to SQLite, every few commits one of them would stop to copy the log (a few MB
    of index pages once the tables are large) while holding the write lock. A PASSIVE
    checkpoint here runs beside the writers and never blocks them; done every half second
    rather than after every commit, it copies a page that many batches changed once.
    """

    def __init__(self, engine: Engine, interval_s: float = 0.5) -> None:
        self._engine = engine
        self._interval_s = interval_s
        self._written = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hq-checkpoint", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._written.set()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopping.wait(self._interval_s):
            if not self._written.is_set():
                continue
            self._written.clear()
            try:
                with self._engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except SQLAlchemyError as exc:
                # Writers still work, and the next round or SQLite's backstop catches up.
                log.warning("WAL checkpoint failed: %s", _first_line(exc))


def _sqlite_probe_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # BEGIN IMMEDIATE below, not pysqlite's deferred BEGIN: the probe must get the write lock.
    dbapi_conn.isolation_level = None


def _sqlite_probe_on_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("effortless_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _is_damage(exc: BaseException) -> bool:
    """Whether a database error is the database's state (damaged, out of space, I/O), not
    a mistake in the statement: the one is an operator's matter, the other a bug."""
    if not isinstance(exc, DBAPIError):
        return False
    name = getattr(exc.orig, "sqlite_errorname", None) or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_FULL")):
        return True
    # PostgreSQL: XX internal error (data or index corrupted), 58 system (I/O), 53 resources.
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""
    return sqlstate[:2] in ("XX", "58", "53")


def is_unavailable(exc: BaseException) -> bool:
    """Whether a database error means "try again later" rather than a bug."""
    if isinstance(exc, PoolTimeout):  # every connection busy: overloaded, not broken
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or type(exc).__name__ in (
            "OperationalError",
            "InterfaceError",
        )
    return False


def rapid_flagged() -> ColumnElement[bool]:
    """Answers flagged rapid, by their flags text (only known flags are ever stored)."""
    return responses.c.flags.like(f"%{RAPID_TEXT}%")


# --- the statements of _complete_bursts, built once (ingest runs them for every batch) ---

_LATER_RAPID = (
    select(responses.c.id)
    .where(
        responses.c.kiosk_id == bindparam("kiosk_id"),
        responses.c.answered_at >= bindparam("low"),
        responses.c.answered_at <= bindparam("high"),
        text(RAPID_CONDITION),
    )
    .limit(1)
)


@functools.cache
def _windows_statement(count: int) -> Any:
    """The kiosk's answers in ``count`` windows (low0/high0 ...) and the one given just
    before each window, in one statement. Along the store's index: store_id, answered_at."""
    columns = (responses.c.id, responses.c.outcome, responses.c.flags, responses.c.finished_at)
    mine = (
        responses.c.store_id == bindparam("store_id"),
        responses.c.kiosk_id == bindparam("kiosk_id"),
    )
    parts: list[Any] = []
    for i in range(count):
        low: Any = bindparam(f"low{i}")
        high: Any = bindparam(f"high{i}")
        parts.append(
            select(*columns).where(
                *mine, responses.c.answered_at >= low, responses.c.answered_at <= high
            )
        )
        before = (
            select(*columns)
            .where(*mine, responses.c.answered_at < low)
            .order_by(responses.c.answered_at.desc())
            .limit(1)
            .subquery()
        )
        parts.append(select(*before.c))
    return union_all(*parts)
