"""The counts ingest keeps beside the answers: daily_answers, store_days, store_factor_days.

Each stored answer is one Fact (its store, its local day and what the dashboard splits by);
the tables count facts at three grains. Every change to the answers (ingest, bursts flagged
later, erasure, a store's time zone) hands the facts it adds (+1) and removes (-1) to
``apply``, in the transaction that changes the answers, so the counts always agree with them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, timedelta
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection, RowMapping, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ces.answer import RAPID_FLAG
from hq.db.tables import (
    SCORE_COUNTS,
    daily_answers,
    responses,
    store_days,
    store_factor_days,
    store_factor_weeks,
    store_weeks,
)
from hq.db.zones import LocalDays, Zones

# In the compact JSON text of a flags list holding "rapid" (hq.validate writes it so).
RAPID_TEXT = json.dumps(RAPID_FLAG)
# Columns an answer's fact is made of, as read from responses.
FACT_COLUMNS = (
    responses.c.store_id,
    responses.c.answered_at,
    responses.c.touchpoint,
    responses.c.survey_id,
    responses.c.survey_version,
    responses.c.scale,
    responses.c.score,
    responses.c.factor,
    responses.c.outcome,
    responses.c.flags,
)


class Fact(NamedTuple):
    store_id: str
    day: date
    touchpoint: str
    survey_id: str
    survey_version: int
    scale: str
    score: int
    factor: str  # '' for none
    outcome: str
    rapid: int  # 1: flagged rapid

    @property
    def week(self) -> date:
        """The Monday of the local week (weeks run Monday to Sunday, ISO 8601)."""
        return self.day - timedelta(days=self.day.weekday())


def fact(row: Mapping[Any, Any], days: LocalDays) -> Fact:
    """The fact of an answer (a dict as ingest completes it, or a row of FACT_COLUMNS)."""
    return Fact(
        str(row["store_id"]),
        days.of(row["answered_at"]),
        str(row["touchpoint"]),
        str(row["survey_id"]),
        int(row["survey_version"]),
        str(row["scale"]),
        int(row["score"]),
        str(row["factor"] or ""),
        str(row["outcome"]),
        1 if RAPID_TEXT in row["flags"] else 0,
    )


def facts(rows: Iterable[Any], zones: Zones) -> Counter[Fact]:
    """Facts of answer rows read with FACT_COLUMNS (any stores)."""
    return Counter(fact(r._mapping, zones.days(str(r.store_id))) for r in rows)


def removed(conn: Connection, where: Any, zones: Zones) -> Counter[Fact]:
    """Delete the answers matching ``where``; the facts of the rows this DELETE removed, as
    negative counts (on PostgreSQL a concurrent erasure of the same answers waits for this
    one and then finds them gone, and must not take them out of the counts a second time)."""
    gone = conn.execute(delete(responses).where(where).returning(*FACT_COLUMNS))
    return Counter({f: -n for f, n in facts(gone, zones).items()})


class _Grain(NamedTuple):
    table: Table
    key: Callable[[Fact], Any]  # the table's key columns are Fact's fields of the same names
    histogram: bool  # scores as s1..s7 columns, or score in the key and n alone


def _grain(table: Table) -> _Grain:
    return _Grain(
        table, attrgetter(*(c.name for c in table.primary_key)), SCORE_COUNTS[0] in table.c
    )


_GRAINS = tuple(
    _grain(t)
    for t in (daily_answers, store_days, store_factor_days, store_weeks, store_factor_weeks)
)

# Every table of counts, for whoever must treat them alike (erasure checks, tests).
COUNT_TABLES = tuple(g.table for g in _GRAINS)

_UPSERTS: dict[tuple[str, str], Any] = {}


def _upsert(dialect: str, table: Table) -> Any:
    found = _UPSERTS.get((dialect, table.name))
    if found is None:
        statement = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)
        counted = ["n", *SCORE_COUNTS] if SCORE_COUNTS[0] in table.c else ["n"]
        found = statement.on_conflict_do_update(
            index_elements=[c.name for c in table.primary_key],
            set_={name: table.c[name] + statement.excluded[name] for name in counted},
        )
        _UPSERTS[(dialect, table.name)] = found
    return found


def rows_of(grain: _Grain, tally: Mapping[Fact, int]) -> list[dict[str, Any]]:
    """The table's rows (key columns and signed counts) for these facts, in key order."""
    names = [c.name for c in grain.table.primary_key]
    sums: dict[tuple[Any, ...], dict[str, int]] = {}
    for f, n in tally.items():
        if not n:
            continue
        key = grain.key(f)
        counts = sums.get(key)
        if counts is None:
            counts = sums[key] = dict.fromkeys(SCORE_COUNTS, 0) if grain.histogram else {}
            counts["n"] = 0
        counts["n"] += n
        if grain.histogram:
            counts[f"s{f.score}"] += n
    # Keys in one order, so concurrent PostgreSQL transactions never deadlock on them.
    return [{**dict(zip(names, key, strict=True)), **sums[key]} for key in sorted(sums)]


def apply(conn: Connection, tally: Mapping[Fact, int]) -> None:
    """Add (n > 0) and take away (n < 0) these facts from every count, in ``conn``'s
    transaction; rows left with nothing are deleted."""
    if not any(tally.values()):
        return
    dialect = conn.dialect.name
    taken = any(n < 0 for n in tally.values())
    for grain in _GRAINS:
        rows = rows_of(grain, tally)
        if rows:
            conn.execute(_upsert(dialect, grain.table), rows)
    if taken:
        gone = [f for f, n in tally.items() if n < 0]
        store_ids = sorted({f.store_id for f in gone})
        for grain in _GRAINS:
            t = grain.table
            period = t.c.week if "week" in t.c else t.c.day
            periods = sorted({getattr(f, period.name) for f in gone})
            where = [period.in_(periods), t.c.n <= 0]
            if "store_id" in t.c:
                where.append(t.c.store_id.in_(store_ids))
            conn.execute(delete(t).where(*where))


def rebuild(conn: Connection, zones: Zones) -> None:
    """Count every stored answer again (after a bulk load or a schema upgrade).

    A few stores at a time, along the store index, so memory holds one part's
    facts and the chain's daily counts, not every fact at once.
    """
    for grain in _GRAINS:
        conn.execute(delete(grain.table))
    store_ids = sorted(str(s) for s in conn.scalars(select(responses.c.store_id).distinct()))
    chain: Counter[Fact] = Counter()
    for start in range(0, len(store_ids), REBUILD_STORES):
        part = _read_facts(conn, zones, store_ids[start : start + REBUILD_STORES])
        for grain in _GRAINS[1:]:
            _insert(conn, grain, part)
        # Only the chain's grain (no store, no per-store day) is kept across parts.
        for f, n in part.items():
            chain[f._replace(store_id="")] += n
    _insert(conn, _GRAINS[0], chain)


def move(conn: Connection, before: Zones, after: Zones, store_ids: list[str]) -> None:
    """Move these stores' answers from the days they were counted on (in ``before``) to
    their days in ``after``: a store's, or the chain's, time zone changed."""
    tally: Counter[Fact] = Counter()
    for row in _stored(conn, store_ids):  # read once, counted in both zones
        store_id = str(row["store_id"])
        tally[fact(row, before.days(store_id))] -= 1
        tally[fact(row, after.days(store_id))] += 1
    apply(conn, tally)


REBUILD_STORES = 25
_INSERT_ROWS = 20_000


def _insert(conn: Connection, grain: _Grain, tally: Mapping[Fact, int]) -> None:
    rows = rows_of(grain, tally)
    for start in range(0, len(rows), _INSERT_ROWS):
        conn.execute(grain.table.insert(), rows[start : start + _INSERT_ROWS])


def _read_facts(conn: Connection, zones: Zones, store_ids: list[str]) -> Counter[Fact]:
    """The facts of these stores' answers."""
    return Counter(fact(row, zones.days(str(row["store_id"]))) for row in _stored(conn, store_ids))


def _stored(conn: Connection, store_ids: list[str]) -> Iterator[RowMapping]:
    """These stores' answers as FACT_COLUMNS, streamed along the store index."""
    query = select(*FACT_COLUMNS).where(responses.c.store_id.in_(store_ids))
    # Per statement: Connection.execution_options would stream every later statement too.
    result = conn.execute(query, execution_options={"stream_results": True, "yield_per": 50_000})
    for part in result.mappings().partitions():
        yield from part
