"""The JSON Schema (draft 2020-12) of survey files, built from the rules in ces.survey.

The schema is generated from the same constants the checker uses (limits, scales, locales,
the id pattern), so the two cannot drift apart; ``survey.schema.json`` beside this module is
the committed copy for readers and editors, and a test checks it equals the generated one
(regenerate it with ``python -m ces.survey_schema``). The checker stays the authority: the
rules a schema cannot express are listed in the schema's own descriptions.

Patterns are ECMA-262, as JSON Schema specifies: ``$`` is the end of the text.
"""

from __future__ import annotations

import functools
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ces import survey as rules
from ces.answer import ID_PATTERN
from ces.locales import SUPPORTED_LOCALES
from ces.scales import DEFAULT_SCALE, SCALES
from ces.svg import MAX_SVG_BYTES

SCHEMA_ID = "/schemas/survey.json"
SCHEMA_FILE = Path(__file__).with_name("survey.schema.json")

_CHECKER_ONLY = (
    "Rules this schema cannot see, which the validator in ces/survey.py (parse_survey) also "
    "applies: the file is UTF-8 JSON of at most {max_bytes:,} bytes, without a field twice "
    "in one object, NaN or Infinity; whole numbers are written without a fraction (1, not "
    "1.0); default_locale is one of locales; every text map has exactly one text for each of "
    "the survey's locales; factor ids are unique within the survey; every icon file (and "
    'a scale\'s own icons) exists under assets/icons; an uploaded icon ("svg:<sha256>") is in '
    "icons under the sha256 of its text, is exactly what the SVG sanitiser (ces/svg.py) makes "
    "of it, and is used by a factor. See docs/survey-format.md."
)


def _ranges(predicate: Callable[[str], bool]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if predicate(chr(code)):
            if spans and spans[-1][1] == code - 1:
                spans[-1] = (spans[-1][0], code)
            else:
                spans.append((code, code))
    return spans


def _char_class(predicate: Callable[[str], bool], negate: bool = False) -> str:
    """A regex character class of the code points ``predicate`` holds for, as \\uXXXX
    escapes (all of them are in the Basic Multilingual Plane, which a test checks)."""
    parts = []
    for low, high in _ranges(predicate):
        parts.append(f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}")
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _control(ch: str) -> bool:
    # The checker's rule: any Cc character except the line break.
    return ch != "\n" and unicodedata.category(ch) == "Cc"


@functools.cache
def _text_patterns() -> tuple[str, str]:
    # str.strip()'s idea of blank, spelt out, since regex engines disagree on what \s takes.
    not_blank = _char_class(str.isspace, negate=True)
    no_control = "^" + _char_class(_control, negate=True) + "*$"
    return not_blank, no_control


def _text_def() -> dict[str, Any]:
    not_blank, no_control = _text_patterns()
    return {
        "type": "string",
        "description": "a text: not blank, with line breaks but no other control characters",
        "allOf": [{"pattern": not_blank}, {"pattern": no_control}],
    }


def _texts(limit: int, what: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"{what}, one text per locale (keys: exactly the survey's locales, "
        f"which the validator checks); each at most {limit} characters",
        "propertyNames": {"enum": list(SUPPORTED_LOCALES)},
        "minProperties": 1,
        "additionalProperties": {"$ref": "#/$defs/text", "maxLength": limit},
    }


def _object(
    properties: dict[str, Any], required: tuple[str, ...], allowed: frozenset[str]
) -> dict[str, Any]:
    # The checker's own field lists decide; a field documented here but not there (or the
    # other way round) is a bug this catches at build time.
    assert set(properties) == allowed, sorted(set(properties) ^ allowed)
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": properties,
    }


def _build() -> dict[str, Any]:
    identifier = {"type": "string", "pattern": f"^{ID_PATTERN}$"}
    factor = _object(
        {
            "id": {**identifier, "description": "stored with each answer that names it"},
            "label": _texts(rules.MAX_LABEL_CHARS, "the factor's button label"),
            "icon": {
                "type": "string",
                "description": "an .svg file relative to assets/icons, e.g. factors/price.svg: "
                "letters, digits, '_', '-', '.' and '/', not starting with '/', "
                "no '..' segment (the file must exist: checked by the validator); or "
                "'svg:' and the sha256 of an uploaded icon in the survey's icons",
                "maxLength": rules.MAX_ICON_PATH_CHARS,
                "pattern": r"^(?:svg:[0-9a-f]{64}|(?!/)(?!(?:.*/)?\.\.(?:/|$))[A-Za-z0-9_./-]*\.svg)$",
            },
        },
        ("id", "label", "icon"),
        rules._FACTOR_FIELDS,
    )
    why = _object(
        {
            "prompt": _texts(rules.MAX_PROMPT_CHARS, "the follow-up question"),
            "factors": {
                "type": "array",
                "description": f"{rules.MIN_FACTORS} to {rules.MAX_FACTORS} factors, shown "
                "as buttons in this order; ids unique (checked by the validator)",
                "minItems": rules.MIN_FACTORS,
                "maxItems": rules.MAX_FACTORS,
                "items": {"$ref": "#/$defs/factor"},
            },
        },
        ("prompt", "factors"),
        rules._WHY_FIELDS,
    )
    attract = _object(
        {
            "mode": {
                "enum": list(rules.ATTRACT_MODES),
                "description": "teaser: the attract screen shows a teaser; question: it shows "
                "the question, so the first tap is the answer",
            },
            "teaser": _texts(rules.MAX_TEASER_CHARS, "the attract screen's teaser"),
        },
        ("mode",),
        rules._ATTRACT_FIELDS,
    )
    comment = _object(
        {
            "enabled": {"type": "boolean"},
            "prompt": _texts(rules.MAX_PROMPT_CHARS, "the comment screen's question"),
            "max_length": {
                "type": "integer",
                "minimum": rules.MIN_COMMENT_LENGTH,
                "maximum": rules.MAX_COMMENT_LENGTH,
                "default": rules.DEFAULT_COMMENT_LENGTH,
            },
        },
        ("enabled",),
        rules._COMMENT_FIELDS,
    )
    comment["description"] = "the optional comment screen; a prompt is required when enabled"
    comment["if"] = {"properties": {"enabled": {"const": True}}, "required": ["enabled"]}
    comment["then"] = {"required": ["prompt"]}
    top = _object(
        {
            "id": {**identifier, "description": "stored with every answer"},
            "version": {
                "type": "integer",
                "minimum": 1,
                "maximum": rules.MAX_VERSION,
                "description": "raise it whenever the wording changes",
            },
            "default_locale": {
                "enum": list(SUPPORTED_LOCALES),
                "description": "the language the kiosk starts in: one of locales "
                "(checked by the validator)",
            },
            "locales": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": list(SUPPORTED_LOCALES)},
            },
            "scale": {"enum": sorted(SCALES), "default": DEFAULT_SCALE},
            "touchpoint": {
                "type": ["string", "null"],
                "pattern": f"^{ID_PATTERN}$",
                "default": None,
                "description": "the touchpoint answers are filed under (default: the id)",
            },
            "attract": {**attract, "description": 'default: {"mode": "teaser"}'},
            "question": _texts(rules.MAX_QUESTION_CHARS, "the CES question"),
            "why": why,
            "comment": comment,
            "idle_timeout_s": {
                "type": "number",
                "minimum": rules.MIN_IDLE_TIMEOUT_S,
                "maximum": rules.MAX_IDLE_TIMEOUT_S,
                "default": rules.DEFAULT_IDLE_TIMEOUT_S,
                "description": "seconds a question screen waits for a tap",
            },
            "thanks": _texts(rules.MAX_THANKS_CHARS, "the thank-you screen"),
            "icons": {
                "type": "object",
                "description": "uploaded icons: sanitised SVG text by the sha256 of its UTF-8 "
                "bytes, named by a factor's icon as 'svg:<sha256>'",
                "propertyNames": {"pattern": "^[0-9a-f]{64}$"},
                "additionalProperties": {"type": "string", "maxLength": MAX_SVG_BYTES},
            },
        },
        rules._TOP_REQUIRED,
        rules._TOP_FIELDS,
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Effortless survey",
        "description": "One kiosk survey (a CES question, its factors and texts). "
        + _CHECKER_ONLY.format(max_bytes=rules.MAX_SURVEY_BYTES),
        **top,
        "$defs": {"factor": factor, "text": _text_def()},
    }


@functools.cache
def _generated() -> str:
    return json.dumps(_build(), indent=2, ensure_ascii=False) + "\n"


def survey_schema() -> dict[str, Any]:
    """The schema as a fresh dict (callers may change their copy)."""
    loaded: dict[str, Any] = json.loads(_generated())
    return loaded


def survey_schema_json() -> str:
    """The schema as text, exactly as committed in survey.schema.json."""
    return _generated()


if __name__ == "__main__":
    SCHEMA_FILE.write_text(survey_schema_json(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
