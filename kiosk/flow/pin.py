"""The manager PIN: stored only as a salted scrypt hash, guarded against guessing.

Five wrong PINs lock the pad for 30 s; every further lockout doubles (60 s, 120 s, ...).
The counts and the end of a lockout live in the kiosk database, so pulling the plug does
not reset them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kiosk.flow.scrypt import hash_secret, verify_secret

PIN_RE = re.compile(r"^[0-9]{4,8}$")
MAX_TRIES = 5
FIRST_LOCKOUT_S = 30.0

# Keys in the kiosk's meta table.
PIN_HASH = "manager_pin"
FAILED = "pin_failed_tries"
LOCKOUTS = "pin_lockouts"
LOCKED_UNTIL = "pin_locked_until"


class PinFormatError(ValueError):
    pass


def check_format(pin: str) -> None:
    if not PIN_RE.fullmatch(pin):
        raise PinFormatError("a PIN is 4 to 8 digits")


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    check_format(pin)
    return hash_secret(pin, salt)


def verify_pin(pin: str, stored: str) -> bool:
    return verify_secret(pin, stored)


class MetaStore(Protocol):
    def meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...


@dataclass(frozen=True)
class Attempt:
    accepted: bool
    tries_left: int = 0
    locked_for_s: float = 0.0


class PinGuard:
    def __init__(self, store: MetaStore, now: Callable[[], datetime]) -> None:
        self._store = store
        self._now = now

    @property
    def is_set(self) -> bool:
        return bool(self._store.meta(PIN_HASH))

    def set_pin(self, pin: str) -> None:
        self._store.set_meta(PIN_HASH, hash_pin(pin))

    def locked_for(self) -> float:
        until = self._store.meta(LOCKED_UNTIL)
        if not until:
            return 0.0
        return max(0.0, (datetime.fromisoformat(until) - self._now()).total_seconds())

    def attempt(self, pin: str) -> Attempt:
        locked = self.locked_for()
        if locked > 0:
            return Attempt(False, 0, locked)
        stored = self._store.meta(PIN_HASH)
        if stored and verify_pin(pin, stored):
            self._store.set_meta(FAILED, "0")
            return Attempt(True, MAX_TRIES)
        failed = int(self._store.meta(FAILED) or 0) + 1
        if failed < MAX_TRIES:
            self._store.set_meta(FAILED, str(failed))
            return Attempt(False, MAX_TRIES - failed)
        lockouts = int(self._store.meta(LOCKOUTS) or 0)
        seconds = FIRST_LOCKOUT_S * 2**lockouts
        self._store.set_meta(LOCKOUTS, str(lockouts + 1))
        self._store.set_meta(FAILED, "0")
        self._store.set_meta(LOCKED_UNTIL, (self._now() + timedelta(seconds=seconds)).isoformat())
        return Attempt(False, 0, seconds)
