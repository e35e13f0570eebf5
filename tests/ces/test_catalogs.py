"""Every language's catalog (assets/texts/<locale>.json) holds the same texts as the
English one, really translated, with the same placeholders; a catalog file that is
broken, of the wrong shape or hostile stops the program with a CatalogError that names
the file and the fault."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

from ces.assets import asset
from ces.locales import (
    CATALOGS,
    MAX_CATALOG_BYTES,
    SUPPORTED_LOCALES,
    CatalogError,
    catalog_path,
    load_catalog,
)

TEXTS = asset("texts")

# Words that are the same in English and in that language (a loanword or an
# abbreviation every shopper and manager reads the same).
SAME_AS_ENGLISH: dict[str, set[str]] = {
    "nl": {"manager.ok", "manager.status", "manager.hq"},
    "de": {"manager.ok", "manager.status", "manager.hq"},
    "fr": {"manager.ok", "manager.hq"},
    "tr": set(),
    "pl": {"manager.ok"},
    "ar": set(),
}


def raw(locale: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(catalog_path(locale).read_text(encoding="utf-8"))
    return data


def leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    """Each value of a catalog by its dotted path ("shopper.skip", "shared.weekdays.0")."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(leaves(value, f"{prefix}{key}."))
        return out
    if isinstance(node, list):
        out = {}
        for i, value in enumerate(node):
            out.update(leaves(value, f"{prefix}{i}."))
        return out
    return {prefix.rstrip("."): node}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


ENGLISH = leaves(raw("en"))
OTHERS = [locale for locale in SUPPORTED_LOCALES if locale != "en"]


def test_there_is_one_catalog_file_per_supported_language_and_no_other() -> None:
    assert sorted(p.stem for p in TEXTS.glob("*.json")) == sorted(SUPPORTED_LOCALES)
    assert set(CATALOGS) == set(SUPPORTED_LOCALES)
    assert set(SAME_AS_ENGLISH) == set(OTHERS)


@pytest.mark.parametrize("locale", OTHERS)
def test_each_catalog_has_exactly_the_english_keys_in_every_section(locale: str) -> None:
    theirs = leaves(raw(locale))
    assert sorted(set(ENGLISH) - set(theirs)) == [], f"{locale} misses these"
    assert sorted(set(theirs) - set(ENGLISH)) == [], f"{locale} has these English has not"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_no_text_is_empty_or_padded(locale: str) -> None:
    for key, value in leaves(raw(locale)).items():
        assert isinstance(value, str), key
        assert value.strip(), f"{locale}: {key} is empty"
        assert value == value.strip(), f"{locale}: {key} has spaces around it"


@pytest.mark.parametrize("locale", OTHERS)
def test_each_text_has_the_english_placeholders(locale: str) -> None:
    theirs = leaves(raw(locale))
    for key, english in ENGLISH.items():
        if key == "shared.clock_time":
            # A language writes the time its own way, but from the same two numbers.
            assert placeholders(theirs[key]) == {"hour", "minute"}
            continue
        assert placeholders(theirs[key]) == placeholders(english), f"{locale}: {key}"


@pytest.mark.parametrize("locale", OTHERS)
def test_no_text_is_left_in_english(locale: str) -> None:
    theirs = leaves(raw(locale))
    same = {
        key
        for key, english in ENGLISH.items()
        if key.split(".")[0] in ("shopper", "manager")
        or key in ("shared.teaser", "shared.you_said")
        if theirs[key] == english
    }
    assert same == SAME_AS_ENGLISH[locale]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_language_names_itself_and_a_direction_and_a_keyboard(locale: str) -> None:
    catalog = CATALOGS[locale]
    assert catalog.direction in ("ltr", "rtl")
    assert catalog.rtl is (locale == "ar")
    assert re.fullmatch(r"[a-z]{2}_[A-Z]{2}", catalog.keyboard)
    assert catalog.keyboard.split("_")[0] == locale
    names = [c.name for c in CATALOGS.values()]
    assert names.count(catalog.name) == 1


def test_the_new_languages_are_named_in_their_own_words() -> None:
    assert CATALOGS["tr"].name == "Türkçe"
    assert CATALOGS["pl"].name == "Polski"
    assert CATALOGS["ar"].name == "العربية"
    assert [c.locale for c in CATALOGS.values() if c.rtl] == ["ar"]


def test_arabic_texts_are_written_in_arabic_script() -> None:
    arabic = re.compile("[\u0600-\u06ff]")
    for key, value in leaves(raw("ar")).items():
        if key in ("shared.clock_time", "language.direction", "language.keyboard"):
            continue
        assert arabic.search(value), f"ar: {key} has no Arabic letters"


# -- files that are not a catalog -------------------------------------------------------


def good() -> dict[str, Any]:
    return raw("en")


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "xx.json"
    path.write_bytes(content)
    return path


def as_json(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def edited(change: Any) -> bytes:
    doc = good()
    change(doc)
    return as_json(doc)


BROKEN: list[tuple[str, bytes, str]] = [
    ("not JSON", b'{"language": ', "not JSON"),
    ("not UTF-8", b'{"language": "\xff\xfe"}', "not JSON"),
    ("empty", b"", "not JSON"),
    ("a list", b"[]", "JSON object"),
    ("a string", b'"hello"', "JSON object"),
    ("null", b"null", "JSON object"),
    ("no language", edited(lambda d: d.pop("language")), '"language"'),
    ("shopper a list", edited(lambda d: d.update(shopper=[])), '"shopper"'),
    ("manager a string", edited(lambda d: d.update(manager="x")), '"manager"'),
    ("a number as text", edited(lambda d: d["shopper"].update(skip=3)), '"shopper.skip"'),
    ("a list as text", edited(lambda d: d["manager"].update(ok=["OK"])), '"manager.ok"'),
    ("an empty text", edited(lambda d: d["shopper"].update(send="  ")), '"shopper.send"'),
    ("a null name", edited(lambda d: d["language"].update(name=None)), '"language.name"'),
    (
        "sideways",
        edited(lambda d: d["language"].update(direction="ttb")),
        '"language.direction"',
    ),
    (
        "a keyboard path",
        edited(lambda d: d["language"].update(keyboard="../../etc")),
        '"language.keyboard"',
    ),
    ("six weekdays", edited(lambda d: d["shared"]["weekdays"].pop()), '"shared.weekdays"'),
    (
        "weekdays a string",
        edited(lambda d: d["shared"].update(weekdays="Monday")),
        '"shared.weekdays"',
    ),
    ("no clock", edited(lambda d: d["shared"].pop("clock_time")), '"shared.clock_time"'),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    (
        "huge",
        edited(lambda d: d["shopper"].update(skip="x" * (MAX_CATALOG_BYTES + 1))),
        "bytes",
    ),
]


@pytest.mark.parametrize(("content", "says"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_a_broken_catalog_is_refused_with_a_clear_error(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(CatalogError) as refused:
        load_catalog("xx", path)
    message = str(refused.value)
    assert str(path) in message
    assert says in message
    assert len(message) < 500  # a hostile file's contents are not echoed back


def test_a_missing_catalog_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(CatalogError, match="cannot be read") as refused:
        load_catalog("xx", path)
    assert str(path) in str(refused.value)


def test_a_folder_in_place_of_a_catalog_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog("xx", tmp_path)


def test_a_good_catalog_file_loads_as_it_says(tmp_path: Path) -> None:
    doc = good()
    doc["language"].update(name="Testish", direction="rtl", keyboard="xx_XX")
    catalog = load_catalog("xx", write(tmp_path, as_json(doc)))
    assert (catalog.name, catalog.rtl, catalog.keyboard) == ("Testish", True, "xx_XX")
    assert catalog.shopper == doc["shopper"]
    assert catalog.manager == doc["manager"]
