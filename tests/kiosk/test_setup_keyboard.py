"""The setup screen on the on-screen keyboard: the field being typed in is never under the
keyboard, and Enter moves on, in landscape and portrait (issue 11, item 4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from kiosk.ui.app import Kiosk
from kiosk.ui.driver import visible_item

pytestmark = pytest.mark.ui

SIZES = [(1280, 800), (800, 1280)]
# The form's text fields in the order Enter walks them (the store ends its own part).
HQ_FIELDS = ["setupPin", "setupPinAgain", "setupHq", "setupCode"]
FIELDS = [*HQ_FIELDS, "setupStore"]


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def kiosk(request: pytest.FixtureRequest, make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    return make_kiosk(configured=False, size=request.param)


def keyboard_top(kiosk: Kiosk, qtbot: Any) -> float:
    """Where the on-screen keyboard begins, once it is up."""
    keyboard = visible_item(kiosk.window, "onScreenKeyboard")
    qtbot.waitUntil(lambda: keyboard.property("active") is True)
    return float(keyboard.mapToScene(QPointF(0, 0)).y())


def focused(kiosk: Kiosk) -> str:
    item = kiosk.window.activeFocusItem()
    return item.objectName() if item is not None else ""


def shown_above_keyboard(kiosk: Kiosk, item: QQuickItem, qtbot: Any) -> bool:
    top = keyboard_top(kiosk, qtbot)
    corner = item.mapToScene(QPointF(0, 0))
    return bool(corner.y() >= 0 and corner.y() + item.height() <= top and item.isVisible())


@pytest.mark.parametrize("name", FIELDS)
def test_the_focused_field_is_shown_above_the_keyboard(kiosk: Kiosk, qtbot: Any, name: str) -> None:
    field = visible_item(kiosk.window, name)
    field.forceActiveFocus()
    assert focused(kiosk) == name
    qtbot.waitUntil(lambda: shown_above_keyboard(kiosk, field, qtbot))
    if name == "setupCode":
        # The button that sends the code comes into view with it.
        connect = visible_item(kiosk.window, "setupConnect")
        assert shown_above_keyboard(kiosk, connect, qtbot)


def test_enter_moves_to_the_next_field_and_then_connects(kiosk: Kiosk, qtbot: Any) -> None:
    visible_item(kiosk.window, "setupPin").forceActiveFocus()
    for typed, name, following in zip(
        ["4321", "4321", "hq.example", ""], HQ_FIELDS, [*HQ_FIELDS[1:], None], strict=True
    ):
        assert focused(kiosk) == name
        visible_item(kiosk.window, name).setProperty("text", typed)
        QTest.keyClick(kiosk.window, Qt.Key.Key_Return)
        if following is not None:
            qtbot.waitUntil(lambda following=following: focused(kiosk) == following)
            field = visible_item(kiosk.window, following)
            qtbot.waitUntil(lambda field=field: shown_above_keyboard(kiosk, field, qtbot))
    # Enter on the code sends it: the address was refused, and said so in Dutch.
    error = visible_item(kiosk.window, "setupError")
    qtbot.waitUntil(lambda: "Geen adres van HQ: hq.example" in str(error.property("text")))
    assert shown_above_keyboard(kiosk, error, qtbot) or error.mapToScene(QPointF(0, 0)).y() < 0


def test_enter_on_the_store_sets_the_kiosk_up_without_hq(kiosk: Kiosk, qtbot: Any) -> None:
    for name, value in (("setupPin", "4321"), ("setupPinAgain", "4321")):
        visible_item(kiosk.window, name).setProperty("text", value)
    store = visible_item(kiosk.window, "setupStore")
    store.forceActiveFocus()
    store.setProperty("text", "Utrecht")
    QTest.keyClick(kiosk.window, Qt.Key.Key_Return)
    # No touchpoint picked yet: the screen asks for one instead of guessing.
    error = visible_item(kiosk.window, "setupError")
    qtbot.waitUntil(lambda: str(error.property("text")) == "Kies het contactmoment")
    assert kiosk.settings.get("manager_pin") is None
