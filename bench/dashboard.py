"""HQ dashboard pages: server-side render time at a chain's scale.

The goal (issue 13, after issue 5's 1,000,000 answers over 200 stores): with 10,000,000
answers over 500 stores on PostgreSQL, and 2,000,000 on SQLite, every dashboard page,
whole-year views by store and by region included, renders in under 300 ms (p95), measured
server side. Those are the defaults (``--stores``, ``--answers`` set others; issue 5's run
is ``--stores 200 --answers 1000000``).

Method. A database is filled directly, not over HTTP: HQ's own schema (``HQDatabase.open``),
``--stores`` stores (s001..s500; one region per ~50 of them, at least four: north, east,
south, west, centre, ...), two kiosks per store (one per survey, made and enrolled by
``HQDatabase.add_kiosk`` and ``HQDatabase.enrol``), one dashboard user and three recorded
actions (so the actions page has effects to work out). Then the answers, in time order as
kiosks would send them, made an hour of answers at a time (memory holds one hour and one
transaction, not the whole load), in transactions of 50,000: multi-row INSERTs on SQLite,
COPY on PostgreSQL; then what ingest keeps beside them (daily_answers and the per-store
counts store_days and store_factor_days, hq/db/counts.py) is counted from them by
``HQDatabase.rebuild_daily_answers``, as after any bulk load (each step's time is printed:
at 10,000,000 answers the rebuild is a step of its own). The answers are
spread over the 365 days ending now (UTC), mostly in store hours (09-21) and most on
Saturdays; bigger stores get more; about three in four are for in_store_purchase (ces7),
the rest for returns_desk (smiley5). Scores are mostly easy, with a per-store shift; ~10%
time out before a factor is chosen (factor None, outcome 'timeout'); ~5% carry a short
comment (in_store_purchase only, the one survey that asks). Afterwards ANALYZE (SQLite) /
VACUUM ANALYZE (PostgreSQL), so the planner and PostgreSQL's visibility map are as in a
settled database. PostgreSQL's autovacuum gets there by itself; HQ never runs ANALYZE on
SQLite, so ``--no-analyze`` measures SQLite as a real HQ database is: without planner
statistics (some plans differ).

Then the real service runs (``ces-hq serve``, one uvicorn worker, in a subprocess); one
HTTP session logs in and requests every URL once to warm up (reported as "first"), then
all URLs round-robin ``--repeat`` times (7), so one page's query does not find the caches
filled by its own previous run. The figure is the page's ``Server-Timing`` header: from
the request reaching the page handler (session check included) to the rendered page,
before the body is sent. HTTP wall time at the client is shown beside it, and the ces-hq
process's CPU time per request (its own, not PostgreSQL's; in clock ticks, so rough),
which other load on the machine disturbs less than the clock. p95 is interpolated between
the two slowest samples (with 7 samples it is close to the maximum). A page whose median
reaches the goal is flagged OVER; one where only the slowest requests do, "tail over" (on
a shared machine, often other load).

The URLs (``urls``): every page with the default filters (the last 84 days), trend by day
and split by store and by region, compare by each grouping, comments with a search; the
overview for one store, one touchpoint and one region; and the pages whose work grows
with the range again over the whole year (from = 364 days ago, every answer loaded), the
comments and a search in them included.

``--explain`` runs the work of every flagged page (or of all with ``--explain all``)
again in-process, records its SQL and prints each statement's time and plan (EXPLAIN
QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL).

PostgreSQL gets a fresh database, dropped after (kept and reused with ``--keep-pg``).
SQLite's goes to a temporary folder (kept and reused with ``--keep DIR``). A kept database
is reused only if it holds the answers asked for over ``--stores`` stores, all counted in
daily_answers, store_days and store_factor_days, has every index the schema names, and its
newest answer is less than a day old. ``--load-only`` fills (or finds) the kept databases
and measures nothing; ``--page`` measures only the pages named (to time one again).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, chain, islice
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import psutil
import requests
from from_tests import HQService
from sqlalchemy import create_engine, event, func, inspect, select, text
from sqlalchemy.engine import make_url

from ces.answer import COMPLETED, RAPID_FLAG, TIMEOUT
from hq import actions, storeinfo, users
from hq.dashboard import headlines, insights
from hq.dashboard.filters import parse_filters
from hq.db import comment_words
from hq.db.counts import COUNT_TABLES
from hq.db.database import DB_FILENAME, HQDatabase, HQDatabaseError, sqlite_url
from hq.db.tables import metadata, responses
from hq.db.tables import stores as stores_table
from hq.moments import moment, stamp, utcnow
from hq.surveys import load_surveys

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KEPT_PG_DATABASE = "effortless_bench_dashboard"
GOAL_MS = 300.0
USER, PASSWORD = "bench", "bench-dashboard-pw"

DEFAULT_STORES = 500
# The sizes issue 13 names: a chain's few years of answers on PostgreSQL, fewer on SQLite.
DEFAULT_ANSWERS = {"sqlite": 2_000_000, "postgresql": 10_000_000}
# One region per ~50 stores, at least four (200 stores: north, east, south, west).
REGION_NAMES = (
    "north",
    "east",
    "south",
    "west",
    "centre",
    "coast",
    "north-east",
    "south-east",
    "south-west",
    "north-west",
    "islands",
    "border",
)
STORES_PER_REGION = 50
DAYS = 365
# Share of answers per survey (= touchpoint), and its scores: a latent normal (mean, sd,
# shifted per store) rounded onto the scale.
SURVEY_SHARE = {"in_store_purchase": 0.75, "returns_desk": 0.25}
SCORE_MODEL = {"ces7": (5.7, 1.35), "smiley5": (4.0, 1.0)}
STORE_SHIFT_SD = 0.35
TIMEOUT_SHARE = 0.10
COMMENT_SHARE = 0.05  # of all answers; only surveys that ask for one get them
RAPID_SHARE = 0.01
# Weight of each UTC hour of the day, and of each weekday (Monday first).
HOUR_WEIGHT = (
    (0.01,) * 7
    + (0.05, 0.3)
    + (1.0, 1.0, 1.1, 1.3, 1.3, 1.1, 1.0, 1.2, 1.4, 1.4, 1.0, 0.8)  # 09:00-21:00
    + (0.3, 0.05, 0.01)
)
DAY_WEIGHT = (1.0, 0.95, 1.0, 1.05, 1.25, 1.8, 0.6)
EASY_COMMENTS = (
    "Snel geholpen bij de kassa, top!",
    "Vriendelijk personeel.",
    "Alles was makkelijk te vinden.",
    "Fijne winkel, kom graag terug.",
    "Great service, quick checkout.",
    "Zelfscan kassa werkte prima.",
    "Easy to find what I needed.",
)
HARD_COMMENTS = (
    "Lange rij bij de kassa.",
    "Kon niemand vinden om te helpen.",
    "Prijs bij de kassa klopte niet met het schap.",
    "Te weinig kassa's open op zaterdag.",
    "Product was uitverkocht.",
    "Waited too long at the till.",
    "Parkeren was lastig.",
)
# The columns the loader fills, in the order of its rows.
# The responses table's columns, in its order (COPY and INSERT take them so).
COLUMNS = tuple(c.name for c in responses.c)
TX_ROWS = 50_000  # answers per loading transaction
SQLITE_ROWS_PER_INSERT = 500  # x 20 columns, under SQLite's 32,766 parameters


# --- the data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyModel:
    id: str  # also the touchpoint
    version: int
    scale: str
    top: int  # highest point; every scale starts at 1
    easy_from: int  # the lowest easy point
    factors: tuple[str, ...]
    # Factor weights for easy answers and for the others (what went wrong is named more).
    easy_weights: tuple[float, ...]
    hard_weights: tuple[float, ...]
    comments: bool
    locales: tuple[str, ...]


def survey_models() -> dict[str, SurveyModel]:
    catalog = load_surveys()
    out = {}
    for survey_id in SURVEY_SHARE:
        survey = catalog.by_id[survey_id]
        assert survey.touchpoint == survey_id, (survey.touchpoint, survey_id)
        points = survey.scale.points
        easy_from = min(p for p in points if survey.scale.band(p).value == "easy")
        count = len(survey.factors)
        out[survey_id] = SurveyModel(
            id=survey_id,
            version=survey.version,
            scale=survey.scale.id,
            top=max(points),
            easy_from=easy_from,
            factors=tuple(f.id for f in survey.factors),
            easy_weights=tuple(float(count - i) for i in range(count)),  # the first most named
            hard_weights=tuple(float(1 + i) for i in range(count)),  # the last most named
            comments=survey.comment.enabled,
            locales=survey.locales,
        )
    return out


def store_ids(stores: int) -> list[str]:
    width = max(3, len(str(stores)))
    return [f"s{i:0{width}d}" for i in range(1, stores + 1)]


def regions(stores: int) -> tuple[str, ...]:
    count = max(4, min(len(REGION_NAMES), round(stores / STORES_PER_REGION)))
    return REGION_NAMES[:count]


def _binomial(rng: random.Random, n: int, p: float) -> int:
    """About Binomial(n, p): Poisson for a small mean, else normal (rounded, clipped)."""
    if p >= 1.0:
        return n
    mean = n * p
    if mean < 30:
        # Knuth's Poisson: multiply uniforms until below e^-mean.
        limit, k, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            k += 1
            product *= rng.random()
        return min(n, k)
    return min(n, max(0, round(rng.gauss(mean, math.sqrt(mean * (1 - p))))))


def answer_slots(n: int, now: datetime, rng: random.Random) -> Iterator[tuple[int, int]]:
    """(start of an hour in POSIX microseconds, how many of ``n`` answers fall in it) for
    each hour of the DAYS days before ``now``, in order; the counts add up to ``n``.

    Hour by hour (each count drawn given what the later hours' weight leaves), so a caller
    holds one hour's answers at a time, not ten million."""
    end = int(now.timestamp() * 1_000_000)
    hour = 3600 * 1_000_000
    slot = (end - DAYS * 86400 * 1_000_000) // hour * hour
    slots: list[tuple[int, float]] = []
    while slot < end:
        at = datetime.fromtimestamp(slot / 1_000_000, UTC)
        weight = HOUR_WEIGHT[at.hour] * DAY_WEIGHT[at.weekday()] * min(hour, end - slot) / hour
        slots.append((slot, weight))
        slot += hour
    left, weight_left = n, sum(w for _, w in slots)
    for slot, weight in slots:
        k = _binomial(rng, left, weight / weight_left) if weight_left > 0 else left
        left -= k
        weight_left -= weight
        yield slot, k


def _stamper() -> Callable[[int], str]:
    """hq.moments.stamp for POSIX microseconds, ten times faster (days are cached)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    days: dict[int, str] = {}

    def fmt(us: int) -> str:
        whole, micro = divmod(us, 1_000_000)
        day, rest = divmod(whole, 86400)
        prefix = days.get(day)
        if prefix is None:
            prefix = days[day] = (epoch + timedelta(days=day)).strftime("%Y-%m-%dT")
        hour, rest = divmod(rest, 3600)
        minute, second = divmod(rest, 60)
        return f"{prefix}{hour:02d}:{minute:02d}:{second:02d}.{micro:06d}Z"

    probe = 1_795_000_000_123_456
    assert fmt(probe) == stamp(epoch + timedelta(microseconds=probe)), fmt(probe)
    return fmt


def answer_rows(
    n: int,
    now: datetime,
    kiosk_ids: dict[tuple[str, str], str],
    seed: int,
    stores: int,
) -> Iterator[tuple[Any, ...]]:
    """``n`` answers as rows of COLUMNS, oldest first (made an hour at a time)."""
    rng = random.Random(seed)
    models = survey_models()
    ids = store_ids(stores)
    # Bigger and smaller stores, and how easy each makes it per survey.
    store_weights = list(accumulate(rng.lognormvariate(0, 0.45) for _ in ids))
    shift = {(s, m): rng.gauss(0, STORE_SHIFT_SD) for s in ids for m in models}
    isp_share = SURVEY_SHARE["in_store_purchase"]
    commented = sum(SURVEY_SHARE[m.id] for m in models.values() if m.comments)
    comment_chance = min(1.0, COMMENT_SHARE / commented / (1 - TIMEOUT_SHARE)) if commented else 0
    fmt = _stamper()
    end = int(now.timestamp() * 1_000_000)
    hour = 3600 * 1_000_000
    seqs: dict[str, int] = {}
    isp, returns = models["in_store_purchase"], models["returns_desk"]
    receipt = ""

    def placed() -> Iterator[tuple[int, str]]:
        """(moment, store) of each answer, in time order."""
        for slot, k in answer_slots(n, now, rng):
            if k:
                times = sorted(min(slot + int(rng.random() * hour), end - 1) for _ in range(k))
                yield from zip(times, rng.choices(ids, cum_weights=store_weights, k=k), strict=True)

    for i, (t, store_id) in enumerate(placed()):
        if i % 500 == 0:  # an ingest transaction
            receipt = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        model = isp if rng.random() < isp_share else returns
        mean, sd = SCORE_MODEL[model.scale]
        score = int(rng.gauss(mean + shift[(store_id, model.id)], sd) + 0.5)
        score = min(model.top, max(1, score))
        easy = score >= model.easy_from
        comment = None
        if rng.random() < TIMEOUT_SHARE:
            factor, outcome, after = None, TIMEOUT, 20_000_000
        else:
            weights = model.easy_weights if easy else model.hard_weights
            factor = rng.choices(model.factors, weights=weights)[0]
            outcome, after = COMPLETED, 2_000_000 + int(rng.random() * 4_000_000)
            if model.comments and rng.random() < comment_chance:
                comment = rng.choice(EASY_COMMENTS if easy else HARD_COMMENTS)
                after += 10_000_000 + int(rng.random() * 30_000_000)
        kiosk_id = kiosk_ids[(store_id, model.id)]
        seq = seqs[kiosk_id] = seqs.get(kiosk_id, 0) + 1
        finished = t + after
        yield (
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            kiosk_id,
            store_id,
            model.id,
            seq,
            model.id,
            model.version,
            model.locales[0] if rng.random() < 0.8 else model.locales[-1],
            model.scale,
            score,
            factor,
            comment,
            outcome,
            json.dumps([RAPID_FLAG] if rng.random() < RAPID_SHARE else []),
            fmt(t - 2_000_000 - int(rng.random() * 6_000_000)),
            fmt(t),
            fmt(finished),
            fmt(min(finished + 1_000_000 + int(rng.random() * 30_000_000), end)),
            f"{rng.getrandbits(256):064x}",
            receipt,
        )


def chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


# --- filling a database -----------------------------------------------------------------


def set_up(db: HQDatabase, now: datetime, stores: int) -> dict[tuple[str, str], str]:
    """Stores, kiosks (enrolled a year ago), the dashboard user and some actions."""
    kiosk_ids = {}
    enrolled = now - timedelta(days=DAYS + 1)
    names = regions(stores)
    for i, store_id in enumerate(store_ids(stores)):
        storeinfo.set_store(db, store_id, name=f"Winkel {i + 1}", region=names[i % len(names)])
        for touchpoint in SURVEY_SHARE:
            new = db.add_kiosk(store_id, touchpoint, now=enrolled)
            db.enrol(new.code, now=enrolled)
            kiosk_ids[(store_id, touchpoint)] = new.id
    users.add_user(db, USER, PASSWORD)
    today = now.date()
    actions.record(
        db,
        title="Extra kassa open op zaterdag",
        started_on=today - timedelta(days=42),
        created_by=USER,
        stores=store_ids(stores)[:20],
        touchpoint="in_store_purchase",
        message={"nl": "U vroeg om meer kassa's op zaterdag: die zijn er nu.", "en": ""},
    )
    actions.record(
        db,
        title="Retourbalie bij de ingang",
        started_on=today - timedelta(days=120),
        created_by=USER,
        touchpoint="returns_desk",
    )
    actions.record(
        db,
        title="Nieuwe prijskaartjes",
        started_on=today - timedelta(days=14),
        created_by=USER,
    )
    return kiosk_ids


def sqlite_statistics(database_url: str, analyzed: bool) -> None:
    """Give SQLite's planner ANALYZE statistics, or take them away (as HQ never runs it)."""
    db = HQDatabase.open(database_url)
    try:
        with db.writing() as conn:
            found = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).first()
            if analyzed and found is None:
                conn.exec_driver_sql("ANALYZE")
            elif not analyzed and found is not None:
                conn.exec_driver_sql("DROP TABLE sqlite_stat1")
    finally:
        db.close()


def load_sqlite(db: HQDatabase, rows: Iterable[tuple[Any, ...]]) -> int:
    names = ", ".join(COLUMNS)
    group = "(" + ", ".join("?" * len(COLUMNS)) + ")"
    statements: dict[int, str] = {}
    count = 0
    for chunk in chunks(rows, TX_ROWS):
        with db.writing() as conn:
            for page in chunks(chunk, SQLITE_ROWS_PER_INSERT):
                sql = statements.get(len(page))
                if sql is None:
                    sql = statements[len(page)] = (
                        f"INSERT INTO responses ({names}) VALUES " + ", ".join([group] * len(page))
                    )
                conn.exec_driver_sql(sql, tuple(chain.from_iterable(page)))
        count += len(chunk)
        _progress(count)
    return count


def load_postgresql(db: HQDatabase, rows: Iterable[tuple[Any, ...]]) -> int:
    count = 0
    raw = db.engine.raw_connection()
    try:
        pg = raw.driver_connection
        assert pg is not None
        with pg.cursor() as cursor:
            # One transaction's rows at a time through COPY, never the whole load in memory.
            it = iter(rows)
            while True:
                with cursor.copy(f"COPY responses ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    n = 0
                    for row in islice(it, TX_ROWS):
                        copy.write_row(row)
                        n += 1
                pg.commit()
                if n:
                    count += n
                    _progress(count)
                if n < TX_ROWS:
                    break
    finally:
        raw.close()
    return count


def _progress(count: int) -> None:
    if count % 1_000_000 == 0:
        print(f"  {count:,} answers loaded", flush=True)


def settle(db: HQDatabase) -> None:
    """After the bulk load: VACUUM ANALYZE (PostgreSQL) or a full checkpoint (SQLite)."""
    if db.is_sqlite:
        raw = db.engine.raw_connection()  # outside a transaction, as a checkpoint must be
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def fill(database_url: str, answers: int, stores: int, seed: int) -> dict[str, float]:
    """A database as described in the module docstring; returns the seconds each step took
    (set_up, load, rebuild = ``rebuild_daily_answers``, settle)."""
    took: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        took[name] = time.perf_counter() - started
        print(f"  {name}: {took[name]:.0f} s", flush=True)
        started = time.perf_counter()

    now = utcnow()
    db = HQDatabase.open(database_url)
    try:
        kiosk_ids = set_up(db, now, stores)
        step("set_up")
        rows = answer_rows(answers, now, kiosk_ids, seed, stores)
        load = load_sqlite if db.is_sqlite else load_postgresql
        loaded = load(db, rows)
        assert loaded == answers == db.count_answers(), (loaded, answers)
        step("load")
        # What ingest keeps beside the answers, counted from them as after any bulk load.
        db.rebuild_daily_answers()
        step("rebuild")
        settle(db)
        step("settle")
    finally:
        db.close()
    return took


FILL, RECOUNT, REUSE = "fill", "recount", "reuse"


def reusable(database_url: str, answers: int, stores: int) -> str:
    """REUSE a kept database with this many answers over this many stores, all counted in
    every table of counts (hq.db.counts.COUNT_TABLES), the newest less than a day old;
    RECOUNT it if only the counts fall short (a table of counts the code added since, left
    empty by ``HQDatabase.open``); else FILL a new one."""
    try:
        db = HQDatabase.open(database_url)
    except HQDatabaseError:
        return FILL
    try:
        with db.reading() as conn:
            count, newest = conn.execute(
                select(func.count(), func.max(responses.c.answered_at))
            ).one()
            user = conn.execute(text("SELECT 1 FROM users WHERE name = :n"), {"n": USER}).first()
            counted = {conn.execute(select(func.sum(t.c.n))).scalar() for t in COUNT_TABLES}
            store_count = conn.execute(select(func.count()).select_from(stores_table)).scalar()
            # Made by an older schema of the same version (while it was being written)?
            found = inspect(conn)
            missing: list[str] = [
                str(index.name)
                for table in metadata.sorted_tables
                for index in table.indexes
                if index.name not in {i["name"] for i in found.get_indexes(table.name)}
            ]
            # ... or with a table's key in another order (the count tables' order is their
            # speed), or an index that is no longer the schema's?
            missing += [
                f"{table.name} key"
                for table in metadata.sorted_tables
                if found.get_pk_constraint(table.name)["constrained_columns"]
                != [c.name for c in table.primary_key]
            ]
            # (PostgreSQL's trigram index of the comments is made outside the metadata.)
            schema_indexes = {index.name for index in responses.indexes}
            missing += [
                str(i["name"])
                for i in found.get_indexes(responses.name)
                if i["name"] not in schema_indexes | {comment_words.INDEX_NAME}
            ]
    finally:
        db.close()
    newest_at = moment(newest)
    fresh = newest_at is not None and utcnow() - newest_at < timedelta(days=1)
    if count != answers or store_count != stores or user is None or not fresh or missing:
        return FILL
    return REUSE if counted == {answers} else RECOUNT


def recount(database_url: str) -> float:
    """Count a kept database's answers again (as ``fill`` does); the seconds it took."""
    started = time.perf_counter()
    db = HQDatabase.open(database_url)
    try:
        db.rebuild_daily_answers()
        settle(db)
    finally:
        db.close()
    return time.perf_counter() - started


# --- measuring --------------------------------------------------------------------------


def urls(today: date) -> list[str]:
    year = f"from={(today - timedelta(days=DAYS - 1)).isoformat()}"
    return [
        "/",
        "/factors",
        "/priorities",
        "/trend",
        "/trend?by=day",
        "/trend?split=store",
        "/trend?split=region",
        "/compare",
        "/compare?by=touchpoint",
        "/compare?by=region",
        "/actions",
        "/fleet",
        "/comments",
        "/comments?q=kassa",
        f"/?{year}",
        f"/trend?{year}",
        f"/compare?{year}",
        f"/factors?{year}",
        f"/priorities?{year}",
        f"/compare?by=region&{year}",
        f"/trend?split=store&{year}",
        f"/trend?split=region&{year}",
        f"/?region=north&{year}",
        f"/comments?{year}",
        f"/comments?q=kassa&{year}",
        # One comment text in fourteen says it (~36,000 over the year), and none says the other.
        f"/comments?q=uitverkocht&{year}",
        f"/comments?q=nergens&{year}",
        # Letters beyond ASCII: SQLite folds them in Python, one call per commented answer.
        f"/comments?q=überall&{year}",
        "/?store=s042",
        "/?touchpoint=returns_desk",
        "/?region=north",
    ]


def label(url: str, today: date) -> str:
    year = f"from={(today - timedelta(days=DAYS - 1)).isoformat()}"
    return url.replace(year, "from=-364d")


@dataclass
class Timing:
    url: str
    first_ms: float = 0.0
    server_ms: list[float] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)
    bytes: int = 0
    cpu_s: float = 0.0  # the server process's CPU time over all timed requests

    @property
    def cpu_ms(self) -> float:
        """Mean CPU per request of the ces-hq process (in 10 ms ticks: a rough figure)."""
        return self.cpu_s * 1000 / len(self.server_ms)

    @property
    def median(self) -> float:
        return statistics.median(self.server_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.server_ms, n=20, method="inclusive")[18]

    @property
    def max(self) -> float:
        return max(self.server_ms)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall_ms)

    @property
    def over(self) -> bool:
        return self.median >= GOAL_MS

    @property
    def tail_over(self) -> bool:
        return self.max >= GOAL_MS


class PageFailed(Exception):
    pass


_SERVER_TIMING = re.compile(r"\bapp;dur=([0-9.]+)")


def fetch(session: requests.Session, base: str, url: str) -> tuple[float, float, int]:
    """(server ms, wall ms, body bytes) of one page."""
    started = time.perf_counter()
    reply = session.get(base + url, timeout=300, allow_redirects=False)
    wall = (time.perf_counter() - started) * 1000
    if reply.status_code != 200:
        raise PageFailed(f"GET {url}: HTTP {reply.status_code}")
    found = _SERVER_TIMING.search(reply.headers.get("Server-Timing", ""))
    if not found:
        raise SystemExit(f"GET {url}: no Server-Timing header")
    return float(found.group(1)), wall, len(reply.content)


def measure(
    database_url: str, repeat: int, today: date, pages: Sequence[str] | None = None
) -> list[Timing]:
    with tempfile.TemporaryDirectory() as tmp, HQService(Path(tmp), database_url) as hq:
        base = hq.url
        try:
            session = requests.Session()
            reply = session.post(
                f"{base}/login",
                data={"user": USER, "password": PASSWORD, "next": "/"},
                allow_redirects=False,
                timeout=30,
            )
            if reply.status_code != 303 or "ces_session" not in session.cookies:
                raise SystemExit(f"login failed: HTTP {reply.status_code}")
            wanted = urls(today)
            if pages:
                unknown = set(pages) - {label(u, today) for u in wanted}
                if unknown:
                    raise SystemExit(f"no such page: {', '.join(sorted(unknown))}")
                wanted = [u for u in wanted if label(u, today) in pages]
            timings = [Timing(u) for u in wanted]
            for t in timings:
                t.first_ms, _, t.bytes = fetch(session, base, t.url)
            assert hq.process is not None
            server_process = psutil.Process(hq.process.pid)
            for _ in range(repeat):
                for t in timings:
                    cpu_before = sum(server_process.cpu_times()[:2])
                    server, wall, _ = fetch(session, base, t.url)
                    t.cpu_s += sum(server_process.cpu_times()[:2]) - cpu_before
                    t.server_ms.append(server)
                    t.wall_ms.append(wall)
            return timings
        except PageFailed as failed:
            log = hq.stderr()
            raise SystemExit(f"{failed}; the end of ces-hq's log:\n{log[-4000:]}") from None


def print_table(kind: str, timings: Sequence[Timing], today: date) -> None:
    print(f"\n{kind}: Server-Timing in ms ({len(timings[0].server_ms)} requests per page)")
    print(
        f"{'page':<34} {'median':>7} {'p95':>7} {'max':>7} {'first':>7} {'wall med':>9} "
        f"{'cpu':>6} {'KiB':>5}"
    )
    for t in timings:
        flag = "  OVER" if t.over else "  (tail over)" if t.tail_over else ""
        print(
            f"{label(t.url, today):<34} {t.median:7.1f} {t.p95:7.1f} {t.max:7.1f} "
            f"{t.first_ms:7.1f} {t.wall_median:9.1f} {t.cpu_ms:6.0f} {t.bytes / 1024:5.0f}{flag}"
        )
    over = [label(t.url, today) for t in timings if t.over]
    tail = [label(t.url, today) for t in timings if t.tail_over and not t.over]
    print(f"median over {GOAL_MS:.0f} ms: {', '.join(over) if over else 'none'}")
    print(f"only the slowest requests over {GOAL_MS:.0f} ms: {', '.join(tail) if tail else 'none'}")


# --- explaining -------------------------------------------------------------------------


def page_work(db: HQDatabase, url: str) -> None:
    """What the page at ``url`` asks the store (hq/dashboard/), in-process."""
    path, _, query = url.partition("?")
    params = dict(parse_qsl(query))
    f = parse_filters(params)
    insights.choices(db)
    if path not in ("/fleet", "/actions"):  # what every filtered page says (deps.page_of)
        insights.counted(db, f)
        insights.pooled(db, f)
    if path == "/":
        insights.overview(db, f)
        insights.overview(db, headlines.previous_period(f))
    elif path in ("/factors", "/priorities"):
        insights.factors(db, f)
    elif path == "/trend":
        by = "day" if params.get("by") == "day" else "week"
        insights.trend(db, f, by, params.get("split") or None)
    elif path == "/compare":
        insights.compare_groups(db, f, params.get("by", "store"))
    elif path == "/fleet":
        insights.fleet(db, utcnow())
    elif path == "/comments":
        insights.comments(db, f, contains=params.get("q", ""))
    elif path == "/actions":
        for action in actions.all_actions(db):
            actions.effect(db, action, f.end)
    else:
        raise ValueError(f"no page {path!r}")


def explain(database_url: str, url: str, today: date) -> None:
    db = HQDatabase.open(database_url)
    try:
        captured: list[tuple[str, Any]] = []

        def capture(*args: Any) -> None:
            statement, parameters = args[2], args[3]
            if statement.lstrip().upper().startswith("SELECT"):
                captured.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        page_work(db, url)  # warm
        captured.clear()
        started = time.perf_counter()
        page_work(db, url)
        total = (time.perf_counter() - started) * 1000
        event.remove(db.engine, "before_cursor_execute", capture)
        print(f"\n--- {label(url, today)}: {total:.1f} ms in-process, {len(captured)} SELECTs")
        for statement, parameters in captured:
            with db.reading() as conn:
                started = time.perf_counter()
                rows = conn.exec_driver_sql(statement, parameters).fetchall()
                ms = (time.perf_counter() - started) * 1000
                if db.is_sqlite:
                    plan = conn.exec_driver_sql(
                        "EXPLAIN QUERY PLAN " + statement, parameters
                    ).fetchall()
                    lines = _sqlite_plan(plan)
                else:
                    plan = conn.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                    ).fetchall()
                    lines = [str(r[0]) for r in plan]
            if ms < 5:
                continue
            print(f"\n{ms:.1f} ms, {len(rows)} rows; parameters {parameters}")
            print(" ".join(statement.split()))
            for line in lines:
                print("    " + line)
    finally:
        db.close()


def _sqlite_plan(rows: Sequence[Any]) -> list[str]:
    depth: dict[int, int] = {0: -1}
    out = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        out.append("  " * depth[node] + str(detail))
    return out


# --- databases --------------------------------------------------------------------------


def pg_database(base: str, name: str, create: bool) -> str:
    if create:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(base: str, name: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Run:
    database: str
    answers: int
    stores: int
    fill_s: dict[str, float] | None  # seconds per step; None: a kept database was reused
    load_before: float
    load_after: float
    timings: list[Timing]


def answers_for(kind: str, args: argparse.Namespace) -> int:
    return int(args.answers) if args.answers else DEFAULT_ANSWERS[kind]


def run_one(database_url: str, kind: str, args: argparse.Namespace, kept: str) -> Run | None:
    """Fill an empty database (or reuse or recount a ``kept`` one), measure, explain."""
    today = datetime.now(UTC).date()
    answers = answers_for(kind, args)
    fill_s = None
    print(
        f"{kind}: {answers:,} answers, {args.stores} stores in {len(regions(args.stores))} regions"
    )
    if kept == REUSE:
        print(f"{kind}: reusing the kept database")
    elif kept == RECOUNT:
        print(f"{kind}: reusing the kept database, its answers counted again", flush=True)
        fill_s = {"rebuild": recount(database_url)}
        print(f"  rebuild (and settle): {fill_s['rebuild']:.0f} s")
    else:
        fill_s = fill(database_url, answers, args.stores, args.seed)
        print(f"{kind}: filled in {sum(fill_s.values()):.0f} s")
    if kind == "sqlite":
        sqlite_statistics(database_url, analyzed=not args.no_analyze)
        kind += " (no ANALYZE)" if args.no_analyze else " (ANALYZEd)"
    if args.load_only:
        return None
    load_before = os.getloadavg()[0]
    timings = measure(database_url, args.repeat, today, args.page)
    run = Run(kind, answers, args.stores, fill_s, load_before, os.getloadavg()[0], timings)
    print_table(kind, timings, today)
    print(f"load average {run.load_before:.1f} before, {run.load_after:.1f} after")
    if args.explain != "none":
        for t in timings:
            if args.explain == "all" or t.over:
                explain(database_url, t.url, today)
    return run


def describe_machine(pg_url: str, kinds: Sequence[str]) -> str:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent,
    ).stdout.strip()
    parts = [
        f"{platform.node()}: {os.cpu_count()} cores, {platform.machine()}",
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    if "postgresql" in kinds:
        engine = create_engine(pg_url)
        with engine.connect() as conn:
            parts.append("PostgreSQL " + str(conn.execute(text("SHOW server_version")).scalar()))
        engine.dispose()
    parts.append(f"code {commit}")
    return ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--answers",
        type=int,
        help="answers to load (default: issue 13's sizes, "
        + ", ".join(f"{n:,} on {k}" for k, n in DEFAULT_ANSWERS.items())
        + ")",
    )
    parser.add_argument("--stores", type=int, default=DEFAULT_STORES)
    parser.add_argument(
        "--page",
        action="append",
        metavar="URL",
        help="measure only this page, as the table labels it (e.g. '/compare?from=-364d'); "
        "may be given again",
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="fill (or find) the databases, measure nothing (with --keep / --keep-pg)",
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--pg-url", default=os.environ.get("EFFORTLESS_TEST_PG_URL", DEFAULT_PG))
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep/reuse SQLite's hq.db here")
    parser.add_argument(
        "--keep-pg",
        action="store_true",
        help=f"keep/reuse the PostgreSQL database {KEPT_PG_DATABASE}",
    )
    parser.add_argument(
        "--explain",
        choices=("none", "slow", "all"),
        default="slow",
        help="print the SQL plans of pages over the goal (slow), of every page, or none",
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="SQLite: measure without ANALYZE statistics (HQ itself never runs ANALYZE)",
    )
    parser.add_argument("--json", type=Path, help="write the samples here")
    args = parser.parse_args()
    if args.repeat < 2:
        parser.error("--repeat needs at least 2")
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    print(describe_machine(args.pg_url, kinds))
    print(f"goal < {GOAL_MS:.0f} ms server side")
    runs: list[Run | None] = []
    for kind in kinds:
        if kind == "sqlite":
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                url = sqlite_url(args.keep)
                kept = reusable(url, answers_for(kind, args), args.stores)
                if kept == FILL:
                    for suffix in ("", "-wal", "-shm"):
                        (args.keep / f"{DB_FILENAME}{suffix}").unlink(missing_ok=True)
                runs.append(run_one(url, kind, args, kept))
            else:
                with tempfile.TemporaryDirectory() as data:
                    runs.append(run_one(sqlite_url(Path(data)), kind, args, kept=FILL))
        elif args.keep_pg:
            url = pg_database(args.pg_url, KEPT_PG_DATABASE, create=False)
            kept = reusable(url, answers_for(kind, args), args.stores)
            if kept == FILL:
                url = pg_database(args.pg_url, KEPT_PG_DATABASE, create=True)
            runs.append(run_one(url, kind, args, kept))
        else:
            name = f"effortless_bench_{uuid.uuid4().hex[:8]}"
            url = pg_database(args.pg_url, name, create=True)
            try:
                runs.append(run_one(url, kind, args, kept=FILL))
            finally:
                drop_pg_database(args.pg_url, name)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs if r], indent=1) + "\n")


if __name__ == "__main__":
    main()
