"""The protocol's one timestamp format: UTC, ISO 8601, milliseconds, ``Z``.

e.g. ``2026-11-22T09:00:00.000Z``. Every side writes it with ``iso_utc``; HQ reads it with
``TIMESTAMP_RE`` (which also takes up to six fraction digits, as docs/protocol.md says).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?Z")
# What a kiosk writes: exactly milliseconds.
MS_TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z")


def iso_utc(moment: datetime) -> str:
    """UTC ISO 8601 with milliseconds, e.g. 2026-11-22T09:00:00.000Z."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def utc_now() -> str:
    """Now, in the protocol's format."""
    return iso_utc(datetime.now(UTC))
