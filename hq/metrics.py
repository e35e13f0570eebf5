"""/metrics: HQ's numbers in Prometheus' text format, for a bearer token only.

Two kinds of numbers:

- Counters and the batch-latency histogram count what this process served since it
  started (answers stored, duplicate or rejected, batch latency, failed logins). Under
  `ces-hq serve --workers N` every worker answers with all workers' counts added up
  (prometheus-client's multiprocess mode, in a folder of the supervisor's: hq.workers).
  Separate `ces-hq serve` processes are scraped each; Prometheus adds them up (``sum()``).
- Gauges and the alerts-sent counter are read from the database at scrape time (kiosks by
  status, the queue depth kiosks report in heartbeats, their oldest unsent answer, alert
  deliveries sent): every process answers the same.

Off (404) unless ``ces-hq serve --metrics-token-file FILE`` gives a token; then /metrics
answers only ``Authorization: Bearer <token>`` (401 otherwise), compared in constant time.
"""

from __future__ import annotations

import hmac
import os
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from hq.dashboard import insights
from hq.db.database import HQDatabase
from hq.db.tables import alert_deliveries

# prometheus-client's own variable: set, every process's counters go to files in that folder.
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
# A token shorter than this is guessable; one longer than this is no token.
MIN_TOKEN_CHARS = 16
MAX_TOKEN_CHARS = 256
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "-._~+/=")

# Seconds; a batch of up to 500 answers usually takes milliseconds, a busy database more.
BATCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ANSWER_RESULTS = ("ingested", "duplicate", "rejected")
LOGIN_FAILURES = ("wrong", "locked", "throttled", "busy")
KIOSK_STATUSES = ("waiting", "active", "silent", "revoked")


class TokenError(ValueError):
    """A metrics token file that cannot be used; ``str(e)`` says why."""


def read_token(path: Path) -> str:
    """The token in ``path`` (one line; surrounding whitespace ignored)."""
    try:
        raw = path.read_bytes()[: MAX_TOKEN_CHARS + 64]
    except OSError as e:
        raise TokenError(f"cannot read {path}: {e.strerror or e}") from None
    try:
        token = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise TokenError(f"{path}: the token must be ASCII") from None
    if not MIN_TOKEN_CHARS <= len(token) <= MAX_TOKEN_CHARS:
        raise TokenError(
            f"{path}: the token needs {MIN_TOKEN_CHARS} to {MAX_TOKEN_CHARS} characters "
            "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    if not set(token) <= _TOKEN_CHARS:
        raise TokenError(f"{path}: the token may hold letters, digits and -._~+/= only")
    return token


class Metrics:
    """This process's counters (one registry per app, so apps in one process stay apart)."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.registry = CollectorRegistry()
        self.answers = Counter(
            "effortless_hq_answers",
            "Answers in kiosk batches by result: ingested (new), duplicate, rejected",
            ["result"],
            registry=self.registry,
        )
        self.batch_seconds = Histogram(
            "effortless_hq_batch_seconds",
            "Time to take one batch of answers (POST /api/v1/responses), body read included",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.login_failures = Counter(
            "effortless_hq_login_failures",
            "Dashboard logins refused: wrong password or user, locked user, throttled "
            "address, busy password checks",
            ["reason"],
            registry=self.registry,
        )
        # Every series from the start, so a rate() has a zero to begin from.
        for result in ANSWER_RESULTS:
            self.answers.labels(result)
        for reason in LOGIN_FAILURES:
            self.login_failures.labels(reason)

    def count_batch(self, ingested: int, duplicate: int, rejected: int, seconds: float) -> None:
        self.answers.labels("ingested").inc(ingested)
        self.answers.labels("duplicate").inc(duplicate)
        self.answers.labels("rejected").inc(rejected)
        self.batch_seconds.observe(seconds)

    def count_login_failure(self, reason: str) -> None:
        if reason in LOGIN_FAILURES:
            self.login_failures.labels(reason).inc()

    def authorized(self, authorization: str | None) -> bool:
        """True for ``Bearer <token>``; constant time in the token's contents."""
        if self.token is None or authorization is None:
            return False
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return False
        # compare_digest on bytes: a str of non-ASCII would raise rather than compare.
        return hmac.compare_digest(
            given.strip().encode("utf-8", "replace"), self.token.encode("ascii")
        )

    def exposition(self, db: HQDatabase, now: datetime) -> bytes:
        """The text format: this process's counters, then what the database says now.
        Database work: run it in a worker thread."""
        fleet = FleetCollector(read_fleet(db, now))
        snapshot = CollectorRegistry()
        snapshot.register(fleet)
        return generate_latest(self._counted()) + generate_latest(snapshot)

    def _counted(self) -> CollectorRegistry:
        """This process's counters; under `serve --workers N` every worker's, added up
        (each worker writes its own to the supervisor's folder, hq.workers)."""
        folder = os.environ.get(MULTIPROCESS_ENV)
        if not folder:
            return self.registry
        together = CollectorRegistry()
        MultiProcessCollector(together, path=folder)  # type: ignore[no-untyped-call]
        return together


@dataclass(frozen=True)
class FleetNumbers:
    kiosks: dict[str, int]
    queue_depth: int
    oldest_unsent_s: float
    alerts_sent: dict[str, int]


def read_fleet(db: HQDatabase, now: datetime) -> FleetNumbers:
    """Kiosks classified as the fleet page does (hq.dashboard.insights.fleet), and what the
    kiosks in service said in their latest heartbeats."""
    rows = insights.fleet(db, now)
    kiosks = dict.fromkeys(KIOSK_STATUSES, 0)
    depth = 0
    oldest: datetime | None = None
    for row in rows:
        if row.status == "enrolled":
            kiosks["silent" if row.silent else "active"] += 1
        else:
            kiosks[row.status] = kiosks.get(row.status, 0) + 1
        if row.status != "enrolled":
            continue
        depth += row.queue_depth or 0
        if row.queue_depth and row.oldest_unsent_at is not None:
            oldest = row.oldest_unsent_at if oldest is None else min(oldest, row.oldest_unsent_at)
    with db.reading() as conn:
        sent = {
            str(r.channel): int(r.n)
            for r in conn.execute(
                select(alert_deliveries.c.channel, func.count().label("n"))
                .where(alert_deliveries.c.status == "sent")
                .group_by(alert_deliveries.c.channel)
            )
        }
    # A kiosk clock ahead of HQ's makes no negative age.
    age = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
    return FleetNumbers(kiosks, depth, age, sent)


class FleetCollector(Collector):
    """The database's numbers, read once before the scrape is rendered."""

    def __init__(self, numbers: FleetNumbers) -> None:
        self.numbers = numbers

    def collect(self) -> Iterable[Metric]:
        return list(self._families())

    def _families(self) -> Iterator[Metric]:
        n = self.numbers
        kiosks = GaugeMetricFamily(
            "effortless_hq_kiosks",
            "Kiosks by status as the fleet page shows them: waiting (not enrolled yet), "
            "active, silent (fewer answers than usual), revoked",
            labels=["status"],
        )
        for status, count in sorted(n.kiosks.items()):
            kiosks.add_metric([status], count)
        yield kiosks
        yield GaugeMetricFamily(
            "effortless_hq_kiosk_queue_depth",
            "Answers waiting on the enrolled kiosks, summed, as their latest heartbeats said",
            value=n.queue_depth,
        )
        yield GaugeMetricFamily(
            "effortless_hq_oldest_unsent_answer_age_seconds",
            "Age of the oldest answer any enrolled kiosk still holds (its latest heartbeat; "
            "0: none waiting)",
            value=n.oldest_unsent_s,
        )
        sent = CounterMetricFamily(
            "effortless_hq_alerts_sent",
            "Alert deliveries sent, by channel (from the database: all processes together)",
            labels=["channel"],
        )
        for channel in ("email", "webhook", *sorted(set(n.alerts_sent) - {"email", "webhook"})):
            sent.add_metric([channel], n.alerts_sent.get(channel, 0))
        yield sent
