"""Answers out of HQ as CSV or JSON, streamed: the dashboard's export and ``ces-hq export``.

Rows come from the database in pages, so an export of millions of answers holds one page
in memory. Comments are the shoppers' own (scrubbed) words: in CSV a comment that a
spreadsheet would run as a formula (=, +, -, @ ...) is prefixed with an apostrophe.

Like the dashboard's figures, an export leaves out answers flagged rapid and counts
timeouts unless the filters choose otherwise; ``flags`` says which answers are rapid.

A minimised export (the dashboard's default) leaves out ``kiosk_id`` and rounds every time
down to the hour, and orders the answers within an hour by their random id rather than in
time order: a comment then cannot be matched to a till receipt or a camera image by when,
or in which order, it was given.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import ColumnElement, func, select

from ces.scales import SCALES
from ces.timestamps import iso_utc
from hq.dashboard.filters import Filters
from hq.dashboard.insights import conditions
from hq.db.database import HQDatabase
from hq.db.tables import responses, stores
from hq.moments import moment

FORMATS = ("csv", "json")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
COLUMNS = (
    "id",
    "answered_at",
    "store_id",
    "region",
    "touchpoint",
    "survey_id",
    "survey_version",
    "locale",
    "scale",
    "score",
    "band",
    "factor",
    "comment",
    "outcome",
    "flags",
    "started_at",
    "finished_at",
    "received_at",
    "kiosk_id",
)
# What a minimised export leaves out, and the times it rounds down to the hour.
NOT_MINIMISED = ("kiosk_id",)
TIMES = ("answered_at", "started_at", "finished_at", "received_at")
MINIMISED_COLUMNS = tuple(c for c in COLUMNS if c not in NOT_MINIMISED)
PAGE_ROWS = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def count(db: HQDatabase, f: Filters) -> int:
    query = select(func.count()).select_from(responses).where(*conditions(db, f))
    with db.reading() as conn:
        return int(conn.execute(query).scalar_one())


def columns(minimised: bool) -> tuple[str, ...]:
    return MINIMISED_COLUMNS if minimised else COLUMNS


def _hour(db: HQDatabase) -> ColumnElement[Any]:
    """answered_at cut to its UTC hour, for ordering."""
    if db.is_sqlite:
        return func.substr(responses.c.answered_at, 1, 13)
    return func.date_trunc("hour", func.timezone("UTC", responses.c.answered_at))


def rows(db: HQDatabase, f: Filters, minimised: bool = False) -> Iterator[dict[str, Any]]:
    """The filtered answers in time order (minimised: by hour), as plain values."""
    order = (_hour(db), responses.c.id) if minimised else (responses.c.answered_at, responses.c.id)
    keys = columns(minimised)
    query = (
        select(
            responses.c.id,
            responses.c.answered_at,
            responses.c.store_id,
            stores.c.region,
            responses.c.touchpoint,
            responses.c.survey_id,
            responses.c.survey_version,
            responses.c.locale,
            responses.c.scale,
            responses.c.score,
            responses.c.factor,
            responses.c.comment,
            responses.c.outcome,
            responses.c.flags,
            responses.c.started_at,
            responses.c.finished_at,
            responses.c.received_at,
            responses.c.kiosk_id,
        )
        .select_from(responses.outerjoin(stores, stores.c.id == responses.c.store_id))
        .where(*conditions(db, f))
        .order_by(*order)
    )
    with db.reading() as conn:
        result = conn.execution_options(stream_results=True, yield_per=PAGE_ROWS).execute(query)
        for row in result.mappings():
            item = dict(row)
            item["id"] = str(item["id"])
            item["kiosk_id"] = str(item["kiosk_id"])
            for key in TIMES:
                at = moment(item[key])
                if at is not None and minimised:
                    at = at.replace(minute=0, second=0, microsecond=0)
                item[key] = None if at is None else iso_utc(at)
            scale = SCALES.get(item["scale"])
            item["band"] = scale.band(item["score"]).value if scale else None
            # JSON: the list as stored; CSV: its flags joined by spaces (rows() is shared).
            item["flags"] = json.loads(item["flags"])
            yield {key: item[key] for key in keys}


def encode(items: Iterable[dict[str, Any]], fmt: str, minimised: bool = False) -> Iterator[bytes]:
    """The export file, in chunks of about a page of rows (from rows() with ``minimised``)."""
    if fmt == "csv":
        return _csv(items, columns(minimised))
    if fmt == "json":
        return _json(items)
    raise ValueError(f"unknown export format {fmt!r}")


def _csv(items: Iterable[dict[str, Any]], keys: tuple[str, ...]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # A byte order mark, so spreadsheet programs read the file as UTF-8.
    buffer.write("\ufeff")
    writer.writerow(keys)
    for n, item in enumerate(items, 1):
        writer.writerow([_cell(key, item[key]) for key in keys])
        if n % PAGE_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _cell(key: str, value: Any) -> Any:
    if value is None:
        return ""
    if key == "flags":
        return " ".join(value)
    if key == "comment" and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _json(items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    parts: list[str] = []
    first = True
    for item in items:
        parts.append(("[\n" if first else ",\n") + json.dumps(item, ensure_ascii=False))
        first = False
        if len(parts) >= PAGE_ROWS:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("[]\n" if first else "\n]\n")
    yield "".join(parts).encode("utf-8")
