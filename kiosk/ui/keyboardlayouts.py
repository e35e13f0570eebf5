"""The kiosk's own on-screen keyboard layouts for portrait windows (issue 16).

Qt's layouts put ten or eleven keys in a row: 800 px wide (a 10.1" panel turned on its
side) that is 13.6 mm a key, below the product's 15 mm touch size (88.3 px). These
layouts have at most eight keys in a row (100 px, 17 mm at 800 px; nine would not do, as
Qt's row layout rounds keys to whole pixels and gives some 88 px): each language's
letters in its usual order with its own letters after them, flowed into evenly filled
rows, and one row for shift, symbols, space, punctuation, backspace and enter.

This table is the layouts' one definition; the QML files under
``assets/keyboard-layouts/`` are made from it by ``python -m kiosk.ui.keyboardlayouts``
and a test holds the two together. Keyboard.qml uses them only in portrait: in landscape
Qt's own layouts give keys of 17 mm already.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ces.assets import keyboard_layouts_dir

MAX_KEYS_PER_ROW = 8
# Qt's keyWeight: a weight per key; every key of these layouts is one unit but space.
KEY_WEIGHT = 160

QWERTY = "qwertyuiopasdfghjklzxcvbnm"
QWERTZ = "qwertzuiopasdfghjklyxcvbnm"
AZERTY = "azertyuiopqsdfghjklmwxcvbn"
# What a long press offers on a Latin letter (as Qt's own fallback layout does).
LATIN_ALTERNATIVES = {
    "a": "aäåãâàá",
    "c": "çcćč",
    "e": "êeëèé",
    "i": "îïiìí",
    "n": "ñńn",
    "o": "œøõôöòóo",
    "s": "sšşś",
    "u": "ûüuùú",
    "y": "ÿyý",
    "z": "zžżź",
}
# The standard Arabic keyboard's letters, in its order (Qt's ar_AR layout); the hamza's
# seats ئ and ؤ on a long press of ي and و, so that four rows hold the rest.
ARABIC = "ضصثقفغعهخحجدشسيبلاتنمكذءرىةوزطظ"
ARABIC_ALTERNATIVES = {
    "ب": "بپ",
    "ج": "جچ",
    "ك": "كگ",
    "ا": "إاأآ",
    "ي": "يئ",
    "و": "وؤ",
}


@dataclass(frozen=True)
class Layout:
    """One language's letters layout."""

    letters: str
    own: str = ""
    alternatives: dict[str, str] = field(default_factory=dict)
    cased: bool = True
    input_mode: str = "Latin"
    comma: str = ","


LAYOUTS: dict[str, Layout] = {
    "nl_NL": Layout(QWERTY, alternatives=LATIN_ALTERNATIVES),
    "en_GB": Layout(QWERTY, alternatives=LATIN_ALTERNATIVES),
    "de_DE": Layout(QWERTZ, own="äöüß", alternatives=LATIN_ALTERNATIVES),
    # ê and ù on a long press of e and u, so that four rows hold the rest.
    "fr_FR": Layout(AZERTY, own="éèàç'", alternatives=LATIN_ALTERNATIVES),
    "tr_TR": Layout(QWERTY, own="çğıöşü"),
    "pl_PL": Layout(QWERTY, own="ąćęłńóśźż"),
    "ar_AR": Layout(
        ARABIC, alternatives=ARABIC_ALTERNATIVES, cased=False, input_mode="Arabic", comma="،"
    ),
}

# Digits and punctuation, the same for every language.
SYMBOLS = ("12345678", "90-/:;()", "@\"'!?%#&", "+=_*€£$~")
DIGITS = ("123", "456", "789")

HEADER = """\
// Made by kiosk/ui/keyboardlayouts.py (python -m kiosk.ui.keyboardlayouts); edit the table
// there, not this file. At most eight keys a row: 15 mm keys 800 px wide (issue 16).
import QtQuick
import QtQuick.Layouts
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Components
"""


def flow(letters: str) -> list[str]:
    """The letters in order, in as few rows of at most eight as they need, evenly filled."""
    count = -(-len(letters) // MAX_KEYS_PER_ROW)
    base, extra = divmod(len(letters), count)
    rows, start = [], 0
    for i in range(count):
        size = base + (1 if i < extra else 0)
        rows.append(letters[start : start + size])
        start += size
    return rows


def letter_rows(layout: Layout) -> list[str]:
    return flow(layout.letters + layout.own)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _key(text: str, alternatives: str = "") -> str:
    extra = f"; alternativeKeys: {_quote(alternatives)}" if alternatives else ""
    return f"        Key {{ text: {_quote(text)}{extra} }}"


def _row(keys: list[str]) -> str:
    # A short row keeps its keys an eighth wide, centred between fillers.
    pad = MAX_KEYS_PER_ROW - len(keys)
    filler = f"        FillerKey {{ weight: {KEY_WEIGHT * pad / 2:g} }}"
    body = ([filler] if pad else []) + keys + ([filler] if pad else [])
    return "    KeyboardRow {\n" + "\n".join(body) + "\n    }"


def _bottom_row(first: list[str], comma: str) -> str:
    keys = [
        *first,
        f"        Key {{ key: Qt.Key_Comma; text: {_quote(comma)} }}",
        None,
        '        Key { key: Qt.Key_Period; text: "."; alternativeKeys: "!.?" }',
        "        BackspaceKey {}",
        "        EnterKey {}",
    ]
    space = MAX_KEYS_PER_ROW - (len(keys) - 1)
    keys[keys.index(None)] = f"        SpaceKey {{ weight: {KEY_WEIGHT * space} }}"
    return "    KeyboardRow {\n" + "\n".join(k for k in keys if k is not None) + "\n    }"


def _layout(input_mode: str, rows: list[str]) -> str:
    return (
        HEADER
        + "\nKeyboardLayout {\n"
        + f"    inputMode: InputEngine.InputMode.{input_mode}\n"
        + f"    keyWeight: {KEY_WEIGHT}\n"
        + "    // Read by Keyboard.qml: the keyboard's height is made for this many rows.\n"
        + f"    readonly property int kioskRows: {len(rows)}\n"
        + "\n".join(rows)
        + "\n}\n"
    )


def main_qml(layout: Layout) -> str:
    rows = [
        _row([_key(c, layout.alternatives.get(c, "")) for c in letters])
        for letters in letter_rows(layout)
    ]
    first = ["        ShiftKey {}"] if layout.cased else []
    first.append("        SymbolModeKey {}")
    rows.append(_bottom_row(first, layout.comma))
    return _layout(layout.input_mode, rows)


def symbols_qml() -> str:
    rows = [_row([_key(c) for c in symbols]) for symbols in SYMBOLS]
    rows.append(_bottom_row(['        SymbolModeKey { displayText: "ABC" }'], ","))
    return _layout("Latin", rows)


def digits_qml() -> str:
    """For a field that takes digits only (the PINs): a keypad."""
    rows = [_row([_key(c) for c in digits]) for digits in DIGITS]
    rows.append(_row([_key("0"), "        BackspaceKey {}", "        EnterKey {}"]))
    return _layout("Numeric", rows)


def files() -> dict[str, str]:
    """Every file of the layouts' folder, by its path inside it."""
    made = {"fallback/symbols.qml": symbols_qml(), "fallback/digits.qml": digits_qml()}
    for locale, layout in LAYOUTS.items():
        made[f"{locale}/main.qml"] = main_qml(layout)
        # Qt's way of saying "use the one in fallback/": an empty file.
        made[f"{locale}/symbols.fallback"] = ""
        made[f"{locale}/digits.fallback"] = ""
    return made


def write(folder: Path) -> None:
    for name, text in files().items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else keyboard_layouts_dir())
