"""Publishing a survey version reaches kiosks through HQ's config without a restart; answers
queued under an older version are still taken; a kiosk HQ moves keeps its earlier answers
filed where they were given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from answers import make_answer
from dashboard_data import add, kiosk, many
from hq_helpers import HQ, log_in
from hqserver import HQService
from sqlalchemy import select

from hq import journeys
from hq import survey_versions as sv
from hq.db.database import HQDatabase, sqlite_url
from hq.db.tables import kiosk_events
from hq.moments import utcnow


@pytest.fixture
def publisher(hq: HQ, database_url: str) -> Iterator[HQDatabase]:
    """Another connection to HQ's database, as a second ces-hq process (or the editor) has."""
    other = HQDatabase.open(database_url)
    yield other
    other.close()


def publish_new_version(db: HQDatabase, touchpoints: list[str], **changes: Any) -> int:
    number = sv.new_draft_from(db, "in_store_purchase", "ann")
    doc = sv.document(db, "in_store_purchase", number)
    assert doc is not None
    doc.update(changes)
    sv.save_draft(db, doc, "ann")
    sv.publish(db, "in_store_purchase", number, "ann", touchpoints)
    return number


# Reworded in every language of the shipped survey (a new version has them all).
QUESTION = {
    "nl": "Hoe makkelijk ging het vandaag?",
    "en": "How easy was it today?",
    "de": "Wie einfach war es heute?",
    "fr": "Était-ce facile aujourd'hui ?",
    "tr": "Bugün ne kadar kolaydı?",
    "pl": "Jak łatwo było dzisiaj?",
    "ar": "ما مدى السهولة اليوم؟",
}


def offered(reply: Any) -> list[tuple[str, int]]:
    return [(s["id"], s["version"]) for s in reply.json()["surveys"]]


def test_config_sends_the_version_published_to_the_touchpoint(
    hq: HQ, publisher: HQDatabase
) -> None:
    _, token = hq.kiosk(touchpoint="in_store_purchase")
    _, elsewhere = hq.kiosk(touchpoint="kassa")  # no survey names it: offered every one
    first = hq.get("/api/v1/config", token)
    assert offered(first) == [("in_store_purchase", 1)]
    number = publish_new_version(publisher, ["in_store_purchase"], question=QUESTION)
    # The running service sees it at the kiosk's next look, without a restart.
    second = hq.get("/api/v1/config", token, headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert offered(second) == [("in_store_purchase", number)]
    assert second.json()["surveys"][0]["question"] == QUESTION
    assert offered(hq.get("/api/v1/config", elsewhere)) == [
        ("in_store_purchase", number),
        ("returns_desk", 1),
    ]
    # Publishing the old version again points the touchpoint back at it.
    sv.publish(publisher, "in_store_purchase", 1, "ann", ["in_store_purchase"])
    assert offered(hq.get("/api/v1/config", token)) == [("in_store_purchase", 1)]


def test_config_names_the_published_survey_among_the_touchpoints_others(
    hq: HQ, publisher: HQDatabase
) -> None:
    """Another survey published to a touchpoint runs there, though it names another; the
    touchpoint's own stays offered, for a manager's choice on the kiosk."""
    _, token = hq.kiosk(touchpoint="in_store_purchase")
    _, elsewhere = hq.kiosk(touchpoint="kassa")
    assert hq.get("/api/v1/config", token).json()["published"] == "in_store_purchase"
    sv.publish(publisher, "returns_desk", 1, "ann", ["in_store_purchase"])
    config = hq.get("/api/v1/config", token).json()
    assert config["published"] == "returns_desk"
    assert [(s["id"], s["version"]) for s in config["surveys"]] == [
        ("returns_desk", 1),
        ("in_store_purchase", 1),
    ]
    assert "published" not in hq.get("/api/v1/config", elsewhere).json()


def test_an_answer_queued_under_an_older_version_is_still_taken(
    hq: HQ, publisher: HQDatabase, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "factor: 'service' is not a factor")
    _, token = hq.kiosk(touchpoint="in_store_purchase")
    doc = sv.document(publisher, "in_store_purchase", 1)
    assert doc is not None
    why = {**doc["why"], "factors": [f for f in doc["why"]["factors"] if f["id"] != "service"]}
    number = publish_new_version(publisher, ["in_store_purchase"], why=why)
    results = hq.results(
        token,
        [
            make_answer(survey_version=1, factor="service"),  # queued before the change
            make_answer(survey_version=number, factor="service", seq=2),
            make_answer(survey_version=number, factor="price", seq=3),
        ],
    )
    assert [r["status"] for r in results] == ["new", "rejected", "new"]
    assert results[1]["error"].startswith("factor:")
    stored = {a["survey_version"] for a in hq.db.answers()}
    assert stored == {1, number}


def test_a_moved_kiosk_files_answers_where_they_were_given(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk(touchpoint="in_store_purchase")
    hq.get("/api/v1/config", token)
    before = make_answer(at=utcnow() - timedelta(minutes=5))
    assert hq.db.move_kiosk(kiosk_id, "returns_desk", "ann") == "in_store_purchase"
    # Until the kiosk takes its new config it still runs the old touchpoint's survey.
    queued = make_answer(at=utcnow() - timedelta(seconds=1), seq=2)
    assert [r["status"] for r in hq.results(token, [before, queued])] == ["new", "new"]
    config = hq.get("/api/v1/config", token)
    assert config.json()["touchpoint"] == "returns_desk"
    assert offered(config) == [("returns_desk", 1)]
    after = make_answer(
        at=utcnow() + timedelta(seconds=1),
        seq=3,
        survey_id="returns_desk",
        scale="smiley5",
        score=4,
        factor="staff",
    )
    late = make_answer(at=utcnow() - timedelta(minutes=1), seq=4)  # queued before the move
    assert [r["status"] for r in hq.results(token, [after, late])] == ["new", "new"]
    filed = {a["seq"]: (a["touchpoint"], a["survey_id"]) for a in hq.db.answers()}
    assert filed == {
        1: ("in_store_purchase", "in_store_purchase"),
        2: ("in_store_purchase", "in_store_purchase"),
        3: ("returns_desk", "returns_desk"),
        4: ("in_store_purchase", "in_store_purchase"),
    }
    info = hq.db.kiosk(kiosk_id)
    assert (info.touchpoint, info.previous_touchpoint) == ("returns_desk", "in_store_purchase")
    with hq.db.reading() as conn:
        events = list(conn.execute(select(kiosk_events.c.kind, kiosk_events.c.detail)))
    assert [(e.kind, e.detail) for e in events] == [
        ("moved", "in_store_purchase -> returns_desk by ann")
    ]


def test_the_fleet_learns_when_a_kiosk_took_its_survey_version(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk(touchpoint="in_store_purchase")
    beat = {
        "queue_depth": 0,
        "oldest_unsent_at": None,
        "app_version": "1.0",
        "survey_id": "in_store_purchase",
        "survey_version": 1,
        "kiosk_time": "2026-11-22T09:00:00.000Z",
        "last_sync_error": None,
    }
    assert hq.post("/api/v1/heartbeat", token, beat).status_code == 200
    since = hq.db.kiosk(kiosk_id).survey_since
    assert since is not None
    assert hq.post("/api/v1/heartbeat", token, beat).status_code == 200
    assert hq.db.kiosk(kiosk_id).survey_since == since  # the same version: since then
    assert hq.post("/api/v1/heartbeat", token, {**beat, "survey_version": 2}).status_code == 200
    later = hq.db.kiosk(kiosk_id).survey_since
    assert later is not None
    assert later > since


def test_ces_hq_serve_offers_a_version_published_while_it_runs(tmp_path: Path) -> None:
    data_dir = tmp_path / "hq"
    with HQService(data_dir) as service:
        db = HQDatabase.open(sqlite_url(data_dir))
        try:
            real = HQ(service.url, db)
            _, token = real.kiosk(touchpoint="in_store_purchase")
            assert offered(real.get("/api/v1/config", token)) == [("in_store_purchase", 1)]
            number = publish_new_version(db, ["in_store_purchase"], question=QUESTION)
            reply = real.get("/api/v1/config", token)
            assert offered(reply) == [("in_store_purchase", number)]
            assert reply.json()["surveys"][0]["question"] == QUESTION
        finally:
            db.close()


def test_the_pooled_versions_note_says_when_the_question_is_worded_differently(
    hq: HQ, publisher: HQDatabase
) -> None:
    at = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    shop = kiosk(hq.db, "s001", "in_store_purchase")
    add(hq.db, shop, many(at, 7, 3, "ease") + many(at.replace(hour=11), 6, 2, "ease", version=2))
    period = "from=2026-03-02&to=2026-03-29"
    session = log_in(hq)
    # Version 2 unknown to HQ (never published): nothing to compare, the plain note.
    page = session.get(f"{hq.url}/?{period}", timeout=30).text
    assert "pools versions 1 and 2 of in_store_purchase — choose one:" in page
    assert publish_new_version(publisher, [], question=QUESTION) == 2
    page = session.get(f"{hq.url}/?{period}", timeout=30).text
    assert (
        "pools versions 1 and 2 of in_store_purchase, which ask the question in different "
        "words — choose one:"
    ) in page
    assert "version 2: “How easy was it today?”" in page
    dutch = session.get(f"{hq.url}/?{period}&lang=nl", timeout=30).text
    assert "die de vraag anders formuleren" in dutch
    assert "versie 2: “Hoe makkelijk ging het vandaag?”" in dutch


def test_a_touchpoint_given_another_survey_runs_its_newest_version(
    hq: HQ, publisher: HQDatabase
) -> None:
    _, token = hq.kiosk(touchpoint="in_store_purchase")
    number = publish_new_version(publisher, ["in_store_purchase"], question=QUESTION)
    assert offered(hq.get("/api/v1/config", token)) == [("in_store_purchase", number)]
    surveys = ["in_store_purchase", "returns_desk"]
    journeys.set_touchpoint(
        publisher, "shopping", "in_store_purchase", surveys=surveys, survey="returns_desk"
    )
    # It runs there (named first, and as "published"); the touchpoint's own stays choosable.
    config = hq.get("/api/v1/config", token)
    assert offered(config) == [("returns_desk", 1), ("in_store_purchase", number)]
    assert config.json()["published"] == "returns_desk"
    journeys.remove_touchpoint(publisher, "shopping", "in_store_purchase")
    # No journey touchpoint any more: the surveys meant for it by name, as before journeys.
    assert offered(hq.get("/api/v1/config", token)) == [("in_store_purchase", number)]
