"""Visitors per store and hour from a door counter, and participation: how many of them
answered.

``ces-hq footfall import FILE.csv`` reads a CSV file with a header and the columns
``store, date, hour, visitors`` (the store's local date and hour 0-23, as its door counter
counts; Dutch names ``winkel, datum, uur, bezoekers`` too), comma, semicolon or tab
separated, UTF-8 with or without a BOM: what Excel writes as "CSV UTF-8" in any locale.
Every row is checked before anything is stored, and the file is stored in one transaction:
a bad line names itself and nothing is loaded. A store, date and hour loaded before is
replaced, so a corrected file can simply be loaded again.

Participation is the answers of a store's local day per 100 of its visitors that day. The
answers come from the counts HQ keeps per store and local day (hq.db.counts' store_days),
never from a scan of the answers.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ces.answer import TIMEOUT
from hq.db.database import HQDatabase
from hq.db.tables import footfall, store_days
from hq.storeinfo import STORE_ID_RE

# A year of a 100-store chain's opening hours is about 10 MB of rows; a bigger file is
# refused before it is read, rather than held in memory whole (split it, e.g. per month).
MAX_FILE_BYTES = 32 * 1024 * 1024
# More visitors than this through one store's doors in one hour is a counter fault or a
# wrong column, not a shop (a busy city-centre store sees a few thousand an hour).
MAX_VISITORS_PER_HOUR = 100_000
# No answer is older than 2000 (hq.validate); footfall of a day to come is a typo.
EARLIEST_DAY = date(2000, 1, 1)
# A store's local today may be the day after the server's (UTC) today.
FUTURE_SLACK = timedelta(days=1)
MAX_FIELD_CHARS = 64

# Participation is "too low to trust the figures" under 1 answer per 100 visitors: the few
# who answer are then those with something to say (self-selected), not the store's
# shoppers, and a % easy says little about the other 99. (Too FEW answers is another matter,
# which every figure already handles: none is shown under hq.dashboard.stats.MIN_N.)
MIN_PER_100 = 1.0

COLUMNS = ("store", "date", "hour", "visitors")
# Header names taken for each column (lower case, spaces trimmed).
_ALIASES = {
    "store": "store",
    "store_id": "store",
    "winkel": "store",
    "date": "date",
    "day": "date",
    "datum": "date",
    "dag": "date",
    "hour": "hour",
    "uur": "hour",
    "visitors": "visitors",
    "bezoekers": "visitors",
}
_DELIMITERS = (",", ";", "\t")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
# Day first, as Dutch (and most European) Excel writes a date: 30-11-2026, 30/11/2026.
_DAY_FIRST = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})", re.ASCII)
_HOUR = re.compile(r"([0-9]{1,2})(?::00(?::00)?)?", re.ASCII)
_DIGITS = re.compile(r"[0-9]{1,12}", re.ASCII)
_BATCH = 2000


class FootfallError(ValueError):
    """A file HQ will not load; ``str(e)`` is one line naming the line that is wrong."""


# Slots: a chain's file is a million rows or more, each held until it is stored.
@dataclass(frozen=True, slots=True)
class Row:
    store: str
    day: date
    hour: int
    visitors: int
    # In the file, for the message about an hour given twice; not part of what a row is.
    line: int = field(default=0, compare=False)

    @property
    def key(self) -> tuple[str, date, int]:
        return (self.store, self.day, self.hour)


@dataclass(frozen=True)
class Summary:
    """What a file loads (or would load, with --dry-run)."""

    rows: int
    stores: int
    days: int  # distinct dates
    first: date | None
    last: date | None
    replaced: int  # rows that replace a store's hour loaded before


# --- reading a file -------------------------------------------------------------------------


def read_file(path: Path, today: date | None = None) -> list[Row]:
    """The rows of a footfall CSV file, every one checked; FootfallError at the first
    problem (no file, too big, not text, a bad line)."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise FootfallError(f"cannot read {path}: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise FootfallError(
            f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it "
            "(e.g. a file per month)"
        )
    return parse(data, today)


def parse(data: bytes, today: date | None = None) -> list[Row]:
    """The rows of a footfall file's bytes (see the module's docstring)."""
    if len(data) > MAX_FILE_BYTES:
        raise FootfallError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise FootfallError(f"line {line}: not a text file (NUL byte)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise FootfallError(
            f"line {line}: not UTF-8 text (save it from Excel as 'CSV UTF-8')"
        ) from None
    last_day = (today or date.today()) + FUTURE_SLACK
    lines = io.StringIO(text, newline="")
    header_line = lines.readline()
    if not header_line.strip():
        raise FootfallError(f"line 1: no header; the first line names the columns {_named()}")
    delimiter, positions = _header(header_line)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows: list[Row] = []
    # A store id and a date recur on every hour's row: one object each, not one per row.
    known: dict[str, Any] = {}
    line = 1
    try:
        for fields in reader:
            line = reader.line_num + 1  # the header was read apart
            if not any(f.strip() for f in fields):
                continue  # Excel's empty rows (";;;")
            row = _row(fields, positions, line, last_day)
            store = known.setdefault(row.store, row.store)
            day = known.setdefault(row.day.isoformat(), row.day)
            rows.append(Row(store, day, row.hour, row.visitors, line))
    except csv.Error as e:
        raise FootfallError(
            f"line {reader.line_num + 1}: not readable as CSV ({e}; is a quote left open?)"
        ) from None
    if not rows:
        raise FootfallError("the file has a header but no rows")
    # In key order (the order they are stored in), so an hour given twice is found next to
    # its twin without a second copy of every key in memory.
    rows.sort(key=lambda r: (r.key, r.line))
    twice = [(a, b) for a, b in itertools.pairwise(rows) if a.key == b.key]
    if twice:
        first, second = min(twice, key=lambda pair: pair[1].line)
        raise FootfallError(
            f"line {second.line}: {second.store} {second.day} hour {second.hour} is on line "
            f"{first.line} too (one row per store, date and hour; add up the visitors of an "
            "hour counted twice)"
        )
    return rows


def _named() -> str:
    return ", ".join(COLUMNS)


def _header(line: str) -> tuple[str, dict[str, int]]:
    """The delimiter and each column's position, from the header line."""
    best: tuple[str, dict[str, int]] | None = None
    for delimiter in _DELIMITERS:
        try:
            names = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter, strict=True))
        except csv.Error:
            continue
        positions: dict[str, int] = {}
        for i, name in enumerate(names):
            column = _ALIASES.get(name.strip().lower())
            if column is None:
                continue  # other columns of a counter's export are left alone
            if column in positions:
                raise FootfallError(f"line 1: the column {column!r} is named twice")
            positions[column] = i
        if best is None or len(positions) > len(best[1]):
            best = (delimiter, positions)
    assert best is not None
    missing = [c for c in COLUMNS if c not in best[1]]
    if missing:
        raise FootfallError(
            f"line 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header names {_named()})"
        )
    return best


def _row(fields: list[str], positions: dict[str, int], line: int, last_day: date) -> Row:
    needed = max(positions.values()) + 1
    if len(fields) < needed:
        raise FootfallError(f"line {line}: {len(fields)} fields, expected {needed} or more")
    values = {c: fields[i].strip() for c, i in positions.items()}
    for column, value in values.items():
        if not value:
            raise FootfallError(f"line {line}: no {column}")
        if len(value) > MAX_FIELD_CHARS:
            raise FootfallError(f"line {line}: the {column} is too long ({value[:20]!r}...)")
    store = values["store"]
    if not STORE_ID_RE.fullmatch(store):
        raise FootfallError(
            f"line {line}: {store[:40]!r} is not a store id "
            "(letters, digits, '_' or '-', at most 64)"
        )
    day = _day(values["date"], line)
    if not EARLIEST_DAY <= day <= last_day:
        raise FootfallError(
            f"line {line}: {day.isoformat()} is outside {EARLIEST_DAY} .. {last_day}"
        )
    hour_match = _HOUR.fullmatch(values["hour"])
    if hour_match is None or not 0 <= int(hour_match.group(1)) <= 23:
        raise FootfallError(
            f"line {line}: hour {values['hour'][:20]!r} is not an hour of the day (0-23)"
        )
    visitors = values["visitors"]
    if visitors.startswith("-") and _DIGITS.fullmatch(visitors[1:]):
        raise FootfallError(f"line {line}: visitors {visitors!r} is negative")
    if not _DIGITS.fullmatch(visitors):
        raise FootfallError(
            f"line {line}: visitors {visitors[:20]!r} is not a whole number of visitors"
        )
    if int(visitors) > MAX_VISITORS_PER_HOUR:
        raise FootfallError(
            f"line {line}: {visitors} visitors in one hour is more than a store can have "
            f"(at most {MAX_VISITORS_PER_HOUR:,}); is it the right column?"
        )
    return Row(store, day, int(hour_match.group(1)), int(visitors), line)


def _day(value: str, line: int) -> date:
    iso = _ISO_DATE.fullmatch(value)
    dmy = None if iso else _DAY_FIRST.fullmatch(value)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if dmy:
            return date(int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))
    except ValueError:
        raise FootfallError(f"line {line}: {value!r} is not a date in the calendar") from None
    raise FootfallError(
        f"line {line}: {value[:20]!r} is not a date (YYYY-MM-DD, or DD-MM-YYYY as Excel writes)"
    )


# --- storing --------------------------------------------------------------------------------


def load(db: HQDatabase, rows: list[Row], dry_run: bool = False) -> Summary:
    """Store the rows in one transaction (a store's hour loaded before is replaced), or with
    ``dry_run`` only say what would be stored."""
    if dry_run:
        with db.reading() as conn:
            return _summary(conn, rows)
    with db.writing() as conn:
        summary = _summary(conn, rows)
        statement = _upsert(conn)
        # Keys in one order, so two imports at once on PostgreSQL never deadlock.
        ordered = sorted(rows, key=lambda r: r.key)
        for start in range(0, len(ordered), _BATCH):
            conn.execute(
                statement,
                [
                    {"store_id": r.store, "day": r.day, "hour": r.hour, "visitors": r.visitors}
                    for r in ordered[start : start + _BATCH]
                ],
            )
    return summary


def _upsert(conn: Connection) -> Any:
    statement = (sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert)(footfall)
    return statement.on_conflict_do_update(
        index_elements=[c.name for c in footfall.primary_key],
        set_={"visitors": statement.excluded.visitors},
    )


def _summary(conn: Connection, rows: list[Row]) -> Summary:
    days = {r.day for r in rows}
    stores = sorted({r.store for r in rows})
    replaced = 0
    if rows:
        t = footfall
        # Both in key order: the hours already loaded are matched by walking the two lists
        # together, not by a set of every key of the file.
        wanted = iter(sorted(r.key for r in rows))
        at = next(wanted, None)
        for start in range(0, len(stores), 500):
            found = conn.execute(
                select(t.c.store_id, t.c.day, t.c.hour)
                .where(
                    t.c.store_id.in_(stores[start : start + 500]),
                    t.c.day.between(min(days), max(days)),
                )
                .order_by(t.c.store_id, t.c.day, t.c.hour)
            )
            for s, d, h in found:
                key = (str(s), d, int(h))
                while at is not None and at < key:
                    at = next(wanted, None)
                if at == key:
                    replaced += 1
    return Summary(
        len(rows),
        len(stores),
        len(days),
        min(days) if days else None,
        max(days) if days else None,
        replaced,
    )


# --- participation --------------------------------------------------------------------------


class _Share:
    """Answers against visitors, for what has both."""

    answers: int
    visitors: int

    @property
    def per_100(self) -> float | None:
        """Answers per 100 visitors; None when no visitor was counted."""
        return per_100_of(self.answers, self.visitors)[0]

    @property
    def too_low(self) -> bool:
        """Too small a share of the visitors answered to trust the figures (MIN_PER_100)."""
        return per_100_of(self.answers, self.visitors)[1]


@dataclass(frozen=True)
class Participation(_Share):
    """A store's local day: its answers and its visitors (from the footfall loaded)."""

    store: str
    day: date
    answers: int
    visitors: int


@dataclass(frozen=True)
class StoreParticipation(_Share):
    """A store over a range: the answers and visitors of its days with footfall."""

    store: str
    days: int  # days with footfall in the range
    answers: int
    visitors: int


def per_100_of(answers: int, visitors: int) -> tuple[float | None, bool]:
    """Answers per 100 visitors (None without visitors: a day the store was shut, or its
    counter was), and whether that is too low to trust (under MIN_PER_100)."""
    per_100 = 100.0 * answers / visitors if visitors > 0 else None
    return per_100, per_100 is not None and per_100 < MIN_PER_100


def participation(
    db: HQDatabase,
    stores: frozenset[str] | None,
    start: date,
    end: date,
    *,
    rapid: bool = False,
    timeouts: bool = True,
    touchpoint: str | None = None,
    survey: str | None = None,
    version: int | None = None,
) -> list[Participation]:
    """Per store and local day from ``start`` to ``end`` (both included), for the days a
    store has footfall: its answers, visitors and answers per 100 visitors. ``stores``:
    these stores only (None: every store). Answers flagged rapid (a child tapping through)
    are not participation and are left out unless ``rapid``; timeouts (a score, then the
    shopper walked away) are answers and count unless ``timeouts`` is False.
    ``touchpoint``, ``survey`` and ``version`` count only the answers given there (the
    visitors are the whole store's, as a door counter counts)."""
    if stores is not None and not stores:
        return []
    visitors = _visitors(db, stores, start, end)
    if not visitors:
        return []
    narrowing = _Narrowing(rapid, timeouts, touchpoint, survey, version)
    answers = _answers(db, frozenset(s for s, _ in visitors), start, end, narrowing)
    return [
        Participation(store, day, answers.get((store, day), 0), n)
        for (store, day), n in sorted(visitors.items())
    ]


def store_totals(rows: Iterable[Participation]) -> list[StoreParticipation]:
    """Each store's total over the days of ``rows`` (participation(...)'s), by store id."""
    totals: dict[str, list[int]] = {}
    for r in rows:
        t = totals.setdefault(r.store, [0, 0, 0])
        t[0] += 1
        t[1] += r.answers
        t[2] += r.visitors
    return [StoreParticipation(s, d, a, v) for s, (d, a, v) in sorted(totals.items())]


def participation_totals(
    db: HQDatabase,
    stores: frozenset[str] | None,
    start: date,
    end: date,
    *,
    rapid: bool = False,
    timeouts: bool = True,
) -> list[StoreParticipation]:
    """Per store over the range: the answers and visitors of its days with footfall (days
    without a visitor count are left out of both, so they never inflate the share)."""
    return store_totals(participation(db, stores, start, end, rapid=rapid, timeouts=timeouts))


def stores_with_footfall(db: HQDatabase) -> list[str]:
    with db.reading() as conn:
        return [str(s) for s in conn.scalars(select(footfall.c.store_id).distinct())]


def _chunks(stores: frozenset[str] | None) -> Iterator[list[str] | None]:
    if stores is None:
        yield None
        return
    ordered = sorted(stores)
    for start in range(0, len(ordered), 500):
        yield ordered[start : start + 500]


def _visitors(
    db: HQDatabase, stores: frozenset[str] | None, start: date, end: date
) -> dict[tuple[str, date], int]:
    t = footfall
    out: dict[tuple[str, date], int] = {}
    with db.reading() as conn:
        for part in _chunks(stores):
            query = (
                select(t.c.store_id, t.c.day, func.sum(t.c.visitors))
                .where(t.c.day.between(start, end))
                .group_by(t.c.store_id, t.c.day)
            )
            if part is not None:
                query = query.where(t.c.store_id.in_(part))
            for store, day, n in conn.execute(query):
                out[(str(store), day)] = int(n)
    return out


@dataclass(frozen=True)
class _Narrowing:
    rapid: bool
    timeouts: bool
    touchpoint: str | None
    survey: str | None
    version: int | None


def _answers(
    db: HQDatabase, stores: frozenset[str], start: date, end: date, narrowing: _Narrowing
) -> dict[tuple[str, date], int]:
    t = store_days
    out: dict[tuple[str, date], int] = {}
    with db.reading() as conn:
        for part in _chunks(stores):
            assert part is not None
            query = (
                select(t.c.store_id, t.c.day, func.sum(t.c.n))
                .where(t.c.day.between(start, end), t.c.store_id.in_(part))
                .group_by(t.c.store_id, t.c.day)
            )
            if not narrowing.rapid:
                query = query.where(t.c.rapid == 0)
            if not narrowing.timeouts:
                query = query.where(t.c.outcome != TIMEOUT)
            if narrowing.touchpoint:
                query = query.where(t.c.touchpoint == narrowing.touchpoint)
            if narrowing.survey:
                query = query.where(t.c.survey_id == narrowing.survey)
            if narrowing.version:
                query = query.where(t.c.survey_version == narrowing.version)
            for store, day, n in conn.execute(query):
                out[(str(store), day)] = int(n)
    return out


__all__ = [
    "MAX_FILE_BYTES",
    "MIN_PER_100",
    "FootfallError",
    "Participation",
    "Row",
    "StoreParticipation",
    "Summary",
    "load",
    "parse",
    "participation",
    "participation_totals",
    "read_file",
    "store_totals",
    "stores_with_footfall",
]
