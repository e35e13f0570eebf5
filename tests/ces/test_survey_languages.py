"""A survey may be asked in any of the seven languages (ces.locales), Arabic included;
its translations are checked when it is loaded, by the kiosk and by HQ alike, and a
missing one is named precisely. The shipped scales and surveys speak every language."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ces.assets import default_survey_path
from ces.locales import SUPPORTED_LOCALES
from ces.scales import SCALES
from ces.survey import SurveyError, load_survey, parse_survey

TEXTS: dict[str, dict[str, str]] = {
    "ar": {
        "question": "هل كان من السهل العثور على ما تبحث عنه؟",
        "prompt": "ما السبب الرئيسي؟",
        "label": "السعر",
        "comment": "هل من شيء آخر؟",
        "thanks": "شكرًا لك!",
    },
    "tr": {
        "question": "Aradığınızı bulmak kolay mıydı?",
        "prompt": "Asıl neden neydi?",
        "label": "Fiyat",
        "comment": "Eklemek istediğiniz bir şey var mı?",
        "thanks": "Teşekkür ederiz!",
    },
    "pl": {
        "question": "Czy łatwo było znaleźć to, czego Państwo szukali?",
        "prompt": "Jaki był główny powód?",
        "label": "Cena",
        "comment": "Coś jeszcze?",
        "thanks": "Dziękujemy!",
    },
    "en": {
        "question": "Was it easy to find what you were looking for?",
        "prompt": "What was the main reason?",
        "label": "Price",
        "comment": "Anything else?",
        "thanks": "Thank you!",
    },
}


def survey_in(*locales: str) -> dict[str, Any]:
    def texts(key: str) -> dict[str, str]:
        return {loc: TEXTS[loc][key] for loc in locales}

    return {
        "id": "multilingual",
        "version": 1,
        "default_locale": locales[0],
        "locales": list(locales),
        "scale": "smiley5",
        "question": texts("question"),
        "why": {
            "prompt": texts("prompt"),
            "factors": [
                {"id": "price", "label": texts("label"), "icon": "factors/price.svg"},
                {"id": "staff", "label": texts("prompt"), "icon": "factors/staff.svg"},
            ],
        },
        "comment": {"enabled": True, "prompt": texts("comment"), "max_length": 200},
        "thanks": texts("thanks"),
    }


def parse(doc: dict[str, Any]) -> Any:
    return parse_survey(json.dumps(doc, ensure_ascii=False).encode(), source="multi.json")


@pytest.mark.parametrize("locales", [("ar",), ("tr",), ("pl",), ("ar", "en"), ("tr", "pl", "ar")])
def test_a_survey_in_the_new_languages_loads(locales: tuple[str, ...]) -> None:
    survey = parse(survey_in(*locales))
    assert survey.locales == locales
    assert survey.default_locale == locales[0]
    for locale in locales:
        assert survey.question[locale] == TEXTS[locale]["question"]
        assert survey.factors[0].label[locale] == TEXTS[locale]["label"]
        # Without a teaser of its own, the attract screen's comes from the language's catalog.
        assert survey.teaser[locale]


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (lambda d: d["question"], "question"),
        (lambda d: d["thanks"], "thanks"),
        (lambda d: d["why"]["prompt"], "why.prompt"),
        (lambda d: d["why"]["factors"][0]["label"], "why.factors[0].label"),
        (lambda d: d["comment"]["prompt"], "comment.prompt"),
    ],
)
@pytest.mark.parametrize("missing", ["ar", "tr", "pl"])
def test_a_translation_missing_in_one_language_is_named(
    where: Any, field: str, missing: str
) -> None:
    doc = survey_in("en", "tr", "pl", "ar")
    del where(doc)[missing]
    with pytest.raises(SurveyError) as refused:
        parse(doc)
    assert refused.value.field == field
    assert refused.value.problem == f"missing translation for '{missing}'"


@pytest.mark.parametrize("missing", ["ar", "pl"])
def test_a_blank_translation_is_refused(missing: str) -> None:
    doc = survey_in("en", "pl", "ar")
    doc["thanks"][missing] = "   "
    with pytest.raises(SurveyError) as refused:
        parse(doc)
    assert refused.value.field == f"thanks.{missing}"


def test_a_translation_for_a_language_the_survey_does_not_list_is_refused() -> None:
    doc = survey_in("en", "tr")
    doc["question"]["ar"] = TEXTS["ar"]["question"]
    with pytest.raises(SurveyError, match="not one of the survey's locales"):
        parse(doc)


def test_the_shipped_survey_speaks_every_language() -> None:
    survey = load_survey(default_survey_path())
    assert survey.locales == SUPPORTED_LOCALES
    english = survey.question["en"]
    others = [survey.question[loc] for loc in SUPPORTED_LOCALES if loc != "en"]
    assert english not in others
    assert len(set(survey.thanks.values())) == len(SUPPORTED_LOCALES)


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_every_scale_is_labelled_in_every_language(scale: str) -> None:
    labels = SCALES[scale].labels
    assert set(labels) == set(SUPPORTED_LOCALES)
    for locale, words in labels.items():
        assert len(words) == len(SCALES[scale].points), locale
        assert len(set(words)) == len(words), locale
        assert all(w.strip() == w and w for w in words), locale
        if locale != "en":
            assert words[0] != labels["en"][0], locale
            assert words[-1] != labels["en"][-1], locale
