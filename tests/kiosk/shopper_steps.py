"""A shopper's steps on the real QML, shared by the kiosk's UI tests: which screen shows,
and taps by objectName with a shopper's pause before each."""

from __future__ import annotations

from typing import Any

from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap
from kiosk.ui.screenshots import SCREENS


def shown_screen(kiosk: Kiosk) -> str:
    shown = [name for name in SCREENS if is_shown(kiosk.window, name)]
    assert len(shown) == 1, shown
    return shown[0]


class Finger:
    """Taps items by objectName with a shopper's pause before each tap."""

    def __init__(self, kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
        self.kiosk = kiosk
        self.clock = clock
        self.qtbot = qtbot

    def tap(self, name: str, then: str | None = None) -> None:
        self.clock.advance(1.0)
        tap(self.kiosk.window, name)
        if then is not None:
            self.qtbot.waitUntil(lambda: shown_screen(self.kiosk) == then)
