"""What a running `ces-hq serve` does by itself besides retention, and where it sends it.

Each job runs once per period however many processes share the database (hq.jobs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from hq.alerts.job import alert_job
from hq.digest_sending import DigestAt, digest_job
from hq.jobs import Job
from hq.mail import Mailer

log = logging.getLogger("effortless.hq.scheduled")


@dataclass(frozen=True)
class Outgoing:
    """Where alerts and digests go: e-mail through ``mailer`` (None: no e-mail is sent) and
    links in them to ``public_url``, the dashboard as its readers reach it."""

    mailer: Mailer | None
    public_url: str


def scheduled_jobs(
    outgoing: Outgoing,
    *,
    digest_at: DigestAt | None = None,
    chain_zone: Callable[[], str] = lambda: "UTC",
    digest_language: str = "en",
) -> list[Job]:
    """The jobs `ces-hq serve` runs. ``chain_zone()`` reads the chain's time zone (the
    digest falls due at ``digest_at`` there; hq.digest_sending)."""
    # Alerts always: without e-mail they still reach the inbox and webhooks.
    jobs: list[Job] = [alert_job(outgoing.mailer, outgoing.public_url)]
    if outgoing.mailer is None:
        log.info("no e-mail configured (--smtp-url): the weekly digest is not sent")
    else:
        jobs.append(
            digest_job(
                outgoing.mailer,
                outgoing.public_url,
                chain_zone,
                at=digest_at,
                lang=digest_language,
            )
        )
    return jobs
