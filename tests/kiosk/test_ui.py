"""The real QML screens, driven by taps on their items, read back from the SQLite file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shopper_steps
from PySide6.QtCore import QRectF
from PySide6.QtGui import QAccessible
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest
from shopper_steps import shown_screen

from ces.assets import surveys_dir
from kiosk.flow.clock import ManualClock
from kiosk.flow.texts import KEYBOARD_LOCALES, problem_text
from kiosk.survey_source import LAST_GOOD_FILENAME
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, visible_item, walk
from kiosk.ui.theme import MIN_TOUCH_PX
from sync import problems
from sync.outbox import DB_FILENAME, SCHEMA_VERSION

pytestmark = pytest.mark.ui

IN_STORE = surveys_dir() / "in_store_purchase.json"
RETURNS = surveys_dir() / "returns_desk.json"


def rows(data_dir: Path) -> list[dict[str, Any]]:
    """Read the answers straight from the file, as HQ's sync would."""
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM responses ORDER BY seq")]
    finally:
        conn.close()


def type_text(kiosk: Kiosk, text: str) -> None:
    for char in text:
        QTest.keyClick(kiosk.window, char)


class Finger(shopper_steps.Finger):
    """Taps items by objectName with a shopper's pause before each tap, and reads them."""

    def text(self, name: str) -> str:
        return str(visible_item(self.kiosk.window, name).property("text"))


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    return make_kiosk()


@pytest.fixture
def finger(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> Finger:
    return Finger(kiosk, clock, qtbot)


def test_complete_visit_through_every_screen(finger: Finger, kiosk: Kiosk, data_dir: Path) -> None:
    assert shown_screen(kiosk) == "attractScreen"
    assert "10 seconden" in finger.text("teaserText")
    finger.tap("startArea", then="questionScreen")
    assert finger.text("questionText").startswith("Deze winkel")
    assert finger.text("score_lowLabel") == "Helemaal mee oneens"
    assert finger.text("score_highLabel") == "Helemaal mee eens"
    finger.tap("score_6", then="whyScreen")
    assert rows(data_dir)[0]["score"] == 6
    finger.tap("factor_service", then="commentScreen")
    assert rows(data_dir)[0]["factor"] == "service"
    field = visible_item(kiosk.window, "commentField")
    finger.qtbot.waitUntil(lambda: field.hasActiveFocus())
    type_text(kiosk, "Snel geholpen, bel 0612345678")
    assert field.property("text") == "Snel geholpen, bel 0612345678"
    finger.tap("sendComment", then="thanksScreen")
    (row,) = rows(data_dir)
    assert row["outcome"] == "completed"
    assert row["comment"] == "Snel geholpen, bel [phone]"
    assert row["synced_at"] is None
    finger.tap("thanksArea", then="attractScreen")


def test_skip_factor_and_comment(finger: Finger, data_dir: Path) -> None:
    finger.tap("startArea", then="questionScreen")
    finger.tap("score_2", then="whyScreen")
    finger.tap("skipFactor", then="commentScreen")
    finger.tap("skipComment", then="thanksScreen")
    (row,) = rows(data_dir)
    assert (row["score"], row["factor"], row["comment"], row["outcome"]) == (
        2,
        None,
        None,
        "completed",
    )


def test_idle_shopper_gets_still_there_then_attract_and_a_partial_row(
    finger: Finger, kiosk: Kiosk, clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    finger.tap("startArea", then="questionScreen")
    finger.tap("score_3", then="whyScreen")
    clock.advance(20.5)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "stillThereOverlay"))
    assert finger.text("stillThereText") == "Bent u er nog?"
    clock.advance(kiosk.flow.timing.still_there_s)
    qtbot.waitUntil(lambda: shown_screen(kiosk) == "attractScreen")
    assert not is_shown(kiosk.window, "stillThereOverlay")
    (row,) = rows(data_dir)
    assert (row["score"], row["outcome"]) == (3, "timeout")


def test_still_here_button_returns_to_the_question(
    finger: Finger, kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    finger.tap("startArea", then="questionScreen")
    clock.advance(25)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "stillThereOverlay"))
    finger.tap("stillHereButton")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "stillThereOverlay"))
    assert shown_screen(kiosk) == "questionScreen"


def test_thanks_returns_to_attract_by_itself(
    finger: Finger, kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    finger.tap("startArea", then="questionScreen")
    finger.tap("score_7", then="whyScreen")
    finger.tap("factor_price", then="commentScreen")
    finger.tap("skipComment", then="thanksScreen")
    clock.advance(kiosk.flow.timing.thanks_s)
    qtbot.waitUntil(lambda: shown_screen(kiosk) == "attractScreen")


def test_language_switch_translates_every_screen_and_the_row(
    finger: Finger, kiosk: Kiosk, data_dir: Path
) -> None:
    finger.tap("attract_lang_en")
    assert finger.text("teaserText") == "Help us get better — 10 seconds"
    finger.tap("startArea", then="questionScreen")
    assert finger.text("questionText").startswith("This store")
    assert finger.text("score_lowLabel") == "Strongly disagree"
    finger.tap("question_lang_nl")
    assert finger.text("questionText").startswith("Deze winkel")
    finger.tap("question_lang_en")
    finger.tap("score_5", then="whyScreen")
    assert finger.text("whyPrompt") == "Which factor influenced your answer most?"
    assert visible_item(kiosk.window, "factor_ease").property("text") == "Ease of shopping"
    finger.tap("factor_ease", then="commentScreen")
    assert visible_item(kiosk.window, "skipComment").property("text") == "Skip"
    finger.tap("skipComment", then="thanksScreen")
    assert rows(data_dir)[0]["locale"] == "en"
    finger.tap("thanksArea", then="attractScreen")
    # The next shopper starts in the kiosk's own language again.
    assert "10 seconden" in finger.text("teaserText")


def test_language_buttons_are_named_in_their_own_language(finger: Finger) -> None:
    assert finger.text("attract_lang_nl") == "Nederlands"
    assert finger.text("attract_lang_en") == "English"


def test_double_tap_on_a_score_is_one_answer(finger: Finger, kiosk: Kiosk, data_dir: Path) -> None:
    finger.tap("startArea", then="questionScreen")
    finger.clock.advance(1)
    item = visible_item(kiosk.window, "score_4")
    point = item.mapToScene(item.boundingRect().center()).toPoint()
    from PySide6.QtCore import Qt

    for _ in range(2):
        QTest.mouseClick(
            kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
        )
    assert shown_screen(kiosk) == "whyScreen"
    (row,) = rows(data_dir)
    assert (row["score"], row["factor"]) == (4, None)


def test_smiley_survey_answers_on_the_attract_screen(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    kiosk = make_kiosk(survey_path=RETURNS)
    finger = Finger(kiosk, clock, qtbot)
    assert finger.text("attractQuestionText").startswith("Hoe makkelijk")
    face = visible_item(kiosk.window, "attract_score_5")
    # Its number first: a keypad's digit chooses it (tests/kiosk/test_keys.py).
    assert face.property("accessibleName") == "5, Heel makkelijk"
    finger.tap("attract_score_5", then="whyScreen")
    finger.tap("factor_refund", then="thanksScreen")
    (row,) = rows(data_dir)
    assert (row["scale"], row["score"], row["factor"], row["outcome"]) == (
        "smiley5",
        5,
        "refund",
        "completed",
    )


def test_ces5_survey_shows_effort_labels(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, tmp_path: Path, data_dir: Path
) -> None:
    doc = json.loads(IN_STORE.read_text(encoding="utf-8"))
    doc.update(id="effort", scale="ces5")
    path = tmp_path / "effort.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    kiosk = make_kiosk(survey_path=path)
    finger = Finger(kiosk, clock, qtbot)
    finger.tap("startArea", then="questionScreen")
    assert finger.text("score_lowLabel") == "Heel weinig moeite"
    assert finger.text("score_highLabel") == "Heel veel moeite"
    assert not is_shown(kiosk.window, "score_6")
    finger.tap("score_5", then="whyScreen")
    assert rows(data_dir)[0]["scale"] == "ces5"


def test_comment_field_stops_at_the_maximum_length(
    finger: Finger, kiosk: Kiosk, data_dir: Path
) -> None:
    finger.tap("startArea", then="questionScreen")
    finger.tap("score_6", then="whyScreen")
    finger.tap("factor_price", then="commentScreen")
    field = visible_item(kiosk.window, "commentField")
    field.setProperty("text", "a" * 500)
    assert len(field.property("text")) == 280
    assert finger.text("charactersLeft").startswith("0 ")
    finger.tap("sendComment", then="thanksScreen")
    assert len(rows(data_dir)[0]["comment"]) == 280


def test_on_screen_keyboard_shows_in_the_chosen_language(
    finger: Finger, kiosk: Kiosk, qtbot: Any
) -> None:
    from PySide6.QtQml import QQmlComponent

    finger.tap("attract_lang_en")
    finger.tap("startArea", then="questionScreen")
    finger.tap("score_6", then="whyScreen")
    finger.tap("factor_price", then="commentScreen")
    keyboard = visible_item(kiosk.window, "onScreenKeyboard")
    qtbot.waitUntil(lambda: keyboard.property("active") is True)
    component = QQmlComponent(kiosk.engine)
    component.setData(
        b"import QtQuick\nimport QtQuick.VirtualKeyboard.Settings\n"
        b"QtObject { property string locale: VirtualKeyboardSettings.locale }",
        "probe.qml",
    )
    probe = component.create()
    assert probe.property("locale") == "en_GB"
    finger.tap("skipComment", then="thanksScreen")
    assert not is_shown(kiosk.window, "onScreenKeyboard")


def _keyboard_locale(kiosk: Kiosk) -> str:
    from PySide6.QtQml import QQmlComponent

    component = QQmlComponent(kiosk.engine)
    component.setData(
        b"import QtQuick\nimport QtQuick.VirtualKeyboard.Settings\n"
        b"QtObject { property string locale: VirtualKeyboardSettings.locale }",
        "probe.qml",
    )
    probe = component.create()
    return str(probe.property("locale"))


def test_the_keyboard_is_in_each_shoppers_language_also_after_another_language(
    finger: Finger, kiosk: Kiosk, qtbot: Any
) -> None:
    def to_the_comment() -> None:
        finger.tap("startArea", then="questionScreen")
        finger.tap("score_6", then="whyScreen")
        finger.tap("factor_price", then="commentScreen")
        keyboard = visible_item(kiosk.window, "onScreenKeyboard")
        qtbot.waitUntil(lambda: keyboard.property("active") is True)

    to_the_comment()
    assert _keyboard_locale(kiosk) == KEYBOARD_LOCALES["nl"]
    finger.tap("skipComment", then="thanksScreen")
    finger.tap("thanksArea", then="attractScreen")
    finger.tap("attract_lang_en")
    to_the_comment()
    assert _keyboard_locale(kiosk) == KEYBOARD_LOCALES["en"]
    finger.tap("skipComment", then="thanksScreen")
    finger.tap("thanksArea", then="attractScreen")
    # The next shopper, in the kiosk's own language again.
    to_the_comment()
    assert _keyboard_locale(kiosk) == KEYBOARD_LOCALES["nl"]


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280), (1920, 1080), (1080, 1920)])
def test_every_button_is_a_large_touch_target_with_a_name(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, size: tuple[int, int]
) -> None:
    kiosk = make_kiosk(size=size)
    qtbot.waitUntil(lambda: kiosk.window.width() == size[0] and kiosk.window.height() == size[1])
    finger = Finger(kiosk, clock, qtbot)
    checked: set[str] = set()

    def check_buttons() -> None:
        window_rect = QRectF(0, 0, kiosk.window.width(), kiosk.window.height())
        for item in walk(kiosk.window.contentItem()):
            name = item.objectName()
            if not name or item.property("accessibleName") is None:
                continue
            rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
            assert rect.width() >= MIN_TOUCH_PX, (name, rect)
            assert rect.height() >= MIN_TOUCH_PX, (name, rect)
            assert window_rect.contains(rect), (name, rect, "off screen")
            interface = QAccessible.queryAccessibleInterface(item)
            assert interface is not None
            assert interface.text(QAccessible.Text.Name), name
            checked.add(name)

    # Positioners lay out on the next frame; retry until they have.
    qtbot.waitUntil(check_buttons)
    finger.tap("startArea", then="questionScreen")
    qtbot.waitUntil(check_buttons)
    finger.tap("score_6", then="whyScreen")
    qtbot.waitUntil(check_buttons)
    finger.tap("factor_price", then="commentScreen")
    qtbot.waitUntil(check_buttons)
    assert {
        "attract_lang_en",
        "score_1",
        "score_7",
        "factor_price",
        "skipFactor",
        "sendComment",
        "skipComment",
    } <= checked


def test_buttons_show_press_feedback_at_once(finger: Finger, kiosk: Kiosk) -> None:
    from PySide6.QtCore import Qt

    finger.tap("startArea", then="questionScreen")
    item = visible_item(kiosk.window, "score_3")
    before = item.property("color")
    point = item.mapToScene(item.boundingRect().center()).toPoint()
    QTest.mousePress(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert item.property("pressed") is True
    assert item.property("color") != before
    QTest.mouseRelease(
        kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )


def test_a_broken_survey_without_a_last_good_one_shows_out_of_order(
    make_kiosk: Callable[..., Kiosk], tmp_path: Path, expect_log: Any
) -> None:
    expect_log("effortless.survey", "survey refused: broken.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x",', encoding="utf-8")
    kiosk = make_kiosk(survey_path=broken)
    assert shown_screen(kiosk) == "outOfOrderScreen"
    # No survey says which language; the kiosk's own language (or Dutch) is used.
    assert str(visible_item(kiosk.window, "outOfOrderText").property("text")).startswith(
        "Deze zuil"
    )
    assert "broken.json" in kiosk.survey_problem
    # Why, in Dutch too: the parser's English stays in the log and in survey_problem.
    reason = str(visible_item(kiosk.window, "outOfOrderReason").property("text"))
    assert reason == problem_text("nl", problems.NO_SURVEY, {})


def test_a_broken_survey_falls_back_to_the_last_good_one(
    make_kiosk: Callable[..., Kiosk],
    tmp_path: Path,
    data_dir: Path,
    clock: ManualClock,
    qtbot: Any,
    expect_log: Any,
) -> None:
    expect_log("effortless.survey", "survey refused: returns.json: scale: unknown scale 'ces9'")
    expect_log("effortless.survey", "running the last good survey")
    first = make_kiosk(survey_path=RETURNS)
    first.close()
    assert (data_dir / LAST_GOOD_FILENAME).read_bytes() == RETURNS.read_bytes()
    doc = json.loads(RETURNS.read_text(encoding="utf-8"))
    doc["scale"] = "ces9"
    bad = tmp_path / "returns.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    kiosk = make_kiosk(survey_path=bad)
    assert shown_screen(kiosk) == "attractScreen"
    finger = Finger(kiosk, clock, qtbot)
    finger.tap("attract_score_4", then="whyScreen")
    assert rows(data_dir)[0]["survey_id"] == "returns_desk"
    # The broken file did not replace the good copy.
    assert (data_dir / LAST_GOOD_FILENAME).read_bytes() == RETURNS.read_bytes()


def test_a_corrupt_database_is_moved_aside_and_the_kiosk_keeps_working(
    make_kiosk: Callable[..., Kiosk],
    data_dir: Path,
    clock: ManualClock,
    qtbot: Any,
    expect_log: Any,
) -> None:
    from kiosk.preset import preconfigure

    expect_log("effortless.outbox", "unreadable.*moved aside")
    preconfigure(data_dir, store="s042")
    garbage = b"this is not a database" * 100
    (data_dir / DB_FILENAME).write_bytes(garbage)
    kiosk = make_kiosk()
    assert kiosk.outbox is not None
    assert kiosk.outbox.recovered_from is not None
    assert kiosk.outbox.recovered_from.read_bytes() == garbage
    # The settings live apart from the answers: the kiosk stays set up and locked.
    assert not is_shown(kiosk.window, "setupScreen")
    finger = Finger(kiosk, clock, qtbot)
    finger.tap("startArea", then="questionScreen")
    finger.tap("score_5", then="whyScreen")
    assert rows(data_dir)[0]["score"] == 5


def test_a_database_from_a_newer_version_is_refused_untouched(
    make_kiosk: Callable[..., Kiosk], data_dir: Path, expect_log: Any
) -> None:
    expect_log("effortless.app", "newer version of Effortless")
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE from_the_future (x)")
    conn.commit()
    conn.close()
    before = (data_dir / DB_FILENAME).read_bytes()
    kiosk = make_kiosk()
    assert shown_screen(kiosk) == "outOfOrderScreen"
    # Said on the (Dutch) screen in Dutch; the English is in the log.
    reason = str(visible_item(kiosk.window, "outOfOrderReason").property("text"))
    assert reason == problem_text("nl", problems.DB_TOO_NEW, {})
    assert "nieuwere versie" in reason
    assert (data_dir / DB_FILENAME).read_bytes() == before
    assert not list(data_dir.glob("*.corrupt-*"))


def test_the_fullscreen_kiosk_window_hides_the_cursor(make_kiosk: Callable[..., Kiosk]) -> None:
    from PySide6.QtCore import Qt

    kiosk = make_kiosk(windowed=False)
    assert kiosk.window.visibility() == kiosk.window.Visibility.FullScreen
    assert kiosk.window.flags() & Qt.WindowType.FramelessWindowHint
    from PySide6.QtGui import QGuiApplication

    cursor = QGuiApplication.overrideCursor()
    assert cursor is not None
    assert cursor.shape() == Qt.CursorShape.BlankCursor


def test_no_item_is_left_without_a_name_for_screen_readers(finger: Finger, kiosk: Kiosk) -> None:
    unnamed: list[str] = []
    for item in walk(kiosk.window.contentItem()):
        if isinstance(item, QQuickItem) and item.property("accessibleName") == "":
            unnamed.append(item.objectName())
    assert unnamed == []


def test_typing_on_the_on_screen_keyboard_fills_the_comment(
    finger: Finger, kiosk: Kiosk, qtbot: Any, data_dir: Path
) -> None:
    finger.tap("startArea", then="questionScreen")
    finger.tap("score_6", then="whyScreen")
    finger.tap("factor_service", then="commentScreen")
    keyboard = visible_item(kiosk.window, "onScreenKeyboard")
    qtbot.waitUntil(lambda: keyboard.property("active") is True)

    def key(char: str) -> QQuickItem:
        matches = [
            item
            for item in walk(keyboard)
            if item.metaObject().indexOfProperty("displayText") >= 0
            and item.property("text") == char
        ]
        assert matches, f"no key {char!r} on the keyboard"
        return matches[0]

    from PySide6.QtCore import Qt

    for char in "top":
        item = key(char)
        point = item.mapToScene(item.boundingRect().center()).toPoint()
        QTest.mouseClick(
            kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
        )
    field = visible_item(kiosk.window, "commentField")
    qtbot.waitUntil(lambda: str(field.property("text")).lower() == "top")
    finger.tap("sendComment", then="thanksScreen")
    assert rows(data_dir)[0]["comment"].lower() == "top"


def test_the_fullscreen_kiosk_cannot_be_closed_or_left_by_keys(
    make_kiosk: Callable[..., Kiosk], qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    kiosk = make_kiosk(windowed=False)
    window = kiosk.window
    assert window.close() is False
    for key, modifier in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ):
        QTest.keyClick(window, key, modifier)
    window.showMinimized()
    qtbot.waitUntil(lambda: window.visibility() == window.Visibility.FullScreen)
    assert window.isVisible()
    assert shown_screen(kiosk) == "attractScreen"


def test_still_there_is_answerable_over_the_on_screen_keyboard(
    finger: Finger, kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    finger.tap("startArea", then="questionScreen")
    finger.tap("score_6", then="whyScreen")
    finger.tap("factor_price", then="commentScreen")
    keyboard = visible_item(kiosk.window, "onScreenKeyboard")
    qtbot.waitUntil(lambda: keyboard.property("active") is True)
    clock.advance(25)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "stillThereOverlay"))
    finger.tap("stillHereButton")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "stillThereOverlay"))
    finger.tap("sendComment", then="thanksScreen")


def test_sync_gives_way_while_a_shopper_answers(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    import socket

    from kiosk.preset import preconfigure
    from sync.settings import Settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    preconfigure(data_dir)
    # Nobody listens there: sync keeps trying.
    Settings(data_dir).update({"hq_url": f"http://127.0.0.1:{port}", "hq_token": "t" * 43})
    kiosk = make_kiosk()
    assert kiosk.sync_worker is not None
    finger = Finger(kiosk, clock, qtbot)
    assert not kiosk.sync_worker.shopper_active.is_set()
    finger.tap("startArea", then="questionScreen")
    assert kiosk.sync_worker.shopper_active.is_set()
    finger.tap("score_6", then="whyScreen")
    finger.tap("factor_price", then="commentScreen")
    finger.tap("skipComment", then="thanksScreen")
    assert not kiosk.sync_worker.shopper_active.is_set()
