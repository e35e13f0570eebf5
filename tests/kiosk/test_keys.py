"""A USB keyboard or numeric keypad answers the survey on the real QML (issue 16): digits
choose, arrows and Tab move, Enter, Return and Space press, and the focused button shows a
ring; a touch hides the ring again."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest
from shopper_steps import shown_screen

from ces.assets import surveys_dir
from kiosk.flow.clock import ManualClock
from kiosk.flow.machine import Screen
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, walk
from kiosk.ui.theme import HIGH_CONTRAST, PALETTE, contrast_ratio
from sync.outbox import DB_FILENAME

pytestmark = pytest.mark.ui

RETURNS = surveys_dir() / "returns_desk.json"
Key = Qt.Key


def rows(data_dir: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM responses ORDER BY seq")]
    finally:
        conn.close()


class Keyboard:
    """Presses keys on the kiosk window, with a shopper's pause before each."""

    def __init__(self, kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
        self.kiosk = kiosk
        self.clock = clock
        self.qtbot = qtbot

    def press(
        self,
        key: Qt.Key,
        then: str | None = None,
        modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    ) -> None:
        self.clock.advance(1.0)
        QTest.keyClick(self.kiosk.window, key, modifier)
        if then is not None:
            self.qtbot.waitUntil(lambda: shown_screen(self.kiosk) == then)

    def focused(self) -> str:
        item = self.kiosk.window.activeFocusItem()
        return item.objectName() if item is not None else ""

    def wait_focus(self, name: str) -> None:
        self.qtbot.waitUntil(lambda: self.focused() == name)


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    return make_kiosk()


@pytest.fixture
def keys(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> Keyboard:
    return Keyboard(kiosk, clock, qtbot)


def focus_ring(item: QQuickItem) -> QQuickItem:
    (ring,) = [child for child in item.childItems() if child.objectName() == "focusRing"]
    return ring


def test_a_whole_answer_by_keys_only(keys: Keyboard, kiosk: Kiosk, data_dir: Path) -> None:
    assert shown_screen(kiosk) == "attractScreen"
    keys.press(Key.Key_Return, then="questionScreen")
    # The focus lands on the first answer, with its ring showing.
    keys.wait_focus("score_1")
    assert focus_ring(kiosk.window.activeFocusItem()).isVisible()
    keys.press(Key.Key_Right)
    keys.press(Key.Key_Right)
    keys.wait_focus("score_3")
    keys.press(Key.Key_Left)
    keys.wait_focus("score_2")
    keys.press(Key.Key_Space, then="whyScreen")
    assert rows(data_dir)[0]["score"] == 2
    keys.wait_focus("factor_price")
    keys.press(Key.Key_Right)
    keys.wait_focus("factor_ease")
    keys.press(Key.Key_Enter, modifier=Qt.KeyboardModifier.KeypadModifier, then="commentScreen")
    assert rows(data_dir)[0]["factor"] == "ease"
    keys.wait_focus("commentField")
    for char in "Snel":
        QTest.keyClick(kiosk.window, char)
    # Tab leaves the field for the buttons; the last is Send.
    keys.press(Key.Key_Tab)
    keys.press(Key.Key_Tab)
    keys.press(Key.Key_Tab)
    keys.wait_focus("sendComment")
    keys.press(Key.Key_Return, then="thanksScreen")
    (row,) = rows(data_dir)
    assert (row["score"], row["factor"], row["comment"], row["outcome"]) == (
        2,
        "ease",
        "Snel",
        "completed",
    )
    keys.press(Key.Key_Return, then="attractScreen")
    keys.wait_focus("startArea")


def test_digits_choose_the_scale_point_and_the_factor(
    keys: Keyboard, kiosk: Kiosk, data_dir: Path
) -> None:
    keys.press(Key.Key_Return, then="questionScreen")
    keys.press(Key.Key_6, then="whyScreen")
    keys.press(Key.Key_3, then="commentScreen")
    (row,) = rows(data_dir)
    assert (row["score"], row["factor"]) == (6, "service")


def test_a_digit_beyond_the_scale_does_nothing(keys: Keyboard, kiosk: Kiosk) -> None:
    keys.press(Key.Key_Return, then="questionScreen")
    keys.press(Key.Key_8)
    keys.press(Key.Key_0)
    assert shown_screen(kiosk) == "questionScreen"
    keys.press(Key.Key_7, then="whyScreen")
    keys.press(Key.Key_9)
    assert shown_screen(kiosk) == "whyScreen"


def test_a_keypad_answers_the_question_on_the_attract_screen(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    kiosk = make_kiosk(survey_path=RETURNS)
    keys = Keyboard(kiosk, clock, qtbot)
    keys.press(Key.Key_4, modifier=Qt.KeyboardModifier.KeypadModifier, then="whyScreen")
    assert rows(data_dir)[0]["score"] == 4


def test_tab_cycles_the_buttons_and_never_rests_on_the_root(keys: Keyboard, kiosk: Kiosk) -> None:
    keys.press(Key.Key_Return, then="questionScreen")
    keys.wait_focus("score_1")
    seen = []
    for _ in range(30):
        keys.press(Key.Key_Tab)
        item = kiosk.window.activeFocusItem()
        assert item is not None
        assert item.objectName(), "the focus left the buttons"
        assert item.isVisible()
        seen.append(item.objectName())
    points = {f"score_{n}" for n in range(1, 8)}
    assert points <= set(seen)
    assert "question_lang_en" in seen
    assert "accessibilityButton" in seen
    # Round and round: the cycle repeats the same buttons.
    period = seen.index(seen[0], 1)
    assert seen[period:] == seen[: len(seen) - period]
    keys.press(Key.Key_Backtab, modifier=Qt.KeyboardModifier.ShiftModifier)
    assert keys.focused() == seen[-2]


def test_up_and_down_move_between_rows(keys: Keyboard, kiosk: Kiosk) -> None:
    keys.press(Key.Key_Return, then="questionScreen")
    keys.press(Key.Key_6, then="whyScreen")
    keys.wait_focus("factor_price")
    keys.press(Key.Key_Down)
    keys.wait_focus("skipFactor")
    keys.press(Key.Key_Up)
    assert keys.focused().startswith("factor_")
    # Left at the row's start stays put.
    keys.press(Key.Key_Left)
    keys.press(Key.Key_Left)
    keys.press(Key.Key_Left)
    keys.press(Key.Key_Left)
    keys.wait_focus("factor_price")


def test_the_ring_is_drawn_only_for_keys(
    keys: Keyboard, kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    clock.advance(1)
    tap(kiosk.window, "startArea")
    qtbot.waitUntil(lambda: shown_screen(kiosk) == "questionScreen")
    # A touch shopper sees no button marked: a ring would look like a preselected answer.
    rings = [i for i in walk(kiosk.window.contentItem()) if i.objectName() == "focusRing"]
    assert rings == []
    keys.press(Key.Key_Right)
    keys.wait_focus("score_1")
    assert focus_ring(kiosk.window.activeFocusItem()).isVisible()
    clock.advance(1)
    tap(kiosk.window, "question_lang_en")
    qtbot.waitUntil(
        lambda: not [i for i in walk(kiosk.window.contentItem()) if i.objectName() == "focusRing"]
    )
    # Digits still answer after a touch.
    keys.press(Key.Key_5, then="whyScreen")


def test_any_key_answers_still_there(
    keys: Keyboard, kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    keys.press(Key.Key_Return, then="questionScreen")
    keys.press(Key.Key_Right)
    keys.wait_focus("score_2")
    clock.advance(kiosk.flow.idle_s + 0.5)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "stillThereOverlay"))
    # Nothing underneath takes a key meanwhile: "6" answers the overlay, not the question.
    QTest.keyClick(kiosk.window, Key.Key_6)
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "stillThereOverlay"))
    assert shown_screen(kiosk) == "questionScreen"
    assert kiosk.flow.state.score is None
    # The focus is back where it was.
    keys.wait_focus("score_2")


def test_the_comment_survives_the_still_there_question(
    keys: Keyboard, kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    keys.press(Key.Key_Return, then="questionScreen")
    keys.press(Key.Key_6, then="whyScreen")
    keys.press(Key.Key_1, then="commentScreen")
    keys.wait_focus("commentField")
    for char in "Fijn":
        QTest.keyClick(kiosk.window, char)
    clock.advance(kiosk.flow.idle_s + 60)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "stillThereOverlay"))
    keys.press(Key.Key_Space)
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "stillThereOverlay"))
    keys.wait_focus("commentField")
    field = kiosk.window.activeFocusItem()
    assert field.property("text") == "Fijn"


def test_the_keypad_star_switches_the_accessibility_mode(keys: Keyboard, kiosk: Kiosk) -> None:
    keys.press(Key.Key_Return, then="questionScreen")
    keys.press(Key.Key_Asterisk)
    assert kiosk.controller.accessible
    keys.press(Key.Key_Asterisk)
    assert not kiosk.controller.accessible


def test_the_pin_pad_takes_digits_and_enter(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
    for _ in range(5):
        clock.advance(0.4)
        tap(kiosk.window, "managerCorner")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "pinPad"))
    for key in (Key.Key_0, Key.Key_0, Key.Key_0, Key.Key_0):
        QTest.keyClick(kiosk.window, key)
    QTest.keyClick(kiosk.window, Key.Key_Return)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "managerScreen"))
    # The shopper's screens underneath took none of it: no session was started.
    assert kiosk.flow.state.answer_id is None
    assert kiosk.flow.state.screen is Screen.ATTRACT


@pytest.mark.parametrize("accessible", [False, True], ids=["default", "accessibility mode"])
def test_the_focus_ring_stands_out_on_every_background(
    keys: Keyboard, kiosk: Kiosk, qtbot: Any, accessible: bool
) -> None:
    """WCAG 2.4.7 and 2.4.13: at least 2 px, and 3:1 against what is next to it. Of the two
    rings one is always next to the screen's background, whichever screen or overlay."""
    palette = HIGH_CONTRAST if accessible else PALETTE
    keys.press(Key.Key_Return, then="questionScreen")
    if accessible:
        keys.press(Key.Key_Asterisk)
        qtbot.waitUntil(lambda: kiosk.controller.accessible)
    keys.wait_focus("score_1")
    ring = focus_ring(kiosk.window.activeFocusItem())
    outer = ring.property("outerColour").name()
    inner = ring.property("innerColour").name()
    assert (outer, inner) == (palette["text"], palette["background"])
    assert int(ring.property("lineWidth")) >= 2
    # The screens' backgrounds (the thanks screen's is the accent) and the overlays'.
    for background in ("background", "accent", "overlay"):
        best = max(
            contrast_ratio(outer, palette[background]), contrast_ratio(inner, palette[background])
        )
        assert best >= 3.0, (background, best)
    # The rings against each other, so the pair reads as one mark on any button.
    assert contrast_ratio(outer, inner) >= 3.0
