"""The alert check `ces-hq serve` runs: every CHECK_MINUTES, once however many processes
share the database (hq.jobs): evaluate the rules, then send what is due (new alerts past
their quiet hours, and retries). Its work runs in a worker thread, never on the event loop."""

from __future__ import annotations

from datetime import UTC, datetime

from hq.alerts.delivery import Sender, deliver_due
from hq.alerts.inbox import evaluate
from hq.db.database import HQDatabase
from hq.jobs import Job
from hq.mail import Mailer

JOB_NAME = "alerts"
CHECK_MINUTES = 5


def period(now: datetime) -> str:
    """The five minutes ``now`` is in, e.g. '2026-11-30T08:15'."""
    at = now.astimezone(UTC)
    return f"{at:%Y-%m-%dT%H}:{at.minute - at.minute % CHECK_MINUTES:02d}"


def alert_job(mailer: Mailer | None, public_url: str) -> Job:
    sender = Sender(mailer, public_url)

    def work(db: HQDatabase, _period: str, now: datetime) -> None:
        evaluate(db, now)
        deliver_due(db, now, sender)

    return Job(JOB_NAME, period, work)
