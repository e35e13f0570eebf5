"""Mailing the weekly digest: once per week however many ces-hq processes share the
database, and once per recipient however often a run is tried.

The job ``weekly_digest`` (hq.jobs) has the reported ISO week as its period ("2026-W48").
That week's digest falls due at ``--digest-at`` (default Monday 07:00) of the following week
in the chain's time zone, and stays due for LATE_LIMIT: a server that was down on Monday
morning still sends it on Monday afternoon, one started a week later does not send a stale
one (``ces-hq digest send --week`` still can). The process that claims the week mails every
recipient (hq.digest.recipients) their own digest.

Each recipient the SMTP server took is written to digest_sends at once, so a run tried again
mails only those still waiting. When the server cannot be reached, or answers a
recipient with a temporary (4xx) error, the run stops or goes on with the others and then
hands the week back (hq.jobs.JobDeferred): the next look, by any process, tries those left.
A permanent refusal (5xx) is recorded as 'refused' and not tried again. A process killed
in the middle of a run leaves the week claimed, and those it had not mailed yet get no
digest that week (never two: sending again would need knowing the run is dead). Logs name
users and counts, never an address or a body.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ces.opening_hours import DAYS
from hq import digest, digest_render, jobs
from hq.db.database import HQDatabase
from hq.db.tables import digest_sends
from hq.mail import Mailer
from hq.moments import stamp, utcnow
from hq.roles import Member, members

log = logging.getLogger("effortless.hq.digest")

JOB = "weekly_digest"
# How long after it falls due a week's digest is still sent by the scheduler.
LATE_LIMIT = timedelta(days=2)
SENT = "sent"
REFUSED = "refused"

_AT = re.compile(r"([a-z]{2,3})\s+([0-9]{1,2}):([0-9]{2})", re.ASCII)
# The weekdays as opening hours name them (ces.opening_hours), in English and Dutch.
_DAY_NUMBERS = {name: i for i, name in enumerate(DAYS)} | {
    name: i for i, name in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))
}


class DigestAtError(ValueError):
    pass


@dataclass(frozen=True)
class DigestAt:
    """When in the following week a week's digest falls due, in the chain's time zone."""

    weekday: int = 0  # Monday
    at: time = time(7, 0)

    def __str__(self) -> str:
        return f"{DAYS[self.weekday]} {self.at:%H:%M}"

    def due(self, week: digest.Week, zone: ZoneInfo) -> datetime:
        day = week.end + timedelta(days=1 + self.weekday)
        # Through UTC, so a time in a spring-forward gap is a moment that exists.
        wall = datetime.combine(day, self.at, tzinfo=zone)
        return wall.astimezone(ZoneInfo("UTC")).astimezone(zone)

    def week_due(self, now: datetime, zone: ZoneInfo) -> digest.Week | None:
        """The week whose digest is due at ``now``: fallen due, and at most LATE_LIMIT ago."""
        local = now.astimezone(zone)
        week = digest.last_complete_week(local.date())
        if local < self.due(week, zone):
            week = week.previous()
        if local >= self.due(week, zone) + LATE_LIMIT:
            return None
        return week


def parse_digest_at(text: str) -> DigestAt:
    """``mon 07:00`` or ``ma 07:00`` (a weekday as opening hours name it, and a 24-hour
    time)."""
    found = _AT.fullmatch(text.strip().lower())
    names = _DAY_NUMBERS
    if found is None or found.group(1) not in names:
        raise DigestAtError(f"{text[:30]!r}: expected a weekday and a time, e.g. 'mon 07:00'")
    hour, minute = int(found.group(2)), int(found.group(3))
    if hour > 23 or minute > 59:
        raise DigestAtError(f"{text[:30]!r}: no such time of day")
    return DigestAt(names[found.group(1)], time(hour, minute))


# --- sending ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a run did: users mailed now, before, refused for good, and still waiting."""

    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    # Why some are still waiting (the SMTP server's code or the connection error's kind).
    problem: str = ""


def done_for(db: HQDatabase, week: digest.Week) -> dict[str, str]:
    """The users the week's digest was mailed to or refused for, with the outcome."""
    with db.reading() as conn:
        rows = conn.execute(
            select(digest_sends.c.user_name, digest_sends.c.outcome).where(
                digest_sends.c.week == week.label
            )
        )
        return {r.user_name: r.outcome for r in rows}


def _record(db: HQDatabase, week: digest.Week, user: str, outcome: str) -> None:
    insert = sqlite.insert if db.is_sqlite else postgresql.insert
    with db.writing() as conn:
        conn.execute(
            insert(digest_sends)
            .values(week=week.label, user_name=user, outcome=outcome, at=stamp(utcnow()))
            .on_conflict_do_nothing()
        )


def send_week(
    db: HQDatabase,
    mailer: Mailer,
    week: digest.Week,
    *,
    public_url: str,
    lang: str = "en",
    everyone: list[Member] | None = None,
) -> Outcome:
    """Mail the week's digest to every recipient not yet done. One recipient's failure
    does not stop the others, unless the server cannot be reached at all."""
    outcome = Outcome()
    done = done_for(db, week)
    waiting = digest.recipients(everyone if everyone is not None else members(db))
    for i, member in enumerate(waiting):
        if member.name in done:
            outcome.already.append(member.name)
            continue
        message = digest_render.mail(digest.build(db, member, week), public_url, lang)
        try:
            mailer.send(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            _refused(db, week, member.name, codes[0] if codes else 550, outcome)
        except smtplib.SMTPResponseException as exc:
            _refused(db, week, member.name, exc.smtp_code, outcome)
        except (OSError, smtplib.SMTPException) as exc:
            # The server is not there (or broke off): the others would fail alike, so they
            # all wait for the next run.
            outcome.problem = f"{mailer.shown}: {type(exc).__name__}"
            log.warning(
                "weekly digest %s: could not reach the SMTP server %s (%s); trying again later",
                week.label,
                mailer.shown,
                type(exc).__name__,
            )
            outcome.waiting += [m.name for m in waiting[i:] if m.name not in done]
            break
        else:
            _record(db, week, member.name, SENT)
            outcome.sent.append(member.name)
    return outcome


def _refused(db: HQDatabase, week: digest.Week, user: str, code: int, outcome: Outcome) -> None:
    if 400 <= code < 500:
        # Temporary (the mailbox is full, greylisting): tried again with the next run.
        log.warning(
            "weekly digest %s for user %s: the SMTP server answered %d; trying again later",
            week.label,
            user,
            code,
        )
        outcome.waiting.append(user)
        outcome.problem = f"the SMTP server answered {code}"
        return
    log.warning(
        "weekly digest %s for user %s: the SMTP server refused it (%d); not tried again",
        week.label,
        user,
        code,
    )
    _record(db, week, user, REFUSED)
    outcome.refused.append(user)


# --- the job ----------------------------------------------------------------------------------


def digest_job(
    mailer: Mailer,
    public_url: str,
    zone_of: Callable[[], str],
    *,
    at: DigestAt | None = None,
    lang: str = "en",
) -> jobs.Job:
    """The scheduler's job: ``zone_of()`` reads the chain's time zone (in the job's worker
    thread) each time it looks."""
    when = at or DigestAt()

    def period(now: datetime) -> str | None:
        week = when.week_due(now, ZoneInfo(zone_of()))
        return None if week is None else week.label

    def work(db: HQDatabase, period: str, now: datetime) -> Outcome:
        week = digest.parse_week(period)
        outcome = send_week(db, mailer, week, public_url=public_url, lang=lang)
        log.info(
            "weekly digest %s: mailed %d user(s), %d had it already, %d refused, %d waiting",
            week.label,
            len(outcome.sent),
            len(outcome.already),
            len(outcome.refused),
            len(outcome.waiting),
        )
        if outcome.waiting:
            raise jobs.JobDeferred(
                f"{len(outcome.waiting)} user(s) still waiting ({outcome.problem})"
            )
        return outcome

    return jobs.Job(JOB, period, work)


def today_in(zone: str, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(zone)).date()
