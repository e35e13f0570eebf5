"""The manager screen as a store manager reads it (issue 11, item 7): local times, a PIN
pad that stays put, and an exit PIN pad that says what it is for."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from manager_steps import open_pin_pad, press, text, type_pin
from PySide6.QtCore import QPointF

from ces.keys import LAST_SYNC_AT
from kiosk.flow.clock import ManualClock
from kiosk.flow.localtime import local_time
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import visible_item

pytestmark = pytest.mark.ui

PIN = "2580"


@pytest.fixture
def amsterdam(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The kiosk stands in Amsterdam: UTC+1 in November."""
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    kiosk = make_kiosk()
    assert kiosk.manager is not None
    kiosk.manager.guard.set_pin(PIN)
    return kiosk


def key_positions(kiosk: Kiosk) -> list[QPointF]:
    names = [f"pinKey_{d}" for d in "0123456789"] + ["pinOk", "pinClear", "pinCancel"]
    out = []
    for name in names:
        item = visible_item(kiosk.window, name)
        item.ensurePolished()
        out.append(item.mapToScene(QPointF(0, 0)))
    return out


def test_local_time_today_and_another_day(amsterdam: None) -> None:
    now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    assert local_time("2026-11-22T09:05:00.000Z", now) == "10:05"
    assert local_time("2026-11-20T23:30:00.000Z", now) == "2026-11-21 00:30"
    assert local_time(None, now) is None


def test_the_manager_screen_shows_local_time(
    amsterdam: None, kiosk: Kiosk, clock: ManualClock
) -> None:
    assert kiosk.outbox is not None
    kiosk.outbox.set_meta(LAST_SYNC_AT, "2020-01-02T08:09:00.000Z")
    open_pin_pad(kiosk, clock)
    type_pin(kiosk, clock, PIN)
    assert text(kiosk, "status_last_sync").endswith(": 2020-01-02 09:09")


def test_a_wrong_pin_does_not_move_the_keys(kiosk: Kiosk, clock: ManualClock) -> None:
    open_pin_pad(kiosk, clock)
    before = key_positions(kiosk)
    type_pin(kiosk, clock, "1111")
    assert "4" in text(kiosk, "pinMessage")
    assert key_positions(kiosk) == before
    for _ in range(4):
        type_pin(kiosk, clock, "1111")
    assert "s" in text(kiosk, "pinMessage")  # locked: the longer message
    assert key_positions(kiosk) == before


def test_the_exit_pin_pad_says_it_is_for_leaving(kiosk: Kiosk, clock: ManualClock) -> None:
    open_pin_pad(kiosk, clock)
    assert text(kiosk, "pinTitle") == "Pincode beheerder"
    type_pin(kiosk, clock, PIN)
    press(kiosk, clock, "exitButton")
    assert text(kiosk, "pinTitle") == "Pincode beheerder om de app te verlaten"
