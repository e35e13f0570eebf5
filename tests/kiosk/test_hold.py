"""A slow press on an answer button counts; sliding off it cancels (issue 11, item 3).

The presses are real mouse events on the real QML. Qt decides that a press became a
press-and-hold on a real-time timer, so a hold here is real: the finger stays down while
events are processed until the button's press handler says it has been held that long.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtTest import QTest

from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import centre_of, is_shown, tap, visible_item
from sync.outbox import DB_FILENAME

pytestmark = pytest.mark.ui

LEFT = Qt.MouseButton.LeftButton
NO_KEYS = Qt.KeyboardModifier.NoModifier


def scores(data_dir: Path) -> list[int]:
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        return [r[0] for r in conn.execute("SELECT score FROM responses ORDER BY seq")]
    finally:
        conn.close()


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk], clock: ManualClock) -> Kiosk:
    kiosk = make_kiosk()
    clock.advance(1)
    tap(kiosk.window, "startArea")
    assert is_shown(kiosk.window, "questionScreen")
    clock.advance(1)
    return kiosk


def press_and_hold(
    kiosk: Kiosk, qtbot: Any, name: str, held_s: float, release_at: QPoint | None = None
) -> None:
    """Press on the item, hold for ``held_s``, then release (where the finger is, or after
    sliding to ``release_at``)."""
    item = visible_item(kiosk.window, name)
    centre = centre_of(item)
    handler = item.findChild(QObject, "pressHandler")
    assert handler is not None
    QTest.mousePress(kiosk.window, LEFT, NO_KEYS, centre)
    qtbot.waitUntil(lambda: handler.property("pressed") is True)
    # timeHeld is read fresh from the handler's own timer on each poll.
    qtbot.waitUntil(
        lambda: float(handler.property("timeHeld")) >= held_s, timeout=held_s * 1000 + 5000
    )
    if release_at is not None:
        QTest.mouseMove(kiosk.window, release_at)
        # Off the button it no longer looks pressed: the shopper sees the tap is off.
        qtbot.waitUntil(lambda: item.property("pressed") is False)
    QTest.mouseRelease(kiosk.window, LEFT, NO_KEYS, release_at or centre)


# 0.75 s worked before; 0.9 s and 1.5 s were dropped (Qt's press-and-hold is 0.8 s).
@pytest.mark.parametrize("held_s", [0.75, 0.9, 1.5])
def test_a_long_press_on_an_answer_counts(
    kiosk: Kiosk, qtbot: Any, data_dir: Path, held_s: float
) -> None:
    press_and_hold(kiosk, qtbot, "score_3", held_s)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "whyScreen"))
    assert scores(data_dir) == [3]


def test_sliding_off_an_answer_cancels_it(kiosk: Kiosk, qtbot: Any, data_dir: Path) -> None:
    question = visible_item(kiosk.window, "questionText")
    off = centre_of(question)
    press_and_hold(kiosk, qtbot, "score_3", 0.2, release_at=off)
    assert is_shown(kiosk.window, "questionScreen")
    assert scores(data_dir) == []


def test_a_long_press_starts_the_survey_and_closes_the_thanks(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk()
    clock.advance(1)
    press_and_hold(kiosk, qtbot, "startArea", 0.9)
    assert is_shown(kiosk.window, "questionScreen")
    for name in ("score_3", "factor_price", "skipComment"):
        clock.advance(1)
        tap(kiosk.window, name)
    assert is_shown(kiosk.window, "thanksScreen")
    clock.advance(1)
    press_and_hold(kiosk, qtbot, "thanksArea", 0.9)
    assert is_shown(kiosk.window, "attractScreen")
