"""Uploaded icons in a survey file: "svg:<sha256>" names an icon in the survey's "icons",
which must be the sanitiser's own output; the kiosk's validator refuses anything else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_survey import valid_doc
from test_survey_schema import schema_errors

from ces.survey import SurveyError, parse_survey
from ces.svg import icon_hash, sanitise_svg

CLEAN = sanitise_svg(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><circle cx="24" cy="24" r="9"/></svg>'
).text
DIGEST = icon_hash(CLEAN)


def _with_icon(svg: str = CLEAN, digest: str = DIGEST, ref: str | None = None) -> dict[str, Any]:
    doc = valid_doc()
    doc["icons"] = {digest: svg}
    doc["why"]["factors"][1]["icon"] = ref if ref is not None else "svg:" + digest
    return doc


def _parse(doc: object) -> Any:
    return parse_survey(json.dumps(doc).encode(), "up.json")


def _refused(doc: object) -> SurveyError:
    with pytest.raises(SurveyError) as info:
        _parse(doc)
    return info.value


def test_a_factor_can_carry_an_uploaded_icon() -> None:
    survey = _parse(_with_icon())
    assert survey.icons == {DIGEST: CLEAN}
    assert survey.factors[1].uploaded_icon == DIGEST
    assert survey.factors[0].uploaded_icon is None
    assert schema_errors(_with_icon()) == []


def test_an_icon_with_a_script_added_by_hand_is_refused() -> None:
    hostile = CLEAN.replace("<circle", "<script>alert(1)</script><circle")
    err = _refused(_with_icon(hostile, icon_hash(hostile)))
    assert err.field == f"icons.{icon_hash(hostile)}"
    assert "sanitised" in err.problem


@pytest.mark.parametrize(
    ("doc", "field", "said"),
    [
        (_with_icon(digest="0" * 64), "icons." + "0" * 64, "sha256"),
        (_with_icon(digest="ABC"), "icons.ABC", "not a sha256"),
        (_with_icon(ref="svg:" + "1" * 64), "why.factors[1].icon", "not in the survey's icons"),
        (_with_icon(ref="svg:nothex"), "why.factors[1].icon", "64 hex"),
        (_with_icon(ref="factors/ease.svg"), "icons." + DIGEST, "not used"),
        ({**_with_icon(), "icons": [CLEAN]}, "icons", "expected an object"),
        ({**_with_icon(), "icons": {DIGEST: 5}}, "icons." + DIGEST, "expected text"),
    ],
)
def test_wrong_icons_are_refused_with_the_field(doc: object, field: str, said: str) -> None:
    err = _refused(doc)
    assert err.field == field
    assert said in err.problem


def test_an_oversized_icon_is_refused() -> None:
    big = CLEAN.replace("<circle", "<title>" + "x" * 20000 + "</title><circle")
    err = _refused(_with_icon(big, icon_hash(big)))
    assert "larger than" in err.problem
