"""The lockdown holds even against shortcuts that code in the kiosk itself registers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest

from kiosk.ui.app import Kiosk

pytestmark = pytest.mark.ui

WAYS_OUT = (
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, "Escape"),
    (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier, "Ctrl+Q"),
    (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier, "Ctrl+W"),
    (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier, "Alt+F4"),
    (Qt.Key.Key_F4, Qt.KeyboardModifier.ControlModifier, "Ctrl+F4"),
)


@pytest.mark.parametrize(("key", "modifier", "sequence"), WAYS_OUT, ids=[w[2] for w in WAYS_OUT])
def test_a_shortcut_on_a_way_out_never_fires_on_the_locked_window(
    make_kiosk: Callable[..., Kiosk],
    qtbot: Any,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier,
    sequence: str,
) -> None:
    # Qt hands a key to its shortcuts before the window: a later "Escape closes this" or
    # "Ctrl+Q quits" anywhere in the UI would otherwise open a way out.
    kiosk = make_kiosk(windowed=False)
    fired: list[bool] = []
    shortcut = QShortcut(QKeySequence(sequence), kiosk.window)
    shortcut.activated.connect(lambda: fired.append(True))
    QTest.keyClick(kiosk.window, key, modifier)
    # The same shortcut on a released window fires, so the key did reach Qt's shortcuts.
    assert kiosk.lockdown is not None
    assert fired == []
    kiosk.lockdown.release()
    QTest.keyClick(kiosk.window, key, modifier)
    qtbot.waitUntil(lambda: fired == [True])
