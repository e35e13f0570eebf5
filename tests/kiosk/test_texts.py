"""The kiosk's own words (kiosk/flow/texts.py): every locale of ces.locales has every text,
so no screen can end up half translated."""

from __future__ import annotations

import re

import pytest

from ces.locales import DEFAULT_TEASERS, SUPPORTED_LOCALES
from kiosk.flow.texts import KEYBOARD_LOCALES, MANAGER_TEXT, UI_TEXT, manager_text, problem_text
from sync import problems
from sync.problems import KINDS, Problem


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


# Words that are the same in English and in another language, on purpose.
SAME_AS_ENGLISH = {"ok", "hq", "status"}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_every_manager_text_in_its_own_words(locale: str) -> None:
    words = manager_text(locale)
    assert words is MANAGER_TEXT[locale], f"{locale} falls back to another language"
    missing = set(MANAGER_TEXT["en"]) - set(words)
    extra = set(words) - set(MANAGER_TEXT["en"])
    assert (missing, extra) == (set(), set()), locale
    assert all(value.strip() for value in words.values())
    for key, english in MANAGER_TEXT["en"].items():
        # The same values in every language, or formatting one would fail on a screen.
        assert set(re.findall(r"{(\w+)}", words[key])) == set(re.findall(r"{(\w+)}", english)), key
    if locale != "en":
        same = [k for k in words if words[k] == MANAGER_TEXT["en"][k] and k not in SAME_AS_ENGLISH]
        assert same == [], f"{locale} still in English: {same}"


def test_every_manager_translation_is_for_a_supported_locale() -> None:
    assert set(MANAGER_TEXT) == set(SUPPORTED_LOCALES)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_problem_sync_reports_has_words_in_every_locale(locale: str, kind: str) -> None:
    template = MANAGER_TEXT[locale][f"sync_{kind}"]
    assert set(re.findall(r"{(\w+)}", template)) == KINDS[kind]
    values = {name: f"<{name}>" for name in KINDS[kind]}
    text = problem_text(locale, kind, values, retry_in_s=12)
    assert all(value in text for value in values.values())
    assert text.endswith(MANAGER_TEXT[locale]["next_try"].format(seconds=12))


def test_a_problem_without_words_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="no_such_kind"):
        Problem("no_such_kind")
    with pytest.raises(ValueError, match="hq_unreachable"):
        Problem("hq_unreachable", {})


# Why a kiosk is out of order: its database, its settings, its survey.
OUT_OF_ORDER_KINDS = [
    problems.DB_LOCKED,
    problems.DB_READ_ONLY,
    problems.DISK_FULL,
    problems.DISK_IO,
    problems.DB_CANNOT_OPEN,
    problems.DB_DAMAGED,
    problems.DB_TOO_NEW,
    problems.DB_FAILED,
    problems.SETTINGS_LOST,
    problems.NO_SURVEY,
]


@pytest.mark.parametrize("kind", OUT_OF_ORDER_KINDS)
def test_every_out_of_order_reason_is_said_in_every_locale_in_its_own_words(kind: str) -> None:
    assert kind in KINDS
    said = [problem_text(locale, kind, {}) for locale in SUPPORTED_LOCALES]
    assert kind not in said, "a kind without words"
    assert len(set(said)) == len(said), f"a locale falls back to another's words: {said}"


# The export's reasons, said inside export_failed on the manager screen.
EXPORT_REASONS = ["export_no_folder", "export_not_writable", "export_full", "export_error"]


@pytest.mark.parametrize("key", EXPORT_REASONS)
def test_every_export_reason_is_said_in_every_locale_in_its_own_words(key: str) -> None:
    said = [MANAGER_TEXT[locale][key] for locale in SUPPORTED_LOCALES]
    assert len(set(said)) == len(said), f"a locale falls back to another's words: {said}"
