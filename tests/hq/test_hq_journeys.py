"""Journeys in HQ's database, on SQLite and PostgreSQL: what is kept, what is refused (with
the field named), the shipped journeys made once, and a schema 4 database upgraded."""

from __future__ import annotations

from typing import Any

import pytest
from hq_helpers import mark_schema_version, stored_schema_version
from sqlalchemy import inspect, text

from hq import journeys
from hq.db.database import HQDatabase
from hq.db.tables import SCHEMA_VERSION
from hq.journeys import JourneyError
from hq.surveys import SurveyCatalog

SURVEYS = ("in_store_purchase", "returns_desk")
NAMES = {"en": "Collecting an order", "nl": "Bestelling ophalen"}


def tp_names(en: str = "Pick-up desk", nl: str = "Afhaalbalie") -> dict[str, str]:
    return {"en": en, "nl": nl}


def add_tp(db: HQDatabase, journey_id: str, tp: str, **changes: Any) -> None:
    values: dict[str, Any] = {
        "names": tp_names(),
        "survey": "in_store_purchase",
        "target": 80,
        "surveys": SURVEYS,
    }
    values.update(changes)
    journeys.add_touchpoint(db, journey_id, tp, **values)


def refused(call: Any, *args: Any, **kwargs: Any) -> JourneyError:
    with pytest.raises(JourneyError) as caught:
        call(*args, **kwargs)
    return caught.value


def order(db: HQDatabase, journey_id: str) -> list[str]:
    return [tp.id for tp in journeys.journey(db, journey_id).touchpoints]


# --- kept --------------------------------------------------------------------------------------


def test_a_journey_keeps_its_names_and_touchpoints_in_order(db: HQDatabase) -> None:
    journeys.add_journey(db, "click_collect", {**NAMES, "de": "Abholung", "fr": " Retrait  "})
    add_tp(db, "click_collect", "pickup", target="75")
    add_tp(db, "click_collect", "parking", names=tp_names("Parking", "Parkeren"), target=90)
    add_tp(db, "click_collect", "returns", survey="returns_desk", target="100%")

    found = journeys.journey(db, "click_collect")
    assert found.names == {**NAMES, "de": "Abholung", "fr": "Retrait"}
    assert found.name("nl") == "Bestelling ophalen"
    assert [(t.id, t.survey, t.target) for t in found.touchpoints] == [
        ("pickup", "in_store_purchase", 75),
        ("parking", "in_store_purchase", 90),
        ("returns", "returns_desk", 100),
    ]
    assert found.touchpoints[1].name("nl") == "Parkeren"

    journeys.move_touchpoint(db, "click_collect", "returns", 1)
    assert order(db, "click_collect") == ["returns", "pickup", "parking"]
    journeys.move_touchpoint(db, "click_collect", "returns", "3")
    assert order(db, "click_collect") == ["pickup", "parking", "returns"]
    journeys.remove_touchpoint(db, "click_collect", "pickup")
    assert order(db, "click_collect") == ["parking", "returns"]
    # Positions close up: the last is still movable to the number of touchpoints.
    journeys.move_touchpoint(db, "click_collect", "parking", 2)
    assert order(db, "click_collect") == ["returns", "parking"]

    journeys.set_touchpoint(
        db, "click_collect", "parking", surveys=SURVEYS, survey="returns_desk", target=60
    )
    journeys.rename_journey(db, "click_collect", {"nl": "Online bestelling ophalen", "de": ""})
    found = journeys.journey(db, "click_collect")
    assert found.touchpoints[1].survey == "returns_desk"
    assert found.touchpoints[1].target == 60
    assert found.names == {
        "en": "Collecting an order",
        "nl": "Online bestelling ophalen",
        "fr": "Retrait",
    }


def test_removing_a_journey_frees_its_touchpoints(db: HQDatabase) -> None:
    journeys.add_journey(db, "a", NAMES)
    journeys.add_journey(db, "b", NAMES)
    add_tp(db, "a", "desk")
    journeys.remove_journey(db, "a")
    assert [j.id for j in journeys.all_journeys(db)] == ["b"]
    add_tp(db, "b", "desk")  # the touchpoint was freed with its journey
    assert order(db, "b") == ["desk"]
    assert refused(journeys.remove_journey, db, "a").field == "journey"


# --- refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id", ["", "Shop", "shop ping", "-shop", "a" * 65, "shop/../x", "shöp", "x'; DROP"]
)
def test_bad_ids_are_refused_with_the_field_named(db: HQDatabase, bad_id: str) -> None:
    assert refused(journeys.add_journey, db, bad_id, NAMES).field == "id"
    journeys.add_journey(db, "ok", NAMES)
    assert refused(add_tp, db, "ok", bad_id).field == "touchpoint"
    assert journeys.journey(db, "ok").touchpoints == ()


@pytest.mark.parametrize("target", [0, 101, -5, "abc", "", "80.5", "1e2", True, "٨٠"])
def test_targets_outside_1_to_100_are_refused(db: HQDatabase, target: object) -> None:
    journeys.add_journey(db, "j", NAMES)
    error = refused(add_tp, db, "j", "desk", target=target)
    assert error.field == "target"
    assert str(error) == "target: a whole percentage from 1 to 100"
    add_tp(db, "j", "desk")
    assert refused(
        journeys.set_touchpoint, db, "j", "desk", surveys=SURVEYS, target=target
    ).field == ("target")
    assert journeys.journey(db, "j").touchpoints[0].target == 80


def test_names_are_checked(db: HQDatabase) -> None:
    assert refused(journeys.add_journey, db, "j", {"en": "Shopping"}).field == "name_nl"
    assert refused(journeys.add_journey, db, "j", {**NAMES, "nl": "   "}).field == "name_nl"
    long = refused(journeys.add_journey, db, "j", {**NAMES, "en": "x" * 81})
    assert (long.field, str(long)) == ("name_en", "name_en: at most 80 characters")
    assert refused(journeys.add_journey, db, "j", {**NAMES, "nl": "a\x00b"}).field == "name_nl"
    assert refused(journeys.add_journey, db, "j", {**NAMES, "xx": "?"}).field == "name"
    journeys.add_journey(db, "j", {**NAMES, "en": "x" * 80})
    # A required language cannot be emptied.
    assert refused(journeys.rename_journey, db, "j", {"en": ""}).field == "name_en"
    assert journeys.journey(db, "j").names["en"] == "x" * 80


def test_unknown_surveys_duplicates_and_missing_things_are_refused(db: HQDatabase) -> None:
    journeys.add_journey(db, "j", NAMES)
    journeys.add_journey(db, "k", NAMES)
    unknown = refused(add_tp, db, "j", "desk", survey="no_such_survey")
    assert unknown.field == "survey"
    assert "in_store_purchase, returns_desk" in str(unknown)
    add_tp(db, "j", "desk")
    twice = refused(add_tp, db, "j", "desk")
    assert str(twice) == "touchpoint: touchpoint “desk” is in journey “j” already"
    # One touchpoint runs one survey against one target: in one journey only.
    assert refused(add_tp, db, "k", "desk").field == "touchpoint"
    assert refused(journeys.add_journey, db, "j", NAMES).key == "journey_exists"
    assert refused(add_tp, db, "nope", "desk2").field == "journey"
    assert refused(journeys.remove_touchpoint, db, "k", "desk").key == "no_touchpoint"
    for position in (0, 2, "x", "-1"):
        assert refused(journeys.move_touchpoint, db, "j", "desk", position).field == "position"
    assert order(db, "j") == ["desk"]
    assert order(db, "k") == []


# --- the shipped journeys ----------------------------------------------------------------------


def test_the_shipped_journeys_are_made_once(db: HQDatabase, surveys: SurveyCatalog) -> None:
    assert journeys.seed(db, surveys) == ["shopping", "returns"]
    found = journeys.all_journeys(db)
    assert [(j.id, j.names["en"], j.names["nl"]) for j in found] == [
        ("shopping", "Shopping in the store", "Winkelen in de winkel"),
        ("returns", "Returning an item", "Een artikel terugbrengen"),
    ]
    assert [[(t.id, t.survey, t.target) for t in j.touchpoints] for j in found] == [
        [("in_store_purchase", "in_store_purchase", 80)],
        [("returns_desk", "returns_desk", 80)],
    ]
    # The analyst removes them: the next start does not bring them back.
    journeys.remove_journey(db, "shopping")
    journeys.remove_journey(db, "returns")
    assert journeys.seed(db, surveys) == []
    assert journeys.all_journeys(db) == []


def test_nothing_is_seeded_over_journeys_made_before(
    db: HQDatabase, surveys: SurveyCatalog
) -> None:
    journeys.add_journey(db, "mine", NAMES)
    assert journeys.seed(db, surveys) == []
    assert [j.id for j in journeys.all_journeys(db)] == ["mine"]


def test_a_schema_4_database_gets_the_journey_tables(
    database_url: str, surveys: SurveyCatalog
) -> None:
    db = HQDatabase.open(database_url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE journey_touchpoints"))
        conn.execute(text("DROP TABLE journeys"))
        mark_schema_version(conn, 4)
    db.close()
    upgraded = HQDatabase.open(database_url)
    try:
        with upgraded.reading() as conn:
            assert stored_schema_version(conn) == str(SCHEMA_VERSION)
            assert {"journeys", "journey_touchpoints"} <= set(inspect(conn).get_table_names())
        assert journeys.seed(upgraded, surveys) == ["shopping", "returns"]
    finally:
        upgraded.close()
