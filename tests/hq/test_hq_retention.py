"""Retention at HQ, on SQLite and PostgreSQL: old comments lose their text (answers and
scores stay), old answers go only when asked, once per UTC day however many processes
share the database, inside a running `ces-hq serve` by itself, and from `ces-hq retention
run`."""

from __future__ import annotations

import re
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
from dashboard_data import Spec, add, kiosk
from hq_helpers import daily_agrees_with_a_rebuild, daily_counts, serving
from hqserver import CES_HQ, HQService
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hq import erasure, retention
from hq.db.database import HQDatabase
from hq.retention import Policy, Schedule
from hq.surveys import SurveyCatalog

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
# With 365 days, comments of answers given before 2025-11-29 go.
KEPT_FROM = datetime(2025, 11, 29, tzinfo=UTC)
COMMENT = "de rij bij kassa 3 was lang"


def _comment(db: HQDatabase, at: datetime, text_: str | None = COMMENT, score: int = 3) -> str:
    """One answer given ``at`` (to the millisecond, as kiosks send it); returns its id."""
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    add(db, kiosk(db), [Spec(at, score, "service", text_)])
    found = [a for a in db.answers() if a["answered_at"] == at]
    assert len(found) == 1
    return str(found[0]["id"])


def _answers(db: HQDatabase) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in db.answers()}


def _retention_lines(db: HQDatabase) -> list[tuple[str, int, str]]:
    return [
        (e["action"], e["count"], e["detail"] or "")
        for e in reversed(erasure.audit_entries(db))
        if e["actor"] == "retention"
    ]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:g} s"
        time.sleep(0.05)  # ok-sleep: polling the database, with a deadline


# --- one run ------------------------------------------------------------------------------------


def test_old_comments_lose_their_text_and_keep_their_answer_and_score(db: HQDatabase) -> None:
    old = _comment(db, datetime(2024, 3, 1, 10, tzinfo=UTC), score=2)
    last_old_day = _comment(db, KEPT_FROM - timedelta(milliseconds=1), score=7)
    first_kept = _comment(db, KEPT_FROM, score=5)
    young = _comment(db, NOW - timedelta(days=3))
    without_comment = _comment(db, datetime(2024, 3, 1, 11, tzinfo=UTC), None)
    before = _answers(db)
    daily_before = daily_counts(db)

    outcome = retention.run(db, Policy(), now=NOW)

    after = _answers(db)
    assert set(after) == set(before)
    assert [after[i]["comment"] for i in (old, last_old_day, first_kept, young)] == [
        None,
        None,
        COMMENT,
        COMMENT,
    ]
    assert [after[i]["score"] for i in (old, last_old_day, first_kept)] == [2, 7, 5]
    assert after[without_comment] == before[without_comment]
    assert daily_counts(db) == daily_before
    assert (outcome.ran, outcome.comments, outcome.answers) == (True, 2, 0)
    assert outcome.describe() == (
        "retention: erased the text of 2 comments of answers given before 2025-11-29 "
        "(last run: never)"
    )
    assert _retention_lines(db) == [
        ("erase_comments", 2, "comments of answers given before 2025-11-29 (365 days)")
    ]
    assert retention.last_run(db) == NOW.date()


def test_answers_go_only_with_an_answer_retention_and_daily_counts_follow(
    db: HQDatabase,
) -> None:
    ancient = [_comment(db, datetime(2023, 5, d, 9, tzinfo=UTC), score=d % 7 + 1) for d in (1, 2)]
    old = _comment(db, datetime(2025, 10, 1, 9, tzinfo=UTC))
    young = _comment(db, NOW - timedelta(days=1), None)

    kept_for_ever = retention.run(db, Policy(comment_days=500), now=NOW)
    assert (kept_for_ever.answers, kept_for_ever.answers_before) == (0, None)
    assert set(_answers(db)) == {*ancient, old, young}

    next_day = NOW + timedelta(days=1)
    outcome = retention.run(db, Policy(comment_days=30, answer_days=2 * 365), now=next_day)

    after = _answers(db)
    assert set(after) == {old, young}
    assert after[old]["comment"] is None
    # The ancient answers' comments went with them: not counted as erased as well.
    assert (outcome.answers, outcome.comments) == (2, 1)
    assert daily_agrees_with_a_rebuild(db)
    assert sum(daily_counts(db).values()) == 2
    assert [line[:2] for line in _retention_lines(db)] == [
        ("erase_comments", 2),
        ("delete_answers", 2),
        ("erase_comments", 1),
    ]


def test_a_second_run_the_same_day_does_nothing(db: HQDatabase) -> None:
    _comment(db, datetime(2024, 1, 1, tzinfo=UTC))
    assert retention.run(db, Policy(), now=NOW).comments == 1
    late = _comment(db, datetime(2024, 1, 2, tzinfo=UTC))

    again = retention.run(db, Policy(), now=NOW + timedelta(hours=11))

    assert (again.ran, again.comments) == (False, 0)
    assert again.describe() == "retention already ran today (2026-11-29); nothing done"
    assert _answers(db)[late]["comment"] == COMMENT
    assert len(_retention_lines(db)) == 1
    # A process whose clock is a day behind finds its day done too.
    assert not retention.run(db, Policy(), now=NOW - timedelta(days=1)).ran
    assert retention.last_run(db) == NOW.date()
    tomorrow = retention.run(db, Policy(), now=NOW + timedelta(hours=12))
    assert (tomorrow.ran, tomorrow.comments, tomorrow.last_run) == (True, 1, NOW.date())
    assert _answers(db)[late]["comment"] is None


def test_a_run_with_nothing_to_remove_writes_no_audit_line_but_its_day(db: HQDatabase) -> None:
    young = _comment(db, NOW - timedelta(days=10))
    outcome = retention.run(db, Policy(answer_days=100), now=NOW)
    assert (outcome.ran, outcome.comments, outcome.answers) == (True, 0, 0)
    assert _retention_lines(db) == []
    assert retention.last_run(db) == NOW.date()
    assert _answers(db)[young]["comment"] == COMMENT


def test_a_dry_run_counts_what_a_run_removes_and_changes_nothing(db: HQDatabase) -> None:
    for day in range(1, 4):
        _comment(db, datetime(2024, 6, day, tzinfo=UTC))
    _comment(db, datetime(2025, 6, 1, tzinfo=UTC))
    _comment(db, datetime(2025, 6, 2, tzinfo=UTC), None)
    before = _answers(db)
    policy = Policy(comment_days=100, answer_days=2 * 365)

    dry = retention.run(db, policy, now=NOW, dry_run=True)

    assert _answers(db) == before
    assert retention.last_run(db) is None
    assert _retention_lines(db) == []
    assert dry.describe() == (
        "retention (dry run): would erase the text of 1 comment of answers given before "
        "2026-08-21; would delete 3 answers given before 2024-11-29 (last run: never)"
    )
    done = retention.run(db, policy, now=NOW)
    assert (done.comments, done.answers) == (dry.comments, dry.answers) == (1, 3)


def test_bad_periods_are_refused_with_the_reason() -> None:
    for days, problem in ((0, "1 to 36500 (cannot be kept for ever)"), (36_501, "1 to 36500")):
        with pytest.raises(retention.RetentionError, match=re.escape(problem)):
            Policy(comment_days=days)
    with pytest.raises(retention.RetentionError, match="-3 is not a number of days"):
        Policy(answer_days=-3)


# --- several processes on one database ----------------------------------------------------------


def test_of_several_processes_on_one_database_exactly_one_runs(database_url: str) -> None:
    """Like several ces-hq serve processes: each has its own HQDatabase (pool, locks)."""
    databases = [HQDatabase.open(database_url) for _ in range(4)]
    try:
        for day in range(1, 21):
            _comment(databases[0], datetime(2024, 2, day, tzinfo=UTC))
        barrier = threading.Barrier(len(databases))
        outcomes: list[retention.Outcome] = []
        errors: list[BaseException] = []

        def run(db: HQDatabase) -> None:
            try:
                barrier.wait(timeout=30)
                outcomes.append(retention.run(db, Policy(answer_days=500), now=NOW))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(db,)) for db in databases]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        assert sorted(o.ran for o in outcomes) == [False, False, False, True]
        assert sum(o.answers for o in outcomes) == 20
        assert [line[:2] for line in _retention_lines(databases[1])] == [("delete_answers", 20)]
        assert databases[2].count_answers() == 0
        assert daily_counts(databases[3]) == {}
    finally:
        for db in databases:
            db.close()


# --- inside a running HQ ------------------------------------------------------------------------


class Clock:
    """HQ's idea of now, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_running_hq_applies_retention_once_a_day(db: HQDatabase, surveys: SurveyCatalog) -> None:
    first = _comment(db, datetime(2025, 1, 1, tzinfo=UTC))
    clock = Clock(NOW)
    # It looks every 20 ms: many looks a day, one run.
    schedule = Schedule(Policy(), clock=clock, start_delay=0, interval=0.02)
    with serving(db, surveys, retention=schedule):
        wait_for(lambda: _answers(db)[first]["comment"] is None, "the first run")
        second = _comment(db, datetime(2025, 1, 2, tzinfo=UTC))
        looked = retention.last_run(db)
        clock.now = NOW + timedelta(days=1)
        wait_for(lambda: _answers(db)[second]["comment"] is None, "the next day's run")
    assert looked == NOW.date()
    assert [line[:2] for line in _retention_lines(db)] == [
        ("erase_comments", 1),
        ("erase_comments", 1),
    ]
    assert retention.last_run(db) == NOW.date() + timedelta(days=1)


@pytest.fixture
def own_pg_database(pg_database: str) -> Iterator[tuple[str, Any]]:
    """A PostgreSQL database of the test's own, to refuse connections to; (url, admin engine)."""
    name = f"effortless_hq_retention_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_database).set(database=name).render_as_string(False), admin
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _connections(admin: Any, database: str, allowed: bool) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            )


def test_a_database_that_does_not_answer_is_one_line_and_tried_again(
    own_pg_database: tuple[str, Any], caplog: pytest.LogCaptureFixture, expect_log: Any
) -> None:
    expect_log(
        "hq.retention", r"retention could not run \(the database: .+\); trying again in 0.05 s"
    )
    url, admin = own_pg_database
    name = make_url(url).database
    assert name is not None
    db = HQDatabase.open(url)
    try:
        old = _comment(db, datetime(2024, 1, 1, tzinfo=UTC))
        _connections(admin, name, allowed=False)
        schedule = Schedule(Policy(), clock=lambda: NOW, start_delay=0, interval=0.05)

        def failures() -> list[Any]:
            return [r for r in caplog.records if "could not run" in r.getMessage()]

        async def main() -> None:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(retention.keep, db, schedule)
                await anyio.to_thread.run_sync(wait_for, lambda: len(failures()) >= 2, "2 failures")
                _connections(admin, name, allowed=True)
                await anyio.to_thread.run_sync(
                    wait_for, lambda: retention.last_run(db) == NOW.date(), "the run"
                )
                tasks.cancel_scope.cancel()

        anyio.run(main)
        assert _answers(db)[old]["comment"] is None
    finally:
        db.close()
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in failures())
    assert all(COMMENT not in r.getMessage() for r in caplog.records)


# --- ces-hq serve and ces-hq retention run ------------------------------------------------------


def _hq(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CES_HQ, *args], capture_output=True, text=True, timeout=120, check=False)


def test_serve_with_retention_options_applies_them_by_itself(
    tmp_path: Path, database_url: str
) -> None:
    now = datetime.now(UTC)
    db = HQDatabase.open(database_url)
    try:
        ancient = _comment(db, now - timedelta(days=500))
        old = _comment(db, now - timedelta(days=40))
        young = _comment(db, now - timedelta(days=2))
        options = ["--comment-retention-days", "30", "--answer-retention-days", "400"]
        with HQService(tmp_path, database_url, options=options) as served:
            wait_for(lambda: retention.last_run(db) is not None, "the run of ces-hq serve")
            wait_for(lambda: len(_retention_lines(db)) == 2, "the run's audit lines")
        after = _answers(db)
        assert set(after) == {old, young}
        assert (after[old]["comment"], after[young]["comment"]) == (None, COMMENT)
        assert ancient not in after
        assert daily_agrees_with_a_rebuild(db)
    finally:
        db.close()
    log = served.stderr()
    assert "retention: comments kept 30 days, answers kept 400 days" in log
    assert "retention: erased the text of 1 comment of" in log
    assert COMMENT not in log
    assert "Traceback" not in log


def test_retention_run_says_what_it_would_do_and_does_it_once_a_day(database_url: str) -> None:
    db = HQDatabase.open(database_url)
    try:
        for days in (100, 101, 5):
            _comment(db, datetime.now(UTC) - timedelta(days=days))
    finally:
        db.close()
    where = ["--database-url", database_url, "--comment-retention-days", "30"]
    today = datetime.now(UTC).date()
    before = today - timedelta(days=30)

    dry = _hq("retention", "run", "--dry-run", *where)
    done = _hq("retention", "run", *where)
    again = _hq("retention", "run", *where)

    assert dry.returncode == done.returncode == again.returncode == 0, dry.stderr + done.stderr
    assert dry.stdout == (
        f"retention (dry run): would erase the text of 2 comments of answers given before "
        f"{before} (last run: never)\n"
    )
    assert done.stdout == (
        f"retention: erased the text of 2 comments of answers given before {before} "
        "(last run: never)\n"
    )
    assert again.stdout == f"retention already ran today ({today}); nothing done\n"
    db = HQDatabase.open(database_url)
    try:
        assert [a["comment"] for a in sorted(db.answers(), key=lambda a: a["answered_at"])] == [
            None,
            None,
            COMMENT,
        ]
    finally:
        db.close()


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--comment-retention-days", "0", "comments: 0 is not a number of days from 1 to 36500"),
        ("--comment-retention-days", "-5", "comments: -5 is not a number of days from 1"),
        ("--comment-retention-days", "a year", "not a whole number of days: 'a year'"),
        ("--answer-retention-days", "-1", "answers: -1 is not a number of days from 0 to 36500"),
        ("--answer-retention-days", "99999", "answers: 99999 is not a number of days"),
        ("--answer-retention-days", "1.5", "not a whole number of days: '1.5'"),
    ],
)
def test_bad_retention_options_are_refused_with_the_reason(
    tmp_path: Path, option: str, value: str, problem: str
) -> None:
    for command in (["serve"], ["retention", "run"]):
        result = _hq(*command, "--data-dir", str(tmp_path), option, value)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert f"error: argument {option}: {problem}" in result.stderr
    assert not (tmp_path / "hq.db").exists()
