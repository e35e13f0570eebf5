"""Timestamps as HQ stores them: UTC, canonical ISO 8601 text with microseconds and a Z.

The same text goes to both databases: SQLite keeps it as is (fixed width, so it sorts in
time order), PostgreSQL casts it to timestamptz.
"""

from __future__ import annotations

from datetime import UTC, datetime

# 2026-11-22T09:00:00.000000Z
CANONICAL_LENGTH = 27


def utcnow() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """The canonical text of an aware datetime."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(text: str) -> str:
    """The canonical text of a checked timestamp with 0 to 6 fractional digits."""
    if len(text) == CANONICAL_LENGTH:
        return text
    if len(text) == 20:  # no fraction
        return text[:19] + ".000000Z"
    return text[:-1].ljust(CANONICAL_LENGTH - 1, "0") + "Z"


def moment(value: datetime | str | None) -> datetime | None:
    """A stored timestamp (timestamptz from PostgreSQL, text from SQLite) as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
