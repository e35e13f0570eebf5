"""Work that must happen once per period however many ces-hq processes share a database.

A job (the weekly digest, an alert check) is done for a period ("2026-W48",
"2026-11-30T08:15"): the process whose INSERT of the row (job, period) into job_runs succeeds
does it; every other process, and a later look by the same one, finds the row and does
nothing. The same statement on SQLite and PostgreSQL, so two processes on one PostgreSQL
database never both send a digest. A run that fails hands its period back (``release``)
so the next look tries again.

``keep`` runs jobs inside `ces-hq serve`: every ``interval`` seconds it asks each job
for its current period and runs it if claimed, in a worker thread, so the event loop
never waits for it.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import anyio
import anyio.to_thread
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from hq.db.database import HQDatabase, HQDatabaseError, describe_error, is_unavailable
from hq.db.tables import job_runs
from hq.moments import stamp, utcnow

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 60.0
START_DELAY_S = 1.0


def worker_name() -> str:
    """This process, as job_runs names who claimed a period."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def claim(db: HQDatabase, job: str, period: str, now: datetime | None = None) -> bool:
    """True if this process now owns ``job`` for ``period`` (and must do it)."""
    dialect_insert = sqlite.insert if db.is_sqlite else postgresql.insert
    statement = (
        dialect_insert(job_runs)
        .values(job=job, period=period, claimed_at=stamp(now or utcnow()), claimed_by=worker_name())
        .on_conflict_do_nothing()
        # RETURNING, not rowcount: psycopg leaves rowcount -1 for this statement.
        .returning(job_runs.c.job)
    )
    with db.writing() as conn:
        return conn.execute(statement).first() is not None


def finish(db: HQDatabase, job: str, period: str, now: datetime | None = None) -> None:
    with db.writing() as conn:
        conn.execute(
            update(job_runs)
            .where(job_runs.c.job == job, job_runs.c.period == period)
            .values(finished_at=stamp(now or utcnow()))
        )


def release(db: HQDatabase, job: str, period: str) -> None:
    """Hand a failed run's period back, so the next look (by any process) does it."""
    try:
        with db.writing() as conn:
            conn.execute(delete(job_runs).where(job_runs.c.job == job, job_runs.c.period == period))
    except SQLAlchemyError as exc:
        log.info("could not hand back %s %s: %s", job, period, describe_error(exc))


def claimed_by(db: HQDatabase, job: str, period: str) -> str | None:
    with db.reading() as conn:
        found: str | None = conn.execute(
            select(job_runs.c.claimed_by).where(job_runs.c.job == job, job_runs.c.period == period)
        ).scalar_one_or_none()
        return found


class JobDeferred(Exception):
    """Raised by a job's work that could not finish for an expected reason (the SMTP server
    did not answer): its period is handed back and tried again at the next look, logged
    without a traceback. ``str(e)`` says why (no addresses or bodies)."""


@dataclass(frozen=True)
class Job:
    """``period(now)``: the period due at ``now``, or None when nothing is due;
    ``work(db, period, now)`` does it (in a worker thread)."""

    name: str
    period: Callable[[datetime], str | None]
    work: Callable[[HQDatabase, str, datetime], object]


def run_due(db: HQDatabase, job: Job, now: datetime) -> bool:
    """Do ``job``'s period due at ``now`` if no process has claimed it. True if done here."""
    period = job.period(now)
    if period is None or not claim(db, job.name, period, now):
        return False
    try:
        job.work(db, period, now)
    except BaseException:
        release(db, job.name, period)
        raise
    finish(db, job.name, period)
    return True


async def keep(
    db: HQDatabase,
    jobs: Sequence[Job],
    *,
    clock: Callable[[], datetime] = utcnow,
    interval: float = CHECK_INTERVAL_S,
    start_delay: float = START_DELAY_S,
    limiter: anyio.CapacityLimiter | None = None,
) -> None:
    """Run ``jobs`` as they fall due until cancelled (at shutdown)."""
    delay = start_delay
    while True:
        await anyio.sleep(delay)
        delay = interval
        for job in jobs:
            try:
                await anyio.to_thread.run_sync(run_due, db, job, clock(), limiter=limiter)
            except JobDeferred as exc:
                log.info("%s handed back: %s; trying again later", job.name, exc)
            except Exception as exc:
                if isinstance(exc, HQDatabaseError) or (
                    isinstance(exc, SQLAlchemyError) and is_unavailable(exc)
                ):
                    log.error(
                        "%s could not run (the database: %s); trying again later",
                        job.name,
                        describe_error(exc),
                    )
                else:
                    # A bug: with its traceback, but it must not stop the server or other jobs.
                    log.exception("%s failed; trying again later", job.name)
