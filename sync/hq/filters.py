"""Which answers a dashboard page, an export or the command line looks at.

The same names everywhere: ``from``, ``to`` (dates, both included, UTC days), ``store``,
``region``, ``touchpoint``, ``survey``. Parsed from untrusted text (query strings), so
every value is checked and a bad one is named in the error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

# The default range: the last twelve weeks, today included.
DEFAULT_DAYS = 84
# The widest range a page may ask for; wider is refused rather than scanned.
MAX_DAYS = 3 * 366
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class FilterError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # included
    store: str | None = None
    region: str | None = None
    touchpoint: str | None = None
    survey: str | None = None

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_before(self) -> datetime:
        """The first moment after the range."""
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    def query(self, **changes: str | None) -> dict[str, str]:
        """These filters as query parameters (for links), with some changed."""
        out = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "store": self.store,
            "region": self.region,
            "touchpoint": self.touchpoint,
            "survey": self.survey,
        }
        out.update(changes)
        return {k: v for k, v in out.items() if v}

    def narrowed(self, **changes: object) -> Filters:
        return replace(self, **changes)  # type: ignore[arg-type]


def today() -> date:
    return datetime.now(UTC).date()


def default_filters(now: date | None = None) -> Filters:
    end = now or today()
    return Filters(start=end - timedelta(days=DEFAULT_DAYS - 1), end=end)


def parse_filters(params: Mapping[str, str], now: date | None = None) -> Filters:
    """Filters from query parameters; missing ones take their defaults."""
    defaults = default_filters(now)
    start = _date(params, "from") or defaults.start
    end = _date(params, "to") or defaults.end
    if end < start:
        raise FilterError("to", f"{end.isoformat()} is before from ({start.isoformat()})")
    if (end - start).days + 1 > MAX_DAYS:
        raise FilterError("from", f"the range is longer than {MAX_DAYS} days")
    return Filters(
        start=start,
        end=end,
        store=_id(params, "store"),
        region=_id(params, "region"),
        touchpoint=_id(params, "touchpoint"),
        survey=_id(params, "survey"),
    )


def _date(params: Mapping[str, str], field: str) -> date | None:
    raw = params.get(field, "").strip()
    if not raw:
        return None
    if len(raw) != 10:
        raise FilterError(field, "expected a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(field, "expected a date as YYYY-MM-DD") from None


def _id(params: Mapping[str, str], field: str) -> str | None:
    raw = params.get(field, "").strip()
    if not raw:
        return None
    if not _ID_RE.fullmatch(raw):
        raise FilterError(field, "not a valid id (letters, digits, '_' or '-', at most 64)")
    return raw
