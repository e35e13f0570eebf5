"""HQ users of the dashboard: passwords (scrypt), login sessions and the lockout after guesses.

A session is a random token in a cookie; the database keeps only its SHA-256, so a copy of
the database opens no dashboard. Kiosk tokens live in another table and open nothing here.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ces.hashing import ScryptCost, hash_secret, stored_cost, verify_secret
from hq.db.database import HQDatabase
from hq.db.tables import user_sessions, user_stores, users
from hq.moments import moment, stamp, utcnow

log = logging.getLogger("effortless.hq.users")

USER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
SESSION_HOURS = 12
MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 15
# OWASP's scrypt parameters for passwords: 128 MiB and about half a second of one core per
# check on a 2-core server (bench/password_hash.py). The hashing pool (hq.hashpool) runs at
# most 2 at once, so logins never hold more than 256 MiB. A hash made with other parameters
# (earlier releases: N=2^14, 16 MiB) still logs in and is made again with these at that login.
DEFAULT_PASSWORD_COST = ScryptCost(2**17, 8, 1)
# An operator on weak hardware (or a test suite that logs in thousands of times) may set N
# lower, never below the kiosk PIN's 2^14; any other value is refused and the default kept.
PASSWORD_COST_VARIABLE = "EFFORTLESS_HQ_PASSWORD_SCRYPT_N"
MIN_PASSWORD_SCRYPT_N = 2**14
MAX_PASSWORD_SCRYPT_N = 2**20


def password_cost_from(environ: Mapping[str, str]) -> ScryptCost:
    """The scrypt cost for HQ passwords: the default, or N from the environment."""
    raw = environ.get(PASSWORD_COST_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_PASSWORD_COST
    n = int(raw) if raw.isdigit() and len(raw) <= 8 else 0
    if not MIN_PASSWORD_SCRYPT_N <= n <= MAX_PASSWORD_SCRYPT_N or n & (n - 1):
        log.warning(
            "%s=%r is not a power of two from %d to %d; passwords use N=%d",
            PASSWORD_COST_VARIABLE,
            raw[:20],
            MIN_PASSWORD_SCRYPT_N,
            MAX_PASSWORD_SCRYPT_N,
            DEFAULT_PASSWORD_COST.n,
        )
        return DEFAULT_PASSWORD_COST
    return ScryptCost(n, DEFAULT_PASSWORD_COST.r, DEFAULT_PASSWORD_COST.p)


PASSWORD_COST = password_cost_from(os.environ)


class UserError(ValueError):
    """A user name or password that cannot be used; ``str(e)`` says why."""


@dataclass(frozen=True)
class Session:
    user: str
    csrf: str
    expires_at: datetime
    # What the user may do and see (hq.roles): their role and, for a store manager, their
    # stores (None: every store).
    role: str = "admin"
    stores: frozenset[str] | None = None

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def check_name(name: str) -> str:
    if not USER_RE.fullmatch(name):
        raise UserError(
            f"{name[:80]!r} is not a user name (1 to 64 letters, digits, '.', '_', '@' or '-')"
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserError(f"a password has at most {MAX_PASSWORD_CHARS} characters")


def hash_password(password: str, salt: bytes | None = None, cost: ScryptCost | None = None) -> str:
    # PASSWORD_COST read at each call, not bound once as a default: tests set it.
    return hash_secret(password, salt, cost or PASSWORD_COST)


def verify_password(password: str, stored: str) -> bool:
    """False for a wrong password and for a stored hash that is damaged (never raises)."""
    return verify_secret(password, stored)


def needs_rehash(stored: str) -> bool:
    """True for a well-formed hash made with parameters other than PASSWORD_COST."""
    cost = stored_cost(stored)
    return cost is not None and cost != PASSWORD_COST


_dummy_lock = threading.Lock()


@functools.cache
def _made_dummy_hash() -> str:
    return hash_password("not-a-real-password", salt=b"\0" * 16)


def _dummy_hash() -> str:
    """A hash to check against when the user does not exist, so "no such user" takes as long
    as "wrong password" and does not tell which names exist. Made on first need (it costs as
    much as a check), once: concurrent first logins wait rather than each take 128 MiB."""
    with _dummy_lock:
        return _made_dummy_hash()


def add_user(db: HQDatabase, name: str, password: str, *, replace: bool = False) -> bool:
    """Create a user, or set a new password when ``replace``. True if the user is new."""
    check_name(name)
    check_password(password)
    hashed = hash_password(password)
    now = stamp(utcnow())
    with db.writing() as conn:
        exists = conn.execute(select(users.c.name).where(users.c.name == name)).first()
        if exists is not None:
            if not replace:
                raise UserError(f"user {name!r} exists already (use --replace for a new password)")
            conn.execute(
                update(users)
                .where(users.c.name == name)
                .values(password_hash=hashed, failed_logins=0, locked_until=None)
            )
            # A new password ends the sessions the old one opened.
            conn.execute(delete(user_sessions).where(user_sessions.c.user_name == name))
            return False
        try:
            conn.execute(
                insert(users).values(
                    name=name, password_hash=hashed, created_at=now, failed_logins=0
                )
            )
        except IntegrityError:
            raise UserError(f"user {name!r} exists already") from None
    return True


def remove_user(db: HQDatabase, name: str) -> bool:
    """Delete a user and their sessions; False if there is no such user. UserError for the
    last admin while others remain: nobody could manage them any more."""
    with db.writing() as conn:
        role = conn.execute(select(users.c.role).where(users.c.name == name)).scalar()
        if role == "admin":
            # In the writing transaction, locked, as roles.set_member counts them.
            rows = conn.execute(select(users.c.name, users.c.role).with_for_update()).all()
            admins = [r for r in rows if r.role == "admin"]
            if len(admins) == 1 and len(rows) > 1:
                raise UserError(f"{name!r} is the last admin: make another user an admin first")
        conn.execute(delete(user_sessions).where(user_sessions.c.user_name == name))
        # A user of the same name added later starts with no stores of this one's.
        conn.execute(delete(user_stores).where(user_stores.c.user_name == name))
        return bool(conn.execute(delete(users).where(users.c.name == name)).rowcount)


def user_names(db: HQDatabase) -> list[str]:
    with db.reading() as conn:
        return [r.name for r in conn.execute(select(users.c.name).order_by(users.c.name))]


class LoginRefused(Exception):
    def __init__(self, reason: str, locked_until: datetime | None = None) -> None:
        self.reason = reason  # "wrong" or "locked"
        self.locked_until = locked_until
        super().__init__(reason)


@dataclass(frozen=True)
class Attempt:
    """A login attempt counted against its user before the password is checked."""

    name: str
    password_hash: str
    known: bool  # False: no such user; the hash is _dummy_hash() and nothing can match
    # Set when this attempt used up the user's tries: the lockout already in force.
    locks_until: datetime | None = None


def begin_login(db: HQDatabase, name: str, now: datetime | None = None) -> Attempt:
    """Count an attempt for ``name`` before its password is checked; LoginRefused if locked.

    The count is taken in the database by a conditional UPDATE, so between concurrent
    requests and HQ processes at most MAX_FAILED_LOGINS attempts per lockout window ever
    get as far as a password check; the attempt that uses up the last try starts the
    lockout at once. A right password then resets the count (finish_login). An attempt
    whose check never finishes (a crash) stays counted, as a wrong one.
    A wrong name, an unknown user or a locked one writes nothing.
    """
    now = now or utcnow()
    if not USER_RE.fullmatch(name):
        return Attempt(name, _dummy_hash(), known=False)
    at = db.timestamp(now)
    with db.reading() as conn:
        row = conn.execute(select(users.c.locked_until).where(users.c.name == name)).first()
    if row is None:
        return Attempt(name, _dummy_hash(), known=False)
    locked_until = moment(row.locked_until)
    if locked_until is not None and locked_until > now:
        raise LoginRefused("locked", locked_until)
    lock = now + timedelta(minutes=LOCKOUT_MINUTES)
    this_user = users.c.name == name
    with db.writing() as conn:
        # A lockout that has run out ends here, with a fresh count.
        conn.execute(
            update(users)
            .where(this_user, users.c.locked_until.is_not(None), users.c.locked_until <= at)
            .values(failed_logins=0, locked_until=None)
        )
        counted = conn.execute(
            update(users)
            .where(
                this_user,
                users.c.locked_until.is_(None),
                users.c.failed_logins < MAX_FAILED_LOGINS,
            )
            .values(failed_logins=users.c.failed_logins + 1)
        ).rowcount
        row = conn.execute(
            select(users.c.password_hash, users.c.failed_logins, users.c.locked_until).where(
                this_user
            )
        ).first()
        if row is None:  # removed meanwhile
            return Attempt(name, _dummy_hash(), known=False)
        if counted != 1:
            # Another request used up the last try since the read above.
            raise LoginRefused("locked", moment(row.locked_until) or lock)
        if row.failed_logins < MAX_FAILED_LOGINS:
            return Attempt(name, row.password_hash, known=True)
        conn.execute(update(users).where(this_user).values(locked_until=stamp(lock)))
    return Attempt(name, row.password_hash, known=True, locks_until=lock)


def check_attempt(attempt: Attempt, password: str) -> bool:
    """The password check itself (scrypt): CPU only, for the hashing pool's threads."""
    if len(password) > MAX_PASSWORD_CHARS:
        verify_password(password[:MAX_PASSWORD_CHARS], _dummy_hash())
        return False
    right = verify_password(password, attempt.password_hash)
    return right and attempt.known


def rehashed(attempt: Attempt, password: str) -> str | None:
    """After a right password: its hash with PASSWORD_COST if the stored one was made with
    other parameters, else None. CPU only, for the hashing pool's threads."""
    if not attempt.known or not needs_rehash(attempt.password_hash):
        return None
    return hash_password(password)


def finish_login(
    db: HQDatabase,
    attempt: Attempt,
    right: bool,
    now: datetime | None = None,
    *,
    new_hash: str | None = None,
) -> str:
    """A new session token after a right password; LoginRefused after a wrong one.

    ``new_hash`` (from rehashed) replaces the stored hash in the same transaction, only if
    the stored one is still the one that was checked: a password set meanwhile stays.
    """
    if not right:
        if attempt.locks_until is not None:
            raise LoginRefused("locked", attempt.locks_until)
        raise LoginRefused("wrong")
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with db.writing() as conn:
        conn.execute(
            update(users)
            .where(users.c.name == attempt.name)
            .values(failed_logins=0, locked_until=None)
        )
        if new_hash is not None:
            upgraded = conn.execute(
                update(users)
                .where(users.c.name == attempt.name, users.c.password_hash == attempt.password_hash)
                .values(password_hash=new_hash)
            ).rowcount
            if upgraded:
                log.info("password hash of %s made again with the current parameters", attempt.name)
        # Expired sessions are swept as new ones are made.
        conn.execute(delete(user_sessions).where(user_sessions.c.expires_at < db.timestamp(now)))
        conn.execute(
            insert(user_sessions).values(
                token_hash=_token_hash(token),
                user_name=attempt.name,
                csrf=secrets.token_urlsafe(24),
                created_at=stamp(now),
                expires_at=stamp(now + timedelta(hours=SESSION_HOURS)),
            )
        )
    return token


def log_in(db: HQDatabase, name: str, password: str, now: datetime | None = None) -> str:
    """A new session token for a right name and password; LoginRefused otherwise.

    All in the calling thread; the dashboard runs the three steps on separate pools.
    """
    attempt = begin_login(db, name, now)
    right = check_attempt(attempt, password)
    new_hash = rehashed(attempt, password) if right else None
    return finish_login(db, attempt, right, now, new_hash=new_hash)


def session(db: HQDatabase, token: str, now: datetime | None = None) -> Session | None:
    if not token or len(token) > 128:
        return None
    now = now or utcnow()
    with db.reading() as conn:
        # One row per store of the user's (one, with no store, for a user without any).
        rows = conn.execute(
            select(
                user_sessions.c.user_name,
                user_sessions.c.csrf,
                user_sessions.c.expires_at,
                users.c.role,
                user_stores.c.store_id,
            )
            .select_from(
                user_sessions.join(users, users.c.name == user_sessions.c.user_name).outerjoin(
                    user_stores, user_stores.c.user_name == users.c.name
                )
            )
            .where(user_sessions.c.token_hash == _token_hash(token))
        ).all()
    if not rows:
        return None
    row = rows[0]
    expires = moment(row.expires_at)
    if expires is None or expires <= now:
        return None
    # Only a store manager is kept to stores; an unknown role sees as little as possible.
    role = row.role if row.role in ("admin", "analyst") else "store_manager"
    stores = (
        frozenset(r.store_id for r in rows if r.store_id is not None)
        if role == "store_manager"
        else None
    )
    return Session(row.user_name, row.csrf, expires, role, stores)


def log_out(db: HQDatabase, token: str) -> None:
    with db.writing() as conn:
        conn.execute(delete(user_sessions).where(user_sessions.c.token_hash == _token_hash(token)))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
