"""Sending alerts: e-mail through HQ's mailer, webhooks as plain JSON, Slack- or
Teams-compatible bodies; failed sends are retried later with a back-off, a bounded number
of times.

Webhooks go through one requests.Session per Sender, with explicit timeouts, no retries by
the adapter (the back-off here is the retry) and no redirects followed. A webhook URL often
carries its secret in the path, so logs and the inbox name its host only.
"""

from __future__ import annotations

import html
import json
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import select, update

from hq.alerts.rules import Rule, get_rule, webhook_host
from hq.db.database import HQDatabase
from hq.db.tables import alert_deliveries, alerts
from hq.mail import Mail, Mailer
from hq.moments import moment, stamp

log = logging.getLogger("effortless.hq.alerts")

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0
# Minutes to wait after the 1st, 2nd, ... failed attempt; after the last, it has failed.
BACKOFF_MINUTES = (1, 2, 5, 15, 60)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
# A claimed delivery not finished by then (its process died) is tried again.
LEASE = timedelta(minutes=5)
BATCH = 100
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class AlertMessage:
    """An alert as e-mail and webhooks tell it."""

    id: int
    rule: Rule
    subject: str
    store: str | None
    title: str
    detail: str
    opened_at: datetime
    link: str

    def as_json(self) -> dict[str, Any]:
        return {
            "type": "effortless.alert",
            "alert": {
                "id": self.id,
                "rule": {
                    "id": self.rule.id,
                    "name": self.rule.name,
                    "kind": self.rule.kind,
                    "scope": self.rule.scope,
                    "scope_id": self.rule.scope_id,
                },
                "subject": self.subject,
                "store": self.store,
                "title": self.title,
                "detail": self.detail,
                "opened_at": stamp(self.opened_at),
                "url": self.link,
            },
        }

    def as_slack(self) -> dict[str, Any]:
        return {
            "text": self.title,
            "blocks": [
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": f"*{_slack(self.title)}*\n{_slack(self.detail)}",
                    },
                },
                {
                    "type": "context",
                    "elements": [
                        {
                            "type": "mrkdwn",
                            "text": f"Rule: {_slack(self.rule.label)} · <{self.link}|Open the alert inbox>",
                        }
                    ],
                },
            ],
        }

    def as_teams(self) -> dict[str, Any]:
        # The Office 365 connector card that Teams' incoming webhooks take.
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": self.title,
            "themeColor": "C62828",
            "title": self.title,
            "text": self.detail,
            "sections": [{"facts": [{"name": "Rule", "value": self.rule.label}]}],
            "potentialAction": [
                {
                    "@type": "OpenUri",
                    "name": "Open the alert inbox",
                    "targets": [{"os": "default", "uri": self.link}],
                }
            ],
        }

    def body(self, fmt: str) -> dict[str, Any]:
        return {"slack": self.as_slack, "teams": self.as_teams}.get(fmt, self.as_json)()

    def mail(self) -> Mail:
        text = (
            f"{self.title}\n\n{self.detail}\n\nRule: {self.rule.label}\n"
            f"Opened: {stamp(self.opened_at)[:16].replace('T', ' ')} UTC\n\n"
            f"Acknowledge it in the alert inbox: {self.link}\n"
        )
        page = (
            f"<h2>{html.escape(self.title)}</h2><p>{html.escape(self.detail)}</p>"
            f"<p>Rule: {html.escape(self.rule.label)}</p>"
            f'<p><a href="{html.escape(self.link)}">Open the alert inbox</a></p>'
        )
        return Mail(
            to=self.rule.emails, subject=f"Effortless alert: {self.title}", text=text, html=page
        )


def _slack(text: str) -> str:
    """Text for Slack's mrkdwn, where &, < and > are control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _PathsHidden(logging.Filter):
    """urllib3 logs each request's path at DEBUG; a webhook's path is its secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if (
            isinstance(args, tuple)
            and len(args) >= 5
            and str(record.msg).startswith('%s://%s:%s "')
        ):
            record.args = (*args[:4], "/...", *args[5:])
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_PathsHidden())


class SendError(Exception):
    """A send that did not succeed; ``str(e)`` is safe to log and store (no URL)."""


@dataclass
class Sender:
    """Sends alerts; one per process (one HTTP session for every webhook)."""

    mailer: Mailer | None
    public_url: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        adapter = HTTPAdapter(max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def link(self, alert_id: int) -> str:
        return f"{self.public_url.rstrip('/')}/alerts#alert-{alert_id}"

    def send(self, channel: str, message: AlertMessage) -> str:
        """Send one delivery; its outcome ('sent' or 'skipped'), or SendError."""
        if channel == "email":
            if self.mailer is None:
                return "skipped"
            try:
                self.mailer.send(message.mail())
            except (OSError, smtplib.SMTPException) as e:
                raise SendError(
                    f"e-mail via {self.mailer.shown}: {type(e).__name__}: {e}"
                ) from None
            return "sent"
        url = message.rule.webhook_url
        if not url:
            return "skipped"
        host = webhook_host(url)
        try:
            reply = self.session.post(
                url,
                data=json.dumps(message.body(message.rule.webhook_format or "json")),
                headers={"Content-Type": "application/json"},
                timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
                allow_redirects=False,
            )
            reply.close()
        except requests.RequestException as e:
            # Not str(e): requests puts the whole URL in it.
            raise SendError(f"webhook to {host}: {type(e).__name__}") from None
        if not 200 <= reply.status_code < 300:
            raise SendError(f"webhook to {host}: HTTP {reply.status_code}")
        return "sent"


@dataclass
class Delivered:
    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(db: HQDatabase, now: datetime, sender: Sender) -> Delivered:
    """Send every delivery due at ``now`` (past quiet hours and back-offs)."""
    done = Delivered()
    at = db.timestamp(now)
    with db.reading() as conn:
        due = list(
            conn.execute(
                select(
                    alert_deliveries.c.id,
                    alert_deliveries.c.channel,
                    alert_deliveries.c.attempts,
                    alerts.c.id.label("alert_id"),
                    alerts.c.rule_id,
                    alerts.c.subject,
                    alerts.c.store_id,
                    alerts.c.title,
                    alerts.c.detail,
                    alerts.c.opened_at,
                )
                .join(alerts, alerts.c.id == alert_deliveries.c.alert_id)
                .where(
                    alert_deliveries.c.status == "pending",
                    alert_deliveries.c.next_attempt_at <= at,
                )
                .order_by(alert_deliveries.c.next_attempt_at, alert_deliveries.c.id)
                .limit(BATCH)
            )
        )
    rules: dict[int, Rule | None] = {}
    for d in due:
        if not _claim(db, int(d.id), int(d.attempts), now):
            continue  # another process took it
        attempt = int(d.attempts) + 1
        rule_id = int(d.rule_id)
        if rule_id not in rules:
            rules[rule_id] = get_rule(db, rule_id)
        rule = rules[rule_id]
        if rule is None:
            continue
        opened = moment(d.opened_at)
        assert opened is not None
        message = AlertMessage(
            int(d.alert_id),
            rule,
            d.subject,
            d.store_id,
            d.title,
            d.detail,
            opened,
            sender.link(int(d.alert_id)),
        )
        try:
            outcome = sender.send(d.channel, message)
        except SendError as e:
            error = str(e)[:MAX_ERROR_CHARS]
            if attempt >= MAX_ATTEMPTS:
                done.failed += 1
                _finish(db, int(d.id), status="failed", last_error=error)
                log.warning("alert %d: %s; given up after %d tries", d.alert_id, error, attempt)
            else:
                done.retrying += 1
                later = now + timedelta(minutes=BACKOFF_MINUTES[attempt - 1])
                _finish(db, int(d.id), next_attempt_at=stamp(later), last_error=error)
                log.warning(
                    "alert %d: %s; try %d of %d, again from %s",
                    d.alert_id,
                    error,
                    attempt,
                    MAX_ATTEMPTS,
                    stamp(later)[:16],
                )
            continue
        if outcome == "sent":
            done.sent += 1
            _finish(db, int(d.id), status="sent", sent_at=stamp(now), last_error=None)
        else:
            done.skipped += 1
            _finish(db, int(d.id), status="skipped", last_error="no --smtp-url")
    return done


def _claim(db: HQDatabase, delivery_id: int, attempts: int, now: datetime) -> bool:
    """Take a delivery for one attempt: only the process whose update finds it unchanged
    sends it; should this one die, the lease lets the next look try again."""
    with db.writing() as conn:
        changed = conn.execute(
            update(alert_deliveries)
            .where(
                alert_deliveries.c.id == delivery_id,
                alert_deliveries.c.attempts == attempts,
                alert_deliveries.c.status == "pending",
            )
            .values(attempts=attempts + 1, next_attempt_at=stamp(now + LEASE))
        ).rowcount
    return changed == 1


def _finish(db: HQDatabase, delivery_id: int, **values: Any) -> None:
    with db.writing() as conn:
        conn.execute(
            update(alert_deliveries).where(alert_deliveries.c.id == delivery_id).values(**values)
        )
