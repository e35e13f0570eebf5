"""The comment screen asks, in the shopper's language, for no personal details (issue 12):
shown beside the field with the on-screen keyboard up, in landscape and portrait, and
named in the accessibility tree."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QAccessible
from PySide6.QtQuick import QQuickItem

from ces.assets import surveys_dir
from ces.locales import SUPPORTED_LOCALES
from ces.survey import load_survey
from kiosk.flow.clock import ManualClock
from kiosk.flow.texts import UI_TEXT
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item

pytestmark = pytest.mark.ui

SIZES = [(1280, 800), (800, 1280)]


def in_every_language(value: Any) -> Any:
    """The shipped survey's texts in every locale the kiosk speaks (its own words for the
    notice; the survey's words marked with their locale)."""
    if isinstance(value, list):
        return [in_every_language(v) for v in value]
    if not isinstance(value, dict):
        return value
    if {"nl", "en"} <= value.keys() and all(isinstance(v, str) for v in value.values()):
        return {
            locale: value.get(locale, f"[{locale}] {value['en']}") for locale in SUPPORTED_LOCALES
        }
    return {key: in_every_language(v) for key, v in value.items()}


@pytest.fixture
def kiosk_maker(make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> Callable[..., Kiosk]:
    survey = in_every_language(json.loads((surveys_dir() / "in_store_purchase.json").read_text()))
    survey["locales"] = list(SUPPORTED_LOCALES)
    path = tmp_path / "in_store_purchase.json"
    path.write_text(json.dumps(survey), encoding="utf-8")

    def make(**options: object) -> Kiosk:
        return make_kiosk(survey_path=path, **options)

    return make


def step(kiosk: Kiosk, clock: ManualClock, qtbot: Any, name: str, then: str | None = None) -> None:
    """A shopper's tap on the named item, after a shopper's pause."""
    clock.advance(1.0)
    tap(kiosk.window, name)
    if then is not None:
        qtbot.waitUntil(lambda: is_shown(kiosk.window, then))


def notice_text(kiosk: Kiosk) -> str:
    return str(visible_item(kiosk.window, "commentNotice").property("text"))


def keyboard_top(kiosk: Kiosk, qtbot: Any) -> float:
    keyboard = visible_item(kiosk.window, "onScreenKeyboard")
    qtbot.waitUntil(lambda: keyboard.property("active") is True)
    return float(keyboard.mapToScene(QPointF(0, 0)).y())


def on_screen_above(item: QQuickItem, top: float, width: float) -> bool:
    """Wholly on screen and above ``top`` (where the keyboard begins)."""
    corner = item.mapToScene(QPointF(0, 0))
    return bool(
        item.isVisible()
        and corner.x() >= 0
        and corner.x() + item.width() <= width
        and corner.y() >= 0
        and corner.y() + item.height() <= top
    )


@pytest.mark.parametrize("locale", ["nl", "en", "de", "fr"])
def test_the_notice_is_in_the_language_the_shopper_chose(
    kiosk_maker: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, locale: str
) -> None:
    kiosk = kiosk_maker()
    if locale != "nl":
        step(kiosk, clock, qtbot, f"attract_lang_{locale}")
    step(kiosk, clock, qtbot, "startArea", then="questionScreen")
    step(kiosk, clock, qtbot, "score_6", then="whyScreen")
    step(kiosk, clock, qtbot, "factor_price", then="commentScreen")
    assert notice_text(kiosk) == UI_TEXT[locale]["comment_notice"]
    others = {UI_TEXT[other]["comment_notice"] for other in UI_TEXT if other != locale}
    assert notice_text(kiosk) not in others


def test_the_notice_follows_a_change_of_language_on_the_way(
    kiosk_maker: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = kiosk_maker()
    step(kiosk, clock, qtbot, "startArea", then="questionScreen")
    step(kiosk, clock, qtbot, "score_6", then="whyScreen")
    step(kiosk, clock, qtbot, "factor_price", then="commentScreen")
    assert notice_text(kiosk).startswith("Geen naam, telefoonnummer of e-mail")
    step(kiosk, clock, qtbot, "skipComment", then="thanksScreen")
    step(kiosk, clock, qtbot, "thanksArea", then="attractScreen")
    # The next shopper starts in Dutch and switches to German on the "why" screen.
    step(kiosk, clock, qtbot, "startArea", then="questionScreen")
    step(kiosk, clock, qtbot, "score_3", then="whyScreen")
    step(kiosk, clock, qtbot, "why_lang_de")
    prompt = visible_item(kiosk.window, "whyPrompt")
    german = load_survey(surveys_dir() / "in_store_purchase.json").why_prompt["de"]
    qtbot.waitUntil(lambda: prompt.property("text") == german)
    step(kiosk, clock, qtbot, "skipFactor", then="commentScreen")
    assert notice_text(kiosk) == UI_TEXT["de"]["comment_notice"]
    assert notice_text(kiosk).startswith("Bitte ohne Namen")


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_field_notice_and_buttons_stay_above_the_keyboard(
    kiosk_maker: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    size: tuple[int, int],
    locale: str,
) -> None:
    kiosk = kiosk_maker(size=size)
    qtbot.waitUntil(lambda: (kiosk.window.width(), kiosk.window.height()) == size)
    if locale != "nl":
        step(kiosk, clock, qtbot, f"attract_lang_{locale}")
    step(kiosk, clock, qtbot, "startArea", then="questionScreen")
    step(kiosk, clock, qtbot, "score_6", then="whyScreen")
    step(kiosk, clock, qtbot, "factor_price", then="commentScreen")
    field = visible_item(kiosk.window, "commentField")
    qtbot.waitUntil(field.hasActiveFocus)
    top = keyboard_top(kiosk, qtbot)
    assert top < size[1], "the keyboard is not up"
    names = ("commentPrompt", "commentField", "commentNotice", "sendComment", "skipComment")

    def all_above() -> bool:
        items = [visible_item(kiosk.window, name) for name in names]
        return all(on_screen_above(item, top, size[0]) for item in items)

    # Positioners lay out on the next frame.
    qtbot.waitUntil(all_above)
    notice = visible_item(kiosk.window, "commentNotice")
    assert notice.height() > 0
    assert str(notice.property("text")) == UI_TEXT[locale]["comment_notice"]


def test_the_notice_is_named_in_the_accessibility_tree(
    kiosk_maker: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = kiosk_maker()
    step(kiosk, clock, qtbot, "attract_lang_en")
    step(kiosk, clock, qtbot, "startArea", then="questionScreen")
    step(kiosk, clock, qtbot, "score_6", then="whyScreen")
    step(kiosk, clock, qtbot, "factor_price", then="commentScreen")
    english = UI_TEXT["en"]["comment_notice"]
    notice = QAccessible.queryAccessibleInterface(visible_item(kiosk.window, "commentNotice"))
    assert notice is not None
    assert notice.text(QAccessible.Text.Name) == english
    # A screen reader on the field hears it too.
    field = QAccessible.queryAccessibleInterface(visible_item(kiosk.window, "commentField"))
    assert field is not None
    assert field.text(QAccessible.Text.Description) == english
