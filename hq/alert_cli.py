"""``ces-hq alert ...``: alert rules and the alerts they raised, for scripts.

    ces-hq alert rule add --kind KIND [--scope chain|region:ID|store:ID|touchpoint:ID]
                          [--name TEXT] [--set NAME=VALUE ...] [--email ADDRESS ...]
                          [--webhook URL [--format json|slack|teams]]
                          [--quiet-hours HH:MM-HH:MM] [--cooldown MINUTES]
    ces-hq alert rule list [--json]
    ces-hq alert rule enable ID | disable ID | remove ID
    ces-hq alert check [--dry-run] [--smtp-url URL] [--public-url URL]
    ces-hq alert list [--json]

Each also takes the database options. Every error is one line and exit status 1 (2 for a
command line that cannot be read). Webhook URLs are shown by their host only.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hq.alerts import rules
from hq.alerts.delivery import Sender, deliver_due
from hq.alerts.inbox import AlertView, Evaluation, evaluate, inbox
from hq.db.database import HQDatabase
from hq.journey_cli import OneLineParser
from hq.mail import Mailer, MailError
from hq.moments import stamp, utcnow

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080/"


class AlertCliError(Exception):
    """A command line the alert commands cannot use; one line."""


def add_alert_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``options`` adds the database options to a command."""
    alert = commands.add_parser("alert", help="alert rules, and the alerts they raised")
    alert.error = OneLineParser.error.__get__(alert)  # type: ignore[method-assign]
    actions = alert.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    rule = actions.add_parser("rule", help="what to watch and where alerts go")
    rule_actions = rule.add_subparsers(
        dest="rule_action", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    add = rule_actions.add_parser("add", help="add a rule")
    add.add_argument("--kind", required=True, help=f"one of {', '.join(rules.KINDS)}")
    add.add_argument(
        "--scope",
        default="chain",
        help="chain (default), region:ID, store:ID or touchpoint:ID",
    )
    add.add_argument("--name", help="what the inbox calls the rule")
    add.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of the kind, e.g. window_days=7, min_n=30, k=5, minutes=30 (repeat)",
    )
    add.add_argument("--email", action="append", default=[], metavar="ADDRESS")
    add.add_argument("--webhook", metavar="URL", help="https:// URL that gets each alert")
    add.add_argument("--format", default="json", help="the webhook's body: json, slack, teams")
    add.add_argument("--quiet-hours", metavar="HH:MM-HH:MM", help="e.g. 22:00-07:00")
    add.add_argument(
        "--cooldown",
        metavar="MINUTES",
        help=f"after an alert closes, before the same subject may alert again "
        f"(default {rules.DEFAULT_COOLDOWN_MINUTES})",
    )
    options(add)
    listing = rule_actions.add_parser("list", help="every rule")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    options(listing)
    for name, about in (
        ("enable", "switch a rule on"),
        ("disable", "switch a rule off (its alerts stay)"),
        ("remove", "delete a rule with its alerts"),
    ):
        one = rule_actions.add_parser(name, help=about)
        one.add_argument("rule_id", metavar="ID")
        options(one)
    check = actions.add_parser("check", help="evaluate every rule now and send what is due")
    check.add_argument(
        "--dry-run", action="store_true", help="say what would alert; change nothing"
    )
    check.add_argument("--smtp-url", metavar="URL", help="send e-mail through this server")
    check.add_argument(
        "--public-url", metavar="URL", help="the dashboard's address, for links in alerts"
    )
    options(check)
    alerts = actions.add_parser("list", help="the alerts, open ones first")
    alerts.add_argument("--json", action="store_true", help="print them as JSON")
    options(alerts)


def run(args: argparse.Namespace, db: HQDatabase, actor: str) -> int:
    """One alert command; RuleError and AlertCliError are the caller's to print."""
    if args.action == "check":
        return _check(db, args)
    if args.action == "list":
        return _alerts(db, args.json)
    if args.rule_action == "add":
        rule = rules.check_rule(
            kind=args.kind,
            scope=args.scope,
            settings=_settings(args.set),
            name=args.name,
            emails=args.email,
            webhook_url=args.webhook,
            webhook_format=args.format,
            quiet_hours=args.quiet_hours,
            cooldown_minutes=args.cooldown,
            created_by=actor,
        )
        print(f"rule {rules.add_rule(db, rule)} added")
        return 0
    if args.rule_action == "list":
        return _rules(db, args.json)
    rule_id = _rule_id(args.rule_id)
    if args.rule_action == "remove":
        done = rules.remove_rule(db, rule_id)
    else:
        done = rules.set_enabled(db, rule_id, args.rule_action == "enable")
    if not done:
        raise AlertCliError(f"no rule {rule_id}")
    print(f"rule {rule_id} {args.rule_action}d")
    return 0


def _rule_id(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise AlertCliError(f"{text[:20]!r} is not a rule id (see: ces-hq alert rule list)")
    return int(text)


def _settings(given: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep:
            raise AlertCliError(f"--set {item[:40]!r}: expected NAME=VALUE, e.g. min_n=30")
        out[name.strip()] = value.strip()
    return out


def _rule_json(r: rules.Rule) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "kind": r.kind,
        "scope": r.scope,
        "scope_id": r.scope_id,
        "settings": r.settings,
        "emails": list(r.emails),
        "webhook_host": r.webhook_host,
        "webhook_format": r.webhook_format,
        "quiet_hours": r.quiet_hours,
        "cooldown_minutes": r.cooldown_minutes,
        "enabled": r.enabled,
        "created_by": r.created_by,
    }


def _rules(db: HQDatabase, as_json: bool) -> int:
    found = rules.all_rules(db)
    if as_json:
        print(json.dumps({"rules": [_rule_json(r) for r in found]}, indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("no rules; add one with: ces-hq alert rule add --kind KIND --scope SCOPE")
        return 0
    rows = [["ID", "KIND", "SCOPE", "SETTINGS", "SENDS TO", "ON"]]
    for r in found:
        sends = [
            *r.emails,
            *([f"{r.webhook_format} webhook {r.webhook_host}"] if r.webhook_url else []),
        ]
        rows.append(
            [
                str(r.id),
                r.kind,
                r.shown_scope,
                " ".join(f"{k}={v:g}" for k, v in r.settings.items()),
                ", ".join(sends) or "the inbox only",
                "yes" if r.enabled else "no",
            ]
        )
    _print_table(rows)
    return 0


def _alert_json(a: AlertView) -> dict[str, Any]:
    return {
        "id": a.id,
        "rule_id": a.rule_id,
        "rule": a.rule,
        "subject": a.subject,
        "store": a.store,
        "title": a.title,
        "detail": a.detail,
        "opened_at": stamp(a.opened_at),
        "last_seen_at": stamp(a.last_seen_at),
        "count": a.count,
        "closed_at": stamp(a.closed_at) if a.closed_at else None,
        "acknowledged_by": a.acknowledged_by,
        "acknowledged_at": stamp(a.acknowledged_at) if a.acknowledged_at else None,
        "deliveries": [{"channel": c, "status": s, "attempts": n} for c, s, n in a.deliveries],
    }


def _alerts(db: HQDatabase, as_json: bool) -> int:
    found = inbox(db, None)
    if as_json:
        print(json.dumps({"alerts": [_alert_json(a) for a in found]}, indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("no alerts")
        return 0
    rows = [["ID", "STATE", "OPENED", "SEEN", "ALERT"]]
    for a in found:
        state = "open" if a.is_open else "closed"
        if a.acknowledged_by:
            state += f", ack {a.acknowledged_by}"
        rows.append([str(a.id), state, _when(a.opened_at), str(a.count), a.title])
    _print_table(rows)
    return 0


def _check(db: HQDatabase, args: argparse.Namespace) -> int:
    try:
        mailer = Mailer.from_url(args.smtp_url) if args.smtp_url else None
    except MailError as e:
        raise AlertCliError(f"--smtp-url: {e}") from None
    now = utcnow()
    done = evaluate(db, now, dry_run=args.dry_run)
    _say(done, args.dry_run)
    if args.dry_run:
        return 0
    sender = Sender(mailer, args.public_url or DEFAULT_PUBLIC_URL)
    try:
        sent = deliver_due(db, now, sender)
    finally:
        sender.close()
    print(
        f"sent {sent.sent}, to retry {sent.retrying}, failed {sent.failed}, "
        f"skipped {sent.skipped} (no --smtp-url)"
        if sent.skipped
        else f"sent {sent.sent}, to retry {sent.retrying}, failed {sent.failed}"
    )
    return 0


def _say(done: Evaluation, dry_run: bool) -> None:
    would = "would open" if dry_run else "opened"
    for rule, finding in done.opened:
        print(f"{would}: rule {rule.id}: {finding.title}")
    for rule, finding in done.cooling:
        print(f"cooling down: rule {rule.id}: {finding.title}")
    print(
        f"{len(done.opened)} {would}, {len(done.repeated)} still open, "
        f"{len(done.closed)} {'would close' if dry_run else 'closed'}, "
        f"{len(done.cooling)} cooling down"
    )


def _when(moment: datetime) -> str:
    return stamp(moment)[:16].replace("T", " ")


def _print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
