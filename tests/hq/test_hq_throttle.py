"""Guessing at HQ: the login lockout under parallel requests, the per-address throttles of
/login and /api/v1/enroll (429 + Retry-After), and the password-hashing pool.

Everything over real HTTP on loopback. A second client address is 127.0.0.2 (all of
127.0.0.0/8 reaches the loopback interface on Linux), so "another address" is a real one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
import requests
from hq_helpers import HQ, serving
from requests.adapters import HTTPAdapter
from sqlalchemy import select, update

from ces import hashing as scrypt
from hq import hashpool, throttle, users
from hq.db.database import HQDatabase
from hq.db.tables import enrolment_codes, kiosks
from hq.db.tables import users as users_table
from hq.hashpool import HashPool, PoolFull
from hq.surveys import SurveyCatalog
from hq.throttle import AddressThrottle, Limits
from sync.enrolment import EnrolmentError, enrol

PASSWORD = "correct horse battery"
WRONG_TEXT = "Wrong user name or password."
LOCKED_TEXT = "Too many wrong passwords"
THROTTLED_TEXT = "Too many login attempts from your address"


class _FromAddress(HTTPAdapter):
    """Connections from a chosen loopback address, so HQ sees another client."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def login(session: requests.Session, url: str, user: str, password: str) -> requests.Response:
    return session.post(
        f"{url}/login",
        data={"user": user, "password": password},
        allow_redirects=False,
        timeout=60,
    )


def in_parallel(count: int, work: Any) -> list[Any]:
    """``work(i)`` in ``count`` threads released together; the results in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def hq_lenient(db: HQDatabase, surveys: SurveyCatalog) -> Iterator[HQ]:
    """The service with the per-address throttle and the hashing queue out of the way, so
    every parallel guess reaches the per-user lockout (on SQLite and PostgreSQL)."""
    lenient = Limits(login_burst=1000, login_per_minute=1000, hash_queue=100)
    with serving(db, surveys, limits=lenient) as url:
        yield HQ(url, db)


# --- item 6: the login lockout ---------------------------------------------------------------


def test_forty_parallel_wrong_passwords_check_at_most_five_and_lock_the_user(
    hq_lenient: HQ, expect_log: Any
) -> None:
    expect_log("effortless.hq.dashboard", r"login refused \(wrong\)")
    expect_log("effortless.hq.dashboard", r"login refused \(locked\)")
    hq = hq_lenient
    users.add_user(hq.db, "anna", PASSWORD)

    def guess(i: int) -> tuple[int, str]:
        with requests.Session() as s:
            reply = login(s, hq.url, "anna", f"wrong guess {i:02d}")
            return reply.status_code, reply.text

    answers = in_parallel(40, guess)
    said = Counter(
        "wrong" if WRONG_TEXT in text else "locked" if LOCKED_TEXT in text else f"{status}"
        for status, text in answers
    )
    # Each "wrong" answer is a password that was checked; a locked user's are not.
    assert said["wrong"] <= users.MAX_FAILED_LOGINS, said
    assert said["wrong"] + said["locked"] == 40, said
    assert all(status == 401 for status, _ in answers)
    with requests.Session() as s:
        right = login(s, hq.url, "anna", PASSWORD)
    assert right.status_code == 401
    assert LOCKED_TEXT in right.text
    assert "ces_session" not in right.cookies


def test_a_lockout_ends_after_its_window_and_then_counts_afresh(db: HQDatabase) -> None:
    users.add_user(db, "anna", PASSWORD)
    start = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    said = []
    for _ in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(users.LoginRefused) as refused:
            users.log_in(db, "anna", "a wrong one", now=start)
        said.append(refused.value.reason)
    assert said == ["wrong"] * (users.MAX_FAILED_LOGINS - 1) + ["locked"]
    window = timedelta(minutes=users.LOCKOUT_MINUTES)
    with pytest.raises(users.LoginRefused, match="locked"):
        users.log_in(db, "anna", PASSWORD, now=start + window - timedelta(seconds=1))
    later = start + window
    # After the window: the tries are back, all of them, and no more.
    for _ in range(users.MAX_FAILED_LOGINS - 1):
        with pytest.raises(users.LoginRefused, match="wrong"):
            users.log_in(db, "anna", "a wrong one", now=later)
    assert users.log_in(db, "anna", PASSWORD, now=later)
    for _ in range(users.MAX_FAILED_LOGINS - 1):
        with pytest.raises(users.LoginRefused, match="wrong"):
            users.log_in(db, "anna", "a wrong one", now=later)


def test_a_login_is_refused_at_once_with_503_while_every_password_check_is_busy(
    db: HQDatabase, surveys: SurveyCatalog, expect_log: Any
) -> None:
    expect_log("effortless.hq.dashboard", r"login refused \(wrong\)")
    expect_log("effortless.hq.dashboard", r"every password check is busy")
    users.add_user(db, "anna", PASSWORD)
    # A stored hash 4 times as costly as the default (scrypt p=4): the one check in the
    # pool runs long enough for other logins to find it full.
    with db.writing() as conn:
        slow = scrypt.hash_secret(PASSWORD, cost=users.PASSWORD_COST).replace("$1$", "$4$", 1)
        conn.execute(update(users_table).values(password_hash=slow))
    one_at_a_time = Limits(login_burst=1000, login_per_minute=1000, hash_workers=1, hash_queue=0)
    with serving(db, surveys, limits=one_at_a_time) as url:
        slow_reply: list[requests.Response] = []

        def slow_login() -> None:
            with requests.Session() as s:
                # Until this one is the check in the pool (the other logins may be first).
                while not slow_reply or slow_reply[-1].status_code == 503:
                    slow_reply.append(login(s, url, "anna", "a wrong password"))

        thread = threading.Thread(target=slow_login)
        thread.start()
        busy = None
        with requests.Session() as s:
            while thread.is_alive():
                reply = login(s, url, "nobody", "a wrong password")
                if reply.status_code == 503:
                    busy = reply
                    break
        thread.join(timeout=60)
    assert busy is not None, "no login found the pool busy"
    assert busy.headers["Retry-After"] == "1"
    assert "HQ is checking many passwords right now" in busy.text
    assert slow_reply[-1].status_code == 401


def test_login_attempts_from_one_address_are_throttled_with_429_and_retry_after(
    sqlite_database_url: str, surveys: SurveyCatalog, expect_log: Any
) -> None:
    expect_log("effortless.hq.dashboard", r"login refused \(wrong\)")
    expect_log("effortless.hq.dashboard", r"login attempts throttled")
    # The default burst, refilled too slowly to matter: ten password checks take seconds,
    # in which the default rate would give a try back.
    slow_refill = Limits(login_per_minute=0.001)
    db = HQDatabase.open(sqlite_database_url)
    with closing(db), serving(db, surveys, limits=slow_refill) as url:
        _throttled_then_another_address(HQ(url, db))


def _throttled_then_another_address(hq: HQ) -> None:
    users.add_user(hq.db, "anna", PASSWORD)
    statuses = []
    with requests.Session() as s:
        # Different (unknown) users: the per-user lockout never applies, only the address.
        for i in range(30):
            reply = login(s, hq.url, f"user{i}", "a wrong password")
            statuses.append(reply.status_code)
            if reply.status_code == 429:
                break
        assert statuses == [401] * throttle.LOGIN_BURST + [429]
        assert int(reply.headers["Retry-After"]) >= 1
        assert THROTTLED_TEXT in reply.text
        assert 'id="login-form"' in reply.text
        # The right password from the throttled address waits too ...
        assert login(s, hq.url, "anna", PASSWORD).status_code == 429
    # ... but not from another address.
    with session_from("127.0.0.2") as other:
        reply = login(other, hq.url, "anna", PASSWORD)
    assert reply.status_code == 303
    assert "ces_session" in reply.cookies


# --- item 8: enrolment codes -------------------------------------------------------------------


def _codes_and_kiosks(db: HQDatabase) -> list[Any]:
    with db.reading() as conn:
        return [
            *conn.execute(select(enrolment_codes).order_by(enrolment_codes.c.code_hash)).all(),
            *conn.execute(select(kiosks).order_by(kiosks.c.id)).all(),
        ]


def test_wrong_enrolment_codes_are_throttled_per_address_and_write_nothing(
    hq: HQ, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", r"enrolment refused: unknown_code")
    expect_log("effortless.hq.api", r"enrolment attempts throttled")
    new = hq.add_kiosk()
    before = _codes_and_kiosks(hq.db)
    watcher = None
    if hq.db.is_sqlite:
        # data_version changes when any other connection commits to the file.
        watcher = sqlite3.connect(str(hq.db.url.database))
        version = watcher.execute("PRAGMA data_version").fetchone()
    statuses = []
    for i in range(30):
        reply = hq.enrol(f"WRNG-{i:02d}AA".replace("0", "A").replace("1", "B"))
        statuses.append(reply.status_code)
        if reply.status_code == 429:
            break
    assert statuses == [404] * throttle.ENROL_BURST + [429]
    assert int(reply.headers["Retry-After"]) >= 1
    assert reply.json()["error"] == "too_many_requests"
    assert "try again in" in reply.json()["message"]
    # Even the right code waits at the throttled address.
    assert hq.enrol(new.code).status_code == 429
    assert _codes_and_kiosks(hq.db) == before
    if watcher is not None:
        assert watcher.execute("PRAGMA data_version").fetchone() == version
        watcher.close()
    with session_from("127.0.0.2") as other:
        reply = other.post(f"{hq.url}/api/v1/enroll", json={"code": new.code}, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.json()["kiosk_id"] == new.id


def test_a_wrong_code_is_answered_while_another_process_holds_the_write_lock(
    hq_sqlite: HQ, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", r"enrolment refused: unknown_code")
    other = sqlite3.connect(str(hq_sqlite.db.url.database), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # a writer in another process, mid-transaction
        reply = hq_sqlite.enrol("ABCD-EFGH")
        assert reply.status_code == 404
        assert reply.json()["error"] == "unknown_code"
    finally:
        other.execute("ROLLBACK")
        other.close()


# --- the pieces ----------------------------------------------------------------------------


def test_a_throttle_allows_a_burst_then_one_try_per_refill() -> None:
    bucket = AddressThrottle(3, per_minute=6)  # a try back every 10 s
    assert all(bucket.take("192.0.2.1", now=100.0).allowed for _ in range(3))
    refused = bucket.take("192.0.2.1", now=100.0)
    assert not refused.allowed
    assert refused.retry_after == 10
    assert refused.first_refusal
    assert not bucket.take("192.0.2.1", now=101.0).first_refusal  # one log line per flood
    assert bucket.take("192.0.2.2", now=101.0).allowed  # another address has its own
    assert bucket.take("192.0.2.1", now=110.0).allowed
    assert not bucket.take("192.0.2.1", now=110.0).allowed
    bucket.give_back("192.0.2.1", now=110.0)  # a right password returns its try
    assert bucket.take("192.0.2.1", now=110.0).allowed


def test_a_throttle_counts_ipv6_per_64_and_remembers_a_bounded_number_of_addresses() -> None:
    bucket = AddressThrottle(1, per_minute=1, max_addresses=3)
    assert bucket.take("2001:db8:1:2::1", now=0.0).allowed
    assert not bucket.take("2001:db8:1:2:ffff::9", now=0.0).allowed  # same /64
    assert bucket.take("2001:db8:1:3::1", now=0.0).allowed  # next /64
    assert bucket.take("::ffff:192.0.2.7", now=0.0).allowed
    assert not bucket.take("192.0.2.7", now=0.0).allowed  # the same IPv4 client, mapped
    for i in range(10):
        bucket.take(f"198.51.100.{i}", now=0.0)
    assert len(bucket) == 3


def test_the_hash_pool_refuses_at_once_when_its_workers_and_queue_are_full() -> None:
    release = threading.Event()
    pool = HashPool(workers=1, queue=1)

    async def main() -> None:
        async def hold() -> None:
            async with pool.admission():
                await pool.run(release.wait, 30)

        async with anyio.create_task_group() as tg:
            tg.start_soon(hold)
            tg.start_soon(hold)
            while pool.admitted < 2:
                await anyio.sleep(0.001)  # ok-sleep: yielding to the two tasks above
            with pytest.raises(PoolFull):
                async with pool.admission():
                    pass
            release.set()
        async with pool.admission():
            assert await pool.run(sum, [1, 2]) == 3

    anyio.run(main)


def test_the_documented_guessing_limits_are_the_ones_in_the_code() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs"
    protocol = (docs / "protocol.md").read_text(encoding="utf-8")
    deployment = (docs / "deployment.md").read_text(encoding="utf-8")
    enrol_every = 60 / throttle.ENROL_PER_MINUTE
    assert f"**{throttle.ENROL_BURST}** at once, then one more every {enrol_every:g} s" in protocol
    assert f"(**{throttle.ENROL_PER_MINUTE:g} a minute**)" in protocol
    login_every = 60 / throttle.LOGIN_PER_MINUTE
    assert (
        f"**{throttle.LOGIN_BURST}** at once, then one more every {login_every:g} s "
        f"({throttle.LOGIN_PER_MINUTE:g} a minute); a successful login" in deployment
    )
    assert f"at most **{users.MAX_FAILED_LOGINS}** are ever checked" in deployment
    assert f"locks the user for **{users.LOCKOUT_MINUTES} minutes**" in deployment
    assert f"**{hashpool.MAX_HASH_WORKERS}** threads of their own" in deployment
    assert f"**{hashpool.HASH_QUEUE}** more waiting" in deployment


def test_a_kiosk_enrolling_at_a_throttled_address_is_told_to_wait(
    hq_sqlite: HQ, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", r"enrolment refused: unknown_code")
    expect_log("effortless.hq.api", r"enrolment attempts throttled")
    for _ in range(throttle.ENROL_BURST):
        assert hq_sqlite.enrol("ABCD-EFGH").status_code == 404
    with pytest.raises(EnrolmentError) as refused:
        enrol(hq_sqlite.url, "ABCD-EFGH", allow_insecure_http=True)
    message = str(refused.value)
    assert "try again in" in message
    assert "check the address" not in message
