"""The answer record (ces.answer) is what docs/protocol.md promises a kiosk may send."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from ces.answer import (
    ANSWER_FIELDS,
    ANSWER_ID_RE,
    FLAGS,
    ID_PATTERN,
    ID_RE,
    MAX_FLAGS,
    OUTCOMES,
    RAPID_FLAG,
    NewAnswer,
    new_answer_id,
)
from ces.locales import SUPPORTED_LOCALES

PROTOCOL = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(
    encoding="utf-8"
)


def answer_table() -> dict[str, str]:
    """docs/protocol.md's table of an answer's fields: each field's rule, in table order."""
    _, _, after = PROTOCOL.partition("An answer has exactly these fields")
    table = after.split("\n\n", 2)[1]  # the paragraph after the sentence
    rules: dict[str, str] = {}
    for names, _type, rule in re.findall(r"^\| (`[^|]+`) \| ([^|]+) \| (.+) \|$", table, re.M):
        for name in names.split(","):
            rules[name.strip(" `")] = rule
    return rules


def backticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def test_the_answer_fields_are_the_protocols_table_in_its_order() -> None:
    assert tuple(answer_table()) == ANSWER_FIELDS


def test_outcomes_flags_locales_and_ids_are_the_ones_the_table_names() -> None:
    rules = answer_table()
    assert tuple(backticked(rules["outcome"])) == OUTCOMES
    assert tuple(backticked(rules["flags"])) == FLAGS
    assert f"at most {MAX_FLAGS}" in rules["flags"]
    assert tuple(backticked(rules["locale"])) == SUPPORTED_LOCALES
    assert backticked(rules["survey_id"]) == [f"^{ID_PATTERN}$"]


@pytest.mark.parametrize(
    "good", ["in_store_purchase", "s042", "0", "a-b_c", "x" * 64, "returns-desk2"]
)
def test_the_id_rule_accepts(good: str) -> None:
    assert ID_RE.fullmatch(good)


@pytest.mark.parametrize(
    "bad", ["", "In_Store", "_leading", "-leading", "x" * 65, "with space", "é", "a.b", "a/b"]
)
def test_the_id_rule_refuses(bad: str) -> None:
    assert not ID_RE.fullmatch(bad)


def test_an_answer_id_is_a_canonical_lowercase_uuid() -> None:
    made = new_answer_id()
    assert ANSWER_ID_RE.fullmatch(made)
    assert str(uuid.UUID(made)) == made
    assert new_answer_id() != made


@pytest.mark.parametrize(
    "bad",
    [
        str(uuid.uuid4()).upper(),
        uuid.uuid4().hex,  # no dashes
        "{" + str(uuid.uuid4()) + "}",
        str(uuid.uuid4())[:-1],
        str(uuid.uuid4()) + "0",
        "",
    ],
)
def test_the_answer_id_rule_refuses_other_spellings(bad: str) -> None:
    assert not ANSWER_ID_RE.fullmatch(bad)


def _new(**changes: object) -> NewAnswer:
    fields: dict[str, object] = {
        "kiosk_id": new_answer_id(),
        "store_id": "s042",
        "touchpoint": "in_store_purchase",
        "survey_id": "in_store_purchase",
        "survey_version": 1,
        "locale": "nl",
        "scale": "ces7",
        "score": 6,
        "started_at": "2026-11-22T09:00:00.000Z",
        "answered_at": "2026-11-22T09:00:03.000Z",
    }
    fields.update(changes)
    return NewAnswer(**fields)  # type: ignore[arg-type]


def test_with_id_makes_an_id_once_and_keeps_it() -> None:
    fresh = _new()
    assert fresh.id == ""
    made = fresh.with_id()
    assert ANSWER_ID_RE.fullmatch(made.id)
    # A retry of the same write keeps the id: HQ can tell a resend from a new answer.
    assert made.with_id() == made
    assert made.with_id().id == made.id
    assert fresh.with_id().id != made.id


def test_with_id_keeps_an_id_given_and_the_other_fields() -> None:
    given = str(uuid.uuid4())
    assert _new(id=given).with_id().id == given
    made = _new(flags=(RAPID_FLAG,)).with_id()
    assert (made.score, made.flags, made.locale) == (6, (RAPID_FLAG,), "nl")
