"""The survey format's JSON Schema says what the validator (parse_survey) says: every shipped
survey passes both, and each malformed survey below is refused by both — except the rules
the schema cannot see, where it is checked that only the validator refuses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError, validators

from ces.assets import surveys_dir
from ces.locales import SUPPORTED_LOCALES
from ces.scales import SCALES
from ces.survey import MAX_FACTORS, SurveyError, parse_survey
from ces.survey_schema import SCHEMA_FILE, survey_schema, survey_schema_json

SHIPPED = sorted(surveys_dir().glob("*.json"))
BASE = surveys_dir() / "in_store_purchase.json"


def _ecma_pattern(validator: Any, pattern: str, instance: object, schema: dict[str, Any]) -> Any:
    # JSON Schema patterns are ECMA-262, where "$" ends the text; Python's re (which the
    # jsonschema package uses) also lets "$" match before a final line break. Read as the
    # specification means, so "abc\n" is not taken for an id.
    if isinstance(instance, str) and not re.search(pattern.replace("$", r"\Z"), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


EcmaValidator = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


def schema_errors(doc: object) -> list[str]:
    schema = survey_schema()
    return [e.message for e in EcmaValidator(schema).iter_errors(doc)]


def _dutch_english(value: Any) -> Any:
    if isinstance(value, dict):
        if isinstance(value.get("en"), str):
            return {k: v for k, v in value.items() if k in ("nl", "en")}
        return {k: _dutch_english(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dutch_english(v) for v in value]
    return value


def base() -> dict[str, Any]:
    """The shipped survey in Dutch and English only: the cases below add or break one
    language's text, and name German as a language it does not have."""
    doc: dict[str, Any] = _dutch_english(json.loads(BASE.read_bytes()))
    doc["locales"] = ["nl", "en"]
    return doc


def edited(case: Case) -> object:
    doc = base()
    replacement = case.edit(doc)
    return doc if replacement is None else replacement


def checker_refuses(doc: object) -> str:
    with pytest.raises(SurveyError) as info:
        parse_survey(json.dumps(doc, ensure_ascii=False).encode(), "case.json")
    return str(info.value)


# --- the schema itself -------------------------------------------------------------------


def test_the_committed_schema_is_the_generated_one() -> None:
    # After changing a rule: python -m ces.survey_schema
    assert SCHEMA_FILE.read_text(encoding="utf-8") == survey_schema_json()


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(survey_schema())
    assert survey_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_takes_its_enums_from_the_shared_definitions() -> None:
    props = survey_schema()["properties"]
    assert props["scale"]["enum"] == sorted(SCALES)
    assert props["locales"]["items"]["enum"] == list(SUPPORTED_LOCALES)
    assert props["default_locale"]["enum"] == list(SUPPORTED_LOCALES)
    assert props["why"]["properties"]["factors"]["maxItems"] == MAX_FACTORS


def test_the_character_classes_need_no_escape_beyond_four_hex_digits() -> None:
    assert not re.search(r"\\u[0-9a-f]{5}", survey_schema_json())


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_survey_passes_the_schema(path: Any) -> None:
    doc = json.loads(path.read_bytes())
    assert schema_errors(doc) == []
    parse_survey(path.read_bytes(), path.name)


# --- the two agree ------------------------------------------------------------------------


# Changes the document in place, or returns the document to use instead.
Edit = Callable[[dict[str, Any]], object]


@dataclass(frozen=True)
class Case:
    name: str
    edit: Edit
    schema_sees: bool = True  # False: a rule only the validator can check (see the schema)


def put(path: str, value: object) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is _DELETE:
            del node[last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return edit


_DELETE = object()


def factors(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"f{i}", "label": {"nl": f"F{i}", "en": f"F{i}"}, "icon": "factors/price.svg"}
        for i in range(n)
    ]


REFUSED = [
    # types
    Case("id is a number", put("id", 7)),
    Case("version is text", put("version", "1")),
    Case("version is true", put("version", True)),
    Case("version is 0", put("version", 0)),
    Case("locales is text", put("locales", "nl")),
    Case("question is text", put("question", "Vraag?")),
    Case("a text is a number", put("question.nl", 3)),
    Case("comment.enabled is 1", put("comment.enabled", 1)),
    Case("comment.max_length is text", put("comment.max_length", "280")),
    Case("idle_timeout_s is text", put("idle_timeout_s", "20")),
    Case("why.factors is an object", put("why.factors", {})),
    Case("touchpoint is a list", put("touchpoint", [])),
    Case("the top level is a list", lambda doc: [doc]),
    # unknown and missing fields
    Case("unknown top-level field", put("questoin", {"nl": "x", "en": "x"})),
    Case("unknown factor field", put("why.factors.0.lable", {"nl": "x", "en": "x"})),
    Case("unknown comment field", put("comment.limit", 10)),
    Case("unknown attract field", put("attract.text", {"nl": "x", "en": "x"})),
    Case("unknown why field", put("why.title", {"nl": "x", "en": "x"})),
    Case("missing thanks", put("thanks", _DELETE)),
    Case("missing factor icon", put("why.factors.0.icon", _DELETE)),
    Case("missing attract.mode", put("attract.mode", _DELETE)),
    Case("enabled comment without prompt", put("comment.prompt", _DELETE)),
    # counts and ranges
    Case("too many factors", put("why.factors", factors(MAX_FACTORS + 1))),
    Case("one factor", put("why.factors", factors(1))),
    Case("no locales", put("locales", [])),
    Case("a locale twice", put("locales", ["nl", "nl"])),
    Case("idle timeout too short", put("idle_timeout_s", 4.9)),
    Case("idle timeout too long", put("idle_timeout_s", 601)),
    Case("comment limit 0", put("comment.max_length", 0)),
    Case("comment limit 1001", put("comment.max_length", 1001)),
    # enums and patterns
    Case("bad scale", put("scale", "ces10")),
    Case("bad locale", put("locales", ["nl", "xx"])),
    Case("bad default locale", put("default_locale", "xx")),
    Case("bad attract mode", put("attract.mode", "video")),
    Case("uppercase id", put("id", "In_Store")),
    Case("id with a final line break", put("id", "abc\n")),
    Case("factor id with a space", put("why.factors.0.id", "a b")),
    Case("touchpoint too long", put("touchpoint", "a" * 65)),
    Case("icon not svg", put("why.factors.0.icon", "factors/price.png")),
    Case("icon absolute", put("why.factors.0.icon", "/factors/price.svg")),
    Case("icon climbs out", put("why.factors.0.icon", "factors/../../x.svg")),
    Case("icon with a backslash", put("why.factors.0.icon", "factors\\price.svg")),
    Case("icon path too long", put("why.factors.0.icon", "a/" * 100 + "x.svg")),
    Case("icon with a final line break", put("why.factors.0.icon", "factors/price.svg\n")),
    # texts
    Case("question too long", put("question.nl", "x" * 301)),
    Case("label too long", put("why.factors.0.label.nl", "x" * 41)),
    Case("thanks too long", put("thanks.en", "x" * 201)),
    Case("blank text", put("thanks.nl", " \n\u00a0")),
    Case("empty text", put("question.en", "")),
    Case("control character", put("question.nl", "Vraag\u0007?")),
    Case("text for a locale nobody supports", put("question.xx", "x")),
    # rules the schema cannot see
    Case("version 1.0", put("version", 1.0), schema_sees=False),
    Case("default locale not among locales", put("default_locale", "de"), schema_sees=False),
    Case("missing translation", put("question.en", _DELETE), schema_sees=False),
    Case("translation outside the locales", put("question.de", "Frage"), schema_sees=False),
    Case(
        "factor id twice",
        put("why.factors.1.id", "price"),
        schema_sees=False,
    ),
    Case("icon file missing", put("why.factors.0.icon", "factors/nope.svg"), schema_sees=False),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_a_malformed_survey_is_refused_by_the_validator_and_the_schema(case: Case) -> None:
    doc = edited(case)
    checker_refuses(doc)
    if case.schema_sees:
        assert schema_errors(doc) != []
    else:
        # The mark is true: the schema takes it (and its description names the rule).
        assert schema_errors(doc) == []


def test_the_schema_names_the_rules_it_cannot_see() -> None:
    description = survey_schema()["description"]
    for rule in ("1.0", "default_locale is one of locales", "factor ids are unique", "exists"):
        assert rule in description


def _drop(doc: dict[str, Any], *keys: str) -> None:
    for key in (*keys, "idle_timeout_s"):
        del doc[key]


def _all_locales(doc: dict[str, Any]) -> None:
    doc["locales"] = list(SUPPORTED_LOCALES)

    def fill(node: Any) -> None:
        if isinstance(node, dict):
            if set(node) == {"nl", "en"}:
                node.update({loc: node["en"] for loc in SUPPORTED_LOCALES})
                return
            for value in node.values():
                fill(value)
        elif isinstance(node, list):
            for value in node:
                fill(value)

    fill(doc)


ACCEPTED = [
    Case("nothing optional", lambda doc: _drop(doc, "scale", "touchpoint", "attract", "comment")),
    Case("touchpoint null", put("touchpoint", None)),
    Case("comment off, no prompt", lambda doc: doc.update(comment={"enabled": False})),
    Case("eight factors", put("why.factors", factors(MAX_FACTORS))),
    Case("texts at their limits", lambda doc: doc.update(question={"nl": "x" * 300, "en": "y"})),
    Case("a line break in a text", put("thanks.nl", "Bedankt!\nTot ziens.")),
    Case("idle timeout at its ends", put("idle_timeout_s", 600)),
    Case("fractional idle timeout", put("idle_timeout_s", 5.5)),
    Case("all four locales", _all_locales),
    Case("smiley scale", put("scale", "smiley5")),
    Case("question on the attract screen", put("attract", {"mode": "question"})),
]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.name for c in ACCEPTED])
def test_a_valid_variant_passes_both(case: Case) -> None:
    doc = edited(case)
    parse_survey(json.dumps(doc).encode(), "case.json")
    assert schema_errors(doc) == []
