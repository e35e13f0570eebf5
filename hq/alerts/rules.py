"""Alert rules: what to watch, where, and where alerts go.

A rule has a kind (what it looks for), a scope (the chain, a region, a store or a
touchpoint), its kind's settings (each with a default), e-mail addresses and/or a webhook
(plain JSON, Slack- or Teams-compatible), quiet hours (e.g. ``22:00-07:00`` on the
clock of the store an alert is about) and a cool-down (minutes after an alert closes before
the same subject may alert again).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, select, update

from hq.db.database import HQDatabase
from hq.db.tables import alert_deliveries, alert_rules, alerts
from hq.mail import MailError, check_address
from hq.moments import moment, stamp, utcnow
from hq.storeinfo import STORE_ID_RE

EASY_BELOW_TARGET = "easy-below-target"
EASY_BELOW_BASELINE = "easy-below-baseline"
DIFFICULT_RUN = "difficult-run"
KIOSK_SILENT = "kiosk-silent"
KIOSK_SYNC = "kiosk-sync"

SCOPES = ("chain", "region", "store", "touchpoint")
FORMATS = ("json", "slack", "teams")

# Per kind, its settings: (default, lowest, highest, whole number).
_Setting = tuple[float, float, float, bool]
_EASY: dict[str, _Setting] = {
    "window_days": (7, 1, 90, True),
    "confidence": (0.95, 0.5, 0.999, False),
    "min_n": (30, 5, 1_000_000, True),
}
KINDS: dict[str, dict[str, _Setting]] = {
    # % easy over the last window_days below the touchpoint's target, by a one-sided test.
    EASY_BELOW_TARGET: _EASY,
    # ... below the same store's, touchpoint's and scale's baseline_weeks before the window.
    EASY_BELOW_BASELINE: {**_EASY, "baseline_weeks": (8, 1, 52, True)},
    # k difficult answers within minutes at a store's touchpoint.
    DIFFICULT_RUN: {"k": (5, 2, 1000, True), "minutes": (30, 1, 1440, True)},
    # No answer for longer than the kiosk's usual traffic at these hours makes likely.
    KIOSK_SILENT: {
        "confidence": (0.95, 0.5, 0.9999, False),
        "history_weeks": (4, 1, 26, True),
        "min_minutes": (30, 5, 1440, True),
    },
    # Not seen, or its queue not draining (a sync error), for minutes while the store is open.
    KIOSK_SYNC: {"minutes": (30, 5, 1440, True)},
}
DEFAULT_COOLDOWN_MINUTES = 240
MAX_COOLDOWN_MINUTES = 7 * 24 * 60
MAX_NAME_CHARS = 100
MAX_URL_CHARS = 2000
MAX_EMAILS = 20
_QUIET = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]|24):([0-5][0-9])", re.ASCII)


class RuleError(ValueError):
    """A rule HQ cannot use; ``str(e)`` says what is wrong in one line."""


@dataclass(frozen=True)
class Rule:
    id: int
    name: str | None
    kind: str
    scope: str
    scope_id: str | None
    settings: dict[str, float]
    emails: tuple[str, ...] = ()
    webhook_url: str | None = None
    webhook_format: str | None = None
    quiet_hours: str | None = None
    cooldown_minutes: int = DEFAULT_COOLDOWN_MINUTES
    enabled: bool = True
    created_by: str = ""
    created_at: datetime | None = field(default=None, compare=False)

    @property
    def shown_scope(self) -> str:
        return self.scope if self.scope_id is None else f"{self.scope} {self.scope_id}"

    @property
    def label(self) -> str:
        return self.name or f"{self.kind} ({self.shown_scope})"

    @property
    def webhook_host(self) -> str | None:
        """The webhook as it may be shown and logged: its host, never the path or query."""
        return webhook_host(self.webhook_url) if self.webhook_url else None

    def setting(self, name: str) -> float:
        return self.settings[name]

    def whole(self, name: str) -> int:
        return int(self.settings[name])


def webhook_host(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname or "?"


def check_scope(given: str) -> tuple[str, str | None]:
    """``chain``, ``region:ID``, ``store:ID`` or ``touchpoint:ID`` as (scope, id)."""
    scope, colon, scope_id = given.strip().partition(":")
    scope = scope.lower()
    if scope not in SCOPES:
        raise RuleError(
            f"scope {given[:40]!r}: expected chain, region:ID, store:ID or touchpoint:ID"
        )
    if scope == "chain":
        if colon:
            raise RuleError("scope chain takes no id")
        return scope, None
    if not STORE_ID_RE.fullmatch(scope_id):
        raise RuleError(f"scope {scope}: {scope_id[:40]!r} is not an id")
    return scope, scope_id


def check_settings(kind: str, given: Mapping[str, Any]) -> dict[str, float]:
    """The kind's settings: given ones checked, the rest at their defaults."""
    known = KINDS.get(kind)
    if known is None:
        raise RuleError(f"kind {kind[:40]!r}: expected one of {', '.join(KINDS)}")
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise RuleError(f"{kind} has no setting {unknown[0][:40]!r} (it has {', '.join(known)})")
    out: dict[str, float] = {}
    for name, (default, low, high, whole) in known.items():
        raw = given.get(name, default)
        try:
            value = float(raw) if not isinstance(raw, bool) else math.nan
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value) or not low <= value <= high or (whole and value != int(value)):
            kind_of = "a whole number" if whole else "a number"
            raise RuleError(f"{name}: expected {kind_of} from {low:g} to {high:g}")
        out[name] = int(value) if whole else value
    return out


def check_webhook(url: str) -> str:
    url = url.strip()
    if len(url) > MAX_URL_CHARS or not url.isprintable() or any(c.isspace() for c in url):
        raise RuleError(f"the webhook URL must be at most {MAX_URL_CHARS} printable characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("https", "http"):
        raise RuleError("the webhook URL must begin https:// (or http://)")
    try:
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise RuleError("the webhook URL's port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise RuleError("the webhook URL names no host")
    return url


def check_quiet_hours(text: str) -> str:
    """``HH:MM-HH:MM`` (it may run past midnight, e.g. 22:00-07:00)."""
    text = text.strip()
    match = _QUIET.fullmatch(text)
    if match is None or text[:5] == text[6:]:
        raise RuleError(f"quiet hours {text[:20]!r}: expected HH:MM-HH:MM, e.g. 22:00-07:00")
    return text


def quiet_range(text: str) -> tuple[int, int]:
    """Quiet hours as (start, end) minutes of the day; end may be below start (past midnight)."""
    start, end = text.split("-")
    return _minutes(start), _minutes(end) % (24 * 60)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def check_rule(
    *,
    kind: str,
    scope: str,
    settings: Mapping[str, Any] | None = None,
    name: str | None = None,
    emails: Sequence[str] = (),
    webhook_url: str | None = None,
    webhook_format: str | None = None,
    quiet_hours: str | None = None,
    cooldown_minutes: int | str | None = None,
    created_by: str = "",
) -> Rule:
    """A new rule from what people typed (CLI, dashboard); RuleError says what is wrong."""
    checked_settings = check_settings(kind, settings or {})
    scope_name, scope_id = check_scope(scope)
    if name is not None:
        name = name.strip() or None
    if name is not None and (len(name) > MAX_NAME_CHARS or not name.isprintable()):
        raise RuleError(f"a rule's name is at most {MAX_NAME_CHARS} printable characters")
    if len(emails) > MAX_EMAILS:
        raise RuleError(f"at most {MAX_EMAILS} e-mail addresses per rule")
    try:
        addresses = tuple(dict.fromkeys(check_address(e) for e in emails if e.strip()))
    except MailError as e:
        raise RuleError(str(e)) from None
    url = check_webhook(webhook_url) if webhook_url else None
    fmt = (webhook_format or "json").strip().lower() if url else None
    if fmt is not None and fmt not in FORMATS:
        raise RuleError(f"webhook format {fmt[:20]!r}: expected json, slack or teams")
    quiet = check_quiet_hours(quiet_hours) if quiet_hours and quiet_hours.strip() else None
    try:
        cooldown = (
            DEFAULT_COOLDOWN_MINUTES
            if cooldown_minutes is None or cooldown_minutes == ""
            else int(cooldown_minutes)
        )
    except ValueError:
        cooldown = -1
    if not 0 <= cooldown <= MAX_COOLDOWN_MINUTES:
        raise RuleError(f"cool-down: expected whole minutes from 0 to {MAX_COOLDOWN_MINUTES}")
    return Rule(
        id=0,
        name=name,
        kind=kind,
        scope=scope_name,
        scope_id=scope_id,
        settings=checked_settings,
        emails=addresses,
        webhook_url=url,
        webhook_format=fmt,
        quiet_hours=quiet,
        cooldown_minutes=cooldown,
        created_by=created_by,
    )


def add_rule(db: HQDatabase, rule: Rule, now: datetime | None = None) -> int:
    """Store a checked rule (check_rule); its id."""
    with db.writing() as conn:
        new_id = conn.execute(
            insert(alert_rules)
            .values(
                name=rule.name,
                kind=rule.kind,
                scope=rule.scope,
                scope_id=rule.scope_id,
                settings=json.dumps(rule.settings, sort_keys=True),
                emails=json.dumps(list(rule.emails)),
                webhook_url=rule.webhook_url,
                webhook_format=rule.webhook_format,
                quiet_hours=rule.quiet_hours,
                cooldown_minutes=rule.cooldown_minutes,
                enabled=1,
                created_by=rule.created_by,
                created_at=stamp(now or utcnow()),
            )
            .returning(alert_rules.c.id)
        ).scalar_one()
    return int(new_id)


def all_rules(db: HQDatabase, *, enabled_only: bool = False) -> list[Rule]:
    query = select(alert_rules).order_by(alert_rules.c.id)
    if enabled_only:
        query = query.where(alert_rules.c.enabled == 1)
    with db.reading() as conn:
        return [_rule(r) for r in conn.execute(query).mappings()]


def get_rule(db: HQDatabase, rule_id: int) -> Rule | None:
    with db.reading() as conn:
        row = conn.execute(select(alert_rules).where(alert_rules.c.id == rule_id)).mappings()
        found = row.first()
    return None if found is None else _rule(found)


def set_enabled(db: HQDatabase, rule_id: int, enabled: bool, now: datetime | None = None) -> bool:
    """Switch a rule on or off; False if there is no such rule. Switching it off closes
    its open alerts: nothing watches them any more."""
    with db.writing() as conn:
        changed = conn.execute(
            update(alert_rules)
            .where(alert_rules.c.id == rule_id)
            .values(enabled=1 if enabled else 0)
        ).rowcount
        if changed and not enabled:
            conn.execute(
                update(alerts)
                .where(alerts.c.rule_id == rule_id, alerts.c.closed_at.is_(None))
                .values(closed_at=stamp(now or utcnow()))
            )
    return bool(changed)


def remove_rule(db: HQDatabase, rule_id: int) -> bool:
    """Delete a rule with its alerts and their deliveries; False if there is no such rule."""
    with db.writing() as conn:
        raised = select(alerts.c.id).where(alerts.c.rule_id == rule_id).scalar_subquery()
        conn.execute(delete(alert_deliveries).where(alert_deliveries.c.alert_id.in_(raised)))
        conn.execute(delete(alerts).where(alerts.c.rule_id == rule_id))
        removed = conn.execute(delete(alert_rules).where(alert_rules.c.id == rule_id)).rowcount
    return bool(removed)


def _rule(row: Any) -> Rule:
    return Rule(
        id=int(row["id"]),
        name=row["name"],
        kind=row["kind"],
        scope=row["scope"],
        scope_id=row["scope_id"],
        settings=dict(json.loads(row["settings"])),
        emails=tuple(json.loads(row["emails"])),
        webhook_url=row["webhook_url"],
        webhook_format=row["webhook_format"],
        quiet_hours=row["quiet_hours"],
        cooldown_minutes=int(row["cooldown_minutes"]),
        enabled=bool(row["enabled"]),
        created_by=row["created_by"],
        created_at=moment(row["created_at"]),
    )
