"""Which answers a dashboard page, an export or the command line looks at.

The same names everywhere: ``from``, ``to`` (dates, both included: each
store's local days, in its time zone or the chain's, hq.db.zones), ``store``,
``region``, ``touchpoint``, ``survey``, ``version`` (of the survey chosen, which it needs: version
2 of one survey has nothing to do with version 2 of another), and what is counted: ``rapid=include`` (answers
flagged rapid are left out unless asked for) and ``timeouts=exclude`` (a score, then the
shopper walked away: counted unless asked not to). Parsed from untrusted text (query strings), so
every value is checked and a bad one is named in the error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hq.storeinfo import STORE_ID_RE
from hq.validate import MAX_INT

# The default range: the last twelve weeks, today included.
DEFAULT_DAYS = 84
# The widest range a page may ask for; wider is refused rather than scanned.
MAX_DAYS = 3 * 366
# The days HQ works with at all, in filters and in actions: no answer is older than
# EARLIEST_DAY (hq.validate refuses them), and nothing is planned more than
# FUTURE_YEARS ahead. Dates outside are refused with a 400 naming the field, so that no
# date arithmetic on them reaches the ends of Python's calendar (year 1, year 9999).
EARLIEST_DAY = date(2000, 1, 1)
FUTURE_YEARS = 10


class FilterError(ValueError):
    """A value HQ cannot use. ``problem`` is English (command line, logs); the dashboard
    words it in the page's language from ``key`` (``filter_<key>`` in webtexts) and
    ``values``."""

    def __init__(
        self, field: str, problem: str, key: str, values: Mapping[str, str] | None = None
    ) -> None:
        self.field = field
        self.problem = problem
        self.key = key
        self.values = dict(values or {})
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # included
    store: str | None = None
    region: str | None = None
    touchpoint: str | None = None
    survey: str | None = None
    version: int | None = None  # of ``survey``
    # Count answers flagged rapid (a child tapping through), and timeouts.
    rapid: bool = False
    timeouts: bool = True
    # The stores the reader may see at all (a store manager's, hq.roles; None: every store).
    # Set by the dashboard from the session, never from the query string, and not in links.
    stores: frozenset[str] | None = None

    def query(self, **changes: str | None) -> dict[str, str]:
        """These filters as query parameters (for links), with some changed."""
        out = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "store": self.store,
            "region": self.region,
            "touchpoint": self.touchpoint,
            "survey": self.survey,
            "version": str(self.version) if self.version else None,
            # Only a choice that differs from the default, so plain links stay plain.
            "rapid": "include" if self.rapid else None,
            "timeouts": None if self.timeouts else "exclude",
        }
        out.update(changes)
        return {k: v for k, v in out.items() if v}

    def narrowed(self, **changes: object) -> Filters:
        return replace(self, **changes)  # type: ignore[arg-type]


def today(zone: str = "UTC") -> date:
    """Today where the chain is (``zone``: its time zone, hq.db.zones): the default range
    ends on the day its shops are living, not on the UTC date."""
    return datetime.now(ZoneInfo(zone)).date()


def latest_day(now: date | None = None) -> date:
    """The last day a filter or an action may name: FUTURE_YEARS after today."""
    day = now or today()
    try:
        return day.replace(year=day.year + FUTURE_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + FUTURE_YEARS, day=28)


def check_day(day: date, field: str, now: date | None = None) -> date:
    """``day`` if HQ works with it, else FilterError naming ``field`` and the range."""
    last = latest_day(now)
    if not EARLIEST_DAY <= day <= last:
        values = {
            "day": day.isoformat(),
            "first": EARLIEST_DAY.isoformat(),
            "last": last.isoformat(),
        }
        raise FilterError(
            field, "{day} is outside {first} .. {last}".format_map(values), "outside", values
        )
    return day


def default_filters(now: date | None = None) -> Filters:
    end = now or today()
    return Filters(start=end - timedelta(days=DEFAULT_DAYS - 1), end=end)


def parse_filters(params: Mapping[str, str], now: date | None = None) -> Filters:
    """Filters from query parameters; missing ones take their defaults."""
    defaults = default_filters(now)
    start = _date(params, "from", now) or defaults.start
    end = _date(params, "to", now) or defaults.end
    if end < start:
        values = {"end": end.isoformat(), "start": start.isoformat()}
        raise FilterError(
            "to", "{end} is before from ({start})".format_map(values), "before_from", values
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise FilterError(
            "from",
            f"the range is longer than {MAX_DAYS} days",
            "too_long",
            {"days": str(MAX_DAYS)},
        )
    survey = _id(params, "survey")
    return Filters(
        start=start,
        end=end,
        store=_id(params, "store"),
        region=_id(params, "region"),
        touchpoint=_id(params, "touchpoint"),
        survey=survey,
        version=_version(params, survey),
        rapid=_choice(params, "rapid", ("include", "exclude"), "exclude") == "include",
        timeouts=_choice(params, "timeouts", ("include", "exclude"), "include") == "include",
    )


def _choice(params: Mapping[str, str], field: str, allowed: tuple[str, ...], default: str) -> str:
    raw = params.get(field, "").strip()
    if not raw:
        return default
    if raw not in allowed:
        values = {"allowed": " or ".join(allowed)}
        raise FilterError(field, "expected {allowed}".format_map(values), "choice", values)
    return raw


def _version(params: Mapping[str, str], survey: str | None) -> int | None:
    raw = params.get("version", "").strip()
    if not raw:
        return None
    # Digits only, and no more than hq.validate lets a survey_version be.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not 1 <= int(raw) <= MAX_INT:
        raise FilterError("version", "expected a version number (1 or more)", "version_format")
    if survey is None:
        raise FilterError("version", "choose a survey for a version", "version_survey")
    return int(raw)


def _date(params: Mapping[str, str], field: str, now: date | None) -> date | None:
    raw = params.get(field, "").strip()
    if not raw:
        return None
    if len(raw) != 10:
        raise FilterError(field, "expected a date as YYYY-MM-DD", "date_format")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise FilterError(field, "expected a date as YYYY-MM-DD", "date_format") from None
    return check_day(day, field, now)


def _id(params: Mapping[str, str], field: str) -> str | None:
    raw = params.get(field, "").strip()
    if not raw:
        return None
    if not STORE_ID_RE.fullmatch(raw):
        raise FilterError(
            field, "not a valid id (letters, digits, '_' or '-', at most 64)", "bad_id"
        )
    return raw
