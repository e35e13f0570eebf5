"""The store manager's steps on the real QML, shared by the kiosk's manager tests.

Each tap moves the manual clock past the flow's double-tap debounce first.
"""

from __future__ import annotations

from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item


def press(kiosk: Kiosk, clock: ManualClock, name: str) -> None:
    clock.advance(0.4)
    tap(kiosk.window, name)


def open_pin_pad(kiosk: Kiosk, clock: ManualClock) -> None:
    """The hidden way in: five quick taps in the corner."""
    for _ in range(5):
        press(kiosk, clock, "managerCorner")
    assert is_shown(kiosk.window, "pinPad")


def type_pin(kiosk: Kiosk, clock: ManualClock, pin: str) -> None:
    for digit in pin:
        press(kiosk, clock, f"pinKey_{digit}")
    press(kiosk, clock, "pinOk")


def unlock(kiosk: Kiosk, clock: ManualClock, pin: str) -> None:
    """Open the manager screen with the right PIN."""
    open_pin_pad(kiosk, clock)
    type_pin(kiosk, clock, pin)
    assert is_shown(kiosk.window, "managerScreen")


def text(kiosk: Kiosk, name: str) -> str:
    return str(visible_item(kiosk.window, name).property("text"))


def message(kiosk: Kiosk) -> str:
    """The manager screen's line that says what just happened."""
    return text(kiosk, "managerMessage")
