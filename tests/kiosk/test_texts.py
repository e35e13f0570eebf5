"""The kiosk's own words (kiosk/flow/texts.py): every locale of ces.locales has every text,
so no screen can end up half translated."""

from __future__ import annotations

import pytest

from ces.locales import DEFAULT_TEASERS, SUPPORTED_LOCALES
from kiosk.flow.setup import lost_reason
from kiosk.flow.texts import KEYBOARD_LOCALES, MANAGER_TEXT, UI_TEXT, manager_text


def test_the_kiosk_texts_cover_exactly_the_supported_locales() -> None:
    assert set(UI_TEXT) == set(SUPPORTED_LOCALES)
    assert set(KEYBOARD_LOCALES) == set(SUPPORTED_LOCALES)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_every_shopper_text(locale: str) -> None:
    texts = UI_TEXT[locale]
    assert set(texts) == set(UI_TEXT["en"])
    assert all(value.strip() for value in texts.values()), texts
    assert texts["teaser"] == DEFAULT_TEASERS[locale]
    assert KEYBOARD_LOCALES[locale].startswith(f"{locale}_")
    if locale != "en":
        same = [key for key in texts if texts[key] == UI_TEXT["en"][key]]
        assert same == [], f"{locale} still in English: {same}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_every_manager_text_in_its_own_words_or_english(locale: str) -> None:
    words = manager_text(locale)
    assert set(words) == set(MANAGER_TEXT["en"])
    assert all(value.strip() for value in words.values())
    assert words == MANAGER_TEXT.get(locale, MANAGER_TEXT["en"])


def test_every_manager_translation_is_complete_and_for_a_supported_locale() -> None:
    assert set(MANAGER_TEXT) <= set(SUPPORTED_LOCALES)
    for locale, words in MANAGER_TEXT.items():
        missing = set(MANAGER_TEXT["en"]) - set(words)
        extra = set(words) - set(MANAGER_TEXT["en"])
        assert (missing, extra) == (set(), set()), locale


def test_the_lost_settings_screen_speaks_every_locale() -> None:
    reasons = [lost_reason(locale) for locale in SUPPORTED_LOCALES]
    assert len(set(reasons)) == len(reasons), "a locale falls back to another's words"
    assert lost_reason(None) == lost_reason(SUPPORTED_LOCALES[0])
