"""The closed screen on the real QML: outside the store's hours (from HQ's config) the
kiosk shows when it opens again, takes no taps from shoppers, lets the manager in, and
is back on the attract screen once the store opens."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hqserver import CODE, HQService
from manager_steps import press, unlock
from PySide6.QtCore import QPoint
from PySide6.QtCore import Qt as QtNs
from PySide6.QtTest import QTest
from sync_fixtures import enrol

from ces.assets import surveys_dir
from kiosk.flow.clock import ManualClock
from kiosk.flow.machine import Screen
from kiosk.flow.pin import PinGuard
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, visible_item
from sync.outbox import DB_FILENAME
from sync.remote_config import parse_config, save
from sync.settings import Settings

pytestmark = pytest.mark.ui

PIN = "0000"  # preconfigure's


def hq_config(data_dir: Path, hours: str, zone: str = "Europe/Amsterdam") -> None:
    """The config HQ sent last time, as the kiosk saved it."""
    doc = json.loads((surveys_dir() / "in_store_purchase.json").read_text(encoding="utf-8"))
    config = {
        "kiosk_id": "k1",
        "store": "s042",
        "touchpoint": "in_store_purchase",
        "surveys": [doc],
        "messages": [],
        "opening_hours": hours,
        "time_zone": zone,
    }
    save(parse_config(config), data_dir)


@pytest.fixture
def monday_night() -> ManualClock:
    # Monday 2 November 2026, 23:00 in Amsterdam.
    return ManualClock(datetime(2026, 11, 2, 22, 0, tzinfo=UTC))


def text(kiosk: Kiosk, name: str) -> str:
    return str(visible_item(kiosk.window, name).property("text"))


def answers(data_dir: Path) -> int:
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        return int(conn.execute("SELECT count(*) FROM responses").fetchone()[0])
    finally:
        conn.close()


def test_outside_opening_hours_the_kiosk_is_closed_until_it_opens(
    make_kiosk: Callable[..., Kiosk], monday_night: ManualClock, data_dir: Path, qtbot: Any
) -> None:
    hq_config(data_dir, "mon-fri 09:00-21:00; sat 09:00-18:00")
    kiosk = make_kiosk(clock=monday_night)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "closedScreen"))
    # The kiosk's language is the survey's (Dutch) until the manager picks another.
    assert text(kiosk, "closedText") == "Gesloten"
    assert text(kiosk, "reopeningText") == "Morgen weer open om 09:00"
    assert not is_shown(kiosk.window, "attractScreen")
    # A shopper's tap anywhere on it starts nothing.
    monday_night.advance(1.0)
    centre = QPoint(kiosk.window.width() // 2, kiosk.window.height() // 2)
    QTest.mouseClick(kiosk.window, QtNs.MouseButton.LeftButton, pos=centre)
    assert kiosk.flow.state.screen is Screen.CLOSED
    # Tuesday 09:00 in Amsterdam is 08:00 UTC, ten hours after 22:00; the kiosk ticks by
    # itself. A second before:
    monday_night.advance(10 * 3600 - 2)
    qtbot.waitUntil(lambda: text(kiosk, "reopeningText") == "Vandaag weer open om 09:00")
    assert is_shown(kiosk.window, "closedScreen")
    monday_night.advance(1)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"))
    assert not is_shown(kiosk.window, "closedScreen")
    assert answers(data_dir) == 0


def test_the_manager_gets_in_on_the_closed_screen(
    make_kiosk: Callable[..., Kiosk], monday_night: ManualClock, data_dir: Path, qtbot: Any
) -> None:
    hq_config(data_dir, "mon-fri 09:00-21:00")
    kiosk = make_kiosk(clock=monday_night)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "closedScreen"))
    unlock(kiosk, monday_night, PIN)
    assert is_shown(kiosk.window, "managerScreen")
    press(kiosk, monday_night, "managerClose")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "closedScreen"))


def test_new_hours_from_hq_reopen_the_kiosk_at_once(
    make_kiosk: Callable[..., Kiosk], monday_night: ManualClock, data_dir: Path, qtbot: Any
) -> None:
    hq_config(data_dir, "mon-fri 09:00-21:00")
    kiosk = make_kiosk(clock=monday_night)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "closedScreen"))
    # The store now opens late on Mondays: HQ's next config says so.
    hq_config(data_dir, "mon 09:00-24:00; tue-fri 09:00-21:00")
    kiosk._apply_config(parse_config(json.loads((data_dir / "hq_config.json").read_bytes())))
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"))


def test_a_kiosk_that_never_fetched_a_config_is_open_at_night(
    make_kiosk: Callable[..., Kiosk], monday_night: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(clock=monday_night)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"))
    monday_night.advance(60)
    kiosk.flow.tick()
    assert is_shown(kiosk.window, "attractScreen")


def test_hours_set_at_hq_close_the_kiosk_and_clearing_them_opens_it(
    make_kiosk: Callable[..., Kiosk], monday_night: ManualClock, data_dir: Path, qtbot: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    hq = HQService(tmp_path / "hq").start()
    try:
        hours = "mon-fri 09:00-21:00; sat 09:00-18:00"
        set_hours = hq.run(
            "store", "set", "s042", "--time-zone", "Europe/Amsterdam", "--hours", hours
        )
        assert set_hours.returncode == 0, set_hours.stderr
        added = hq.run("kiosk", "add", "--store", "s042", "--touchpoint", "in_store_purchase")
        code = CODE.search(added.stdout)
        assert code is not None, added.stdout + added.stderr
        enrol(data_dir, hq.url, code.group(0))
        PinGuard(Settings.open(data_dir), lambda: datetime.now(UTC)).set_pin(PIN)
        kiosk = make_kiosk(clock=monday_night, config_poll_s=0.5)
        qtbot.waitUntil(lambda: is_shown(kiosk.window, "closedScreen"), timeout=20_000)
        assert text(kiosk, "reopeningText") == "Morgen weer open om 09:00"
        # The store stays open late from now on: the kiosk hears at its next config poll.
        cleared = hq.run("store", "set", "s042", "--hours", "")
        assert cleared.returncode == 0, cleared.stderr
        qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"), timeout=20_000)
    finally:
        hq.stop()
