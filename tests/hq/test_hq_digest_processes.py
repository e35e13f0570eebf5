"""Two `ces-hq serve` processes on one PostgreSQL database, both with the weekly digest due:
exactly one of them mails it, once per recipient, and job_runs names that one."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dashboard_data import add, kiosk, many
from hqserver import HQService
from smtp_inbox import Inbox
from sqlalchemy import select

from hq import roles, users
from hq.db.database import HQDatabase
from hq.db.tables import job_runs
from hq.digest_sending import JOB, DigestAt, parse_digest_at
from hq.moments import utcnow

URL = "https://hq.example.org"


def digests(inbox: Inbox) -> list[str]:
    """The recipients of the digests that arrived (alerts may share the inbox)."""
    return sorted(
        str(m["To"])
        for m in list(inbox.messages)
        if str(m["Subject"]).startswith("Effortless weekly digest")
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_servers_mail_each_digest_once(
    database_url: str, tmp_path: Path, smtp_inbox: Inbox
) -> None:
    db = HQDatabase.open(database_url)
    try:
        users.add_user(db, "root", "correct horse battery")
        for name, role, stores in (
            ("anna", roles.STORE_MANAGER, ("s001",)),
            ("ben", roles.ANALYST, ()),
        ):
            users.add_user(db, name, "correct horse battery")
            roles.set_member(db, name, role=role, stores=stores, email=f"{name}@example.org")
        now = utcnow()
        add(db, kiosk(db, "s001"), many(now - timedelta(days=7), 6, 5, "service"))
        # Due a minute ago (the chain's zone is UTC), so due when both servers first look.
        at = now - timedelta(minutes=1)
        when = parse_digest_at(at.strftime("%a %H:%M"))
        assert when == DigestAt(at.weekday(), when.at)
        week = when.week_due(now, ZoneInfo("UTC"))
        assert week is not None
        options = [
            "--smtp-url",
            smtp_inbox.url,
            "--public-url",
            URL,
            "--digest-at",
            at.strftime("%a %H:%M"),
            "--jobs-interval",
            "0.2",
        ]
        servers = [
            HQService(tmp_path / name, database_url=database_url, options=options)
            for name in ("a", "b")
        ]
        # Started at the same time, so both look for due work from the first second.
        starting = [threading.Thread(target=s.start) for s in servers]
        for thread in starting:
            thread.start()
        try:
            for thread in starting:
                thread.join(timeout=60)
            assert all(s.running() for s in servers), [s.stderr() for s in servers]
            assert smtp_inbox.wait_for(2)
            deadline = time.monotonic() + 30
            while True:
                with db.reading() as conn:
                    rows = list(conn.execute(select(job_runs).where(job_runs.c.job == JOB)))
                if rows and rows[0].finished_at is not None:
                    break
                assert time.monotonic() < deadline, "the digest run did not finish"
                time.sleep(0.05)  # ok-sleep: polling the database, with a deadline
            # Both servers go on looking every 0.2 s; let each look many more times.
            looked = time.monotonic() + 2
            while time.monotonic() < looked:
                assert all(s.running() for s in servers)
                time.sleep(0.1)  # ok-sleep: the servers keep running; not an assertion's wait
        finally:
            for server in servers:
                server.stop()
        assert digests(smtp_inbox) == ["anna@example.org", "ben@example.org"]
        assert [r.period for r in rows] == [week.label]
        pids = {s.process.pid: s for s in servers if s.process is not None}
        claimant = int(rows[0].claimed_by.rpartition(":")[2])
        assert claimant in pids
        mailed = [
            s for s in servers if f"weekly digest {week.label}: mailed 2 user(s)" in s.stderr()
        ]
        assert mailed == [pids[claimant]]
    finally:
        db.close()
