"""Extreme dates (issue 9, item 9): bounded everywhere with an error naming the field.

Answers: 2000-01-01 to HQ's clock + 1 day, and started_at <= answered_at <= finished_at.
Dashboard filters and actions: 2000-01-01 to today + 10 years. Never a 500, never an
export cut off mid-way; an action stored before the bounds still shows and can be removed.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests
from hq_helpers import HQ, csrf_of, log_in, make_answer
from sqlalchemy import insert, select

from ces.timestamps import iso_utc
from hq import cli
from hq.dashboard.filters import latest_day
from hq.db.tables import actions as actions_table
from hq.moments import stamp, utcnow

# --- answers ---------------------------------------------------------------------------------

TOO_EARLY = "0001-01-01T00:00:00.000Z"
TOO_LATE = "9999-12-31T23:59:59.999Z"

BAD_MOMENTS = [
    (
        "year-1",
        {"started_at": TOO_EARLY, "answered_at": TOO_EARLY, "finished_at": TOO_EARLY},
        "started_at: 0001-01-01T00:00:00.000Z is before 2000-01-01",
    ),
    (
        "just-before-2000",
        {"started_at": "1999-12-31T23:59:59.999Z"},
        "started_at: 1999-12-31T23:59:59.999Z is before 2000-01-01",
    ),
    (
        "year-9999",
        {"started_at": TOO_LATE, "answered_at": TOO_LATE, "finished_at": TOO_LATE},
        "started_at: 9999-12-31T23:59:59.999Z is more than a day after HQ's clock",
    ),
    (
        "finished-next-year",
        {"finished_at": iso_utc(utcnow() + timedelta(days=400))},
        "finished_at: .* is more than a day after HQ's clock",
    ),
    (
        "started-after-finished",
        {"started_at": "2026-11-22T09:00:06.000Z"},
        r"answered_at: 2026-11-22T09:00:03.000Z is before started_at \(2026-11-22T09:00:06.000Z\)",
    ),
    (
        "answered-after-finished",
        {"answered_at": "2026-11-22T09:00:06.000Z"},
        r"finished_at: 2026-11-22T09:00:05.000Z is before answered_at \(2026-11-22T09:00:06.000Z\)",
    ),
]


@pytest.mark.parametrize(
    ("changes", "error"), [c[1:] for c in BAD_MOMENTS], ids=[c[0] for c in BAD_MOMENTS]
)
def test_an_answer_outside_the_date_bounds_is_rejected_naming_the_field(
    hq: HQ, changes: dict[str, str], error: str, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "1 answers rejected")
    _, token = hq.kiosk()
    good, bad = make_answer(seq=1), make_answer(seq=2, **changes)
    results = hq.results(token, [good, bad])
    assert results[0] == {"id": good["id"], "status": "new"}
    assert results[1]["id"] == bad["id"]
    assert results[1]["status"] == "rejected"
    assert re.match(error, results[1]["error"]), results[1]["error"]
    assert [a["id"] for a in hq.db.answers()] == [good["id"]]


def test_the_edges_of_the_bounds_are_accepted(hq: HQ) -> None:
    _, token = hq.kiosk()
    soon = iso_utc(utcnow() + timedelta(hours=23))
    same = "2026-11-22T09:00:00.000Z"
    answers = [
        make_answer(seq=1, started_at="2000-01-01T00:00:00Z"),
        make_answer(seq=2, started_at=soon, answered_at=soon, finished_at=soon),
        make_answer(seq=3, started_at=same, answered_at=same, finished_at=same),
    ]
    assert [r["status"] for r in hq.results(token, answers)] == ["new"] * 3


# --- dashboard filters ------------------------------------------------------------------------

FILTERED = ["/", "/trend", "/trend?by=day", "/compare", "/comments", "/export.csv", "/export.json"]


BAD_FILTERS = [
    ("from=9999-12-01&to=9999-12-31", "from"),
    ("from=0001-01-01&to=0001-01-31", "from"),
    ("to=0001-01-31", "to"),
    ("from=2026-11-01&to=9999-12-31", "to"),
]


def test_a_filter_date_outside_the_range_is_a_400_naming_the_field(hq: HQ) -> None:
    session = log_in(hq)
    _, token = hq.kiosk()
    hq.results(token, [make_answer(comment="fine")])
    for path in FILTERED:
        sep = "&" if "?" in path else "?"
        for query, field in BAD_FILTERS:
            reply = session.get(f"{hq.url}{path}{sep}{query}", timeout=30)
            assert reply.status_code == 400, (path, query, reply.text[:300])
            found = re.search(r'id="error"[^>]*>([^<]*)<', reply.text)
            assert found, (path, query)
            message = html.unescape(found.group(1))
            assert f"{field}: " in message, (path, query, message)
            assert f"outside 2000-01-01 .. {latest_day().isoformat()}" in message


def test_filters_at_the_edges_of_the_range_work(hq: HQ) -> None:
    session = log_in(hq)
    _, token = hq.kiosk()
    hq.results(token, [make_answer(comment="fine")])
    last = latest_day()
    for path in FILTERED:
        sep = "&" if "?" in path else "?"
        for query in (
            f"from={(last - timedelta(days=60)).isoformat()}&to={last.isoformat()}",
            "from=2000-01-01&to=2000-03-01",
        ):
            reply = session.get(f"{hq.url}{path}{sep}{query}", timeout=30)
            assert reply.status_code == 200, (path, query, reply.text[:300])
    full = session.get(f"{hq.url}/export.json?from=2026-11-01&to=2026-11-30", timeout=30)
    assert [row["comment"] for row in full.json()] == ["fine"]


def test_the_export_command_refuses_a_date_outside_the_range(
    sqlite_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(
        ["export", "--format", "csv", "--from", "9999-12-01", "--database-url", sqlite_database_url]
    )
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("ces-hq: error: --from: 9999-12-01 is outside 2000-01-01 .. ")


# --- actions ----------------------------------------------------------------------------------


def _record(session: requests.Session, hq: HQ, **fields: str) -> requests.Response:
    csrf = csrf_of(session.get(f"{hq.url}/actions", timeout=30).text)
    form = {"csrf": csrf, "title": "Extra checkout open", "started_on": "2026-11-01", **fields}
    return session.post(f"{hq.url}/actions", data=form, allow_redirects=False, timeout=30)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"started_on": "0001-01-01"}, "started_on"),
        ({"started_on": "9999-12-31"}, "started_on"),
        ({"started_on": "9999-12-31", "message_en": "We opened a till"}, "started_on"),
        ({"message_en": "We opened a till", "message_until": "9999-12-31"}, "message_until"),
        ({"started_on": "1999-12-31"}, "started_on"),
    ],
)
def test_an_action_date_outside_the_range_is_a_form_error_naming_the_field(
    hq: HQ, fields: dict[str, str], field: str
) -> None:
    session = log_in(hq)
    reply = _record(session, hq, **fields)
    assert reply.status_code == 400, reply.text[:300]
    error = html.unescape(re.search(r'id="action-error"[^>]*>([^<]*)<', reply.text).group(1))  # type: ignore[union-attr]
    assert error.startswith(f"{field}: ")
    assert "outside 2000-01-01 .. " in error
    with hq.db.reading() as conn:
        assert conn.execute(select(actions_table)).first() is None
    assert session.get(f"{hq.url}/actions", timeout=30).status_code == 200


def test_an_action_on_the_last_day_of_the_range_is_saved_and_shown(hq: HQ) -> None:
    session = log_in(hq)
    last = latest_day().isoformat()
    reply = _record(session, hq, started_on=last, message_en="We opened a till")
    assert reply.status_code == 303, reply.text[:300]
    page = session.get(f"{hq.url}/actions", timeout=30)
    assert page.status_code == 200
    assert last in page.text


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_an_action_stored_before_the_bounds_still_shows_and_can_be_removed(
    hq: HQ, day: date
) -> None:
    with hq.db.writing() as conn:
        action_id = conn.execute(
            insert(actions_table).values(
                title="From an older HQ",
                touchpoint=None,
                started_on=day,
                message=None,
                message_until=None,
                created_by="anna",
                created_at=stamp(datetime.now(UTC)),
            )
        ).inserted_primary_key[0]
    session = log_in(hq)
    page = session.get(f"{hq.url}/actions", timeout=30)
    assert page.status_code == 200, page.text[:300]
    assert "From an older HQ" in page.text
    assert f'id="a-remove-{action_id}"' in page.text
    removed = session.post(
        f"{hq.url}/actions/{action_id}/delete",
        data={"csrf": csrf_of(page.text)},
        allow_redirects=False,
        timeout=30,
    )
    assert removed.status_code == 303
    after = session.get(f"{hq.url}/actions", timeout=30)
    assert after.status_code == 200
    assert "From an older HQ" not in after.text
