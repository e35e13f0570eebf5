"""Survey files: the shipped ones load, and every kind of bad file is refused clearly."""

from __future__ import annotations

import copy
import json
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from ces.assets import icons_dir, surveys_dir
from ces.locales import DEFAULT_TEASERS
from ces.scales import SCALES
from ces.survey import (
    MAX_SURVEY_BYTES,
    Survey,
    SurveyError,
    load_survey,
    parse_survey,
)

DELETE = object()  # marks a field to remove in `edited`
FILE = "(file)"
TOP = "(top level)"


# --- helpers -------------------------------------------------------------------------


def valid_doc() -> dict[str, Any]:
    """A small survey that passes every rule; each test breaks exactly one thing."""
    return {
        "id": "test_survey",
        "version": 3,
        "touchpoint": "service_desk",
        "default_locale": "nl",
        "locales": ["nl", "en"],
        "scale": "ces7",
        "attract": {"mode": "teaser"},
        "question": {"nl": "Vraag?", "en": "Question?"},
        "why": {
            "prompt": {"nl": "Waarom?", "en": "Why?"},
            "factors": [
                {
                    "id": "price",
                    "label": {"nl": "Prijs", "en": "Price"},
                    "icon": "factors/price.svg",
                },
                {"id": "ease", "label": {"nl": "Gemak", "en": "Ease"}, "icon": "factors/ease.svg"},
            ],
        },
        "comment": {
            "enabled": True,
            "prompt": {"nl": "Nog iets?", "en": "Anything else?"},
            "max_length": 280,
        },
        "idle_timeout_s": 20,
        "thanks": {"nl": "Dank u", "en": "Thank you"},
    }


_TOKEN = re.compile(r"[^.\[\]]+|\[\d+\]")


def edited(path: str, value: object, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of the valid survey with the field at dotted ``path`` set (or DELETE'd)."""
    doc = copy.deepcopy(doc if doc is not None else valid_doc())
    keys: list[str | int] = [int(t[1:-1]) if t.startswith("[") else t for t in _TOKEN.findall(path)]
    parent: Any = doc
    for key in keys[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[keys[-1]]
    else:
        parent[keys[-1]] = value
    return doc


def write(tmp_path: Path, content: dict[str, Any] | bytes, name: str = "bad.json") -> Path:
    path = tmp_path / name
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    path.write_bytes(data)
    return path


def refused(
    tmp_path: Path,
    content: dict[str, Any] | bytes,
    field: str,
    problem: str,
    name: str = "bad.json",
    icons_root: Path | None = None,
) -> SurveyError:
    """Load the file and check the error names the file, the field and the problem."""
    with pytest.raises(SurveyError) as info:
        load_survey(write(tmp_path, content, name), icons_root=icons_root)
    err = info.value
    assert err.source == name
    assert err.field == field, str(err)
    assert problem in err.problem, str(err)
    assert str(err) == f"{name}: {field}: {err.problem}"
    return err


def loads(tmp_path: Path, doc: dict[str, Any], icons_root: Path | None = None) -> Survey:
    return load_survey(write(tmp_path, doc, "good.json"), icons_root=icons_root)


def long_text(n: int) -> str:
    return "x" * n


# --- the shipped surveys and icons -----------------------------------------------------


SHIPPED = sorted(surveys_dir().glob("*.json"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_survey_loads(path: Path) -> None:
    survey = load_survey(path)
    assert survey.source == path.name
    assert survey.raw == path.read_bytes()
    assert survey.default_locale == "nl"
    assert set(survey.locales) >= {"nl", "en"}


def test_in_store_purchase_survey() -> None:
    survey = load_survey(surveys_dir() / "in_store_purchase.json")
    assert survey.id == "in_store_purchase"
    assert survey.scale.id == "ces7"
    assert [f.id for f in survey.factors] == ["price", "ease", "service", "reputation"]
    assert survey.comment.enabled
    assert survey.comment.max_length == 280
    assert survey.idle_timeout_s == 20
    assert survey.attract_mode == "teaser"
    assert survey.question["en"] == "This store made it easy for me to buy what I came for."


def test_returns_desk_survey() -> None:
    survey = load_survey(surveys_dir() / "returns_desk.json")
    assert survey.id == "returns_desk"
    assert survey.scale.id == "smiley5"
    assert [f.id for f in survey.factors] == ["waiting", "staff", "procedure", "refund"]
    assert not survey.comment.enabled
    assert survey.attract_mode == "question"


ICONS = sorted(icons_dir().rglob("*.svg"))


@pytest.mark.parametrize("path", ICONS, ids=[p.relative_to(icons_dir()).as_posix() for p in ICONS])
def test_shipped_icons_are_plain_self_contained_svg(path: Path) -> None:
    root = ET.fromstring(path.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    expected_box = "0 0 96 96" if path.parent.name == "smiley" else "0 0 48 48"
    assert root.get("viewBox") == expected_box
    for element in root.iter():
        assert not element.tag.endswith("}script"), f"{path.name} has a script"
        assert not element.tag.endswith("}foreignObject")
        for attr in element.attrib:
            assert not attr.endswith("href"), f"{path.name} refers to something outside"
            assert not attr.startswith("on"), f"{path.name} has an event handler"


def test_every_factor_icon_the_issue_names_is_shipped() -> None:
    names = {p.stem for p in (icons_dir() / "factors").glob("*.svg")}
    assert names >= {
        "price",
        "ease",
        "service",
        "reputation",
        "waiting",
        "staff",
        "procedure",
        "refund",
    }
    assert {p.name for p in (icons_dir() / "smiley").glob("*.svg")} == {
        f"{n}.svg" for n in range(1, 6)
    }


# --- the model and defaults ------------------------------------------------------------


def test_parse_keeps_raw_bytes_and_source() -> None:
    data = json.dumps(valid_doc(), indent=2).encode()
    survey = parse_survey(data, "<embedded>")
    assert survey.raw == data
    assert survey.source == "<embedded>"
    assert survey.id == "test_survey"
    assert survey.version == 3
    assert survey.locales == ("nl", "en")
    assert survey.touchpoint == "service_desk"
    assert survey.question == {"nl": "Vraag?", "en": "Question?"}
    assert survey.why_prompt == {"nl": "Waarom?", "en": "Why?"}
    assert survey.thanks == {"nl": "Dank u", "en": "Thank you"}


def test_factor_lookup() -> None:
    survey = parse_survey(json.dumps(valid_doc()).encode(), "<embedded>")
    price = survey.factor("price")
    assert price is not None
    assert price.label == {"nl": "Prijs", "en": "Price"}
    assert price.icon == "factors/price.svg"
    assert survey.factor("nope") is None


def test_defaults_for_optional_fields(tmp_path: Path) -> None:
    doc = valid_doc()
    for field in ("scale", "touchpoint", "attract", "comment", "idle_timeout_s"):
        del doc[field]
    survey = loads(tmp_path, doc)
    assert survey.scale.id == "ces7"
    assert survey.touchpoint is None
    assert survey.attract_mode == "teaser"
    assert survey.teaser == {loc: DEFAULT_TEASERS[loc] for loc in ("nl", "en")}
    assert not survey.comment.enabled
    assert survey.idle_timeout_s == 20


def test_custom_teaser_and_question_mode(tmp_path: Path) -> None:
    doc = edited("attract", {"mode": "question", "teaser": {"nl": "Hoi", "en": "Hi"}})
    survey = loads(tmp_path, doc)
    assert survey.attract_mode == "question"
    assert survey.teaser == {"nl": "Hoi", "en": "Hi"}


def test_disabled_comment_needs_no_prompt(tmp_path: Path) -> None:
    survey = loads(tmp_path, edited("comment", {"enabled": False}))
    assert not survey.comment.enabled


def test_null_touchpoint_means_none(tmp_path: Path) -> None:
    assert loads(tmp_path, edited("touchpoint", None)).touchpoint is None


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_every_known_scale_is_accepted(tmp_path: Path, scale: str) -> None:
    assert loads(tmp_path, edited("scale", scale)).scale is SCALES[scale]


def test_all_supported_locales(tmp_path: Path) -> None:
    doc = valid_doc()
    doc["locales"] = ["nl", "en", "de", "fr"]
    for text_map in (
        doc["question"],
        doc["thanks"],
        doc["why"]["prompt"],
        doc["comment"]["prompt"],
        *(f["label"] for f in doc["why"]["factors"]),
    ):
        text_map.update({"de": "Text", "fr": "Texte"})
    assert loads(tmp_path, doc).locales == ("nl", "en", "de", "fr")


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(valid_doc()).encode(), "bom.json")
    assert load_survey(path).id == "test_survey"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("version", 1),
        ("id", "a" * 64),
        ("id", "0-x_y"),
        ("question.en", long_text(300)),
        ("why.prompt.en", long_text(300)),
        ("comment.prompt.en", long_text(300)),
        ("why.factors[0].label.en", long_text(40)),
        ("thanks.en", long_text(200)),
        ("attract.teaser", {"nl": long_text(200), "en": "x"}),
        ("comment.max_length", 1),
        ("comment.max_length", 1000),
        ("idle_timeout_s", 5),
        ("idle_timeout_s", 600),
        ("idle_timeout_s", 7.5),
        ("question.en", "Two\nlines"),
    ],
)
def test_values_at_the_limits_are_accepted(tmp_path: Path, path: str, value: object) -> None:
    loads(tmp_path, edited(path, value))


@pytest.mark.parametrize("count", [2, 8])
def test_factor_count_limits_are_accepted(tmp_path: Path, count: int) -> None:
    factors = [
        {"id": f"f{i}", "label": {"nl": "L", "en": "L"}, "icon": "factors/price.svg"}
        for i in range(count)
    ]
    assert len(loads(tmp_path, edited("why.factors", factors)).factors) == count


def test_file_exactly_at_the_size_limit_is_accepted(tmp_path: Path) -> None:
    data = json.dumps(valid_doc()).encode()
    data += b" " * (MAX_SURVEY_BYTES - len(data))
    assert len(data) == MAX_SURVEY_BYTES
    assert load_survey(write(tmp_path, data)).id == "test_survey"


# --- the file as a whole ---------------------------------------------------------------


def test_not_utf8(tmp_path: Path) -> None:
    refused(tmp_path, b'{"id": "caf\xe9"}', FILE, "not valid UTF-8")


def test_not_json_names_line_and_column(tmp_path: Path) -> None:
    refused(tmp_path, b'{\n  "id": "x",\n  oops\n}', FILE, "not valid JSON")
    err = refused(tmp_path, b'{\n  "id": "x",\n  oops\n}', FILE, "line 3, column 3")
    assert "Expecting property name" in err.problem


def test_empty_file(tmp_path: Path) -> None:
    refused(tmp_path, b"  \n", FILE, "empty")


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"[1, 2]", "a list"), (b'"survey"', "text"), (b"42", "a number"), (b"null", "null")],
)
def test_top_level_must_be_an_object(tmp_path: Path, data: bytes, kind: str) -> None:
    refused(tmp_path, data, TOP, f"expected a JSON object at the top level, got {kind}")


def test_too_large_is_refused_before_parsing(tmp_path: Path) -> None:
    # Not even JSON: the size check has to come first to say so.
    refused(tmp_path, b"[" * (MAX_SURVEY_BYTES + 1), FILE, "larger than the limit")


def test_too_large_bytes_given_directly() -> None:
    data = json.dumps(valid_doc()).encode() + b" " * MAX_SURVEY_BYTES
    with pytest.raises(SurveyError, match="larger than the limit") as info:
        parse_survey(data, "<embedded>")
    assert info.value.source == "<embedded>"


def test_duplicate_field(tmp_path: Path) -> None:
    data = b'{"id": "a", "question": {"nl": "x"}, "question": {"nl": "y"}}'
    refused(tmp_path, data, FILE, "field 'question' appears twice")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_numbers(tmp_path: Path, constant: str) -> None:
    data = json.dumps(valid_doc()).replace('"idle_timeout_s": 20', f'"idle_timeout_s": {constant}')
    assert constant in data
    refused(tmp_path, data.encode(), FILE, f"{constant} is not a number")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SurveyError) as info:
        load_survey(tmp_path / "absent.json")
    assert str(info.value).startswith("absent.json: (file): file not found")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(SurveyError) as info:
        load_survey(tmp_path / "folder.json")
    assert (info.value.source, info.value.field) == ("folder.json", FILE)


# --- hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"[" * 100_000, b'{"a":' * 50_000, b"[" * 50_000 + b"]" * 50_000],
    ids=["open-lists", "open-objects", "closed-lists"],
)
def test_deep_nesting(tmp_path: Path, data: bytes) -> None:
    refused(tmp_path, data, FILE, "nested too deeply")


def test_nesting_inside_a_field_is_a_type_error(tmp_path: Path) -> None:
    deep: object = "x"
    for _ in range(500):
        deep = [deep]
    refused(tmp_path, edited("question.nl", deep), "question.nl", "expected text, got a list")


def test_binary_garbage(tmp_path: Path) -> None:
    garbage = random.Random(7).randbytes(64 * 1024)
    refused(tmp_path, garbage, FILE, "")


def test_png_header(tmp_path: Path) -> None:
    refused(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", FILE, "NUL bytes")


def test_nul_byte_in_the_file(tmp_path: Path) -> None:
    # Raw, not escaped: json.dumps would write it as \u0000.
    data = json.dumps(valid_doc()).encode().replace(b"Vraag?", b"Vraag\x00?", 1)
    assert b"\x00" in data
    refused(tmp_path, data, FILE, "NUL bytes")


def test_utf16_file(tmp_path: Path) -> None:
    refused(tmp_path, json.dumps(valid_doc()).encode("utf-16"), FILE, "NUL bytes")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\r"])
def test_control_character_in_text(tmp_path: Path, char: str) -> None:
    # Arrives as a JSON escape, so it passes the byte-level checks.
    refused(tmp_path, edited("thanks.en", f"Thank{char}you"), "thanks.en", "control character")


def test_huge_integer(tmp_path: Path) -> None:
    data = json.dumps(valid_doc()).replace('"version": 3', '"version": ' + "9" * 5000)
    refused(tmp_path, data.encode(), FILE, "not valid JSON")


def test_huge_float_is_infinite(tmp_path: Path) -> None:
    data = json.dumps(valid_doc()).replace('"idle_timeout_s": 20', '"idle_timeout_s": 1e999')
    refused(tmp_path, data.encode(), "idle_timeout_s", "must be between 5 and 600")


def test_long_unknown_key_is_shortened_in_the_message(tmp_path: Path) -> None:
    err = refused(tmp_path, edited("k" * 10_000, 1), TOP, "unknown field 'kkkk")
    assert len(str(err)) < 200


# --- unknown and missing fields ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "container", "suggestion"),
    [
        ("questoin", TOP, "question"),
        ("idle_timeout", TOP, "idle_timeout_s"),
        ("why.promt", "why", "prompt"),
        ("why.factors[1].lable", "why.factors[1]", "label"),
        ("comment.maxlength", "comment", "max_length"),
        ("attract.teasr", "attract", "teaser"),
    ],
)
def test_unknown_field(tmp_path: Path, path: str, container: str, suggestion: str) -> None:
    name = path.rsplit(".", 1)[-1]
    err = refused(tmp_path, edited(path, "x"), container, f"unknown field '{name}'")
    assert f"did you mean '{suggestion}'?" in err.problem


@pytest.mark.parametrize(
    "path",
    [
        "id",
        "version",
        "default_locale",
        "locales",
        "question",
        "why",
        "thanks",
        "why.prompt",
        "why.factors",
        "why.factors[0].id",
        "why.factors[1].label",
        "why.factors[1].icon",
        "comment.enabled",
        "comment.prompt",
        "attract.mode",
    ],
)
def test_missing_required_field(tmp_path: Path, path: str) -> None:
    refused(tmp_path, edited(path, DELETE), path, "required field is missing")


# --- types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("id", 5, "expected text, got a number"),
        ("version", True, "expected a whole number, got true"),
        ("version", "1", "expected a whole number, got text"),
        ("version", 1.0, "expected a whole number, got a number"),
        ("locales", "nl", "expected a list of locales, got text"),
        ("locales[1]", 7, "expected text, got a number"),
        ("default_locale", None, "expected text, got null"),
        ("scale", 7, "expected text, got a number"),
        ("touchpoint", False, "expected text, got false"),
        ("attract", "teaser", "expected an object, got text"),
        ("question", ["x"], "expected an object with one text per locale, got a list"),
        ("question.nl", 5, "expected text, got a number"),
        ("why", [], "expected an object, got a list"),
        ("why.factors", {}, "expected a list of factors, got an object"),
        ("why.factors[0]", "price", "expected an object, got text"),
        ("why.factors[0].label", None, "expected an object with one text per locale, got null"),
        ("why.factors[0].icon", 1, "expected text, got a number"),
        ("comment", True, "expected an object, got true"),
        ("comment.enabled", "yes", "expected true or false, got text"),
        ("comment.enabled", 1, "expected true or false, got a number"),
        ("comment.max_length", True, "expected a whole number, got true"),
        ("comment.max_length", 280.5, "expected a whole number, got a number"),
        ("idle_timeout_s", True, "expected a number, got true"),
        ("idle_timeout_s", "20", "expected a number, got text"),
        ("thanks", "Dank", "expected an object with one text per locale, got text"),
    ],
)
def test_wrong_type(tmp_path: Path, path: str, value: object, problem: str) -> None:
    refused(tmp_path, edited(path, value), path, problem)


# --- ids, version, locales, scale ----------------------------------------------------------


# "abc\n": a regex's "$" also matches before a final line break, and HQ refuses such an id.
@pytest.mark.parametrize(
    "bad_id", ["In_Store", "", "-x", "_x", "a" * 65, "a b", "é", "a.b", "abc\n"]
)
@pytest.mark.parametrize("path", ["id", "why.factors[1].id", "touchpoint"])
def test_invalid_id(tmp_path: Path, path: str, bad_id: str) -> None:
    refused(tmp_path, edited(path, bad_id), path, "is not a valid id")


@pytest.mark.parametrize("version", [0, -1, 2**31, 2**40])
def test_version_must_be_one_hq_can_store_with_its_answers(tmp_path: Path, version: int) -> None:
    refused(
        tmp_path,
        edited("version", version),
        "version",
        f"must be between 1 and 2147483647, got {version}",
    )


def test_locales_empty(tmp_path: Path) -> None:
    refused(tmp_path, edited("locales", []), "locales", "needs at least one locale")


def test_locale_not_supported(tmp_path: Path) -> None:
    refused(
        tmp_path,
        edited("locales", ["nl", "xx"]),
        "locales[1]",
        "locale 'xx' is not supported (supported: nl, en, de, fr, tr, pl, ar)",
    )


def test_locale_listed_twice(tmp_path: Path) -> None:
    refused(tmp_path, edited("locales", ["nl", "en", "nl"]), "locales[2]", "listed twice")


def test_default_locale_not_in_locales(tmp_path: Path) -> None:
    refused(
        tmp_path,
        edited("default_locale", "de"),
        "default_locale",
        "default locale 'de' is not one of the survey's locales (nl, en)",
    )


def test_unknown_scale(tmp_path: Path) -> None:
    refused(
        tmp_path,
        edited("scale", "ces9"),
        "scale",
        "unknown scale 'ces9' (known: ces5, ces7, smiley5)",
    )


def test_face_scale_needs_its_icons(tmp_path: Path) -> None:
    icons = tmp_path / "icons"
    (icons / "factors").mkdir(parents=True)
    for name in ("price", "ease"):
        (icons / "factors" / f"{name}.svg").write_text("<svg/>")
    refused(tmp_path, edited("scale", "smiley5"), "scale", "'smiley/1.svg'", icons_root=icons)


def test_unknown_attract_mode(tmp_path: Path) -> None:
    refused(tmp_path, edited("attract.mode", "video"), "attract.mode", "unknown mode 'video'")


# --- texts ---------------------------------------------------------------------------


TEXT_MAPS = [
    "question",
    "thanks",
    "why.prompt",
    "why.factors[1].label",
    "comment.prompt",
]


@pytest.mark.parametrize("path", [*TEXT_MAPS, "attract.teaser"])
def test_missing_translation(tmp_path: Path, path: str) -> None:
    doc = edited("attract.teaser", {"nl": "Hoi", "en": "Hi"})
    refused(tmp_path, edited(f"{path}.en", DELETE, doc), path, "missing translation for 'en'")


@pytest.mark.parametrize("path", TEXT_MAPS)
def test_translation_outside_the_locales(tmp_path: Path, path: str) -> None:
    refused(
        tmp_path,
        edited(f"{path}.de", "Deutsch"),
        path,
        "translation for 'de', which is not one of the survey's locales (nl, en)",
    )


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
@pytest.mark.parametrize("path", TEXT_MAPS)
def test_blank_translation(tmp_path: Path, path: str, blank: str) -> None:
    refused(tmp_path, edited(f"{path}.nl", blank), f"{path}.nl", "text is blank")


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("question.en", 300),
        ("why.prompt.en", 300),
        ("comment.prompt.en", 300),
        ("why.factors[0].label.en", 40),
        ("thanks.en", 200),
    ],
)
def test_text_too_long(tmp_path: Path, path: str, limit: int) -> None:
    refused(
        tmp_path,
        edited(path, long_text(limit + 1)),
        path,
        f"text is {limit + 1} characters; the limit is {limit}",
    )


def test_teaser_too_long(tmp_path: Path) -> None:
    doc = edited("attract.teaser", {"nl": long_text(201), "en": "Hi"})
    refused(tmp_path, doc, "attract.teaser.nl", "the limit is 200")


# --- factors and icons -----------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 9])
def test_factor_count(tmp_path: Path, count: int) -> None:
    factors = [
        {"id": f"f{i}", "label": {"nl": "L", "en": "L"}, "icon": "factors/price.svg"}
        for i in range(count)
    ]
    refused(tmp_path, edited("why.factors", factors), "why.factors", f"got {count}")


def test_duplicate_factor_id(tmp_path: Path) -> None:
    refused(
        tmp_path,
        edited("why.factors[1].id", "price"),
        "why.factors[1].id",
        "factor id 'price' is used twice",
    )


@pytest.mark.parametrize(
    ("icon", "problem"),
    [
        ("factors/x.svg", "icon file 'factors/x.svg' not found in assets/icons"),
        ("../../etc/passwd", "must not contain '..'"),
        ("../factors/price.svg", "must not contain '..'"),
        ("factors/../factors/price.svg", "must not contain '..'"),
        ("/etc/passwd.svg", "must be relative"),
        ("factors\\price.svg", "may only use letters"),
        ("C:/icons/price.svg", "may only use letters"),
        ("factors/price.png", "must be an .svg file"),
        ("factors", "must be an .svg file"),
        ("", "icon path is empty"),
        ("factors/price.svg\x00", "may only use letters"),
        ("a/" * 150 + "x.svg", "longer than 200 characters"),
    ],
)
def test_bad_icon(tmp_path: Path, icon: str, problem: str) -> None:
    refused(tmp_path, edited("why.factors[1].icon", icon), "why.factors[1].icon", problem)


def test_dotdot_passwd_is_refused(tmp_path: Path) -> None:
    # The hostile classic, with an .svg ending so only the '..' rule can stop it.
    refused(
        tmp_path,
        edited("why.factors[0].icon", "../../../../etc/passwd.svg"),
        "why.factors[0].icon",
        "must not contain '..'",
    )


def _icons_root(tmp_path: Path) -> Path:
    icons = tmp_path / "icons"
    (icons / "factors").mkdir(parents=True)
    for name in ("price", "ease"):
        (icons / "factors" / f"{name}.svg").write_text("<svg/>")
    return icons


def test_icon_that_is_a_folder(tmp_path: Path) -> None:
    icons = _icons_root(tmp_path)
    (icons / "factors" / "dir.svg").mkdir()
    refused(
        tmp_path,
        edited("why.factors[0].icon", "factors/dir.svg"),
        "why.factors[0].icon",
        "not found in",
        icons_root=icons,
    )


def test_icon_symlink_out_of_the_folder(tmp_path: Path) -> None:
    icons = _icons_root(tmp_path)
    outside = tmp_path / "secret.svg"
    outside.write_text("<svg/>")
    (icons / "factors" / "link.svg").symlink_to(outside)
    refused(
        tmp_path,
        edited("why.factors[0].icon", "factors/link.svg"),
        "why.factors[0].icon",
        "not found in",
        icons_root=icons,
    )


def test_icons_root_is_used(tmp_path: Path) -> None:
    icons = _icons_root(tmp_path)
    assert loads(tmp_path, valid_doc(), icons_root=icons).factors[0].icon == "factors/price.svg"
    (icons / "factors" / "ease.svg").unlink()
    refused(
        tmp_path,
        valid_doc(),
        "why.factors[1].icon",
        f"icon file 'factors/ease.svg' not found in {icons}",
        icons_root=icons,
    )


# --- comment, idle timeout ---------------------------------------------------------------


@pytest.mark.parametrize("length", [0, -5, 1001])
def test_comment_max_length_range(tmp_path: Path, length: int) -> None:
    refused(
        tmp_path,
        edited("comment.max_length", length),
        "comment.max_length",
        f"must be between 1 and 1000, got {length}",
    )


@pytest.mark.parametrize("timeout", [0, 4.9, 600.5, -20])
def test_idle_timeout_range(tmp_path: Path, timeout: float) -> None:
    refused(
        tmp_path,
        edited("idle_timeout_s", timeout),
        "idle_timeout_s",
        f"must be between 5 and 600, got {timeout}",
    )


# --- no Qt -------------------------------------------------------------------------------


def test_survey_module_does_not_import_qt() -> None:
    code = (
        "import sys, ces.survey\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "assert not qt, qt\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
