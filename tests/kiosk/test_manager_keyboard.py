"""The manager screen on the on-screen keyboard, as the setup screen (issue 11, item 4): the
field being typed in is never under the keyboard, and Enter moves on, in landscape and
portrait."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from manager_steps import message, unlock
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_setup_keyboard import SIZES, focused, shown_above_keyboard

from kiosk.flow.clock import ManualClock
from kiosk.flow.pin import verify_pin
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import visible_item

pytestmark = pytest.mark.ui

# The manager screen's text fields, top to bottom (preconfigure's PIN opens it).
FIELDS = ["newPinField", "repeatPinField", "exportPathField"]
PIN = "0000"


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def kiosk(
    request: pytest.FixtureRequest, make_kiosk: Callable[..., Kiosk], clock: ManualClock
) -> Kiosk:
    kiosk = make_kiosk(size=request.param)
    unlock(kiosk, clock, PIN)
    return kiosk


@pytest.mark.parametrize("name", FIELDS)
def test_the_focused_field_is_shown_above_the_keyboard(kiosk: Kiosk, qtbot: Any, name: str) -> None:
    field = visible_item(kiosk.window, name)
    field.forceActiveFocus()
    assert focused(kiosk) == name
    qtbot.waitUntil(lambda: shown_above_keyboard(kiosk, field, qtbot))
    # The button the field belongs to comes into view with it.
    button = "exportButton" if name == "exportPathField" else "changePinButton"
    assert shown_above_keyboard(kiosk, visible_item(kiosk.window, button), qtbot)


def test_enter_moves_to_the_repeated_pin_and_then_changes_the_pin(kiosk: Kiosk, qtbot: Any) -> None:
    first = visible_item(kiosk.window, "newPinField")
    first.forceActiveFocus()
    first.setProperty("text", "13579")
    QTest.keyClick(kiosk.window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(kiosk) == "repeatPinField")
    repeat = visible_item(kiosk.window, "repeatPinField")
    qtbot.waitUntil(lambda: shown_above_keyboard(kiosk, repeat, qtbot))
    repeat.setProperty("text", "13579")
    QTest.keyClick(kiosk.window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: message(kiosk) == "Pincode gewijzigd")
    stored = kiosk.settings.get("manager_pin")
    assert stored is not None
    assert verify_pin("13579", stored)


def test_enter_on_the_folder_exports(kiosk: Kiosk, qtbot: Any, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    field = visible_item(kiosk.window, "exportPathField")
    field.forceActiveFocus()
    field.setProperty("text", str(usb))
    QTest.keyClick(kiosk.window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: message(kiosk).startswith("0 antwoorden geëxporteerd naar"))
    assert len(list(usb.glob("effortless-rejected-*.json"))) == 1
