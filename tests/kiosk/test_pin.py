"""The manager PIN: hashed with scrypt, locked after five wrong tries, doubling, and
remembered across a restart (the real settings file)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.flow.pin import (
    FAILED,
    FIRST_LOCKOUT_S,
    LOCKED_UNTIL,
    LOCKOUTS,
    MAX_TRIES,
    PIN_HASH,
    PinFormatError,
    PinGuard,
    hash_pin,
    verify_pin,
)
from sync.settings import SETTINGS_FILENAME, Settings


class Wall:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_the_pin_is_stored_only_as_a_salted_hash(data_dir: Path) -> None:
    settings = Settings.open(data_dir)
    PinGuard(settings, Wall()).set_pin("482913")
    stored = settings.get(PIN_HASH)
    assert stored is not None
    assert "482913" not in stored
    assert stored.startswith("scrypt$")
    assert b"482913" not in (data_dir / SETTINGS_FILENAME).read_bytes()
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
    settings = Settings.open(data_dir)
    guard = PinGuard(settings, wall)
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


def test_the_count_and_the_lockout_survive_a_restart(data_dir: Path) -> None:
    wall = Wall()
    settings = Settings.open(data_dir)
    guard = PinGuard(settings, wall)
    guard.set_pin("1357")
    for _ in range(3):
        guard.attempt("9999")
    settings = Settings.open(data_dir)  # the plug was pulled
    guard = PinGuard(settings, wall)
    assert guard.attempt("9999").tries_left == 1
    assert guard.attempt("9999").locked_for_s == FIRST_LOCKOUT_S
    settings = Settings.open(data_dir)
    assert PinGuard(settings, wall).locked_for() == FIRST_LOCKOUT_S


def test_the_right_pin_resets_the_count(data_dir: Path) -> None:
    settings = Settings.open(data_dir)
    guard = PinGuard(settings, Wall())
    guard.set_pin("1357")
    for _ in range(MAX_TRIES - 1):
        guard.attempt("0000")
    assert guard.attempt("1357").accepted
    assert guard.attempt("0000").tries_left == MAX_TRIES - 1


def test_a_right_pin_ends_the_doubling(data_dir: Path) -> None:
    """40 wrong PINs, then the right one: the next five wrong lock for 30 s, not hours."""
    wall = Wall()
    settings = Settings.open(data_dir)
    guard = PinGuard(settings, wall)
    guard.set_pin("1357")
    for _ in range(40):
        attempt = guard.attempt("0000")
        wall.now += timedelta(seconds=attempt.locked_for_s)
    assert guard.attempt("1357").accepted
    for _ in range(MAX_TRIES - 1):
        guard.attempt("0000")
    assert guard.attempt("0000").locked_for_s == FIRST_LOCKOUT_S


def test_a_lockout_is_one_write_of_the_settings_file(data_dir: Path) -> None:
    """The count, the number of lockouts and the end of the lockout change together: a
    write that fails leaves the file as it was, never half a lockout."""
    wall = Wall()
    settings = Settings.open(data_dir)
    guard = PinGuard(settings, wall)
    guard.set_pin("1357")
    for _ in range(MAX_TRIES - 1):
        guard.attempt("0000")
    path = data_dir / SETTINGS_FILENAME
    before = path.read_bytes()
    writes: list[bytes] = []
    real_replace = os.replace

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        writes.append(Path(src).read_bytes())
        raise OSError(28, "No space left on device")

    os.replace = failing_replace  # type: ignore[assignment]
    try:
        with pytest.raises(OSError, match="No space"):
            guard.attempt("0000")
    finally:
        os.replace = real_replace
    assert path.read_bytes() == before  # nothing of the lockout was written
    assert len(writes) == 1  # and it was to be one write with all of it
    attempted = json.loads(writes[0])
    assert attempted[FAILED] == "0"
    assert attempted[LOCKOUTS] == "1"
    assert datetime.fromisoformat(attempted[LOCKED_UNTIL]) == wall.now + timedelta(seconds=30)
    # The write that succeeds holds all three at once.
    locked = guard.attempt("0000")
    assert locked.locked_for_s == FIRST_LOCKOUT_S
    on_disk = json.loads(path.read_text())
    assert (on_disk[FAILED], on_disk[LOCKOUTS]) == ("0", "1")
    assert on_disk[LOCKED_UNTIL] == attempted[LOCKED_UNTIL]


def test_the_pin_keeps_its_tablet_cost_while_hq_passwords_cost_more() -> None:
    from ces.hashing import ScryptCost, stored_cost

    stored = hash_pin("13579")
    assert stored_cost(stored) == ScryptCost(2**14, 8, 1)
    assert verify_pin("13579", stored)
    assert not verify_pin("97531", stored)
