"""Retention at HQ: comments lose their text after a period, answers go after another.

A comment is kept ``comment_days`` whole UTC days after the day its answer was given (365
by default), then its text is removed; the answer and its score stay. Answers themselves
are kept for ever unless ``answer_days`` is set. Both go through hq.erasure, so the audit
log says what retention removed (how many, never what) and daily_answers stays equal to
the answers it counts.

`ces-hq serve` runs it by itself (``keep``): shortly after it starts and then every hour
it looks whether today's run is done, and does it if not. Today's run is claimed in the
database (the hq_meta row ``retention_last_run``, compare-and-set in one transaction), so
when several processes share a database exactly one of them does the work each UTC day,
and the others, or a later start the same day, do nothing. `ces-hq retention run` takes
the same path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import anyio
import anyio.to_thread
from sqlalchemy import ColumnElement, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from hq import erasure
from hq.db.database import HQDatabase, HQDatabaseError, describe_error, is_unavailable
from hq.db.tables import meta, responses
from hq.moments import utcnow

log = logging.getLogger(__name__)

DEFAULT_COMMENT_DAYS = 365
# A century, in effect for ever; far longer periods would reach back before the year 1,
# which dates cannot.
MAX_DAYS = 36_500
ACTOR = "retention"
LAST_RUN_KEY = "retention_last_run"
# How often a running `ces-hq serve` looks whether today's run is due: the run itself
# happens once per UTC day (soon after midnight), and a run that failed is tried again
# within this. The look is one read.
CHECK_INTERVAL_S = 3600.0
# After the start, so the first run does not compete with the server coming up.
START_DELAY_S = 1.0


class RetentionError(ValueError):
    """A retention period HQ cannot use; ``str(e)`` says why, for the operator."""


def check_days(value: int, *, forever_allowed: bool) -> int | None:
    """A retention period in days as given on the command line (0: for ever, if allowed)."""
    if forever_allowed and value == 0:
        return None
    low = 0 if forever_allowed else 1
    if not low <= value <= MAX_DAYS:
        why = "0: kept for ever" if forever_allowed else "cannot be kept for ever"
        raise RetentionError(f"{value} is not a number of days from {low} to {MAX_DAYS} ({why})")
    return value


@dataclass(frozen=True)
class Policy:
    """How long HQ keeps comments and answers, in whole UTC days after the answer's day."""

    comment_days: int = DEFAULT_COMMENT_DAYS
    answer_days: int | None = None  # None: answers are kept for ever

    def __post_init__(self) -> None:
        try:
            check_days(self.comment_days, forever_allowed=False)
            if self.answer_days is not None:
                check_days(self.answer_days, forever_allowed=False)
        except RetentionError as e:
            raise RetentionError(f"retention period: {e}") from None

    def describe(self) -> str:
        answers = "for ever" if self.answer_days is None else f"{self.answer_days} days"
        return f"comments kept {self.comment_days} days, answers kept {answers}"


@dataclass(frozen=True)
class Outcome:
    """What one run did (or, as a dry run, would do)."""

    day: date
    ran: bool  # False: today's run had been done already, here or by another process
    dry_run: bool
    comments: int  # comments whose text was (would be) removed
    answers: int  # answers (would be) deleted
    comments_before: date  # comments of answers given before this day go
    answers_before: date | None  # answers given before this day go (None: none do)
    last_run: date | None  # the day of the run before this one

    def describe(self) -> str:
        """One line for the operator; numbers and dates only."""
        if not self.ran:
            return f"retention already ran today ({self.day}); nothing done"
        verb = ("would erase", "would delete") if self.dry_run else ("erased", "deleted")
        line = (
            f"retention{' (dry run)' if self.dry_run else ''}: {verb[0]} the text of "
            f"{_many(self.comments, 'comment')} of answers given before {self.comments_before}"
        )
        if self.answers_before is not None:
            line += (
                f"; {verb[1]} {_many(self.answers, 'answer')} given before {self.answers_before}"
            )
        last = "never" if self.last_run is None else str(self.last_run)
        return f"{line} (last run: {last})"


def _many(count: int, thing: str) -> str:
    return f"{count:,} {thing}{'' if count == 1 else 's'}"


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _exists(db: HQDatabase, condition: ColumnElement[bool]) -> bool:
    with db.reading() as conn:
        return conn.execute(select(literal(1)).where(condition).limit(1)).first() is not None


def _count(db: HQDatabase, condition: ColumnElement[bool]) -> int:
    with db.reading() as conn:
        return int(
            conn.execute(select(func.count()).select_from(responses).where(condition)).scalar_one()
        )


def last_run(db: HQDatabase) -> date | None:
    with db.reading() as conn:
        found = conn.execute(
            select(meta.c.value).where(meta.c.key == LAST_RUN_KEY)
        ).scalar_one_or_none()
    return None if found is None else date.fromisoformat(found)


def _claim(db: HQDatabase, today: date, previous: date | None) -> bool:
    """Mark today's run as taken, unless another process took it first (compare-and-set:
    on PostgreSQL the second transaction waits for the first's row and then finds the
    value changed; SQLite writes one at a time)."""
    with db.writing() as conn:
        if previous is None:
            dialect_insert = sqlite.insert if db.is_sqlite else postgresql.insert
            statement = dialect_insert(meta).values(key=LAST_RUN_KEY, value=today.isoformat())
            # RETURNING, not rowcount: psycopg leaves rowcount -1 for this statement.
            inserted = statement.on_conflict_do_nothing().returning(meta.c.key)
            return conn.execute(inserted).first() is not None
        changed = conn.execute(
            update(meta)
            .where(meta.c.key == LAST_RUN_KEY, meta.c.value == previous.isoformat())
            .values(value=today.isoformat())
        )
        return bool(changed.rowcount == 1)


def _release(db: HQDatabase, today: date, previous: date | None) -> None:
    """Hand today's run back after it failed, so the next look tries it again."""
    taken = (meta.c.key == LAST_RUN_KEY) & (meta.c.value == today.isoformat())
    try:
        with db.writing() as conn:
            if previous is None:
                conn.execute(meta.delete().where(taken))
            else:
                conn.execute(update(meta).where(taken).values(value=previous.isoformat()))
    except SQLAlchemyError as exc:
        # The database that failed the run is likely down still: tomorrow's run does
        # today's work too, as it removes by age.
        log.info("retention: could not hand back today's run: %s", describe_error(exc))


def run(
    db: HQDatabase, policy: Policy, *, now: datetime | None = None, dry_run: bool = False
) -> Outcome:
    """Today's retention run (UTC), unless it has been done already; or, as a dry run, what
    it would remove (nothing is written then, not even the day of the run)."""
    now = now or utcnow()
    today = now.astimezone(UTC).date()
    comments_before = today - timedelta(days=policy.comment_days)
    answers_before = (
        None if policy.answer_days is None else today - timedelta(days=policy.answer_days)
    )
    previous = last_run(db)
    outcome = Outcome(today, True, dry_run, 0, 0, comments_before, answers_before, previous)
    # A run dated later than today (by a process whose clock is ahead) counts as today's.
    done_already = previous is not None and previous >= today
    if not dry_run and (done_already or not _claim(db, today, previous)):
        return replace(outcome, ran=False, last_run=today)
    answered = responses.c.answered_at
    old_answers: ColumnElement[bool] | None = None
    if answers_before is not None:
        old_answers = answered < db.timestamp(_start_of(answers_before))
    old_comments = (answered < db.timestamp(_start_of(comments_before))) & (
        responses.c.comment.is_not(None)
    )
    if old_answers is not None:
        # Comments of answers that go anyway are not counted twice.
        old_comments = old_comments & ~old_answers
    if dry_run:
        return replace(
            outcome,
            comments=_count(db, old_comments),
            answers=0 if old_answers is None else _count(db, old_answers),
        )
    try:
        answers = 0
        if old_answers is not None and _exists(db, old_answers):
            answers = erasure.delete_answers(
                db,
                old_answers,
                actor=ACTOR,
                detail=f"answers given before {answers_before} ({policy.answer_days} days)",
                now=now,
            )
        comments = 0
        if _exists(db, old_comments):
            comments = erasure.erase_comments(
                db,
                old_comments,
                actor=ACTOR,
                detail=f"comments of answers given before {comments_before} "
                f"({policy.comment_days} days)",
                now=now,
            )
    except BaseException:
        _release(db, today, previous)
        raise
    done = replace(outcome, comments=comments, answers=answers)
    log.info("%s", done.describe())
    return done


# --- inside `ces-hq serve` ------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """When a running HQ applies ``policy``: ``clock`` is its idea of now (tests move it)."""

    policy: Policy
    clock: Callable[[], datetime] = utcnow
    start_delay: float = START_DELAY_S
    interval: float = CHECK_INTERVAL_S


def run_due(db: HQDatabase, schedule: Schedule) -> Outcome | None:
    """Today's run if it is due; None after one look if it is done already (no write)."""
    now = schedule.clock()
    previous = last_run(db)
    if previous is not None and previous >= now.astimezone(UTC).date():
        return None
    return run(db, schedule.policy, now=now)


async def keep(
    db: HQDatabase, schedule: Schedule, limiter: anyio.CapacityLimiter | None = None
) -> None:
    """Apply the schedule until cancelled (at shutdown, after a run in progress ends).

    The database work runs in a worker thread, within ``limiter`` (the app's database
    limiter), so the event loop never waits for it. A database that does not answer is one
    log line; the next look tries again.
    """
    log.info("retention: %s", schedule.policy.describe())
    delay = schedule.start_delay
    while True:
        await anyio.sleep(delay)
        delay = schedule.interval
        try:
            await anyio.to_thread.run_sync(run_due, db, schedule, limiter=limiter)
        except Exception as exc:
            if isinstance(exc, HQDatabaseError) or (
                isinstance(exc, SQLAlchemyError) and is_unavailable(exc)
            ):
                log.error(
                    "retention could not run (the database: %s); trying again in %s",
                    describe_error(exc),
                    _shown_interval(schedule.interval),
                )
            else:
                # A bug: with its traceback, but it must not stop the server or the next run.
                log.exception(
                    "retention failed; trying again in %s", _shown_interval(schedule.interval)
                )


def _shown_interval(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
