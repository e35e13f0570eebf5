"""The weekly digest as it arrives at a real SMTP server on loopback (aiosmtpd): one message
per recipient with a plain-text and an HTML part, never twice, a refusal or a server that
is down costing nobody else their digest; and `ces-hq digest preview|send`."""

from __future__ import annotations

import functools
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import anyio
import pytest
from dashboard_data import Spec, add, kiosk, many
from hqserver import ces_hq
from smtp_inbox import Inbox, start_inbox

from hq import digest, jobs, roles, users
from hq.db.database import HQDatabase
from hq.digest_sending import JOB, REFUSED, SENT, DigestAt, digest_job, done_for, send_week
from hq.jobs import JobDeferred
from hq.mail import Mailer
from hq.scheduled import Outgoing, scheduled_jobs

WEEK = digest.Week(2026, 48)
MON = datetime(2026, 11, 23, 10, tzinfo=UTC)
# Monday 07:00 UTC after the week: when its digest falls due (the chain's zone is UTC).
DUE = datetime(2026, 11, 30, 7, tzinfo=UTC)
URL = "https://hq.example.org"


@pytest.fixture
def people(db: HQDatabase) -> HQDatabase:
    users.add_user(db, "root", "correct horse battery")  # the admin: no digest
    roles.set_member(db, "root", role=roles.ADMIN, email="root@example.org")
    for name, role, stores, email in (
        ("anna", roles.STORE_MANAGER, ("s001",), "anna@example.org"),
        ("ben", roles.ANALYST, (), "ben@example.org"),
        ("carl", roles.ANALYST, (), None),
    ):
        users.add_user(db, name, "correct horse battery")
        roles.set_member(db, name, role=role, stores=stores, email=email)
    add(db, kiosk(db, "s001"), [*many(MON, 6, 8, "service"), Spec(MON, 2, "price", "Slow <b>")])
    add(db, kiosk(db, "s002"), [Spec(MON, 1, "ease", "Only at s002")])
    return db


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    return plain.get_content(), html.get_content()


def by_recipient(inbox: Inbox) -> dict[str, EmailMessage]:
    return {str(m["To"]): m for m in inbox.messages}


def test_each_recipient_gets_their_own_digest_once(people: HQDatabase, smtp_inbox: Inbox) -> None:
    mailer = Mailer.from_url(smtp_inbox.url)
    outcome = send_week(people, mailer, WEEK, public_url=URL)
    assert sorted(outcome.sent) == ["anna", "ben"]
    mails = by_recipient(smtp_inbox)
    assert sorted(mails) == ["anna@example.org", "ben@example.org"]
    anna_text, anna_html = parts(mails["anna@example.org"])
    assert mails["anna@example.org"]["Subject"] == "Effortless weekly digest 2026-W48: s001"
    assert mails["anna@example.org"]["From"] == "hq@example.org"
    for body in (anna_text, anna_html):
        assert "88.9% easy (n = 9;" in body  # 8 easy of 9 at s001
        assert "Only at s002" not in body
        assert "s002" not in body
    assert "“Slow <b>”" in anna_text
    assert "Slow &lt;b&gt;" in anna_html
    assert "Slow <b>" not in anna_html
    ben_text, _ = parts(mails["ben@example.org"])
    assert "80.0% easy (n = 10;" in ben_text
    assert "Only at s002" in ben_text
    assert done_for(people, WEEK) == {"anna": SENT, "ben": SENT}
    # Again (a run tried again): nobody gets it twice.
    again = send_week(people, mailer, WEEK, public_url=URL)
    assert again.sent == []
    assert sorted(again.already) == ["anna", "ben"]
    assert len(smtp_inbox.messages) == 2


class Picky(Inbox):
    """Refuses anna for good (550) and ben once for now (451)."""

    ben_refused: int = 0

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("anna@"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("ben@") and self.ben_refused == 0:
            self.ben_refused += 1
            return "451 4.7.1 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def picky() -> Iterator[Picky]:
    inbox, controller = start_inbox(Picky())
    assert isinstance(inbox, Picky)
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_refusal_stops_nobody_and_a_retry_mails_only_those_waiting(
    people: HQDatabase, picky: Picky, expect_log: Any
) -> None:
    expect_log("effortless.hq.digest", r"2026-W48 for user anna: .*refused it \(550\)")
    expect_log("effortless.hq.digest", r"2026-W48 for user ben: .*answered 451")
    users.add_user(people, "dora", "correct horse battery")
    roles.set_member(people, "dora", role=roles.ANALYST, email="dora@example.org")
    job = digest_job(Mailer.from_url(picky.url), URL, lambda: "UTC")
    with pytest.raises(JobDeferred):
        jobs.run_due(people, job, DUE)
    # dora got hers; anna is refused for good; ben waits, and the week was handed back.
    assert [str(m["To"]) for m in picky.messages] == ["dora@example.org"]
    assert done_for(people, WEEK) == {"anna": REFUSED, "dora": SENT}
    assert jobs.claimed_by(people, JOB, WEEK.label) is None
    assert jobs.run_due(people, job, DUE + timedelta(minutes=1))
    assert [str(m["To"]) for m in picky.messages] == ["dora@example.org", "ben@example.org"]
    assert done_for(people, WEEK) == {"anna": REFUSED, "ben": SENT, "dora": SENT}
    # Claimed and finished: the next looks do nothing.
    assert not jobs.run_due(people, job, DUE + timedelta(minutes=2))
    assert len(picky.messages) == 2


def test_a_server_that_is_down_hands_the_week_back(people: HQDatabase, expect_log: Any) -> None:
    expect_log("effortless.hq.digest", r"could not reach the SMTP server smtp://127\.0\.0\.1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    job = digest_job(Mailer.from_url(f"smtp://127.0.0.1:{closed}"), URL, lambda: "UTC")
    with pytest.raises(JobDeferred, match="2 user"):
        jobs.run_due(people, job, DUE)
    assert done_for(people, WEEK) == {}
    assert jobs.claimed_by(people, JOB, WEEK.label) is None


def test_the_job_falls_due_in_the_chains_zone(people: HQDatabase, smtp_inbox: Inbox) -> None:
    job = digest_job(Mailer.from_url(smtp_inbox.url), URL, lambda: "Europe/Brussels")
    # 05:59 UTC is 06:59 in Brussels: not yet.
    assert not jobs.run_due(people, job, datetime(2026, 11, 30, 5, 59, tzinfo=UTC))
    assert jobs.run_due(people, job, datetime(2026, 11, 30, 6, 0, tzinfo=UTC))
    assert len(smtp_inbox.messages) == 2


def test_without_smtp_no_digest_job(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="effortless.hq.scheduled")
    assert JOB not in [j.name for j in scheduled_jobs(Outgoing(None, URL))]
    assert "no e-mail configured (--smtp-url): the weekly digest is not sent" in caplog.text
    found = scheduled_jobs(Outgoing(Mailer.from_url("smtp://127.0.0.1"), URL), digest_at=DigestAt())
    assert JOB in [j.name for j in found]


def test_preview_and_send_from_the_command_line(
    people: HQDatabase, database_url: str, smtp_inbox: Inbox
) -> None:
    where = ["--database-url", database_url]
    shown = ces_hq("digest", "preview", "--user", "anna", "--week", "2026-W48", *where)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Weekly digest · Week 2026-W48, 2026-11-23 to 2026-11-29\n")
    assert "For anna, store manager of s001" in shown.stdout
    assert "s002" not in shown.stdout
    html = ces_hq(
        "digest", "preview", "--user", "anna", "--week", "2026-W48", "--format", "html", *where
    )
    assert html.returncode == 0
    assert html.stdout.startswith("<!DOCTYPE html>")
    assert "Slow &lt;b&gt;" in html.stdout
    dutch = ces_hq("digest", "preview", "--week", "2026-W48", "--lang", "nl", *where)
    assert dutch.returncode == 0
    assert "Weekoverzicht" in dutch.stdout
    for bad, said in (
        (["--user", "nobody"], "no user 'nobody'"),
        (["--week", "2026-W60"], "2026 has no week 60"),
    ):
        refused = ces_hq("digest", "preview", *bad, *where)
        assert refused.returncode == 1
        assert refused.stderr.strip().startswith("ces-hq: error: ")
        assert said in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    sent = ces_hq("digest", "send", "--smtp-url", smtp_inbox.url, "--week", "2026-W48", *where)
    assert sent.returncode == 0, sent.stderr
    assert "mailed 2 user(s)" in sent.stdout
    assert sorted(by_recipient(smtp_inbox)) == ["anna@example.org", "ben@example.org"]
    twice = ces_hq("digest", "send", "--smtp-url", smtp_inbox.url, "--week", "2026-W48", *where)
    assert twice.returncode == 1
    assert "sent or being sent already" in twice.stderr
    assert len(smtp_inbox.messages) == 2


def test_a_deferred_run_is_tried_again_at_the_next_look_without_a_traceback(
    db: HQDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="hq.jobs")
    tries: list[str] = []

    def work(_db: HQDatabase, period: str, _now: datetime) -> None:
        tries.append(period)
        if len(tries) == 1:
            raise JobDeferred("1 user(s) still waiting (the SMTP server answered 451)")

    job = jobs.Job("deferring", lambda _now: "2026-W48", work)

    async def main() -> None:
        with anyio.fail_after(20):
            async with anyio.create_task_group() as group:
                group.start_soon(
                    functools.partial(
                        jobs.keep, db, [job], clock=lambda: DUE, interval=0.01, start_delay=0
                    )
                )
                while len(tries) < 2:
                    await anyio.sleep(0.01)  # ok-sleep: polling, bounded by fail_after
                group.cancel_scope.cancel()

    anyio.run(main)
    assert tries == ["2026-W48", "2026-W48"]
    assert "deferring handed back: 1 user(s) still waiting" in caplog.text
    assert jobs.claimed_by(db, "deferring", "2026-W48") is not None
