"""The dashboard's questions to the database, answered in SQL.

The database counts (GROUP BY scale, score and what a page splits by); hq.dashboard.stats turns
the counts into figures. Figures read the counts ingest keeps (hq.db.counts): daily_answers
for all stores, store_days and store_factor_days by store or region, all per local day of
the answer's store; only comments, the export and the fleet read answers themselves, cut in
each store's local time (``in_days``). The same statements run on SQLite and PostgreSQL:
only how a timestamp becomes an hour of the week differs, in ``_hour_of_week``.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Integer,
    Select,
    Table,
    and_,
    func,
    literal,
    or_,
    select,
    union_all,
)

from ces.answer import TIMEOUT
from ces.scales import SCALES, Band
from hq.dashboard import stats
from hq.dashboard.filters import Filters
from hq.db import comment_words
from hq.db.database import HQDatabase, rapid_flagged
from hq.db.tables import (
    SCORE_COUNTS,
    daily_answers,
    kiosks,
    responses,
    store_days,
    store_factor_days,
    store_factor_weeks,
    store_weeks,
    stores,
)
from hq.db.zones import DEFAULT_ZONE, Zones, chain_zone, read_zones
from hq.moments import moment

# Answers a comments page shows at once.
COMMENTS_PAGE = 50
# The comments page counts its matches only this far past the page shown ("more than
# 1,000"): a common word is in hundreds of thousands of a chain's comments over a year, and
# counting them all reads every one of their rows; the pages up to the cap stay reachable.
COMMENTS_COUNT_CAP = 1000
# A kiosk is "silent" when, by the answers its store and touchpoint usually get at these
# hours of the week, it should have had this many since its last one (Poisson: the chance
# of none by bad luck is e^-5, under 1%).
SILENT_EXPECTED = 5.0
# How far back the usual answers per hour of the week are counted.
PROFILE_DAYS = 28
# A silence is looked at over at most this long (beyond it the kiosk is plainly gone).
SILENCE_HORIZON_DAYS = 7
# How long the usual traffic, once counted, is used again. Counting it scans PROFILE_DAYS of
# every answer (per hour of the week, which no count table holds): a chain's whole fleet,
# hundreds of milliseconds on every load of the fleet page. Four weeks of answers per hour
# of the week hardly move in ten minutes, and the kiosks' own last answers, which decide
# whether one is silent now, are read fresh on every load.
PROFILE_REFRESH = timedelta(minutes=10)


def _hour_of_week(db: HQDatabase) -> ColumnElement[Any]:
    """0 = Sunday 00:00-01:00 UTC ... 167 = Saturday 23:00-24:00."""
    at = responses.c.answered_at
    if db.is_sqlite:
        day = func.cast(func.strftime("%w", at), Integer())
        hour = func.cast(func.substr(at, 12, 2), Integer())
        return day * 24 + hour
    local = func.timezone("UTC", at)
    return func.cast(func.extract("dow", local) * 24 + func.extract("hour", local), Integer())


def zones(db: HQDatabase) -> Zones:
    with db.reading() as conn:
        return read_zones(conn)


def in_days(db: HQDatabase, f: Filters, known: Zones | None = None) -> ColumnElement[bool]:
    """Answers given on the filters' days, each in its store's local time.

    One range when a single zone applies (one store, or every store in the chain's zone);
    else a range per zone, OR'd, inside the range that covers them all (which an index on
    answered_at can scan).
    """
    at = responses.c.answered_at
    found = known or zones(db)
    if f.store or found.uniform:
        # No store is named "": its days are the chain's.
        low, high = found.days(f.store or "").bounds(f.start, f.end)
        return and_(at >= db.timestamp(low), at < db.timestamp(high))
    parts: list[ColumnElement[bool]] = []
    lows, highs = [], []
    for days, ids, every_other in found.groups():
        low, high = days.bounds(f.start, f.end)
        lows.append(low)
        highs.append(high)
        inside = and_(at >= db.timestamp(low), at < db.timestamp(high))
        if every_other:
            parts.append(and_(inside, responses.c.store_id.not_in(ids)) if ids else inside)
        else:
            parts.append(and_(inside, responses.c.store_id.in_(ids)))
    return and_(at >= db.timestamp(min(lows)), at < db.timestamp(max(highs)), or_(*parts))


def conditions(
    db: HQDatabase, f: Filters, counted: bool = True, known: Zones | None = None
) -> list[ColumnElement[bool]]:
    """The filters as conditions on answers; ``counted``: with the rapid and timeouts choice.

    For what must read the answers themselves (comments, the export): figures read the
    counts (``_source``).
    """
    where: list[ColumnElement[bool]] = [in_days(db, f, known)]
    if f.stores is not None:
        where.append(responses.c.store_id.in_(sorted(f.stores)))
    if f.store:
        where.append(responses.c.store_id == f.store)
    if f.region:
        where.append(
            responses.c.store_id.in_(select(stores.c.id).where(stores.c.region == f.region))
        )
    if f.touchpoint:
        where.append(responses.c.touchpoint == f.touchpoint)
    if f.survey:
        where.append(responses.c.survey_id == f.survey)
    if f.version:
        where.append(responses.c.survey_version == f.version)
    if counted and not f.rapid:
        where.append(~rapid_flagged())
    if counted and not f.timeouts:
        where.append(responses.c.outcome != TIMEOUT)
    return where


def _counts(db: HQDatabase, query: Select[Any]) -> list[Any]:
    with db.reading() as conn:
        return list(conn.execute(query))


@dataclass(frozen=True)
class _Source:
    """Where counts come from: daily_answers (all stores; a row per score), or per store
    store_days / store_factor_days (a row holds a day's scores as s1..s7). Days are local."""

    table: FromClause  # a table of counts, or the union of weekly and daily ones
    where: list[ColumnElement[bool]]
    period: ColumnElement[Any] | None = None  # the day column, if not named "day"

    @property
    def day(self) -> ColumnElement[Any]:
        return self.period if self.period is not None else self.table.c.day

    @property
    def count(self) -> ColumnElement[Any]:
        return func.sum(self.table.c.n)

    @property
    def histogram(self) -> bool:
        return SCORE_COUNTS[0] in self.table.c

    def scored(self, *keys: ColumnElement[Any], from_: Any = None) -> Select[Any]:
        """``keys``, the scale and the answers per score (read with ``_scored``)."""
        c = self.table.c
        if self.histogram:
            counted: list[ColumnElement[Any]] = [func.sum(c[name]) for name in SCORE_COUNTS]
            grouped = [*keys, c.scale]
        else:
            counted = [c.score, func.sum(c.n)]
            grouped = [*keys, c.scale, c.score]
        query = select(*keys, c.scale, *counted)
        if from_ is not None:
            query = query.select_from(from_)
        return query.where(*self.where).group_by(*grouped)


def _scored(db: HQDatabase, src: _Source, query: Select[Any]) -> Iterator[tuple[Any, ...]]:
    """Rows of ``src.scored(...)`` as (*keys, scale, score, n): a store table's histogram
    turned back into a row per score (in Python: one pass over the rows, rather than one
    per score in a UNION)."""
    if not src.histogram:
        for row in _counts(db, query):
            yield (*row[:-1], int(row[-1]))
        return
    width = len(SCORE_COUNTS)
    for row in _counts(db, query):
        head = tuple(row[:-width])
        for point, n in enumerate(row[-width:], 1):
            if n:
                yield (*head, point, int(n))


def _source(
    db: HQDatabase,
    f: Filters,
    store_ids: Sequence[str] | None = None,
    by_store: bool = False,
    factor: bool = False,
    by_day: bool = False,
) -> _Source:
    """daily_answers when no store or region is asked about (all stores), else the store
    counts (with the factor for figures by ``factor``). Never the answers themselves.

    By store, whole weeks of the range come from the weekly counts and only the days at
    either end from the daily ones (a seventh of the rows over a long range); ``by_day``
    (a trend per day) reads days only.
    """
    # A reader kept to some stores reads the store tables: daily_answers holds every store.
    per_store = bool(f.store or f.region or store_ids or by_store or f.stores is not None)
    if not per_store:
        t = daily_answers
        return _Source(t, [t.c.day >= f.start, t.c.day <= f.end, *_narrowing(t, f, store_ids)])
    days = store_factor_days if factor else store_days
    first_week = f.start + timedelta(days=-f.start.weekday() % 7)
    last_week = f.end - timedelta(days=(f.end.weekday() + 1) % 7 + 6)
    if by_day or first_week > last_week:
        return _Source(
            days, [days.c.day >= f.start, days.c.day <= f.end, *_narrowing(days, f, store_ids)]
        )
    weeks = store_factor_weeks if factor else store_weeks
    parts = [
        _part(weeks, weeks.c.week.between(first_week, last_week), f, store_ids),
    ]
    edges = []
    if f.start < first_week:
        edges.append(and_(days.c.day >= f.start, days.c.day < first_week))
    if last_week + timedelta(days=6) < f.end:
        edges.append(and_(days.c.day > last_week + timedelta(days=6), days.c.day <= f.end))
    if edges:
        parts.append(_part(days, or_(*edges), f, store_ids))
    if len(parts) == 1:
        return _Source(
            weeks,
            [weeks.c.week.between(first_week, last_week), *_narrowing(weeks, f, store_ids)],
            weeks.c.week,
        )
    return _Source(union_all(*parts).subquery("counts"), [])


def _part(
    t: Table, period: ColumnElement[bool], f: Filters, store_ids: Sequence[str] | None
) -> Select[Any]:
    """One table's share of the range, its columns named as store_days' (a week's Monday
    as its day)."""
    columns = [t.c.week.label("day") if "week" in t.c else t.c.day]
    columns += [c for c in t.c if c.name not in ("day", "week")]
    return select(*columns).where(period, *_narrowing(t, f, store_ids))


def _narrowing(
    t: Table, f: Filters, store_ids: Sequence[str] | None = None
) -> list[ColumnElement[bool]]:
    """The filters besides the range, on a table of counts."""
    where: list[ColumnElement[bool]] = []
    if f.stores is not None:
        where.append(t.c.store_id.in_(sorted(f.stores)))
    if f.store:
        where.append(t.c.store_id == f.store)
    if f.region:
        where.append(t.c.store_id.in_(select(stores.c.id).where(stores.c.region == f.region)))
    if store_ids:
        where.append(t.c.store_id.in_(list(store_ids)))
    if f.touchpoint:
        where.append(t.c.touchpoint == f.touchpoint)
    if f.survey:
        where.append(t.c.survey_id == f.survey)
    if f.version:
        where.append(t.c.survey_version == f.version)
    if not f.rapid:
        where.append(t.c.rapid == 0)
    if not f.timeouts:
        where.append(t.c.outcome != TIMEOUT)
    return where


# --- what is counted ------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """Rapid answers and timeouts among the filtered answers, and whether they count."""

    rapid: int
    timeouts: int
    rapid_counted: bool
    timeouts_counted: bool


def counted(db: HQDatabase, f: Filters) -> Counted:
    """How many rapid answers and timeouts the filters' choice counts or leaves out.

    Each is counted as the other choice stands: with timeouts left out, a rapid timeout is
    not among the rapid answers said to be left out (it is left out already).
    """
    # The same range and filters without the choice itself.
    src = _source(db, f.narrowed(rapid=True, timeouts=True))
    t = src.table
    query = (
        select(t.c.outcome, t.c.rapid, src.count).where(*src.where).group_by(t.c.outcome, t.c.rapid)
    )
    rapid_n = timeouts_n = 0
    for outcome, is_rapid, n in _counts(db, query):
        timeout = outcome == TIMEOUT
        if is_rapid and (f.timeouts or not timeout):
            rapid_n += int(n)
        if timeout and (f.rapid or not is_rapid):
            timeouts_n += int(n)
    return Counted(rapid_n, timeouts_n, f.rapid, f.timeouts)


def pooled(db: HQDatabase, f: Filters) -> dict[str, list[int]]:
    """The surveys whose figures pool more than one version under these filters: their
    versions, lowest first. From daily_answers, or store_days for a store or region (both
    hold survey_version), so it never reads the answers themselves."""
    if f.version:
        return {}
    found: dict[str, list[int]] = defaultdict(list)
    for survey_id, version in _counts(db, pooled_query(db, f)):
        found[str(survey_id)].append(int(version))
    return {s: sorted(v) for s, v in sorted(found.items()) if len(v) > 1}


def pooled_query(db: HQDatabase, f: Filters) -> Select[Any]:
    """The surveys and versions among the filtered answers."""
    src = _source(db, f)
    c = src.table.c
    return (
        select(c.survey_id, c.survey_version)
        .where(*src.where)
        .group_by(c.survey_id, c.survey_version)
    )


# --- overview -------------------------------------------------------------------------------


def overview(
    db: HQDatabase, f: Filters, store_ids: Sequence[str] | None = None
) -> list[stats.Summary]:
    """One summary per scale found, in the order of SCALES (only ``store_ids``, if given)."""
    src = _source(db, f, store_ids)
    per_scale: dict[str, dict[int, int]] = defaultdict(dict)
    for scale, score, count in _scored(db, src, src.scored()):
        if scale in SCALES:
            per_scale[scale][int(score)] = count
    return [stats.summarise(s, per_scale[s]) for s in SCALES if s in per_scale]


# --- factors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorView:
    summary: stats.Summary
    rows: list[stats.FactorRow]
    priorities: list[stats.Priority]

    @property
    def difficult_total(self) -> int:
        return sum(r.difficult for r in self.rows)

    @property
    def difficult_unexplained(self) -> int:
        """Difficult answers that name no factor: in the priorities' total, never ranked."""
        return sum(r.difficult for r in self.rows if r.factor == stats.NO_FACTOR)

    @property
    def unexplained_share(self) -> float | None:
        """The share the ranked factors leave over, so the shares shown add up to 100%."""
        total = self.difficult_total
        return self.difficult_unexplained / total * 100 if total else None

    @property
    def difficult_too_few(self) -> bool:
        return self.difficult_total < stats.MIN_N


def factors(db: HQDatabase, f: Filters) -> list[FactorView]:
    src = _source(db, f, factor=True)
    per_scale: dict[str, list[tuple[str | None, int, int]]] = defaultdict(list)
    for factor, scale, score, count in _scored(db, src, src.scored(src.table.c.factor)):
        if scale in SCALES:
            per_scale[scale].append((factor, int(score), count))
    out = []
    for scale in SCALES:
        if scale not in per_scale:
            continue
        triples = per_scale[scale]
        scores: dict[int, int] = defaultdict(int)
        for _, score, count in triples:
            scores[score] += count
        rows = stats.factor_rows(scale, triples)
        out.append(FactorView(stats.summarise(scale, scores), rows, stats.priorities(rows)))
    return out


# --- trend ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    summary: stats.Summary
    # Days of the period inside the chosen range, of its length (a week the range cuts
    # holds fewer days' answers than the full weeks beside it).
    days: int = 1
    length: int = 1

    @property
    def partial(self) -> bool:
        return self.days < self.length


# Lines a split trend draws at most: the groups with the most answers.
SPLIT_LINES = 8


def trend(
    db: HQDatabase, f: Filters, by: str = "week", split: str | None = None
) -> dict[str, dict[str, list[Period]]]:
    """Per scale and group, a summary per day or week (weeks start on Monday; days are each
    store's local days).

    Without ``split`` the one group is "". Split by store, touchpoint or region, the
    SPLIT_LINES groups with the most answers on each scale are kept.
    """
    src = _source(db, f, by_store=split in ("store", "region"), by_day=by == "day")
    t = src.table
    day = src.day.label("day")
    keys: list[ColumnElement[Any]] = []
    from_: Any = None
    if split is not None:
        key, from_ = _group_key(split, t)
        keys = [key.label("grp")]
        if split == "store":
            # Counted first, so the trend query reads only these stores: per scale, as each
            # scale's chart shows its own busiest stores.
            top = (
                select(t.c.scale, t.c.store_id, src.count)
                .where(*src.where)
                .group_by(t.c.scale, t.c.store_id)
            )
            per_scale: dict[str, list[tuple[int, str]]] = defaultdict(list)
            for scale, store_id, count in _counts(db, top):
                per_scale[scale].append((-int(count), store_id))
            busiest = {s for found in per_scale.values() for _, s in sorted(found)[:SPLIT_LINES]}
            src = replace(src, where=[*src.where, t.c.store_id.in_(sorted(busiest))])
    buckets: dict[str, dict[str, dict[date, dict[int, int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    )
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in _scored(db, src, src.scored(day, *keys, from_=from_)):
        raw_day, scale, score, count = row[0], row[-3], row[-2], row[-1]
        group = row[1] if keys else ""
        if scale not in SCALES:
            continue
        start = raw_day if isinstance(raw_day, date) else date.fromisoformat(raw_day)
        if by == "week":
            start -= timedelta(days=start.weekday())
        buckets[scale][group][start][int(score)] += count
        totals[scale, group] += count
    length = 7 if by == "week" else 1
    out: dict[str, dict[str, list[Period]]] = {}
    for scale in SCALES:
        if scale not in buckets:
            continue
        groups = sorted(buckets[scale], key=lambda g: (-totals[scale, g], g))[:SPLIT_LINES]
        out[scale] = {
            group: [
                Period(
                    start,
                    stats.summarise(scale, buckets[scale][group].get(start, {})),
                    _days_in_range(f, start, length),
                    length,
                )
                for start in _period_starts(f, by)
            ]
            for group in groups
        }
    return out


def _period_starts(f: Filters, by: str) -> Iterator[date]:
    step = timedelta(days=7 if by == "week" else 1)
    current = f.start - timedelta(days=f.start.weekday()) if by == "week" else f.start
    while current <= f.end:
        yield current
        current += step


def _days_in_range(f: Filters, start: date, length: int) -> int:
    last = min(start + timedelta(days=length - 1), f.end)
    return (last - max(start, f.start)).days + 1


# --- side by side ---------------------------------------------------------------------------

GROUPINGS = ("store", "touchpoint", "region")


def _group_key(by: str, table: FromClause) -> tuple[ColumnElement[Any], Any]:
    """What to group counts by (store and region: of a store table), and the FROM clause."""
    if by == "store":
        return table.c.store_id, table
    if by == "touchpoint":
        return table.c.touchpoint, table
    if by == "region":
        joined = table.outerjoin(stores, stores.c.id == table.c.store_id)
        return func.coalesce(stores.c.region, literal("")), joined
    raise ValueError(f"cannot group by {by!r}")


@dataclass(frozen=True)
class Group:
    key: str  # "" for stores without a region
    summary: stats.Summary


def compare_groups(db: HQDatabase, f: Filters, by: str) -> dict[str, list[Group]]:
    """Per scale, a summary per store, touchpoint or region; best % easy first."""
    src = _source(db, f, by_store=by in ("store", "region"))
    # By region: counted per store, and the stores' counts added up per region here (a few
    # thousand rows), which at a chain's scale takes half the time of a join and a GROUP BY
    # on the region in SQL.
    key, from_ = _group_key("store" if by == "region" else by, src.table)
    region_of: dict[str, str] = {}
    if by == "region":
        with db.reading() as conn:
            region_of = {
                str(i): r or "" for i, r in conn.execute(select(stores.c.id, stores.c.region))
            }
    per: dict[str, dict[str, dict[int, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for group, scale, score, count in _scored(db, src, src.scored(key, from_=from_)):
        if scale in SCALES:
            if by == "region":
                group = region_of.get(group, "")
            per[scale][group][int(score)] += count
    out: dict[str, list[Group]] = {}
    for scale in SCALES:
        if scale not in per:
            continue
        groups = [Group(k, stats.summarise(scale, c)) for k, c in per[scale].items()]
        groups.sort(key=lambda g: (g.summary.too_few, -(g.summary.pct_easy or 0), g.key))
        out[scale] = groups
    return out


# --- comments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    answered_at: datetime  # in its store's time zone
    store_id: str
    touchpoint: str
    survey_id: str
    scale: str
    score: int
    band: Band
    factor: str | None
    text: str
    answer_id: str  # for its delete button


def comments(
    db: HQDatabase,
    f: Filters,
    *,
    contains: str = "",
    band: str = "",
    factor: str = "",
    page: int = 1,
) -> tuple[list[Comment], int]:
    """A page of comments, newest first, and how many match: exactly up to
    ``COMMENTS_COUNT_CAP`` past this page, one more than that when there are more
    (``counted_past``)."""
    known = zones(db)
    where = [*conditions(db, f, known=known), responses.c.comment.is_not(None)]
    if contains:
        escaped = contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        lowered = comment_words.lowered(responses.c.comment, contains)
        where.append(lowered.like(f"%{escaped.lower()}%", escape="\\"))
    if factor:
        where.append(responses.c.factor == factor)
    if band:
        where.append(_band_condition(band))
    columns = (
        responses.c.answered_at,
        responses.c.store_id,
        responses.c.touchpoint,
        responses.c.survey_id,
        responses.c.scale,
        responses.c.score,
        responses.c.factor,
        responses.c.comment,
        responses.c.id,
    )
    query = (
        select(*columns)
        .where(*where)
        .order_by(responses.c.answered_at.desc(), responses.c.id)
        .limit(COMMENTS_PAGE)
        .offset((page - 1) * COMMENTS_PAGE)
    )
    counted = counted_past(page)
    matching = select(responses.c.id).where(*where).limit(counted + 1).subquery()
    total_query = select(func.count()).select_from(matching)
    with db.reading() as conn:
        rows = list(conn.execute(query))
        if len(rows) < COMMENTS_PAGE and (rows or page == 1):
            # The last page: the count is known without reading the matches again (a word
            # no comment holds read a year's comments twice, 480 ms on SQLite).
            total = (page - 1) * COMMENTS_PAGE + len(rows)
        else:
            total = int(conn.execute(total_query).scalar_one())
    out = []
    for at, store_id, touchpoint, survey, scale, score, factor_id, text, answer_id in rows:
        if scale not in SCALES:
            continue
        answered = moment(at)
        assert answered is not None
        out.append(
            Comment(
                answered.astimezone(known.days(store_id).zone),
                store_id,
                touchpoint,
                survey,
                scale,
                int(score),
                SCALES[scale].band(int(score)),
                factor_id,
                text,
                str(answer_id),
            )
        )
    return out, total


def counted_past(page: int) -> int:
    """How far the comments' count goes when showing ``page``: a total above it means
    "more than" this many."""
    return (page - 1) * COMMENTS_PAGE + COMMENTS_COUNT_CAP


def local_bounds(db: HQDatabase, store_id: str, f: Filters) -> tuple[datetime, datetime]:
    """The UTC instants the filters' first day starts and the day after the last starts, in
    the store's time zone."""
    return zones(db).days(store_id).bounds(f.start, f.end)


def local_time(db: HQDatabase, store_id: str, at: datetime) -> datetime:
    """``at`` in the store's time zone (as the dashboard shows a comment's time)."""
    return at.astimezone(zones(db).days(store_id).zone)


def _band_condition(band: str) -> ColumnElement[bool]:
    """Answers in a band, on whichever scale they were given."""
    wanted = Band(band)
    per_scale = [
        and_(
            responses.c.scale == scale.id,
            responses.c.score.in_([p for p in scale.points if scale.band(p) == wanted]),
        )
        for scale in SCALES.values()
    ]
    return or_(*per_scale)


# --- fleet ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FleetRow:
    id: str
    store: str
    touchpoint: str
    status: str
    last_seen_at: datetime | None
    queue_depth: int | None
    oldest_unsent_at: datetime | None
    app_version: str | None
    last_answer_at: datetime | None
    # Answers this kiosk's store and touchpoint usually get between its last answer and now.
    expected_since: float
    last_sync_error: str | None
    # Comments HQ had to scrub because the kiosk had not: it runs older software.
    redacted_comments: int = 0
    # Answers HQ rejected that the kiosk keeps aside (its latest heartbeat).
    rejected_answers: int = 0
    # The survey version the kiosk runs (its heartbeat) and since when HQ has heard it.
    survey_id: str | None = None
    survey_version: int | None = None
    survey_since: datetime | None = None
    # Moved by HQ: the touchpoint before, while the kiosk has not taken the move yet.
    moving_from: str | None = None

    @property
    def silent(self) -> bool:
        return self.status == "enrolled" and self.expected_since >= SILENT_EXPECTED


def fleet(db: HQDatabase, now: datetime, only: frozenset[str] | None = None) -> list[FleetRow]:
    """Every kiosk (``only``: of these stores alone, a store manager's)."""
    since = now - timedelta(days=PROFILE_DAYS)
    mine = [] if only is None else [kiosks.c.store.in_(sorted(only))]
    with db.reading() as conn:
        kiosk_rows = list(
            conn.execute(
                select(kiosks)
                .where(*mine)
                .order_by(kiosks.c.store, kiosks.c.touchpoint, kiosks.c.created_at)
            ).mappings()
        )
        rates = _usual_traffic(db, conn, now)
        # A store and touchpoint whose kiosks have all been silent for longer than the
        # profile: its usual traffic is that of the weeks before its last answer (up to now,
        # which adds nothing: there is no later answer). One that answered within the
        # profile but is not in it began after the profile was counted (minutes ago): it
        # has no usual traffic yet, and a query for each such pair made the page of a new
        # fleet take seconds (bench/fleet.py).
        latest: dict[tuple[str, str], datetime] = {}
        for row in kiosk_rows:
            pair = (row["store"], row["touchpoint"])
            last_at = moment(row["last_answer_at"])
            if last_at is not None and pair not in rates:
                latest[pair] = max(last_at, latest.get(pair, last_at))
        long_silent = {pair: last_at for pair, last_at in latest.items() if last_at < since}
        for (store, touchpoint), last_at in sorted(long_silent.items()):
            rates.update(
                _answer_profiles(
                    db,
                    conn,
                    last_at - timedelta(days=PROFILE_DAYS),
                    now,
                    responses.c.store_id == store,
                    responses.c.touchpoint == touchpoint,
                )
            )
    active: dict[tuple[str, str], int] = defaultdict(int)
    for row in kiosk_rows:
        if row["enrolled_at"] is not None and row["revoked_at"] is None:
            active[(row["store"], row["touchpoint"])] += 1
    out = []
    for row in kiosk_rows:
        pair = (row["store"], row["touchpoint"])
        status = (
            "revoked"
            if row["revoked_at"] is not None
            else "enrolled"
            if row["enrolled_at"] is not None
            else "waiting"
        )
        # The kiosk's own, over its whole history: a twin at the same store and touchpoint
        # answering does not hide a dead kiosk.
        last_answer = moment(row["last_answer_at"])
        quiet_from = max(
            last_answer or since,
            moment(row["enrolled_at"]) or now,
            now - timedelta(days=SILENCE_HORIZON_DAYS),
        )
        expected = 0.0
        if pair in rates and status == "enrolled":
            expected = _expected(rates[pair], quiet_from, now) / max(1, active[pair])
        out.append(
            FleetRow(
                id=str(row["id"]),
                store=row["store"],
                touchpoint=row["touchpoint"],
                status=status,
                last_seen_at=moment(row["last_seen_at"]),
                queue_depth=row["queue_depth"],
                oldest_unsent_at=moment(row["oldest_unsent_at"]),
                app_version=row["app_version"],
                last_answer_at=last_answer,
                expected_since=expected,
                last_sync_error=row["last_sync_error"],
                redacted_comments=row["redacted_comments"],
                rejected_answers=row["rejected_answers"],
                survey_id=row["survey_id"],
                survey_version=row["survey_version"],
                survey_since=moment(row["survey_since"]),
                moving_from=row["previous_touchpoint"] if row["moved_at"] is None else None,
            )
        )
    return out


_usual: weakref.WeakKeyDictionary[
    HQDatabase, tuple[datetime, dict[tuple[str, str], list[float]]]
] = weakref.WeakKeyDictionary()
_usual_lock = threading.Lock()


def _usual_traffic(
    db: HQDatabase, conn: Connection, now: datetime
) -> dict[tuple[str, str], list[float]]:
    """Every store and touchpoint's answers per hour of the week over the PROFILE_DAYS before
    ``now``, as counted at most PROFILE_REFRESH before it (a copy: callers add to it)."""
    with _usual_lock:
        found = _usual.get(db)
    if found is not None and found[0] <= now < found[0] + PROFILE_REFRESH:
        return dict(found[1])
    rates = _answer_profiles(db, conn, now - timedelta(days=PROFILE_DAYS), now)
    with _usual_lock:
        _usual[db] = (now, rates)
    return dict(rates)


def _answer_profiles(
    db: HQDatabase,
    conn: Connection,
    since: datetime,
    until: datetime,
    *where: ColumnElement[bool],
) -> dict[tuple[str, str], list[float]]:
    """Per (store, touchpoint): answers per hour of the week from ``since`` to ``until``."""
    how = _hour_of_week(db).label("how")
    query = (
        select(responses.c.store_id, responses.c.touchpoint, how, func.count())
        .where(
            responses.c.answered_at >= db.timestamp(since),
            responses.c.answered_at < db.timestamp(until),
            *where,
        )
        .group_by(responses.c.store_id, responses.c.touchpoint, how)
    )
    rates: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * 168)
    weeks = PROFILE_DAYS / 7
    for store_id, touchpoint, hour, count in conn.execute(query):
        rates[(store_id, touchpoint)][int(hour) % 168] = int(count) / weeks
    return dict(rates)


def _expected(rate: list[float], start: datetime, end: datetime) -> float:
    """Answers expected from ``start`` to ``end`` by a rate per hour of the week."""
    total = 0.0
    current = start
    while current < end:
        next_hour = current.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        stop = min(next_hour, end)
        how = ((current.weekday() + 1) % 7) * 24 + current.hour  # Sunday = 0, as in SQL
        total += rate[how] * (stop - current).total_seconds() / 3600
        current = stop
    return total


# --- what the filters offer -----------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    stores: list[tuple[str, str]]  # (id, shown name)
    regions: list[str]
    touchpoints: list[str]
    # The chain's time zone, and whether some stores have their own (said under the filters).
    chain_zone: str = DEFAULT_ZONE
    own_zones: bool = False

    def store_label(self, store_id: str) -> str:
        """A store as the dashboard names it: its id and, where it has one, its name."""
        return self._labels.get(store_id, store_id)

    @functools.cached_property
    def _labels(self) -> dict[str, str]:
        return dict(self.stores)


def choices(db: HQDatabase, only: frozenset[str] | None = None) -> Choices:
    """Stores and touchpoints as kiosks were enrolled for them (not a scan of the answers);
    ``only``: of these stores alone (a store manager's), their regions and touchpoints."""
    with db.reading() as conn:
        pairs = list(conn.execute(select(kiosks.c.store, kiosks.c.touchpoint).distinct()))
        known = {row.id: row for row in conn.execute(select(stores))}
        chain = chain_zone(conn)
    if only is not None:
        pairs = [p for p in pairs if p.store in only]
        known = {k: v for k, v in known.items() if k in only}
    own = any(r.time_zone and r.time_zone != chain for r in known.values())
    store_ids = sorted({p.store for p in pairs} | set(known))
    shown = [(s, store_label(s, known[s].name if s in known else None)) for s in store_ids]
    regions = sorted({r.region for r in known.values() if r.region})
    return Choices(shown, regions, sorted({p.touchpoint for p in pairs}), chain, own)


def store_label(store_id: str, name: str | None) -> str:
    return f"{store_id} · {name}" if name else store_id
