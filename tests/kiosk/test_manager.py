"""The store manager's way in and what the manager screen does, on the real QML."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from manager_steps import open_pin_pad, press, text, type_pin, unlock

from ces.keys import MANAGER_EVENTS as EVENTS
from kiosk.flow.clock import ManualClock
from kiosk.flow.pin import FIRST_LOCKOUT_S, verify_pin
from kiosk.ui.app import Kiosk
from kiosk.ui.controller import KioskController
from kiosk.ui.driver import is_shown, visible_item

pytestmark = pytest.mark.ui

PIN = "2580"


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    kiosk = make_kiosk()
    assert kiosk.manager is not None
    kiosk.manager.guard.set_pin(PIN)
    return kiosk


def test_nothing_on_the_shopper_screens_hints_at_the_way_in(
    kiosk: Kiosk, clock: ManualClock
) -> None:
    corner = visible_item(kiosk.window, "managerCorner")
    assert corner.childItems() == []  # an empty, invisible touch area
    press(kiosk, clock, "startArea")
    assert not is_shown(kiosk.window, "managerCorner")


def test_four_taps_are_not_enough_and_slow_taps_do_not_add_up(
    kiosk: Kiosk, clock: ManualClock
) -> None:
    for _ in range(4):
        press(kiosk, clock, "managerCorner")
    assert not is_shown(kiosk.window, "pinPad")
    clock.advance(5)
    press(kiosk, clock, "managerCorner")
    assert not is_shown(kiosk.window, "pinPad")
    # Corner taps never start a shopper's session.
    assert kiosk.controller.screen == KioskController.Screen.ATTRACT


def test_the_right_pin_opens_the_manager_screen(kiosk: Kiosk, clock: ManualClock) -> None:
    open_pin_pad(kiosk, clock)
    for digit in PIN[:2]:
        press(kiosk, clock, f"pinKey_{digit}")
    assert text(kiosk, "pinDots") == "●●"
    press(kiosk, clock, "pinClear")
    type_pin(kiosk, clock, PIN)
    assert is_shown(kiosk.window, "managerScreen")
    assert kiosk.outbox is not None
    events = json.loads(kiosk.outbox.meta(EVENTS) or "[]")
    assert [e["kind"] for e in events] == ["unlock"]


def test_wrong_pins_count_down_then_lock_the_pad(kiosk: Kiosk, clock: ManualClock) -> None:
    open_pin_pad(kiosk, clock)
    type_pin(kiosk, clock, "1111")
    assert "4" in text(kiosk, "pinMessage")
    for _ in range(4):
        type_pin(kiosk, clock, "1111")
    assert f"{FIRST_LOCKOUT_S:.0f} s" in text(kiosk, "pinMessage")
    type_pin(kiosk, clock, PIN)  # locked: even the right PIN waits
    assert not is_shown(kiosk.window, "managerScreen")
    assert kiosk.outbox is not None
    kinds = [e["kind"] for e in json.loads(kiosk.outbox.meta(EVENTS) or "[]")]
    assert kinds.count("pin_failed") == 6


def test_the_manager_screen_closes_by_itself_after_a_minute(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    unlock(kiosk, clock, PIN)
    clock.advance(59)
    press(kiosk, clock, "todayCount")  # a touch keeps it open
    clock.advance(59)
    assert is_shown(kiosk.window, "managerScreen")
    clock.advance(2)
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "managerScreen"))
    assert kiosk.controller.screen == KioskController.Screen.ATTRACT


def test_the_pin_pad_closes_by_itself_too(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
    open_pin_pad(kiosk, clock)
    clock.advance(61)
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "pinPad"))


def test_status_and_todays_answers(kiosk: Kiosk, clock: ManualClock) -> None:
    for score, factor in ((7, "price"), (6, "price"), (2, "service")):
        for name in (
            "startArea",
            f"score_{score}",
            f"factor_{factor}",
            "skipComment",
            "thanksArea",
        ):
            press(kiosk, clock, name)
    unlock(kiosk, clock, PIN)
    assert text(kiosk, "todayCount").startswith("3 ")
    assert text(kiosk, "todayEasy").startswith("66.7%")
    assert text(kiosk, "todayTopFactor").endswith("Prijs")
    assert text(kiosk, "status_pending").endswith(": 3")
    assert text(kiosk, "status_hq").endswith("niet verbonden met HQ")
    # Answers that cannot be sent are not offered for sending: connecting is.
    assert not is_shown(kiosk.window, "syncNowButton")
    assert text(kiosk, "connectHqButton") == "Verbinden met HQ"


def test_changing_the_default_language(kiosk: Kiosk, clock: ManualClock) -> None:
    unlock(kiosk, clock, PIN)
    press(kiosk, clock, "managerLang_en")
    press(kiosk, clock, "managerClose")
    assert "10 seconds" in text(kiosk, "teaserText")
    assert kiosk.outbox is not None
    assert kiosk.settings.get("default_locale") == "en"


def test_changing_the_pin(kiosk: Kiosk, clock: ManualClock) -> None:
    unlock(kiosk, clock, PIN)
    new_field = visible_item(kiosk.window, "newPinField")
    repeat_field = visible_item(kiosk.window, "repeatPinField")
    new_field.setProperty("text", "13579")
    repeat_field.setProperty("text", "13570")
    press(kiosk, clock, "changePinButton")
    assert text(kiosk, "managerMessage") == "De twee pincodes verschillen"
    new_field.setProperty("text", "12")
    repeat_field.setProperty("text", "12")
    press(kiosk, clock, "changePinButton")
    assert "4 tot 8" in text(kiosk, "managerMessage")
    new_field.setProperty("text", "13579")
    repeat_field.setProperty("text", "13579")
    press(kiosk, clock, "changePinButton")
    assert text(kiosk, "managerMessage") == "Pincode gewijzigd"
    assert kiosk.outbox is not None
    stored = kiosk.settings.get("manager_pin")
    assert stored is not None
    assert verify_pin("13579", stored)


def test_exporting_rejected_answers_to_a_usb_folder(
    kiosk: Kiosk, clock: ManualClock, tmp_path: Path
) -> None:
    for name in ("startArea", "score_3", "factor_price", "skipComment", "thanksArea"):
        press(kiosk, clock, name)
    assert kiosk.outbox is not None
    (row,) = kiosk.outbox.rows()
    kiosk.outbox.mark_rejected([(row["id"], "factor: unknown factor")], "2026-11-22T10:00:00.000Z")
    unlock(kiosk, clock, PIN)
    usb = tmp_path / "usb"
    field = visible_item(kiosk.window, "exportPathField")
    field.setProperty("text", str(tmp_path / "missing"))
    press(kiosk, clock, "exportButton")
    missing = tmp_path / "missing"
    assert text(kiosk, "managerMessage") == f"Exporteren mislukt: {missing} is geen map"
    usb.mkdir()
    field.setProperty("text", str(usb))
    press(kiosk, clock, "exportButton")
    (exported,) = usb.glob("effortless-rejected-*.json")
    (saved,) = json.loads(exported.read_text(encoding="utf-8"))
    assert saved["id"] == row["id"]
    assert saved["reject_reason"] == "factor: unknown factor"
    assert "1" in text(kiosk, "managerMessage")


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write a file into (root writes through permissions:
    then sysfs, which refuses new files to everyone)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except PermissionError:
        return folder
    (folder / "probe").unlink()
    sysfs = Path("/sys")
    if not sysfs.is_dir():
        pytest.skip("no folder here refuses this user's files")
    return sysfs


def test_an_export_that_fails_says_why_in_the_screens_language(
    kiosk: Kiosk, clock: ManualClock, tmp_path: Path, expect_log: Callable[[str, str], None]
) -> None:
    expect_log("effortless.ui.manager", "could not export rejected answers")
    unlock(kiosk, clock, PIN)
    folder = unwritable_folder(tmp_path)
    visible_item(kiosk.window, "exportPathField").setProperty("text", str(folder))
    press(kiosk, clock, "exportButton")
    said = text(kiosk, "managerMessage")
    # Dutch words only: not Python's "[Errno 13] Permission denied".
    assert said == (
        "Exporteren mislukt: er kan niet in de map worden geschreven "
        "(alleen-lezen of geen toestemming)"
    )
    assert list(tmp_path.glob("**/effortless-rejected-*.json")) == []


def test_leaving_the_app_asks_for_the_pin_again(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    unlock(kiosk, clock, PIN)
    assert kiosk.manager is not None
    press(kiosk, clock, "exitButton")
    assert is_shown(kiosk.window, "pinPad")
    type_pin(kiosk, clock, "0000")
    assert is_shown(kiosk.window, "pinPad")
    with qtbot.waitSignal(kiosk.manager.exit_requested, timeout=2000):
        type_pin(kiosk, clock, PIN)


def test_restart_is_one_tap(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
    unlock(kiosk, clock, PIN)
    assert kiosk.manager is not None
    with qtbot.waitSignal(kiosk.manager.restart_requested, timeout=2000):
        press(kiosk, clock, "restartButton")
