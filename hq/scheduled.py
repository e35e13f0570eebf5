"""What a running `ces-hq serve` does by itself besides retention, and where it sends it.

Each job runs once per period however many processes share the database (hq.jobs).
"""

from __future__ import annotations

from dataclasses import dataclass

from hq.jobs import Job
from hq.mail import Mailer


@dataclass(frozen=True)
class Outgoing:
    """Where alerts and digests go: e-mail through ``mailer`` (None: no e-mail is sent) and
    links in them to ``public_url``, the dashboard as its readers reach it."""

    mailer: Mailer | None
    public_url: str


def scheduled_jobs(outgoing: Outgoing) -> list[Job]:
    """The jobs `ces-hq serve` runs."""
    return []
