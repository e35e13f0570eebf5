"""An action's owner, factor and status: recorded, shown, changed in the dashboard (with its
CSRF token) and by `ces-hq action`, with clear errors for what cannot be right."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hq_helpers import HQ, csrf_of, element, log_in, text_of
from hqserver import ces_hq

from hq import actions
from hq.db.database import HQDatabase

TODAY = datetime.now(UTC).date()
PURCHASE_FACTORS = ("price", "ease", "service", "reputation")


def _page(session: object, hq: HQ, path: str = "/actions") -> str:
    reply = session.get(f"{hq.url}{path}", timeout=30)  # type: ignore[attr-defined]
    assert reply.status_code == 200
    return str(reply.text)


def _record_form(page: str, **fields: str) -> dict[str, str]:
    return {
        "csrf": csrf_of(page),
        "title": "Extra till",
        "started_on": TODAY.isoformat(),
        "touchpoint": "in_store_purchase",
        **fields,
    }


# --- recording ---------------------------------------------------------------------------------


def test_owner_factor_and_status_are_recorded_and_shown(hq: HQ) -> None:
    session = log_in(hq)
    page = _page(session, hq)
    # The form offers the surveys' factors by their labels, and the three statuses.
    assert 'name="factor"' in page and 'value="service"' in page  # noqa: PT018
    assert [o for o in ("planned", "in_progress", "done") if f'value="{o}"' in page] == [
        "planned",
        "in_progress",
        "done",
    ]
    reply = session.post(
        f"{hq.url}/actions",
        data=_record_form(page, owner="  Anna   de Vries ", factor="service", status="planned"),
        timeout=30,
    )
    assert reply.status_code == 200
    assert "Action recorded." in reply.text
    (stored,) = actions.all_actions(hq.db)
    assert (stored.owner, stored.factor, stored.status) == ("Anna de Vries", "service", "planned")
    details = text_of(element(reply.text, f"a-details-{stored.id}"))
    assert "planned" in details
    assert "Anna de Vries" in details
    assert "Service" in details  # the factor's label, not its id


def test_without_them_an_action_is_in_progress_with_nobody_named(hq: HQ) -> None:
    session = log_in(hq)
    page = _page(session, hq)
    form = _record_form(page)
    reply = session.post(f"{hq.url}/actions", data=form, timeout=30)
    (stored,) = actions.all_actions(hq.db)
    assert (stored.owner, stored.factor, stored.status) == (None, None, "in_progress")
    details = text_of(element(reply.text, f"a-details-{stored.id}"))
    assert "no owner named" in details and "no factor named" in details  # noqa: PT018


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        # A factor of the returns desk's survey is not one of the purchase survey's.
        (
            {"factor": "waiting"},
            "factor: 'waiting' is not a factor of the touchpoint's survey "
            "(known: ease, price, reputation, service)",
        ),
        ({"factor": "x" * 5000}, "factor: '" + "x" * 64 + "' is not a factor"),
        ({"status": "finished"}, "status: 'finished' is not one of planned, in_progress, done"),
        ({"status": "'; DROP TABLE actions; --"}, "status: "),
        ({"owner": "A" * 65}, "owner: at most 64 characters"),
        ({"owner": "<script>alert(1)</script>"}, "owner: a name in plain text, please"),
        ({"owner": "Anna\x00"}, "owner: a name in plain text, please"),
    ],
)
def test_what_cannot_be_right_is_refused_and_loses_nothing(
    hq_sqlite: HQ, fields: dict[str, str], error: str
) -> None:
    session = log_in(hq_sqlite)
    page = _page(session, hq_sqlite)
    reply = session.post(
        f"{hq_sqlite.url}/actions",
        data=_record_form(page, title="Kept as typed", **fields),
        timeout=30,
    )
    assert reply.status_code == 400
    assert element(reply.text, "action-error").startswith(error)
    assert actions.all_actions(hq_sqlite.db) == []
    # What was typed comes back in the form.
    assert 'value="Kept as typed"' in reply.text
    assert "<script>alert(1)</script>" not in reply.text


def test_a_factor_is_checked_against_the_touchpoints_survey(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    page = _page(session, hq_sqlite)
    ok = session.post(
        f"{hq_sqlite.url}/actions",
        data=_record_form(page, touchpoint="returns_desk", factor="waiting"),
        timeout=30,
    )
    assert ok.status_code == 200
    # On every touchpoint, any survey's factor will do.
    ok = session.post(
        f"{hq_sqlite.url}/actions",
        data=_record_form(page, touchpoint="", factor="price"),
        timeout=30,
    )
    assert ok.status_code == 200
    assert sorted(a.factor or "" for a in actions.all_actions(hq_sqlite.db)) == [
        "price",
        "waiting",
    ]


# --- changing the status ----------------------------------------------------------------------


def _one(db: HQDatabase) -> int:
    return actions.record(
        db,
        title="Extra till",
        started_on=TODAY,
        created_by="anna",
        touchpoint="in_store_purchase",
    )


def test_the_status_is_changed_on_the_page(hq: HQ) -> None:
    action_id = _one(hq.db)
    session = log_in(hq)
    page = _page(session, hq)
    form = element(page, f"a-edit-{action_id}")
    assert form.startswith("Status planned in progress done Owner Factor it addresses")
    assert "Service" in form and "Save" in form  # noqa: PT018
    reply = session.post(
        f"{hq.url}/actions/{action_id}/details",
        data={"csrf": csrf_of(page), "status": "done", "owner": "Bram", "factor": "ease"},
        timeout=30,
    )
    assert reply.status_code == 200
    assert "Action updated." in reply.text
    found = actions.find(hq.db, action_id)
    assert found is not None
    assert (found.status, found.owner, found.factor) == ("done", "Bram", "ease")
    assert "done" in text_of(element(reply.text, f"a-details-{action_id}"))
    # Blank owner and factor clear them.
    page = reply.text
    session.post(
        f"{hq.url}/actions/{action_id}/details",
        data={"csrf": csrf_of(page), "status": "in_progress", "owner": "", "factor": ""},
        timeout=30,
    )
    found = actions.find(hq.db, action_id)
    assert found is not None
    assert (found.status, found.owner, found.factor) == ("in_progress", None, None)


def test_changing_needs_the_csrf_token(hq_sqlite: HQ) -> None:
    action_id = _one(hq_sqlite.db)
    session = log_in(hq_sqlite)
    for token in ({}, {"csrf": "forged"}):
        reply = session.post(
            f"{hq_sqlite.url}/actions/{action_id}/details",
            data={**token, "status": "done"},
            timeout=30,
        )
        assert reply.status_code in (400, 403)
    found = actions.find(hq_sqlite.db, action_id)
    assert found is not None and found.status == "in_progress"  # noqa: PT018


def test_a_bad_change_is_refused_and_changes_nothing(hq_sqlite: HQ) -> None:
    action_id = _one(hq_sqlite.db)
    session = log_in(hq_sqlite)
    page = _page(session, hq_sqlite)
    reply = session.post(
        f"{hq_sqlite.url}/actions/{action_id}/details",
        data={"csrf": csrf_of(page), "status": "done", "owner": "Bram", "factor": "refund"},
        timeout=30,
    )
    assert reply.status_code == 400
    assert "factor: 'refund' is not a factor of the touchpoint's survey" in element(
        reply.text, "action-error"
    )
    found = actions.find(hq_sqlite.db, action_id)
    assert found is not None
    assert (found.status, found.owner, found.factor) == ("in_progress", None, None)
    for missing in ("99999", "not-a-number"):
        gone = session.post(
            f"{hq_sqlite.url}/actions/{missing}/details",
            data={"csrf": csrf_of(page), "status": "done"},
            timeout=30,
        )
        assert gone.status_code == 404


# --- the command line ---------------------------------------------------------------------------


def test_the_cli_lists_and_sets(database_url: str) -> None:
    db = HQDatabase.open(database_url)
    try:
        action_id = _one(db)
    finally:
        db.close()
    done = ces_hq(
        "action", "set", str(action_id), "--status", "done", "--owner", "Bram", "--factor",
        "service", "--database-url", database_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "done  owner=Bram  factor=service" in done.stdout
    listed = ces_hq("action", "list", "--json", "--database-url", database_url)
    assert listed.returncode == 0, listed.stderr
    (shown,) = json.loads(listed.stdout)
    assert (shown["id"], shown["status"], shown["owner"], shown["factor"]) == (
        action_id,
        "done",
        "Bram",
        "service",
    )
    assert shown["after"] is not None and shown["running"] is True  # noqa: PT018
    text = ces_hq("action", "list", "--database-url", database_url)
    assert f"{action_id}  {TODAY.isoformat()}  done  owner=Bram" in text.stdout


@pytest.mark.parametrize(
    ("args", "status", "error"),
    [
        (["--factor", "waiting"], 1, "factor: 'waiting' is not a factor of the touchpoint's"),
        (["--owner", "x" * 100], 1, "owner: at most 64 characters"),
        (["--status", "finished"], 2, "invalid choice: 'finished'"),
        ([], 1, "say what to change: --status, --owner or --factor"),
    ],
)
def test_the_cli_refuses_in_one_line(
    sqlite_database_url: str, args: list[str], status: int, error: str
) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        action_id = _one(db)
    finally:
        db.close()
    reply = ces_hq("action", "set", str(action_id), *args, "--database-url", sqlite_database_url)
    assert reply.returncode == status
    assert error in reply.stderr
    assert len(reply.stderr.strip().splitlines()) == 1
    assert "Traceback" not in reply.stderr
    db = HQDatabase.open(sqlite_database_url)
    try:
        found = actions.find(db, action_id)
    finally:
        db.close()
    assert found is not None
    assert (found.status, found.owner, found.factor) == ("in_progress", None, None)


def test_the_cli_says_when_there_is_no_such_action(sqlite_database_url: str) -> None:
    for given, status, error in (
        ("4242", 1, "no action 4242"),
        ("abc", 2, "'abc' is not an action id"),
        ("9" * 30, 2, "is not an action id"),
    ):
        reply = ces_hq(
            "action", "set", given, "--status", "done", "--database-url", sqlite_database_url
        )
        assert reply.returncode == status, reply.stderr
        assert error in reply.stderr
        assert len(reply.stderr.strip().splitlines()) == 1
