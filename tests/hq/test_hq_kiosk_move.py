"""Moving a kiosk to another touchpoint from HQ: `ces-hq kiosk move` and the fleet page's
form (signed in, with the form's CSRF token, after a confirmation page)."""

from __future__ import annotations

import html
import subprocess
from pathlib import Path

import pytest
import requests
from hq_helpers import HQ, csrf_of, element, log_in, make_heartbeat, text_of
from hqserver import ces_hq
from sqlalchemy import select

from hq import journeys
from hq.db.database import HQDatabase, sqlite_url
from hq.db.tables import kiosk_events
from hq.surveys import load_surveys


def moves(db: HQDatabase) -> list[str]:
    with db.reading() as conn:
        return [
            str(e.detail)
            for e in conn.execute(
                select(kiosk_events.c.detail).where(kiosk_events.c.kind == "moved")
            )
        ]


def test_the_fleet_shows_the_survey_version_each_kiosk_runs_and_since_when(hq: HQ) -> None:
    kiosk_id, token = hq.kiosk(touchpoint="returns_desk")
    beat = make_heartbeat(survey_id="returns_desk", survey_version=1)
    assert hq.post("/api/v1/heartbeat", token, beat).status_code == 200
    session = log_in(hq)
    page = session.get(f"{hq.url}/fleet", timeout=30).text
    row = element(page, "table-fleet")
    since = hq.db.kiosk(kiosk_id).survey_since
    assert since is not None
    assert f"returns_desk v1 since {since.strftime('%Y-%m-%d %H:%M')}" in text_of(row)


def test_a_kiosk_is_moved_from_the_fleet_page_after_asking(hq: HQ) -> None:
    kiosk_id, _ = hq.kiosk(touchpoint="in_store_purchase")
    session = log_in(hq)
    fleet = session.get(f"{hq.url}/fleet", timeout=30).text
    assert f'href="/fleet/{kiosk_id}/move"' in fleet
    asking = session.get(f"{hq.url}/fleet/{kiosk_id}/move", timeout=30)
    assert asking.status_code == 200
    assert "Answers it gave before stay filed" in text_of(asking.text)
    assert '<option value="returns_desk">' in asking.text
    assert '<option value="in_store_purchase">' not in asking.text
    done = session.post(
        f"{hq.url}/fleet/{kiosk_id}/move",
        data={"csrf": csrf_of(asking.text), "touchpoint": "returns_desk"},
        timeout=30,
    )
    assert done.status_code == 200
    assert done.url.endswith("/fleet?done=moved")
    assert "Kiosk moved" in text_of(done.text)
    assert "moving from in_store_purchase" in text_of(done.text)
    assert hq.db.kiosk(kiosk_id).touchpoint == "returns_desk"
    assert moves(hq.db) == ["in_store_purchase -> returns_desk by anna"]


@pytest.mark.parametrize(
    ("touchpoint", "words"),
    [
        ("nowhere", "No journey or survey has that touchpoint."),
        ("in_store_purchase", "The kiosk is at that touchpoint already."),
        ("<script>alert(1)</script>", "That is not a touchpoint id."),
        ("x" * 5000, "That is not a touchpoint id."),
        ("", "That is not a touchpoint id."),
    ],
)
def test_a_bad_move_is_refused_beside_the_form(hq: HQ, touchpoint: str, words: str) -> None:
    kiosk_id, _ = hq.kiosk(touchpoint="in_store_purchase")
    session = log_in(hq)
    asking = session.get(f"{hq.url}/fleet/{kiosk_id}/move", timeout=30).text
    reply = session.post(
        f"{hq.url}/fleet/{kiosk_id}/move",
        data={"csrf": csrf_of(asking), "touchpoint": touchpoint},
        timeout=30,
    )
    assert reply.status_code == 400
    assert html.unescape(text_of(element(reply.text, "move-error"))) == words
    assert "<script>alert" not in reply.text
    assert hq.db.kiosk(kiosk_id).touchpoint == "in_store_purchase"
    assert moves(hq.db) == []


def test_moving_needs_a_session_and_the_forms_csrf_token(hq: HQ) -> None:
    kiosk_id, _ = hq.kiosk(touchpoint="in_store_purchase")
    anonymous = requests.post(
        f"{hq.url}/fleet/{kiosk_id}/move",
        data={"touchpoint": "returns_desk"},
        allow_redirects=False,
        timeout=30,
    )
    assert anonymous.status_code == 303
    assert "/login" in anonymous.headers["location"]
    session = log_in(hq)
    for data in ({"touchpoint": "returns_desk"}, {"csrf": "forged", "touchpoint": "returns_desk"}):
        reply = session.post(f"{hq.url}/fleet/{kiosk_id}/move", data=data, timeout=30)
        assert reply.status_code == 403
    for wrong in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00"):
        assert session.get(f"{hq.url}/fleet/{wrong}/move", timeout=30).status_code == 404
    assert hq.db.kiosk(kiosk_id).touchpoint == "in_store_purchase"
    assert moves(hq.db) == []


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_ces_hq_kiosk_move(tmp_path: Path) -> None:
    db = HQDatabase.open(sqlite_url(tmp_path))
    try:
        journeys.seed(db, load_surveys())
        kiosk = db.add_kiosk("s001", "in_store_purchase")
    finally:
        db.close()
    where = ("--data-dir", str(tmp_path))
    done = ces_hq("kiosk", "move", kiosk.id, "returns_desk", *where)
    assert done.returncode == 0, done.stderr
    assert "moved from in_store_purchase to returns_desk" in done.stdout
    again = one_line_error(ces_hq("kiosk", "move", kiosk.id, "returns_desk", *where))
    assert "at touchpoint returns_desk already" in again
    assert "no journey or survey has touchpoint 'nowhere'" in one_line_error(
        ces_hq("kiosk", "move", kiosk.id, "nowhere", *where)
    )
    # Refused by the command line's own checks (with its usage), before the database.
    bad = ces_hq("kiosk", "move", kiosk.id, "Bad Touchpoint!", *where)
    assert bad.returncode == 2
    assert "is not a touchpoint id" in bad.stderr.splitlines()[-1]
    bad = ces_hq("kiosk", "move", "x", "returns_desk", *where)
    assert bad.returncode == 2
    assert "is not a kiosk id" in bad.stderr.splitlines()[-1]
    unknown = "00000000-0000-0000-0000-000000000000"
    assert "no kiosk with id" in one_line_error(
        ces_hq("kiosk", "move", unknown, "returns_desk", *where)
    )
    db = HQDatabase.open(sqlite_url(tmp_path))
    try:
        assert db.kiosk(kiosk.id).touchpoint == "returns_desk"
        assert len(moves(db)) == 1
        assert moves(db)[0].startswith("in_store_purchase -> returns_desk by cli:")
    finally:
        db.close()
