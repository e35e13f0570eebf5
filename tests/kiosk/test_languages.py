"""The shopper's languages on the real QML: each has its on-screen keyboard layout, Arabic
is drawn with the shipped Noto Sans Arabic and mirrors the screens (the scale runs from
the right, its end labels with their ends), and a left-to-right language does not."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from manager_steps import open_pin_pad, press, text, type_pin, unlock
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontDatabase, QGuiApplication, QRawFont
from PySide6.QtQml import QQmlComponent

from ces.assets import default_survey_path, fonts_dir
from ces.locales import CATALOGS, SUPPORTED_LOCALES
from ces.scales import SCALES
from ces.survey import load_survey
from kiosk.flow.clock import ManualClock
from kiosk.flow.texts import KEYBOARD_LOCALES
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item

pytestmark = pytest.mark.ui

ARABIC_FONT = "Noto Sans Arabic"


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    return make_kiosk()


def step(kiosk: Kiosk, clock: ManualClock, qtbot: Any, name: str, then: str) -> None:
    clock.advance(1.0)
    tap(kiosk.window, name)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, then))


def probe(kiosk: Kiosk, expression: bytes) -> Any:
    component = QQmlComponent(kiosk.engine)
    component.setData(
        b"import QtQuick\nimport QtQuick.VirtualKeyboard.Settings\n"
        b"QtObject { property var value: " + expression + b" }",
        "probe.qml",
    )
    made = component.create()
    assert made is not None, component.errorString()
    return made.property("value")


def x_of(kiosk: Kiosk, name: str) -> float:
    item = visible_item(kiosk.window, name)
    return float(item.mapToScene(QPointF(0, 0)).x())


# -- keyboards -----------------------------------------------------------------------


def test_every_language_has_a_keyboard_layout_and_the_comment_uses_it(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    assert set(load_survey(default_survey_path()).locales) == set(SUPPORTED_LOCALES)
    for locale in SUPPORTED_LOCALES:
        step(kiosk, clock, qtbot, f"attract_lang_{locale}", "attractScreen")
        step(kiosk, clock, qtbot, "startArea", "questionScreen")
        step(kiosk, clock, qtbot, "score_6", "whyScreen")
        step(kiosk, clock, qtbot, "factor_price", "commentScreen")
        keyboard = visible_item(kiosk.window, "onScreenKeyboard")
        qtbot.waitUntil(lambda k=keyboard: k.property("active") is True)
        # Qt Virtual Keyboard falls back to en_GB for a layout it does not have, so a
        # layout must be among those it lists, and be the one in use.
        available = [str(v) for v in probe(kiosk, b"VirtualKeyboardSettings.availableLocales")]
        assert KEYBOARD_LOCALES[locale] in available, locale
        layout = KEYBOARD_LOCALES[locale]
        qtbot.waitUntil(lambda w=layout: probe(kiosk, b"VirtualKeyboardSettings.locale") == w)
        step(kiosk, clock, qtbot, "skipComment", "thanksScreen")
        step(kiosk, clock, qtbot, "thanksArea", "attractScreen")


# -- the Arabic font -------------------------------------------------------------------


def arabic_texts() -> list[str]:
    catalog = CATALOGS["ar"]
    survey = load_survey(default_survey_path())
    texts = [
        catalog.name,
        *catalog.shopper.values(),
        *catalog.manager.values(),
        str(catalog.shared["teaser"]),
        str(catalog.shared["you_said"]),
        *(str(d) for d in catalog.shared["weekdays"]),
        *(label for scale in SCALES.values() for label in scale.labels["ar"]),
        survey.question["ar"],
        survey.why_prompt["ar"],
        survey.thanks["ar"],
        *(factor.label["ar"] for factor in survey.factors),
    ]
    return [t for t in texts if t]


def arabic_letters() -> set[str]:
    return {
        ch
        for text in arabic_texts()
        for ch in text
        if "\u0600" <= ch <= "\u06ff" and unicodedata.category(ch) != "Cf"
    }


def test_the_kiosk_loads_the_shipped_arabic_font_after_inter(qapp: QGuiApplication) -> None:
    assert ARABIC_FONT in QFontDatabase.families()
    assert (fonts_dir() / "LICENSE-NotoSansArabic.txt").is_file()
    assert qapp.font().families()[:2] == ["Inter", ARABIC_FONT]


def test_every_arabic_letter_the_kiosk_shows_has_a_glyph_in_the_shipped_font() -> None:
    letters = arabic_letters()
    assert len(letters) > 30  # the texts really are in Arabic
    for weight in ("Regular", "Bold"):
        font = QRawFont(str(fonts_dir() / f"NotoSansArabic-{weight}.ttf"), 32)
        assert font.isValid()
        missing = sorted(ch for ch in letters if not font.supportsCharacter(ord(ch)))
        assert missing == [], weight
    # Without it, Inter alone would draw none of them: the fallback is what makes them show.
    inter = QRawFont(str(fonts_dir() / "Inter-Regular.otf"), 32)
    assert not any(inter.supportsCharacter(ord(ch)) for ch in letters)
    assert inter.supportsCharacter(ord("A"))


def test_an_arabic_text_on_screen_is_drawn_with_the_arabic_font(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    step(kiosk, clock, qtbot, "attract_lang_ar", "attractScreen")
    step(kiosk, clock, qtbot, "startArea", "questionScreen")
    label = visible_item(kiosk.window, "score_lowLabel")
    assert label.property("text") == SCALES["ces7"].labels["ar"][0]
    # Qt draws each character with the first family that has it: Inter has no Arabic.
    assert label.property("font").families()[:2] == ["Inter", ARABIC_FONT]


# -- mirroring -------------------------------------------------------------------------


def test_arabic_mirrors_the_scale_its_end_labels_and_the_language_bar(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    step(kiosk, clock, qtbot, "startArea", "questionScreen")
    # Dutch: left to right, the low end (1, "Helemaal mee oneens") on the left.
    assert x_of(kiosk, "score_1") < x_of(kiosk, "score_4") < x_of(kiosk, "score_7")
    assert x_of(kiosk, "score_lowLabel") < x_of(kiosk, "score_highLabel")
    nl_order = x_of(kiosk, "question_lang_nl") < x_of(kiosk, "question_lang_en")

    step(kiosk, clock, qtbot, "question_lang_ar", "questionScreen")
    qtbot.waitUntil(lambda: x_of(kiosk, "score_1") > x_of(kiosk, "score_7"))
    # Arabic: right to left, 1 on the right, each end label under its own end.
    assert x_of(kiosk, "score_1") > x_of(kiosk, "score_4") > x_of(kiosk, "score_7")
    assert x_of(kiosk, "score_lowLabel") > x_of(kiosk, "score_highLabel")
    low = visible_item(kiosk.window, "score_lowLabel")
    one = visible_item(kiosk.window, "score_1")
    low_right = low.mapToScene(QPointF(low.width(), 0)).x()
    one_right = one.mapToScene(QPointF(one.width(), 0)).x()
    assert abs(low_right - one_right) < 2
    assert (x_of(kiosk, "question_lang_nl") < x_of(kiosk, "question_lang_en")) is not nl_order
    window = kiosk.window.contentItem().width()
    # The language bar starts at the right edge, with the survey's first language.
    assert x_of(kiosk, "question_lang_nl") > window / 2

    step(kiosk, clock, qtbot, "question_lang_nl", "questionScreen")
    qtbot.waitUntil(lambda: x_of(kiosk, "score_1") < x_of(kiosk, "score_7"))
    assert x_of(kiosk, "score_lowLabel") < x_of(kiosk, "score_highLabel")


def test_the_manager_screen_is_mirrored_in_arabic_but_not_the_pin_keypad(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    width = kiosk.window.contentItem().width()
    unlock(kiosk, clock, "0000")
    assert x_of(kiosk, "managerClose") > width / 2
    assert x_of(kiosk, "connectHqButton") < width / 2
    press(kiosk, clock, "managerClose")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "managerScreen"))

    step(kiosk, clock, qtbot, "attract_lang_ar", "attractScreen")
    # The hidden corner moves to the corner the language bar left free.
    corner = visible_item(kiosk.window, "managerCorner")
    assert corner.mapToScene(QPointF(0, 0)).x() > width / 2
    open_pin_pad(kiosk, clock)
    # A keypad keeps the layout of every phone and cash machine, Arabic ones too.
    assert x_of(kiosk, "pinKey_1") < x_of(kiosk, "pinKey_2") < x_of(kiosk, "pinKey_3")
    type_pin(kiosk, clock, "0000")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "managerScreen"))
    assert x_of(kiosk, "managerClose") < width / 2
    # The form's parts start at the right edge, as Arabic is read.
    button = visible_item(kiosk.window, "connectHqButton")
    assert button.mapToScene(QPointF(button.width(), 0)).x() > width * 0.9
    assert text(kiosk, "managerClose") == CATALOGS["ar"].manager["close"]


def test_the_setup_screen_is_mirrored_in_arabic(
    make_kiosk: Callable[..., Kiosk], qtbot: Any
) -> None:
    kiosk = make_kiosk(configured=False)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "setupScreen"))
    dutch = x_of(kiosk, "setupLang_nl") < x_of(kiosk, "setupLang_en")
    tap(kiosk.window, "setupLang_ar")
    qtbot.waitUntil(
        lambda: (x_of(kiosk, "setupLang_nl") < x_of(kiosk, "setupLang_en")) is not dutch
    )
    assert text(kiosk, "setupConnect") == CATALOGS["ar"].manager["connect"]
    tap(kiosk.window, "setupLang_nl")
    qtbot.waitUntil(lambda: (x_of(kiosk, "setupLang_nl") < x_of(kiosk, "setupLang_en")) is dutch)
