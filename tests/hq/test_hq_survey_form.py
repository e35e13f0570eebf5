"""The editor's form and the survey document: every shipped survey goes to the form and back
unchanged, and each validator field path lands on the form field it is about."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ces.assets import surveys_dir
from ces.svg import sanitise_svg
from hq.dashboard.survey_form import FormProblem, document_of, field_of, form_of

SHIPPED = sorted(surveys_dir().glob("*.json"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_a_shipped_survey_goes_to_the_form_and_back_unchanged(path: Any) -> None:
    doc = json.loads(path.read_bytes())
    built = document_of(form_of(doc), {})
    expected = {k: v for k, v in doc.items() if k != "version"}
    assert built.document == expected


def test_an_upload_becomes_its_rows_icon_and_travels_in_icons() -> None:
    doc = json.loads(SHIPPED[0].read_bytes())
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script><circle r="3"/></svg>'
    built = document_of(form_of(doc), {"factor2_upload": svg})
    clean = sanitise_svg(svg)
    assert built.document["why"]["factors"][2]["icon"] == clean.reference
    assert built.document["icons"] == {clean.sha256: clean.text}
    assert built.removed == {2: ("<script>",)}
    # Chosen away again, the icon no longer travels with the survey.
    form = form_of(built.document)
    form["factor2_icon"] = "factors/price.svg"
    assert "icons" not in document_of(form, {}).document


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"comment_max_length": "x", "idle_timeout_s": "20"}, "comment_max_length"),
        ({"comment_max_length": "280", "idle_timeout_s": "later"}, "idle_timeout_s"),
    ],
)
def test_numbers_that_are_not_numbers_are_named(form: dict[str, str], field: str) -> None:
    with pytest.raises(FormProblem) as info:
        document_of(form, {})
    assert info.value.field == field


def test_validator_paths_land_on_their_form_fields() -> None:
    doc = json.loads(SHIPPED[0].read_bytes())
    form = form_of(doc)
    # Row 1 left empty: the document's factors 1.. are the form's rows 2..
    emptied = {f"factor1_label_{loc}": "" for loc in doc["locales"]}
    built = document_of({**form, "factor1_id": "", **emptied}, {})
    assert built.rows == (0, 2, 3)
    assert field_of("why.factors[1].label.nl", built) == "factor2_label_nl"
    assert field_of("why.factors[2].icon", built) == "factor3_icon"
    assert field_of("why.factors[0].id", built) == "factor0_id"
    assert field_of("why.factors", built) == "factors"
    assert field_of("question.en", built) == "question_en"
    assert field_of("attract.teaser.nl", built) == "teaser_nl"
    assert field_of("attract.mode", built) == "attract_mode"
    assert field_of("comment.prompt.en", built) == "comment_prompt_en"
    assert field_of("comment.max_length", built) == "comment_max_length"
    assert field_of("locales[1]", built) == "locales"
    assert field_of("(top level)", built) is None
    assert field_of("state", built) is None
