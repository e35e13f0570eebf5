"""The one list of languages (ces.locales): every language named in its own words, with a
default teaser, and the same list the survey format and the protocol document."""

from __future__ import annotations

from pathlib import Path

from ces.locales import DEFAULT_TEASERS, LANGUAGE_NAMES, SUPPORTED_LOCALES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_supported_locales_are_the_named_languages_in_order() -> None:
    assert tuple(LANGUAGE_NAMES) == SUPPORTED_LOCALES
    assert SUPPORTED_LOCALES[0] == "nl"  # a kiosk without a language set starts in Dutch
    assert len(set(SUPPORTED_LOCALES)) == len(SUPPORTED_LOCALES)


def test_every_language_has_its_own_distinct_name() -> None:
    names = [LANGUAGE_NAMES[locale] for locale in SUPPORTED_LOCALES]
    assert all(name.strip() == name and name for name in names)
    assert len(set(names)) == len(names)
    # Endonyms: a shopper looks for their own language's name, not the English one.
    assert LANGUAGE_NAMES["nl"] == "Nederlands"
    assert LANGUAGE_NAMES["de"] == "Deutsch"


def test_every_locale_has_a_default_teaser_and_no_other_has_one() -> None:
    assert set(DEFAULT_TEASERS) == set(SUPPORTED_LOCALES)
    teasers = [DEFAULT_TEASERS[locale] for locale in SUPPORTED_LOCALES]
    assert all(t.strip() for t in teasers)
    assert len(set(teasers)) == len(teasers), "a teaser left untranslated"


def test_the_protocol_lists_exactly_these_locales() -> None:
    protocol = (DOCS / "protocol.md").read_text(encoding="utf-8")
    listed = ", ".join(f"`{locale}`" for locale in SUPPORTED_LOCALES)
    assert f"| `locale` | string | one of {listed} |" in protocol
