"""The kiosk's own portrait keyboard layouts (issue 16): at most eight keys a row, so every
key is at least 15 mm on a 10.1" 800x1280 panel, in each of the shopper's languages; what
is typed on them reaches the comment; landscape keeps Qt's own layouts."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from ces.assets import keyboard_layouts_dir
from ces.locales import SUPPORTED_LOCALES
from kiosk.flow.clock import ManualClock
from kiosk.flow.texts import KEYBOARD_LOCALES
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item, walk
from kiosk.ui.keyboardlayouts import LAYOUTS, MAX_KEYS_PER_ROW, files, letter_rows

PORTRAIT = (800, 1280)
LANDSCAPE = (1280, 800)
PANEL_INCHES = 10.1
MIN_KEY_MM = 15.0
# A word in each language with a letter of its own where it has one.
WORDS = {
    "nl": "goed",
    "en": "good",
    "de": "süß",
    "fr": "été",
    "tr": "şık",
    "pl": "łąka",
    "ar": "شكرا",
}


def px_per_mm(width: int, height: int) -> float:
    return math.hypot(width, height) / PANEL_INCHES / 25.4


# -- the table and the shipped files (no display) -----------------------------------


def test_the_shipped_layout_files_are_the_ones_the_table_makes() -> None:
    folder = keyboard_layouts_dir()
    shipped = {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for path in folder.rglob("*")
        if path.is_file()
    }
    assert shipped == files(), "run: python -m kiosk.ui.keyboardlayouts"


def test_every_shopper_language_has_a_portrait_layout() -> None:
    assert set(SUPPORTED_LOCALES) == set(WORDS)
    assert {KEYBOARD_LOCALES[locale] for locale in SUPPORTED_LOCALES} == set(LAYOUTS)


# Every letter of each language's keyboard, on a key or a long press of one.
LETTERS = {
    "nl_NL": "abcdefghijklmnopqrstuvwxyzé",
    "en_GB": "abcdefghijklmnopqrstuvwxyz",
    "de_DE": "abcdefghijklmnopqrstuvwxyzäöüß",
    "fr_FR": "abcdefghijklmnopqrstuvwxyzéèêàâçùûëïîôœ'",
    "tr_TR": "abcçdefgğhıijklmnoöprsştuüvyzqwx",
    "pl_PL": "aąbcćdeęfghijklłmnńoóprsśtuwyzźżqvx",
    "ar_AR": "ضصثقفغعهخحجدشسيبلاتنمكذئءؤرىةوزطظأإآ",
}


@pytest.mark.parametrize("locale", sorted(LAYOUTS))
def test_every_letter_of_the_language_is_on_a_key_or_a_long_press(locale: str) -> None:
    layout = LAYOUTS[locale]
    reachable = set(layout.letters + layout.own).union(*layout.alternatives.values())
    assert set(LETTERS[locale]) - reachable == set()


@pytest.mark.parametrize("locale", sorted(LAYOUTS))
def test_no_row_has_more_than_eight_keys(locale: str) -> None:
    layout = LAYOUTS[locale]
    rows = letter_rows(layout)
    assert "".join(rows) == layout.letters + layout.own
    assert len(rows) <= 5
    assert all(0 < len(row) <= MAX_KEYS_PER_ROW for row in rows), rows
    made = files()
    # Counted in the QML as made: keys other than fillers, row by row.
    for name in (f"{locale}/main.qml", "fallback/symbols.qml", "fallback/digits.qml"):
        for row in made[name].split("KeyboardRow {")[1:]:
            keys = [line for line in row.splitlines() if "Key {" in line and "Filler" not in line]
            assert 0 < len(keys) <= MAX_KEYS_PER_ROW, (name, row)


# -- on the real QML ------------------------------------------------------------------


def step(kiosk: Kiosk, clock: ManualClock, qtbot: Any, name: str, then: str) -> None:
    clock.advance(1.0)
    tap(kiosk.window, name)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, then))


def layout_in_use(kiosk: Kiosk) -> str:
    panel = visible_item(kiosk.window, "onScreenKeyboard")
    # Qt's Keyboard inside the panel: the one with a layoutType.
    (keyboard,) = [i for i in walk(panel) if i.metaObject().indexOfProperty("layoutType") >= 0]
    return str(keyboard.property("layout"))


def comment_with_keyboard(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    size: tuple[int, int],
    locale: str,
) -> Kiosk:
    kiosk = make_kiosk(size=size, speech_engine=None)
    qtbot.waitUntil(lambda: (kiosk.window.width(), kiosk.window.height()) == size)
    step(kiosk, clock, qtbot, f"attract_lang_{locale}", "attractScreen")
    step(kiosk, clock, qtbot, "startArea", "questionScreen")
    step(kiosk, clock, qtbot, "score_6", "whyScreen")
    step(kiosk, clock, qtbot, "factor_price", "commentScreen")
    panel = visible_item(kiosk.window, "onScreenKeyboard")
    qtbot.waitUntil(lambda: panel.property("active") is True)
    return kiosk


def ours(kiosk: Kiosk, locale: str) -> bool:
    wanted = f"keyboard-layouts/{KEYBOARD_LOCALES[locale]}/main.qml"
    return layout_in_use(kiosk).endswith(wanted)


def keys(kiosk: Kiosk) -> list[QQuickItem]:
    """Every key on screen but the blank fillers."""
    panel = visible_item(kiosk.window, "onScreenKeyboard")
    return [
        item
        for item in walk(panel)
        if item.property("keyType") is not None and "FillerKey" not in item.metaObject().className()
    ]


def sizes_mm(kiosk: Kiosk) -> list[tuple[str, float, float]]:
    window = kiosk.window
    scale = px_per_mm(window.width(), window.height())
    found = []
    for item in keys(kiosk):
        ancestor: QQuickItem | None = item
        while ancestor is not None:
            # Rows lay out lazily: as a frame would.
            ancestor.ensurePolished()
            ancestor = ancestor.parentItem()
        rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        name = str(item.property("displayText")) or item.metaObject().className()
        found.append((name, rect.width() / scale, rect.height() / scale))
    return found


def key(kiosk: Kiosk, text: str) -> QQuickItem:
    matches = [item for item in keys(kiosk) if item.property("text") == text]
    assert matches, f"no key {text!r}"
    return matches[0]


def key_of_type(kiosk: Kiosk, class_part: str) -> QQuickItem:
    matches = [item for item in keys(kiosk) if class_part in item.metaObject().className()]
    assert len(matches) == 1, class_part
    return matches[0]


def press_key(kiosk: Kiosk, item: QQuickItem) -> None:
    point = item.mapToScene(item.boundingRect().center()).toPoint()
    QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def comment(kiosk: Kiosk) -> str:
    return str(visible_item(kiosk.window, "commentField").property("text"))


@pytest.mark.ui
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_portrait_keys_are_15_mm_and_type_the_languages_letters(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    locale: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kiosk = comment_with_keyboard(make_kiosk, clock, qtbot, PORTRAIT, locale)
    qtbot.waitUntil(lambda: ours(kiosk, locale))
    qtbot.waitUntil(lambda: key(kiosk, WORDS[locale][-1]) is not None)
    found = sizes_mm(kiosk)
    layout = LAYOUTS[KEYBOARD_LOCALES[locale]]
    assert len(found) >= len(layout.letters + layout.own) + 5, found
    small = [(name, round(w, 2), round(h, 2)) for name, w, h in found if min(w, h) < MIN_KEY_MM]
    assert not small, small
    with capsys.disabled():
        print(
            f'\n{locale} portrait 800x1280 on 10.1": {len(found)} keys,'
            f" {min(w for _, w, _ in found):.2f}-{max(w for _, w, _ in found):.2f} mm wide,"
            f" {min(h for _, _, h in found):.2f}-{max(h for _, _, h in found):.2f} mm tall"
        )
    for letter in WORDS[locale]:
        press_key(kiosk, key(kiosk, letter))
    qtbot.waitUntil(lambda: comment(kiosk).lower() == WORDS[locale])


@pytest.mark.ui
def test_shift_backspace_and_symbols_work_on_the_portrait_layout(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = comment_with_keyboard(make_kiosk, clock, qtbot, PORTRAIT, "en")
    qtbot.waitUntil(lambda: ours(kiosk, "en"))
    for letter in "abx":
        press_key(kiosk, key(kiosk, letter))
    qtbot.waitUntil(lambda: comment(kiosk).lower() == "abx")
    press_key(kiosk, key_of_type(kiosk, "BackspaceKey"))
    qtbot.waitUntil(lambda: comment(kiosk).lower() == "ab")
    # After the first letter the keyboard is in lower case; shift makes the next one a capital.
    press_key(kiosk, key_of_type(kiosk, "ShiftKey"))
    press_key(kiosk, key(kiosk, "c"))
    qtbot.waitUntil(lambda: comment(kiosk)[1:] == "bC")
    press_key(kiosk, key_of_type(kiosk, "SymbolModeKey"))
    qtbot.waitUntil(lambda: layout_in_use(kiosk).endswith("keyboard-layouts/fallback/symbols.qml"))
    small = [k for k in sizes_mm(kiosk) if min(k[1], k[2]) < MIN_KEY_MM]
    assert not small, small
    for symbol in "1?":
        press_key(kiosk, key(kiosk, symbol))
    qtbot.waitUntil(lambda: comment(kiosk)[1:] == "bC1?")
    press_key(kiosk, key_of_type(kiosk, "SymbolModeKey"))
    qtbot.waitUntil(lambda: ours(kiosk, "en"))
    press_key(kiosk, key(kiosk, "d"))
    qtbot.waitUntil(lambda: comment(kiosk)[1:] == "bC1?d")


@pytest.mark.ui
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_landscape_keeps_qts_layouts_with_keys_of_15_mm(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    locale: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kiosk = comment_with_keyboard(make_kiosk, clock, qtbot, LANDSCAPE, locale)
    qt_layouts = "qrc:/qt-project.org/imports/QtQuick/VirtualKeyboard/Layouts/"
    qtbot.waitUntil(lambda: layout_in_use(kiosk).startswith(qt_layouts))
    found = sizes_mm(kiosk)
    assert len(found) >= 30, found
    small = [(name, round(w, 2), round(h, 2)) for name, w, h in found if min(w, h) < MIN_KEY_MM]
    assert not small, small
    with capsys.disabled():
        print(
            f'\n{locale} landscape 1280x800 on 10.1": {len(found)} keys,'
            f" {min(w for _, w, _ in found):.2f}-{max(w for _, w, _ in found):.2f} mm wide,"
            f" {min(h for _, _, h in found):.2f}-{max(h for _, _, h in found):.2f} mm tall"
        )


@pytest.mark.ui
def test_turning_the_window_switches_between_the_layouts(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = comment_with_keyboard(make_kiosk, clock, qtbot, PORTRAIT, "pl")
    qtbot.waitUntil(lambda: ours(kiosk, "pl"))
    kiosk.window.resize(*LANDSCAPE)
    qtbot.waitUntil(lambda: layout_in_use(kiosk).startswith("qrc:"))
    qtbot.waitUntil(lambda: layout_in_use(kiosk).endswith("pl_PL/main.qml"))
    kiosk.window.resize(*PORTRAIT)
    qtbot.waitUntil(lambda: ours(kiosk, "pl"))
    press_key(kiosk, key(kiosk, "ł"))
    qtbot.waitUntil(lambda: comment(kiosk).lower() == "ł")


@pytest.mark.ui
def test_a_digits_field_gets_a_keypad_of_15_mm_keys_in_portrait(
    make_kiosk: Callable[..., Kiosk], qtbot: Any
) -> None:
    kiosk = make_kiosk(configured=False, size=PORTRAIT)
    qtbot.waitUntil(lambda: (kiosk.window.width(), kiosk.window.height()) == PORTRAIT)
    field = visible_item(kiosk.window, "setupPin")
    field.forceActiveFocus()
    qtbot.waitUntil(lambda: layout_in_use(kiosk).endswith("keyboard-layouts/fallback/digits.qml"))
    small = [k for k in sizes_mm(kiosk) if min(k[1], k[2]) < MIN_KEY_MM]
    assert not small, small
    for digit in "2580":
        press_key(kiosk, key(kiosk, digit))
    qtbot.waitUntil(lambda: field.property("text") == "2580")
    press_key(kiosk, key_of_type(kiosk, "BackspaceKey"))
    qtbot.waitUntil(lambda: field.property("text") == "258")
