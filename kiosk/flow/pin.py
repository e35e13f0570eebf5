"""The manager PIN: stored only as a salted scrypt hash, guarded against guessing.

Five wrong PINs lock the pad for 30 s; every further lockout doubles (60 s, 120 s, ...)
until the right PIN is entered, which starts the doubling again from 30 s. The counts and
the end of a lockout live in the settings file and change in one atomic write, so pulling
the plug neither resets them nor leaves half a lockout behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ces.hashing import hash_secret, verify_secret
from ces.keys import PIN_FAILED, PIN_LOCKED_UNTIL, PIN_LOCKOUTS
from ces.keys import PIN_HASH as PIN_HASH

PIN_RE = re.compile(r"^[0-9]{4,8}$")
MAX_TRIES = 5
FIRST_LOCKOUT_S = 30.0

# Keys in the kiosk's settings (ces.keys).
FAILED = PIN_FAILED
LOCKOUTS = PIN_LOCKOUTS
LOCKED_UNTIL = PIN_LOCKED_UNTIL


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


class SettingsStore(Protocol):
    """The kiosk's settings (``sync.settings.Settings``): ``update`` writes all its keys in
    one atomic write."""

    def get(self, key: str) -> str | None: ...

    def update(self, changes: Mapping[str, str | None]) -> None: ...


@dataclass(frozen=True)
class Attempt:
    accepted: bool
    tries_left: int = 0
    locked_for_s: float = 0.0


class PinGuard:
    def __init__(self, store: SettingsStore, now: Callable[[], datetime]) -> None:
        self._store = store
        self._now = now

    @property
    def is_set(self) -> bool:
        return bool(self._store.get(PIN_HASH))

    def set_pin(self, pin: str) -> None:
        self._store.update({PIN_HASH: hash_pin(pin)})

    def locked_for(self) -> float:
        until = self._store.get(LOCKED_UNTIL)
        if not until:
            return 0.0
        return max(0.0, (datetime.fromisoformat(until) - self._now()).total_seconds())

    def attempt(self, pin: str) -> Attempt:
        locked = self.locked_for()
        if locked > 0:
            return Attempt(False, 0, locked)
        stored = self._store.get(PIN_HASH)
        if stored and verify_pin(pin, stored):
            # The right PIN ends the doubling: the next lockout is the first again.
            self._store.update({FAILED: "0", LOCKOUTS: "0", LOCKED_UNTIL: None})
            return Attempt(True, MAX_TRIES)
        failed = int(self._store.get(FAILED) or 0) + 1
        if failed < MAX_TRIES:
            self._store.update({FAILED: str(failed)})
            return Attempt(False, MAX_TRIES - failed)
        lockouts = int(self._store.get(LOCKOUTS) or 0)
        seconds = FIRST_LOCKOUT_S * 2**lockouts
        until = (self._now() + timedelta(seconds=seconds)).isoformat()
        # One write: a crash leaves either no lockout and the count before it, or all of it.
        self._store.update({FAILED: "0", LOCKOUTS: str(lockouts + 1), LOCKED_UNTIL: until})
        return Attempt(False, 0, seconds)
