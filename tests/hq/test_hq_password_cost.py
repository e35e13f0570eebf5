"""HQ passwords at a server's cost: hashes carry their scrypt parameters, a hash made with
older ones logs in and is made again with the current ones at that login (over real HTTP),
a wrong password changes nothing, and damaged stored hashes are refused without a crash."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from hq_helpers import HQ, PASSWORD
from sqlalchemy import select, update

from ces import hashing
from ces.hashing import ScryptCost
from hq import users
from hq.db.database import HQDatabase
from hq.db.tables import users as users_table

OLD_COST = ScryptCost(2**14, 8, 1)


@pytest.fixture(autouse=True)
def server_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's own cost, which the rest of the suite lowers (tests/conftest.py)."""
    monkeypatch.setattr(users, "PASSWORD_COST", users.DEFAULT_PASSWORD_COST)


def test_the_server_cost_is_owasps_unless_an_operator_lowers_it(expect_log: Any) -> None:
    assert ScryptCost(2**17, 8, 1) == users.DEFAULT_PASSWORD_COST
    variable = users.PASSWORD_COST_VARIABLE
    assert users.password_cost_from({}) == users.DEFAULT_PASSWORD_COST
    assert users.password_cost_from({variable: ""}) == users.DEFAULT_PASSWORD_COST
    assert users.password_cost_from({variable: "65536"}) == ScryptCost(2**16, 8, 1)
    assert users.password_cost_from({variable: " 16384 "}) == ScryptCost(2**14, 8, 1)
    # Never below the PIN's cost, never absurd, always a power of two: else the default.
    expect_log("effortless.hq.users", "is not a power of two")
    for bad in ("8192", "1", "0", "-16384", "100000", str(2**21), "1e5", "x" * 5000, "2**17"):
        assert users.password_cost_from({variable: bad}) == users.DEFAULT_PASSWORD_COST, bad


def stored_hash(db: HQDatabase, name: str) -> str:
    with db.reading() as conn:
        found: str = conn.execute(
            select(users_table.c.password_hash).where(users_table.c.name == name)
        ).scalar_one()
    return found


def store_hash(db: HQDatabase, name: str, hashed: str) -> None:
    with db.writing() as conn:
        conn.execute(
            update(users_table).where(users_table.c.name == name).values(password_hash=hashed)
        )


def web_login(url: str, name: str, password: str) -> requests.Response:
    with requests.Session() as s:
        return s.post(
            f"{url}/login",
            data={"user": name, "password": password, "next": "/"},
            allow_redirects=False,
            timeout=60,
        )


def test_a_new_password_is_stored_with_the_current_parameters(db: HQDatabase) -> None:
    users.add_user(db, "anna", PASSWORD)
    stored = stored_hash(db, "anna")
    assert stored.startswith(f"scrypt${2**17}$8$1$")
    assert hashing.stored_cost(stored) == users.PASSWORD_COST
    assert not users.needs_rehash(stored)
    assert users.log_in(db, "anna", PASSWORD)


def test_an_old_hash_logs_in_is_made_again_with_the_current_parameters_and_logs_in_again(
    hq: HQ, expect_log: Any
) -> None:
    expect_log("effortless.hq.dashboard", r"login refused \(wrong\)")
    users.add_user(hq.db, "anna", PASSWORD)
    old = users.hash_password(PASSWORD, cost=OLD_COST)
    store_hash(hq.db, "anna", old)
    assert users.needs_rehash(old)

    # A wrong password first: nothing is made again.
    assert web_login(hq.url, "anna", "a wrong password").status_code == 401
    assert stored_hash(hq.db, "anna") == old

    assert web_login(hq.url, "anna", PASSWORD).status_code == 303
    upgraded = stored_hash(hq.db, "anna")
    assert upgraded != old
    assert hashing.stored_cost(upgraded) == users.PASSWORD_COST
    assert hashing.verify_secret(PASSWORD, upgraded)

    assert web_login(hq.url, "anna", PASSWORD).status_code == 303
    assert stored_hash(hq.db, "anna") == upgraded  # current already: left as it is
    assert web_login(hq.url, "anna", "a wrong password").status_code == 401


def test_a_password_set_between_the_check_and_the_rehash_is_kept(db: HQDatabase) -> None:
    users.add_user(db, "anna", PASSWORD)
    store_hash(db, "anna", users.hash_password(PASSWORD, cost=OLD_COST))
    attempt = users.begin_login(db, "anna")
    assert users.check_attempt(attempt, PASSWORD)
    new_hash = users.rehashed(attempt, PASSWORD)
    assert new_hash is not None
    users.add_user(db, "anna", "another long password", replace=True)
    replaced = stored_hash(db, "anna")
    users.finish_login(db, attempt, True, new_hash=new_hash)
    assert stored_hash(db, "anna") == replaced
    assert users.log_in(db, "anna", "another long password")


def test_an_unknown_user_is_never_rehashed(db: HQDatabase) -> None:
    attempt = users.begin_login(db, "nobody")
    assert not users.check_attempt(attempt, "not-a-real-password")
    assert users.rehashed(attempt, "not-a-real-password") is None


_SALT = "AAAAAAAAAAAAAAAAAAAAAA=="
_DIGEST = "A" * 43 + "="
MALFORMED = [
    "",
    "plain text",
    "scrypt",
    "scrypt$$$$$",
    f"bcrypt$16384$8$1${_SALT}${_DIGEST}",
    f"scrypt$16384$8$1${_SALT}",
    f"scrypt$16384$8$1${_SALT}${_DIGEST}$extra",
    f"scrypt$16383$8$1${_SALT}${_DIGEST}",  # N not a power of 2
    f"scrypt$0$8$1${_SALT}${_DIGEST}",
    f"scrypt$-16384$8$1${_SALT}${_DIGEST}",
    f"scrypt$1e4$8$1${_SALT}${_DIGEST}",
    f"scrypt${2**40}$8$1${_SALT}${_DIGEST}",  # terabytes of memory
    f"scrypt${2**20}$8$1${_SALT}${_DIGEST}",  # 1 GiB: more than any hash of ours asks
    f"scrypt$16384$0$1${_SALT}${_DIGEST}",
    f"scrypt$16384$8$0${_SALT}${_DIGEST}",
    f"scrypt$16384$8$1000000${_SALT}${_DIGEST}",  # minutes of CPU
    f"scrypt$16384$8$99999999999999999999${_SALT}${_DIGEST}",
    f"scrypt$16384$8$1$not base64!${_DIGEST}",
    f"scrypt$16384$8$1${_SALT}$====",
    f"scrypt$16384$8$1$${_DIGEST}",  # no salt
    f"scrypt$16384$8$1${_SALT}$",  # no digest: would match anything of length 0
    f"scrypt$16384$8$1$AAAA${_DIGEST}",  # a 3-byte salt
    f"scrypt$16384$8$1${_SALT}${'A' * 400}",
    f"scrypt$１６３８４$8$1${_SALT}${_DIGEST}",  # full-width digits
    "scrypt$16384$8$1$\0$\0",
    "$" * 10_000,
]


@pytest.mark.parametrize("stored", MALFORMED)
def test_a_malformed_stored_hash_is_refused_cleanly(stored: str) -> None:
    assert not users.verify_password(PASSWORD, stored)
    assert hashing.stored_cost(stored) is None
    assert not users.needs_rehash(stored)


def test_a_user_with_a_damaged_hash_is_refused_at_the_login_page(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.dashboard", r"login refused \(wrong\)")
    users.add_user(hq.db, "anna", PASSWORD)
    for damaged in (f"scrypt${2**40}$8$1${_SALT}${_DIGEST}", "scrypt$16384$8$1$$", "garbage"):
        store_hash(hq.db, "anna", damaged)
        reply = web_login(hq.url, "anna", PASSWORD)
        assert reply.status_code == 401
        assert "Wrong user name or password." in reply.text
        assert stored_hash(hq.db, "anna") == damaged
