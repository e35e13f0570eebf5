"""The actions page as a manager meets it: the kiosk's own heading explained and previewed,
only the languages the surveys speak, a confirmation before removing, readable p-values."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dashboard_data import add, kiosk, many
from hq_helpers import HQ, csrf_of, element, log_in, serving, text_of

from hq import actions
from hq.db.database import HQDatabase
from hq.surveys import load_surveys

NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date()


def message_fields(page: str) -> list[str]:
    return re.findall(r'name="message_([a-z]{2})"', page)


# --- the kiosk's heading ----------------------------------------------------------------------


def test_the_form_says_the_kiosk_adds_its_heading_itself(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    assert "U zei, wij deden:" in element(page, "a-hint-nl")
    assert "You said, we did:" in element(page, "a-hint-en")
    assert "do not type it" in element(page, "a-hint-nl")
    dutch = session.get(f"{hq_sqlite.url}/actions?lang=nl", timeout=30).text
    assert "U zei, wij deden:" in element(dutch, "a-hint-nl")
    assert "typ die niet" in element(dutch, "a-hint-nl")


def test_the_preview_shows_the_text_as_the_kiosk_will(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    assert element(page, "a-preview-nl") == ""  # nothing typed, nothing shown
    # A form that comes back (here: no title) previews what was typed, as plain text.
    reply = session.post(
        f"{hq_sqlite.url}/actions",
        data={
            "csrf": csrf_of(page),
            "title": "",
            "started_on": TODAY.isoformat(),
            "message_nl": "Extra   kassa op zaterdag & zondag",
        },
        timeout=30,
    )
    assert reply.status_code == 400
    assert (
        element(reply.text, "a-preview-nl") == "U zei, wij deden: Extra kassa op zaterdag & zondag"
    )


# --- languages ----------------------------------------------------------------------------------


def test_every_language_of_the_shipped_surveys_is_offered(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    # The in-store survey speaks all seven, in the kiosk's order.
    assert message_fields(page) == ["nl", "en", "de", "fr", "tr", "pl", "ar"]
    assert "قلتم، ففعلنا:" in element(page, "a-hint-ar")


def _in_languages(value: Any, keep: set[str]) -> Any:
    """A survey document with only the translations in ``keep``."""
    if isinstance(value, dict):
        if isinstance(value.get("en"), str):
            return {k: v for k, v in value.items() if k in keep}
        return {k: _in_languages(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_languages(v, keep) for v in value]
    return value


@contextmanager
def _serving_in(tmp_path: Path, db: HQDatabase, keep: dict[str, set[str]]) -> Iterator[str]:
    """HQ with the shipped surveys, each in the languages ``keep`` gives it."""
    folder = tmp_path / "surveys"
    folder.mkdir()
    for survey in load_surveys().by_id.values():
        languages = keep[survey.id]
        document = _in_languages(json.loads(survey.raw.decode("utf-8-sig")), languages)
        document["locales"] = [loc for loc in document["locales"] if loc in languages]
        (folder / f"{survey.id}.json").write_text(json.dumps(document), encoding="utf-8")
    with serving(db, load_surveys(folder)) as url:
        yield url


DUTCH_ENGLISH = {"in_store_purchase": {"nl", "en"}, "returns_desk": {"nl", "en"}}


def test_only_the_surveys_languages_are_offered(tmp_path: Path, sqlite_database_url: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        with _serving_in(tmp_path, db, DUTCH_ENGLISH) as url:
            page = log_in(HQ(url, db)).get(f"{url}/actions", timeout=30).text
            assert message_fields(page) == ["nl", "en"]
            assert "Deutsch" not in page
            assert "Français" not in page
    finally:
        db.close()


def test_a_language_one_survey_has_is_offered(tmp_path: Path, sqlite_database_url: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        keep = {**DUTCH_ENGLISH, "in_store_purchase": {"nl", "en", "de"}}
        with _serving_in(tmp_path, db, keep) as url:
            session = log_in(HQ(url, db))
            page = session.get(f"{url}/actions", timeout=30).text
            assert message_fields(page) == ["nl", "en", "de"]
            assert "Sie sagten, wir haben gehandelt:" in element(page, "a-hint-de")
    finally:
        db.close()


# --- removing -----------------------------------------------------------------------------------


def _one_action(hq: HQ) -> int:
    return actions.record(
        hq.db, title="Wider aisles", started_on=TODAY, created_by="anna", message={"nl": "Ruimer"}
    )


def test_removing_asks_first_without_javascript(hq_sqlite: HQ) -> None:
    action_id = _one_action(hq_sqlite)
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    # The list's "Remove" leads to a question, not straight to a deletion.
    assert f'href="/actions/{action_id}/delete"' in page
    asked = session.get(f"{hq_sqlite.url}/actions/{action_id}/delete", timeout=30)
    assert asked.status_code == 200
    assert "Remove “Wider aisles”?" in element(asked.text, "confirm-title")
    assert "kiosks stop showing its message" in text_of(asked.text)
    assert [a.title for a in actions.all_actions(hq_sqlite.db)] == ["Wider aisles"]
    # Keeping it goes back; confirming removes it.
    assert 'id="a-keep" href="/actions"' in asked.text
    done = session.post(
        f"{hq_sqlite.url}/actions/{action_id}/delete",
        data={"csrf": csrf_of(asked.text)},
        timeout=30,
    )
    assert "Action removed." in done.text
    assert actions.all_actions(hq_sqlite.db) == []


def test_asking_about_an_action_that_does_not_exist_says_so(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    reply = session.get(f"{hq_sqlite.url}/actions/99999/delete", timeout=30)
    assert reply.status_code == 404
    assert "no such action" in reply.text


# --- p-values -----------------------------------------------------------------------------------


def test_a_tiny_p_value_reads_less_than_one_in_a_thousand(hq_sqlite: HQ) -> None:
    k = kiosk(hq_sqlite.db, "s001")
    start = TODAY - timedelta(days=10)
    at = datetime.combine(start, datetime.min.time(), UTC)
    add(hq_sqlite.db, k, many(at - timedelta(days=3), 6, 60) + many(at - timedelta(days=2), 2, 40))
    add(hq_sqlite.db, k, many(at + timedelta(days=1), 6, 90) + many(at + timedelta(days=2), 2, 10))
    actions.record(hq_sqlite.db, title="New signs", started_on=start, created_by="anna")
    session = log_in(hq_sqlite)
    for lang, shown in (("en", "< 0.001"), ("nl", "< 0,001")):
        page = session.get(f"{hq_sqlite.url}/actions?lang={lang}", timeout=30).text
        row = re.search(r'<tr data-scale="ces7">(.*?)</tr>', page, re.S)
        assert row
        p_cell = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)[3]
        assert text_of(p_cell) == shown


def test_a_message_in_a_language_no_survey_has_is_refused_not_dropped(
    tmp_path: Path, sqlite_database_url: str
) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        with _serving_in(tmp_path, db, DUTCH_ENGLISH) as url:
            session = log_in(HQ(url, db))
            page = session.get(f"{url}/actions?lang=nl", timeout=30).text
            reply = session.post(
                f"{url}/actions?lang=nl",
                data={
                    "csrf": csrf_of(page),
                    "title": "Signs",
                    "started_on": TODAY.isoformat(),
                    "message_fr": "Nouveaux panneaux",
                },
                timeout=30,
            )
            assert reply.status_code == 400
            assert element(reply.text, "action-error") == (
                "message_fr: geen vragenlijst van HQ is in deze taal, dus geen kiosk zou het tonen"
            )
            assert actions.all_actions(db) == []
    finally:
        db.close()
