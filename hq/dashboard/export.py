"""Answers out of HQ as CSV or JSON, streamed: the dashboard's export and ``ces-hq export``.

Rows come from the database in pages, so an export of millions of answers holds one page
in memory. Comments are the shoppers' own (scrubbed) words: in CSV a comment that a
spreadsheet would run as a formula (=, +, -, @ ...) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, select

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
    "started_at",
    "finished_at",
    "received_at",
    "kiosk_id",
)
PAGE_ROWS = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def count(db: HQDatabase, f: Filters) -> int:
    query = select(func.count()).select_from(responses).where(*conditions(db, f))
    with db.reading() as conn:
        return int(conn.execute(query).scalar_one())


def rows(db: HQDatabase, f: Filters) -> Iterator[dict[str, Any]]:
    """The filtered answers in time order, as plain values."""
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
            responses.c.started_at,
            responses.c.finished_at,
            responses.c.received_at,
            responses.c.kiosk_id,
        )
        .select_from(responses.outerjoin(stores, stores.c.id == responses.c.store_id))
        .where(*conditions(db, f))
        .order_by(responses.c.answered_at, responses.c.id)
    )
    with db.reading() as conn:
        result = conn.execution_options(stream_results=True, yield_per=PAGE_ROWS).execute(query)
        for row in result.mappings():
            item = dict(row)
            item["id"] = str(item["id"])
            item["kiosk_id"] = str(item["kiosk_id"])
            for key in ("answered_at", "started_at", "finished_at", "received_at"):
                at = moment(item[key])
                item[key] = None if at is None else iso_utc(at)
            scale = SCALES.get(item["scale"])
            item["band"] = scale.band(item["score"]).value if scale else None
            yield {key: item[key] for key in COLUMNS}


def encode(items: Iterable[dict[str, Any]], fmt: str) -> Iterator[bytes]:
    """The export file, in chunks of about a page of rows."""
    if fmt == "csv":
        return _csv(items)
    if fmt == "json":
        return _json(items)
    raise ValueError(f"unknown export format {fmt!r}")


def _csv(items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # A byte order mark, so spreadsheet programs read the file as UTF-8.
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for n, item in enumerate(items, 1):
        writer.writerow([_cell(key, item[key]) for key in COLUMNS])
        if n % PAGE_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _cell(key: str, value: Any) -> Any:
    if value is None:
        return ""
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
