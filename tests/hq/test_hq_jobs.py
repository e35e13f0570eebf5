"""Work done once per period however many processes share the database (hq.jobs)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from hq import jobs
from hq.db.database import HQDatabase

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_of_many_claimants_at_once_exactly_one_gets_the_period(database_url: str) -> None:
    # Separate HQDatabase objects: separate engines and pools, as separate processes have.
    databases = [HQDatabase.open(database_url) for _ in range(4)]
    won: list[bool] = []
    start = threading.Barrier(len(databases))

    def claim(db: HQDatabase) -> None:
        start.wait()
        won.append(jobs.claim(db, "weekly_digest", "2026-W48", NOW))

    try:
        threads = [threading.Thread(target=claim, args=(db,)) for db in databases]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(won) == [False, False, False, True]
        assert jobs.claimed_by(databases[0], "weekly_digest", "2026-W48") == jobs.worker_name()
        # Another period, or another job, is free.
        assert jobs.claim(databases[1], "weekly_digest", "2026-W49", NOW)
        assert jobs.claim(databases[1], "alerts", "2026-W48", NOW)
    finally:
        for db in databases:
            db.close()


def test_a_failed_run_hands_its_period_back_and_the_next_look_does_it(db: HQDatabase) -> None:
    done: list[str] = []
    fail = [True]

    def work(_db: HQDatabase, period: str, _now: datetime) -> None:
        if fail[0]:
            raise RuntimeError("the SMTP server went away")
        done.append(period)

    job = jobs.Job("weekly_digest", lambda now: now.strftime("%G-W%V"), work)
    with pytest.raises(RuntimeError):
        jobs.run_due(db, job, NOW)
    assert jobs.claimed_by(db, "weekly_digest", "2026-W49") is None
    fail[0] = False
    assert jobs.run_due(db, job, NOW)
    # Done: no process does it again this period.
    assert not jobs.run_due(db, job, NOW)
    assert done == ["2026-W49"]


def test_nothing_due_claims_nothing(db: HQDatabase) -> None:
    job = jobs.Job("weekly_digest", lambda now: None, lambda *_: None)
    assert not jobs.run_due(db, job, NOW)
