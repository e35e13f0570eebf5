"""What each kind of rule finds at a moment: one Finding per subject whose condition holds.

Subjects are what an alert is about and what de-duplication keys on: a store's touchpoint
and scale for % easy (scales are never pooled: each answer counts in its own scale's easy
band), a store's touchpoint for a run of difficult answers, a kiosk for silence and sync.
Every check reads the database only; ``hq.alerts.inbox`` turns findings into alerts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import NormalDist
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, select, true

from ces.opening_hours import OpeningHours, OpeningHoursError, parse_opening_hours
from ces.scales import SCALES, Band
from hq.alerts.rules import (
    DIFFICULT_RUN,
    EASY_BELOW_BASELINE,
    EASY_BELOW_TARGET,
    KIOSK_SILENT,
    KIOSK_SYNC,
    Rule,
)
from hq.dashboard import stats
from hq.db.counts import RAPID_TEXT
from hq.db.database import HQDatabase
from hq.db.tables import (
    SCORE_COUNTS,
    journey_touchpoints,
    kiosks,
    responses,
    store_days,
    stores,
)
from hq.db.zones import Zones, read_zones
from hq.moments import moment, stamp

MAX_ERROR_CHARS = 200


@dataclass(frozen=True)
class Finding:
    """A condition that holds for one subject; ``facts`` go into webhook bodies."""

    subject: str
    store: str | None
    title: str
    detail: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StorePlace:
    """What the checks need of a store: its name, region, zone and opening hours."""

    name: str | None
    region: str | None
    zone: str
    hours: OpeningHours | None

    def label(self, store_id: str) -> str:
        return f"{store_id} {self.name}" if self.name else store_id


class Places:
    """Every store's name, region, zone and hours, read once per evaluation."""

    def __init__(self, conn: Connection) -> None:
        self.zones: Zones = read_zones(conn)
        self._known: dict[str, StorePlace] = {}
        for row in conn.execute(
            select(stores.c.id, stores.c.name, stores.c.region, stores.c.opening_hours)
        ):
            self._known[row.id] = StorePlace(
                row.name, row.region, self.zones.name_of(row.id), _hours(row.opening_hours)
            )

    def of(self, store_id: str) -> StorePlace:
        found = self._known.get(store_id)
        if found is None:
            return StorePlace(None, None, self.zones.name_of(store_id), None)
        return found

    def chain_zone(self) -> str:
        return self.zones.chain


def _hours(text: str | None) -> OpeningHours | None:
    if not text:
        return None
    try:
        return parse_opening_hours(text)
    except OpeningHoursError:
        return None  # stored texts are canonical; an unreadable one counts as always open


def find(db: HQDatabase, rule: Rule, now: datetime) -> tuple[list[Finding], Places]:
    """What ``rule`` finds at ``now``, and the stores it looked at."""
    with db.reading() as conn:
        places = Places(conn)
        check = _CHECKS[rule.kind]
        return check(conn, rule, now, places), places


# --- scope ----------------------------------------------------------------------------------


def _in_scope(
    rule: Rule, store_column: ColumnElement[Any], touchpoint_column: ColumnElement[Any]
) -> ColumnElement[bool]:
    if rule.scope == "store":
        return store_column == rule.scope_id
    if rule.scope == "touchpoint":
        return touchpoint_column == rule.scope_id
    if rule.scope == "region":
        return store_column.in_(select(stores.c.id).where(stores.c.region == rule.scope_id))
    return true()


# --- % easy ---------------------------------------------------------------------------------


def _easy(conn: Connection, rule: Rule, now: datetime, places: Places) -> list[Finding]:
    window = rule.whole("window_days")
    baseline_days = 7 * rule.whole("baseline_weeks") if rule.kind == EASY_BELOW_BASELINE else 0
    confidence = rule.setting("confidence")
    min_n = rule.whole("min_n")
    z = NormalDist().inv_cdf(confidence)  # one-sided
    # A day of slack either side: local days run up to 14 hours off UTC's.
    first = now.astimezone(UTC).date() - timedelta(days=window + baseline_days + 1)
    targets: dict[str, int] = {
        str(tp): int(target)
        for tp, target in conn.execute(
            select(journey_touchpoints.c.touchpoint, journey_touchpoints.c.target)
        )
    }
    points = [store_days.c[s] for s in SCORE_COUNTS]
    rows = conn.execute(
        select(
            store_days.c.day,
            store_days.c.store_id,
            store_days.c.touchpoint,
            store_days.c.scale,
            *points,
        ).where(
            store_days.c.day >= first,
            store_days.c.rapid == 0,
            _in_scope(rule, store_days.c.store_id, store_days.c.touchpoint),
        )
    )
    recent: dict[tuple[str, str, str], Counter[int]] = defaultdict(Counter)
    before: dict[tuple[str, str, str], Counter[int]] = defaultdict(Counter)
    today_of: dict[str, date] = {}
    for row in rows:
        store_id = str(row.store_id)
        today = today_of.get(store_id)
        if today is None:
            today = today_of[store_id] = places.zones.days(store_id).of(now)
        age = (today - row.day).days
        key = (store_id, str(row.touchpoint), str(row.scale))
        if 0 <= age < window:
            into = recent[key]
        elif window <= age < window + baseline_days:
            into = before[key]
        else:
            continue
        for i, column in enumerate(SCORE_COUNTS, 1):
            into[i] += int(getattr(row, column) or 0)
    found: list[Finding] = []
    for key, counts in sorted(recent.items()):
        store_id, touchpoint, scale_id = key
        scale = SCALES.get(scale_id)
        if scale is None:
            continue
        now_n, now_easy = _easy_of(scale_id, counts)
        if now_n < min_n:
            continue  # too few answers to tell a drop from noise
        where = f"{places.of(store_id).label(store_id)} · {touchpoint}"
        pct = 100 * now_easy / now_n
        facts: dict[str, Any] = {
            "store": store_id,
            "touchpoint": touchpoint,
            "scale": scale_id,
            "window_days": window,
            "n": now_n,
            "easy": now_easy,
            "pct_easy": round(pct, 1),
            "confidence": confidence,
        }
        if rule.kind == EASY_BELOW_TARGET:
            target = targets.get(touchpoint)
            interval = stats.wilson(now_easy, now_n, z)
            if target is None or interval is None or interval.high >= target:
                continue
            title = (
                f"{where}: {pct:.0f}% easy over the last {window} days, "
                f"below the target of {target}%"
            )
            detail = (
                f"{now_easy} of {now_n} answers easy ({scale_id}); with "
                f"{confidence:.0%} confidence % easy is at most {interval.high:.0f}%, "
                f"under the target of {target}%."
            )
            facts |= {"target": target, "upper_bound": round(interval.high, 1)}
        else:
            base_n, base_easy = _easy_of(scale_id, before.get(key, Counter()))
            if base_n < min_n:
                continue
            difference = stats.newcombe(base_easy, base_n, now_easy, now_n, z)
            if difference is None or difference.high >= 0:
                continue
            base_pct = 100 * base_easy / base_n
            weeks = baseline_days // 7
            title = (
                f"{where}: {pct:.0f}% easy over the last {window} days, "
                f"down from {base_pct:.0f}% in the {weeks} weeks before"
            )
            detail = (
                f"{now_easy} of {now_n} answers easy ({scale_id}) against {base_easy} of "
                f"{base_n} before; with {confidence:.0%} confidence the drop is at least "
                f"{-difference.high:.0f} points."
            )
            facts |= {
                "baseline_n": base_n,
                "baseline_pct_easy": round(base_pct, 1),
                "drop_at_least": round(-difference.high, 1),
            }
        found.append(
            Finding(f"easy:{store_id}:{touchpoint}:{scale_id}", store_id, title, detail, facts)
        )
    return found


def _easy_of(scale_id: str, counts: Counter[int]) -> tuple[int, int]:
    summary = stats.summarise(scale_id, counts)
    return summary.n, summary.easy


# --- a run of difficult answers -------------------------------------------------------------


def _difficult_run(conn: Connection, rule: Rule, now: datetime, places: Places) -> list[Finding]:
    k, minutes = rule.whole("k"), rule.whole("minutes")
    since = now - timedelta(minutes=minutes)
    rows = conn.execute(
        select(
            responses.c.store_id,
            responses.c.touchpoint,
            responses.c.scale,
            responses.c.score,
            responses.c.answered_at,
        ).where(
            responses.c.answered_at >= _at(conn, since),
            responses.c.answered_at <= _at(conn, now),
            responses.c.flags.not_like(f"%{RAPID_TEXT}%"),
            _in_scope(rule, responses.c.store_id, responses.c.touchpoint),
        )
    )
    difficult: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for row in rows:
        scale = SCALES.get(row.scale)
        if scale is None or not scale.is_valid(row.score):
            continue
        if scale.band(row.score) is Band.DIFFICULT:
            at = moment(row.answered_at)
            assert at is not None
            difficult[(str(row.store_id), str(row.touchpoint))].append(at)
    found = []
    for (store_id, touchpoint), times in sorted(difficult.items()):
        if len(times) < k:
            continue
        where = f"{places.of(store_id).label(store_id)} · {touchpoint}"
        found.append(
            Finding(
                f"run:{store_id}:{touchpoint}",
                store_id,
                f"{where}: {len(times)} difficult answers in the last {minutes} minutes",
                f"{len(times)} answers in the difficult band since "
                f"{_local(min(times), places.of(store_id).zone)} (the rule: {k} within "
                f"{minutes} minutes).",
                {
                    "store": store_id,
                    "touchpoint": touchpoint,
                    "difficult": len(times),
                    "minutes": minutes,
                },
            )
        )
    return found


# --- kiosks ---------------------------------------------------------------------------------


def open_since(place: StorePlace, now: datetime) -> datetime | None:
    """When the store's current opening began (UTC); None if it is closed now. A store
    without hours is always open: the epoch."""
    if place.hours is None:
        return datetime.min.replace(tzinfo=UTC)
    local = _zoned(now, place.zone)
    minute = local.hour * 60 + local.minute
    for start, end in place.hours.days[local.weekday()]:
        if start <= minute < end:
            began = datetime.combine(
                local.date(), time(start // 60, start % 60), tzinfo=local.tzinfo
            )
            return began.astimezone(UTC)
    return None


def _active_kiosks(conn: Connection, rule: Rule) -> list[Any]:
    return list(
        conn.execute(
            select(
                kiosks.c.id,
                kiosks.c.store,
                kiosks.c.touchpoint,
                kiosks.c.enrolled_at,
                kiosks.c.last_seen_at,
                kiosks.c.last_answer_at,
                kiosks.c.queue_depth,
                kiosks.c.oldest_unsent_at,
                kiosks.c.last_sync_error,
            )
            .where(
                kiosks.c.enrolled_at.is_not(None),
                kiosks.c.revoked_at.is_(None),
                _in_scope(rule, kiosks.c.store, kiosks.c.touchpoint),
            )
            .order_by(kiosks.c.id)
        )
    )


def _kiosk_silent(conn: Connection, rule: Rule, now: datetime, places: Places) -> list[Finding]:
    weeks, min_minutes = rule.whole("history_weeks"), rule.whole("min_minutes")
    # Poisson: no answer in a stretch where m were expected has probability exp(-m).
    expected_at_least = -math.log(1 - rule.setting("confidence"))
    silent: list[tuple[Any, datetime]] = []
    for k in _active_kiosks(conn, rule):
        opened = open_since(places.of(k.store), now)
        if opened is None:
            continue
        last = moment(k.last_answer_at) or moment(k.enrolled_at)
        assert last is not None
        start = max(last, opened)
        if now - start >= timedelta(minutes=min_minutes):
            silent.append((k, start))
    if not silent:
        return []
    # Each kiosk's usual traffic: its answers in the weeks before its silence began.
    starts = {str(k.id): start for k, start in silent}
    history = timedelta(weeks=weeks)
    usual: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    rows = conn.execute(
        select(responses.c.kiosk_id, responses.c.store_id, responses.c.answered_at).where(
            responses.c.store_id.in_(sorted({k.store for k, _ in silent})),
            responses.c.answered_at >= _at(conn, min(starts.values()) - history),
            responses.c.answered_at < _at(conn, now),
            responses.c.kiosk_id.in_(sorted(starts)),
        )
    )
    for row in rows:
        at = moment(row.answered_at)
        assert at is not None
        start = starts[str(row.kiosk_id)]
        if not start - history <= at < start:
            continue
        local = _zoned(at, places.of(row.store_id).zone)
        usual[str(row.kiosk_id)][(local.weekday(), local.hour)] += 1
    found = []
    for k, start in silent:
        per_hour = {slot: n / weeks for slot, n in usual[str(k.id)].items()}
        expected = _expected(per_hour, start, now, places.of(k.store).zone)
        if expected < expected_at_least:
            continue  # this quiet is usual for this kiosk at these hours
        place = places.of(k.store)
        minutes = int((now - start).total_seconds() // 60)
        found.append(
            Finding(
                f"silent:{k.id}",
                k.store,
                f"{place.label(k.store)} · {k.touchpoint}: kiosk {str(k.id)[:8]} silent for "
                f"{minutes} minutes while open",
                f"No answer since {_local(start, place.zone)}; in the last {weeks} weeks it "
                f"usually got {expected:.1f} answers in such a stretch.",
                {
                    "kiosk": str(k.id),
                    "store": k.store,
                    "touchpoint": k.touchpoint,
                    "silent_minutes": minutes,
                    "expected_answers": round(expected, 1),
                },
            )
        )
    return found


def _expected(
    per_hour: dict[tuple[int, int], float], start: datetime, end: datetime, zone: str
) -> float:
    """Answers expected from ``start`` to ``end`` at the usual rate of each local hour."""
    total = 0.0
    at = start
    while at < end:
        local = _zoned(at, zone)
        hour_end = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        step_end = min(end, hour_end.astimezone(UTC))
        share = (step_end - at).total_seconds() / 3600
        total += per_hour.get((local.weekday(), local.hour), 0.0) * share
        at = step_end
    return total


def _kiosk_sync(conn: Connection, rule: Rule, now: datetime, places: Places) -> list[Finding]:
    limit = timedelta(minutes=rule.whole("minutes"))
    found = []
    for k in _active_kiosks(conn, rule):
        place = places.of(k.store)
        opened = open_since(place, now)
        if opened is None:
            continue
        where = f"{place.label(k.store)} · {k.touchpoint}: kiosk {str(k.id)[:8]}"
        facts = {"kiosk": str(k.id), "store": k.store, "touchpoint": k.touchpoint}
        seen = moment(k.last_seen_at) or moment(k.enrolled_at)
        assert seen is not None
        if now - max(seen, opened) >= limit:
            found.append(
                Finding(
                    f"sync:{k.id}",
                    k.store,
                    f"{where} not seen for {_minutes(now - max(seen, opened))} minutes while open",
                    f"Last seen {_local(seen, place.zone)}.",
                    facts | {"last_seen_at": seen.isoformat()},
                )
            )
            continue
        oldest = moment(k.oldest_unsent_at)
        waiting = bool(k.queue_depth) and oldest is not None
        if (
            waiting
            and k.last_sync_error
            and oldest is not None
            and now - max(oldest, opened) >= limit
        ):
            error = str(k.last_sync_error)[:MAX_ERROR_CHARS]
            found.append(
                Finding(
                    f"sync:{k.id}",
                    k.store,
                    f"{where} failing to sync: {k.queue_depth} answers waiting",
                    f"Answers waiting since {_local(oldest, place.zone)}; the kiosk's last sync "
                    f"error: {error}",
                    facts | {"queue_depth": int(k.queue_depth), "last_sync_error": error},
                )
            )
    return found


# --- helpers --------------------------------------------------------------------------------


def _at(conn: Connection, moment_: datetime) -> Any:
    return stamp(moment_) if conn.dialect.name == "sqlite" else moment_


def _zoned(at: datetime, zone: str) -> datetime:
    return at.astimezone(ZoneInfo(zone))


def _local(at: datetime, zone: str) -> str:
    return f"{_zoned(at, zone):%Y-%m-%d %H:%M} ({zone})"


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


_Check = Callable[[Connection, Rule, datetime, Places], list[Finding]]
_CHECKS: dict[str, _Check] = {
    EASY_BELOW_TARGET: _easy,
    EASY_BELOW_BASELINE: _easy,
    DIFFICULT_RUN: _difficult_run,
    KIOSK_SILENT: _kiosk_silent,
    KIOSK_SYNC: _kiosk_sync,
}


def subjects_in(findings: Iterable[Finding]) -> set[str]:
    return {f.subject for f in findings}
