"""Survey versions in HQ's database (hq.survey_versions), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hq_helpers import mark_schema_version, stored_schema_version
from sqlalchemy import select, text, update

from hq import journeys
from hq import survey_versions as sv
from hq.db.database import HQDatabase
from hq.db.tables import SCHEMA_VERSION, meta, survey_versions
from hq.surveys import SurveyCatalog


@pytest.fixture
def seeded(db: HQDatabase, surveys: SurveyCatalog) -> HQDatabase:
    journeys.seed(db, surveys)
    assert sv.seed(db, surveys) == ["in_store_purchase", "returns_desk"]
    return db


def doc_of(surveys: SurveyCatalog, survey_id: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(surveys.by_id[survey_id].raw)
    return found


def new_survey(surveys: SurveyCatalog, survey_id: str = "pickup") -> dict[str, Any]:
    doc = doc_of(surveys, "returns_desk")
    doc.update(id=survey_id, touchpoint=survey_id)
    doc["question"] = {"nl": "Hoe makkelijk was afhalen?", "en": "How easy was the pickup?"}
    return doc


def test_the_folder_is_seeded_once_as_published_versions(
    seeded: HQDatabase, surveys: SurveyCatalog
) -> None:
    listed = sv.surveys(seeded)
    assert [(s.survey_id, s.published, s.draft) for s in listed] == [
        ("in_store_purchase", surveys.by_id["in_store_purchase"].version, None),
        ("returns_desk", surveys.by_id["returns_desk"].version, None),
    ]
    assert listed[1].touchpoints == ("returns_desk",)
    assert listed[1].question["en"] == "How easy was it to return your item?"
    (only,) = sv.versions(seeded, "returns_desk")
    assert (only.state, only.created_by, only.touchpoints) == (
        "published",
        "ces-hq",
        ("returns_desk",),
    )
    assert only.question_en == "How easy was it to return your item?"
    # A second start seeds nothing, and a survey removed from the folder stays in the database.
    smaller = SurveyCatalog(by_id={}, rules={}, documents=(), folder=surveys.folder)
    assert sv.seed(seeded, smaller) == []
    assert sv.seed(seeded, surveys) == []
    assert len(sv.surveys(seeded)) == 2


def test_a_new_survey_is_a_draft_numbered_by_hq(seeded: HQDatabase, surveys: SurveyCatalog) -> None:
    doc = new_survey(surveys)
    doc["version"] = 99  # HQ numbers versions, not the editor
    made = sv.save_draft(seeded, doc, "ann", creating=True)
    assert (made.id, made.version) == ("pickup", 1)
    doc["question"]["en"] = "Was picking up easy?"
    again = sv.save_draft(seeded, doc, "ann")
    assert again.version == 1  # the one draft, replaced
    (draft,) = sv.versions(seeded, "pickup")
    assert (draft.state, draft.question_en, draft.touchpoints) == (
        "draft",
        "Was picking up easy?",
        (),
    )
    stored = sv.document(seeded, "pickup", 1)
    assert stored is not None
    assert stored["version"] == 1
    with pytest.raises(sv.SurveyVersionError) as taken:
        sv.save_draft(seeded, new_survey(surveys), "bob", creating=True)
    assert taken.value.field == "id"
    assert sv.versions(seeded, "nope") == []
    assert sv.document(seeded, "nope", 1) is None


def test_drafts_follow_the_rules(seeded: HQDatabase, surveys: SurveyCatalog) -> None:
    published = surveys.by_id["returns_desk"].version
    number = sv.new_draft_from(seeded, "returns_desk", "ann")
    assert number == published + 1
    assert sv.new_draft_from(seeded, "returns_desk", "bob") == number  # still the one draft
    assert [v.state for v in sv.versions(seeded, "returns_desk")] == ["draft", "published"]
    assert sv.surveys(seeded)[1].draft == number
    assert sv.discard_draft(seeded, "returns_desk") is True
    assert sv.discard_draft(seeded, "returns_desk") is False
    assert [v.version for v in sv.versions(seeded, "returns_desk")] == [published]
    with pytest.raises(sv.SurveyVersionError) as unknown:
        sv.new_draft_from(seeded, "nope", "ann")
    assert unknown.value.field == "id"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("question"), "question"),
        (lambda d: d.update(scale="ces11"), "scale"),
        (lambda d: d["why"]["factors"][0]["label"].update(nl=""), "why.factors[0].label.nl"),
        (lambda d: d.update(id="Bad Id"), "id"),
        (lambda d: d.update(id=["x"]), "id"),
        (lambda d: d.update(extra={1, 2}), "(top level)"),
        (lambda d: d.update(thanks={"en": "x" * 300_000}), "(file)"),
    ],
)
def test_a_bad_draft_is_refused_naming_the_field(
    seeded: HQDatabase, surveys: SurveyCatalog, change: Any, field: str
) -> None:
    doc = new_survey(surveys)
    change(doc)
    with pytest.raises(sv.SurveyVersionError) as refused:
        sv.save_draft(seeded, doc, "ann")
    assert refused.value.field == field, refused.value
    assert refused.value.problem
    assert [s.survey_id for s in sv.surveys(seeded)] == ["in_store_purchase", "returns_desk"]


def test_not_an_object_is_refused(seeded: HQDatabase) -> None:
    with pytest.raises(sv.SurveyVersionError):
        sv.save_draft(seeded, ["not", "a", "survey"], "ann")  # type: ignore[arg-type]


def test_publishing_freezes_a_version_and_points_touchpoints_at_it(
    seeded: HQDatabase, surveys: SurveyCatalog
) -> None:
    before = sv.generation(seeded)
    number = sv.new_draft_from(seeded, "returns_desk", "ann")
    doc = doc_of(surveys, "returns_desk")
    doc["question"]["en"] = "How easy was returning it?"
    sv.save_draft(seeded, doc, "ann")
    assert sv.generation(seeded) == before  # a draft changes nothing kiosks get
    sv.publish(seeded, "returns_desk", number, "bob", ["returns_desk"])
    assert sv.generation(seeded) > before
    newest, oldest = sv.versions(seeded, "returns_desk")
    assert (newest.state, newest.published_by, newest.touchpoints) == (
        "published",
        "bob",
        ("returns_desk",),
    )
    assert oldest.touchpoints == ()
    frozen = sv.document(seeded, "returns_desk", number)
    # Editing a published version makes a new draft above it; the published one stays.
    sv.save_draft(seeded, {**doc, "question": {"nl": "Anders?", "en": "Other?"}}, "ann")
    assert [v.version for v in sv.versions(seeded, "returns_desk")] == [number + 1, number, 1]
    assert sv.document(seeded, "returns_desk", number) == frozen
    assert sv.discard_draft(seeded, "returns_desk")
    assert sv.document(seeded, "returns_desk", number) == frozen
    # Publishing an old version again only points a touchpoint back at it.
    sv.publish(seeded, "returns_desk", 1, "bob", ["returns_desk"])
    assert sv.versions(seeded, "returns_desk")[0].touchpoints == ()
    assert sv.versions(seeded, "returns_desk")[-1].touchpoints == ("returns_desk",)
    assert sv.document(seeded, "returns_desk", number) == frozen


def test_a_published_row_is_never_changed_by_the_code(
    seeded: HQDatabase, surveys: SurveyCatalog
) -> None:
    survey = surveys.by_id["returns_desk"]
    other = json.loads(survey.raw)
    other["question"]["en"] = "Changed?"
    from ces.survey import parse_survey

    changed = parse_survey(json.dumps(other).encode(), source="x")
    with pytest.raises(sv.SurveyVersionError) as refused:
        sv.import_published(seeded, changed, "ann")
    assert refused.value.field == "version"
    assert sv.import_published(seeded, survey, "ann") == "unchanged"
    # Even a draft row forced to the published number is not replaced by save_draft.
    with seeded.writing() as conn:
        conn.execute(
            update(survey_versions)
            .where(survey_versions.c.survey_id == "returns_desk")
            .values(created_by="x")
        )
    sv.save_draft(seeded, other, "ann")
    with seeded.reading() as conn:
        rows = list(
            conn.execute(
                select(survey_versions.c.version, survey_versions.c.state)
                .where(survey_versions.c.survey_id == "returns_desk")
                .order_by(survey_versions.c.version)
            )
        )
    assert [(r.version, r.state) for r in rows] == [
        (survey.version, "published"),
        (survey.version + 1, "draft"),
    ]
    assert sv.document(seeded, "returns_desk", survey.version) == json.loads(survey.raw)


@pytest.mark.parametrize(
    ("version", "touchpoints", "field"),
    [
        (7, ["returns_desk"], "version"),
        (True, ["returns_desk"], "version"),
        (1, ["no_such_touchpoint"], "touchpoints"),
        (1, ["'; DROP TABLE kiosks; --"], "touchpoints"),
    ],
)
def test_publishing_what_does_not_exist_is_refused(
    seeded: HQDatabase, version: Any, touchpoints: list[str], field: str
) -> None:
    before = sv.generation(seeded)
    with pytest.raises(sv.SurveyVersionError) as refused:
        sv.publish(seeded, "returns_desk", version, "ann", touchpoints)
    assert refused.value.field == field
    assert sv.generation(seeded) == before


def test_a_second_process_sees_a_publication_without_a_restart(
    seeded: HQDatabase, database_url: str, surveys: SurveyCatalog
) -> None:
    other = HQDatabase.open(database_url)
    try:
        holder = sv.CatalogHolder(other, surveys)
        first = holder.current()
        assert first.touchpoints["returns_desk"].version == 1
        assert holder.current() is first  # nothing changed: not read again
        number = sv.new_draft_from(seeded, "returns_desk", "ann")
        assert holder.current() is first
        sv.publish(seeded, "returns_desk", number, "ann", ["returns_desk"])
        now = holder.current()
        assert now.touchpoints["returns_desk"].version == number
        assert now.by_id["returns_desk"].version == number
        # Both versions' answers are still taken.
        assert {("returns_desk", 1), ("returns_desk", number)} <= set(now.version_rules)
    finally:
        other.close()


def test_a_schema_5_database_is_upgraded(database_url: str, surveys: SurveyCatalog) -> None:
    db = HQDatabase.open(database_url)
    kiosk = db.add_kiosk("s001", "in_store_purchase")
    journeys.seed(db, surveys)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE survey_versions"))
        for column in ("survey_since", "previous_touchpoint", "moved_at"):
            conn.execute(text(f"ALTER TABLE kiosks DROP COLUMN {column}"))
        conn.execute(text("ALTER TABLE journey_touchpoints DROP COLUMN survey_version"))
        conn.execute(meta.delete().where(meta.c.key == "surveys_generation"))
        mark_schema_version(conn, 5)
    db.close()
    upgraded = HQDatabase.open(database_url)
    try:
        with upgraded.reading() as conn:
            assert stored_schema_version(conn) == str(SCHEMA_VERSION)
        assert sv.generation(upgraded) == 0
        assert upgraded.kiosk(kiosk.id).survey_since is None
        assert sv.seed(upgraded, surveys) == ["in_store_purchase", "returns_desk"]
        assert sv.versions(upgraded, "returns_desk")[0].touchpoints == ("returns_desk",)
        upgraded.move_kiosk(kiosk.id, "returns_desk", "ann")
        assert upgraded.kiosk(kiosk.id).previous_touchpoint == "in_store_purchase"
    finally:
        upgraded.close()
