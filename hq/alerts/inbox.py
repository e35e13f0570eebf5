"""Alerts as rules raise them: ``evaluate(db, now)`` and what the inbox lists.

One open alert per rule and subject: while its condition holds, each evaluation that finds
it again counts it (``count``, ``last_seen_at``) and sends nothing; when the condition
clears, the alert closes, and the same subject may alert again only after the rule's
cool-down. An alert raised in the rule's quiet hours is in the inbox at once, but its
e-mail and webhook wait until the quiet hours end (on the clock of the store it is about).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from hq.alerts.checks import Finding, Places, find
from hq.alerts.rules import Rule, all_rules, quiet_range
from hq.db.database import HQDatabase
from hq.db.tables import alert_deliveries, alert_rules, alerts
from hq.moments import moment, stamp
from hq.roles import Member

log = logging.getLogger("effortless.hq.alerts")

MAX_LISTED = 500


@dataclass
class Evaluation:
    """What one evaluation did (or, in a dry run, would do), by subject."""

    opened: list[tuple[Rule, Finding]] = field(default_factory=list)
    repeated: list[tuple[Rule, Finding]] = field(default_factory=list)
    cooling: list[tuple[Rule, Finding]] = field(default_factory=list)
    closed: list[tuple[Rule, str]] = field(default_factory=list)


def evaluate(
    db: HQDatabase, now: datetime, *, dry_run: bool = False, rules: Sequence[Rule] | None = None
) -> Evaluation:
    """Check every enabled rule at ``now`` and keep the alerts (nothing is sent here:
    hq.alerts.delivery sends what is due)."""
    done = Evaluation()
    for rule in rules if rules is not None else all_rules(db, enabled_only=True):
        findings, places = find(db, rule, now)
        try:
            if dry_run:
                with db.reading() as conn:
                    _apply(conn, rule, findings, places, now, done, write=False)
            else:
                with db.writing() as conn:
                    _apply(conn, rule, findings, places, now, done, write=True)
        except IntegrityError:
            # Another process (an `alert check` beside `serve`) opened the same alert first.
            log.info("rule %d: alerts kept by another process meanwhile", rule.id)
    return done


def _apply(
    conn: Connection,
    rule: Rule,
    findings: list[Finding],
    places: Places,
    now: datetime,
    done: Evaluation,
    *,
    write: bool,
) -> None:
    at = stamp(now)
    by_subject = {f.subject: f for f in findings}
    still_open = {
        row.subject: int(row.id)
        for row in conn.execute(
            select(alerts.c.id, alerts.c.subject).where(
                alerts.c.rule_id == rule.id, alerts.c.closed_at.is_(None)
            )
        )
    }
    for subject, alert_id in sorted(still_open.items()):
        finding = by_subject.get(subject)
        if finding is not None:
            done.repeated.append((rule, finding))
            if write:
                conn.execute(
                    update(alerts)
                    .where(alerts.c.id == alert_id)
                    .values(count=alerts.c.count + 1, last_seen_at=at)
                )
        else:
            done.closed.append((rule, subject))
            if write:
                conn.execute(update(alerts).where(alerts.c.id == alert_id).values(closed_at=at))
    new = [f for f in findings if f.subject not in still_open]
    if not new:
        return
    cooled = now - timedelta(minutes=rule.cooldown_minutes)
    recent = set(
        conn.execute(
            select(alerts.c.subject).where(
                alerts.c.rule_id == rule.id,
                alerts.c.subject.in_([f.subject for f in new]),
                alerts.c.closed_at.is_not(None),
                alerts.c.closed_at > (stamp(cooled) if conn.dialect.name == "sqlite" else cooled),
            )
        ).scalars()
    )
    for finding in new:
        if finding.subject in recent:
            done.cooling.append((rule, finding))
            continue
        done.opened.append((rule, finding))
        if not write:
            continue
        alert_id = conn.execute(
            insert(alerts)
            .values(
                rule_id=rule.id,
                subject=finding.subject,
                store_id=finding.store,
                title=finding.title[:300],
                detail=finding.detail,
                opened_at=at,
                last_seen_at=at,
                count=1,
            )
            .returning(alerts.c.id)
        ).scalar_one()
        zone = places.of(finding.store).zone if finding.store else places.chain_zone()
        due = quiet_end(rule.quiet_hours, now, zone) or now
        channels = (["email"] if rule.emails else []) + (["webhook"] if rule.webhook_url else [])
        if channels:
            conn.execute(
                insert(alert_deliveries),
                [
                    {
                        "alert_id": alert_id,
                        "channel": channel,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": stamp(due),
                    }
                    for channel in channels
                ],
            )
        log.info("rule %d opened alert %d (%s)", rule.id, alert_id, finding.subject)


def quiet_end(quiet_hours: str | None, now: datetime, zone: str) -> datetime | None:
    """When the quiet hours ``now`` falls in end (UTC); None outside them."""
    if not quiet_hours:
        return None
    start, end = quiet_range(quiet_hours)
    local = now.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    if start < end:
        inside, day = start <= minute < end, local.date()
    else:
        inside = minute >= start or minute < end
        day = local.date() + timedelta(days=1) if minute >= start else local.date()
    if not inside:
        return None
    ends = datetime.combine(day, time(end // 60, end % 60), tzinfo=local.tzinfo)
    return ends.astimezone(UTC)


# --- the inbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertView:
    id: int
    rule_id: int
    rule: str
    kind: str
    subject: str
    store: str | None
    title: str
    detail: str
    opened_at: datetime
    last_seen_at: datetime
    count: int
    closed_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    deliveries: tuple[tuple[str, str, int], ...]  # (channel, status, attempts)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def inbox(db: HQDatabase, viewer: Member | None) -> list[AlertView]:
    """The alerts ``viewer`` may see (None: all): open first, unacknowledged before
    acknowledged, newest first."""
    query = (
        select(
            alerts,
            alert_rules.c.name.label("rule_name"),
            alert_rules.c.kind,
            alert_rules.c.scope,
            alert_rules.c.scope_id,
        )
        .join(alert_rules, alert_rules.c.id == alerts.c.rule_id)
        .order_by(
            case((alerts.c.closed_at.is_(None), 0), else_=1),
            case((alerts.c.acknowledged_at.is_(None), 0), else_=1),
            alerts.c.last_seen_at.desc(),
            alerts.c.id.desc(),
        )
        .limit(MAX_LISTED)
    )
    if viewer is not None and viewer.stores is not None:
        query = query.where(alerts.c.store_id.in_(sorted(viewer.stores)))
    with db.reading() as conn:
        rows = list(conn.execute(query).mappings())
        sent: dict[int, list[tuple[str, str, int]]] = {}
        ids = [int(r["id"]) for r in rows]
        for start in range(0, len(ids), 500):
            for d in conn.execute(
                select(
                    alert_deliveries.c.alert_id,
                    alert_deliveries.c.channel,
                    alert_deliveries.c.status,
                    alert_deliveries.c.attempts,
                )
                .where(alert_deliveries.c.alert_id.in_(ids[start : start + 500]))
                .order_by(alert_deliveries.c.id)
            ):
                sent.setdefault(int(d.alert_id), []).append((d.channel, d.status, int(d.attempts)))
    return [_view(r, sent.get(int(r["id"]), [])) for r in rows if _visible(viewer, r)]


def _visible(viewer: Member | None, row: Any) -> bool:
    return viewer is None or viewer.sees(row["store_id"])


def _view(r: Any, deliveries: list[tuple[str, str, int]]) -> AlertView:
    opened, seen = moment(r["opened_at"]), moment(r["last_seen_at"])
    assert opened is not None
    assert seen is not None
    scope = r["scope"] if r["scope_id"] is None else f"{r['scope']} {r['scope_id']}"
    return AlertView(
        id=int(r["id"]),
        rule_id=int(r["rule_id"]),
        rule=r["rule_name"] or f"{r['kind']} ({scope})",
        kind=r["kind"],
        subject=r["subject"],
        store=r["store_id"],
        title=r["title"],
        detail=r["detail"],
        opened_at=opened,
        last_seen_at=seen,
        count=int(r["count"]),
        closed_at=moment(r["closed_at"]),
        acknowledged_by=r["acknowledged_by"],
        acknowledged_at=moment(r["acknowledged_at"]),
        deliveries=tuple(deliveries),
    )


def acknowledge(db: HQDatabase, alert_id: int, viewer: Member, now: datetime) -> bool:
    """Mark an alert ``viewer`` may see as acknowledged by them (the first one counts);
    False if there is no such alert for them."""
    with db.writing() as conn:
        row = conn.execute(select(alerts.c.store_id).where(alerts.c.id == alert_id)).first()
        if row is None or not viewer.sees(row.store_id):
            return False
        conn.execute(
            update(alerts)
            .where(and_(alerts.c.id == alert_id, alerts.c.acknowledged_at.is_(None)))
            .values(acknowledged_by=viewer.name, acknowledged_at=stamp(now))
        )
    return True


def open_count(db: HQDatabase, viewer: Member | None) -> int:
    query = select(func.count()).select_from(alerts).where(alerts.c.closed_at.is_(None))
    if viewer is not None and viewer.stores is not None:
        query = query.where(alerts.c.store_id.in_(sorted(viewer.stores)))
    with db.reading() as conn:
        return int(conn.execute(query).scalar_one())
