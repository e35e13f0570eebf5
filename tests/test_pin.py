"""The manager PIN: hashed with scrypt, locked after five wrong tries, doubling, and
remembered across a restart (a real database file)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.flow.pin import (
    FIRST_LOCKOUT_S,
    MAX_TRIES,
    PIN_HASH,
    PinFormatError,
    PinGuard,
    hash_pin,
    verify_pin,
)
from sync.outbox import Outbox


class Wall:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_the_pin_is_stored_only_as_a_salted_hash(data_dir: Path) -> None:
    outbox = Outbox.open(data_dir)
    PinGuard(outbox, Wall()).set_pin("482913")
    stored = outbox.meta(PIN_HASH)
    outbox.close()
    assert stored is not None
    assert "482913" not in stored
    assert stored.startswith("scrypt$")
    assert b"482913" not in (data_dir / "kiosk.db").read_bytes()
    assert hash_pin("482913") != hash_pin("482913")  # a new salt every time


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 1234", "１２３４"])
def test_a_pin_is_four_to_eight_digits(pin: str) -> None:
    with pytest.raises(PinFormatError):
        hash_pin(pin)


def test_verify_accepts_only_the_right_pin() -> None:
    stored = hash_pin("2468")
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)
    assert not verify_pin("2468", "garbage")
    assert not verify_pin("2468", "md5$1$2$3$x$y")


def test_five_wrong_pins_lock_the_pad_and_each_lockout_doubles(data_dir: Path) -> None:
    wall = Wall()
    outbox = Outbox.open(data_dir)
    guard = PinGuard(outbox, wall)
    guard.set_pin("1357")
    for lockout in range(3):
        for left in range(MAX_TRIES - 1, 0, -1):
            assert guard.attempt("0000").tries_left == left
        locked = guard.attempt("0000")
        expected = FIRST_LOCKOUT_S * 2**lockout
        assert locked.locked_for_s == expected
        # Even the right PIN is refused while locked.
        assert not guard.attempt("1357").accepted
        wall.now += timedelta(seconds=expected)
    assert guard.attempt("1357").accepted
    outbox.close()


def test_the_count_and_the_lockout_survive_a_restart(data_dir: Path) -> None:
    wall = Wall()
    outbox = Outbox.open(data_dir)
    guard = PinGuard(outbox, wall)
    guard.set_pin("1357")
    for _ in range(3):
        guard.attempt("9999")
    outbox.close()
    outbox = Outbox.open(data_dir)  # the plug was pulled
    guard = PinGuard(outbox, wall)
    assert guard.attempt("9999").tries_left == 1
    assert guard.attempt("9999").locked_for_s == FIRST_LOCKOUT_S
    outbox.close()
    outbox = Outbox.open(data_dir)
    assert PinGuard(outbox, wall).locked_for() == FIRST_LOCKOUT_S
    outbox.close()


def test_the_right_pin_resets_the_count(data_dir: Path) -> None:
    outbox = Outbox.open(data_dir)
    guard = PinGuard(outbox, Wall())
    guard.set_pin("1357")
    for _ in range(MAX_TRIES - 1):
        guard.attempt("0000")
    assert guard.attempt("1357").accepted
    assert guard.attempt("0000").tries_left == MAX_TRIES - 1
    outbox.close()
