"""Roles in the dashboard: what an analyst may do that a store manager may not, what only an
admin may do, the Users page (over HTTP and in Chromium) and the audit of admins' changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from dashboard_data import Spec, add, kiosk, many
from hq_helpers import HQ, PASSWORD, csrf_of, log_in

from hq import erasure, roles, storeinfo, users

NOW = datetime.now(UTC).replace(microsecond=0)
SECRET = "my secret comment words"


def seed(hq: HQ) -> str:
    """Answers at s001 and s002 (a comment at s001); the s001 kiosk's id."""
    storeinfo.set_store(hq.db, "s001", name="Centre")
    at = NOW - timedelta(hours=1)
    theirs = kiosk(hq.db, "s001")
    add(hq.db, theirs, [*many(at, 6, 5, "ease"), Spec(at, 1, "price", SECRET)])
    add(hq.db, kiosk(hq.db, "s002"), many(at, 6, 5, "ease"))
    return theirs.id


def as_role(hq: HQ, name: str, role: str, *stores: str) -> requests.Session:
    session = log_in(hq, name)
    if role != roles.ADMIN:
        roles.set_member(hq.db, name, role=role, stores=stores)
    return session


def token(hq: HQ, session: requests.Session) -> str:
    return csrf_of(session.get(f"{hq.url}/", timeout=30).text)


# --- analyst and admin --------------------------------------------------------------------


def test_an_analyst_sees_every_store_but_manages_nothing(hq: HQ) -> None:
    kiosk_id = seed(hq)
    log_in(hq, "anna")
    alex = as_role(hq, "alex", roles.ANALYST)
    overview = alex.get(f"{hq.url}/", timeout=30).text
    for hidden in ("users", "audit", "surveys", "journeys"):
        assert f'id="nav-{hidden}"' not in overview
    for shown in ("comments", "fleet", "actions"):
        assert f'id="nav-{shown}"' in overview
    comments = alex.get(f"{hq.url}/comments", timeout=30).text
    assert SECRET in comments
    assert "c-delete-" not in comments  # erasing is an admin's
    fleet = alex.get(f"{hq.url}/fleet", timeout=30).text
    assert kiosk_id in fleet
    assert f"/fleet/{kiosk_id}/move" not in fleet
    exported = alex.get(f"{hq.url}/export.json", timeout=30).json()
    assert {r["store_id"] for r in exported} == {"s001", "s002"}
    for path in ("/users", "/audit", "/surveys", "/journeys", f"/fleet/{kiosk_id}/move"):
        refused = alex.get(f"{hq.url}{path}", allow_redirects=False, timeout=30)
        assert refused.status_code == 403, path
        assert "Only an admin can open this page." in refused.text
        assert 'id="nav-overview"' in refused.text  # one click from a page they may see
    # An analyst records actions for any store, or for every store.
    saved = alex.post(
        f"{hq.url}/actions",
        data={"csrf": token(hq, alex), "title": "New price labels", "started_on": "2026-11-01"},
        allow_redirects=False,
        timeout=30,
    )
    assert saved.status_code == 303
    assert "New price labels" in alex.get(f"{hq.url}/actions", timeout=30).text


def test_an_admin_sees_and_manages_everything(hq: HQ) -> None:
    kiosk_id = seed(hq)
    anna = log_in(hq, "anna")
    overview = anna.get(f"{hq.url}/", timeout=30).text
    for page in ("users", "audit", "surveys", "journeys", "comments", "fleet"):
        assert f'id="nav-{page}"' in overview
    assert "c-delete-" in anna.get(f"{hq.url}/comments", timeout=30).text
    assert f"/fleet/{kiosk_id}/move" in anna.get(f"{hq.url}/fleet", timeout=30).text
    for path in ("/users", "/audit", "/surveys", "/journeys", f"/fleet/{kiosk_id}/move"):
        assert anna.get(f"{hq.url}{path}", timeout=30).status_code == 200, path


def test_a_store_manager_names_only_their_own_stores(hq: HQ) -> None:
    seed(hq)
    log_in(hq, "anna")
    sam = as_role(hq, "sam", roles.STORE_MANAGER, "s002")
    # Another store, an unknown one and a malformed one: all "no such store", alike.
    replies = [
        sam.get(f"{hq.url}/comments?store={store}", timeout=30) for store in ("s001", "s999")
    ]
    assert [r.status_code for r in replies] == [404, 404]
    assert replies[0].text.replace("s001", "s999") == replies[1].text
    assert "No such store." in replies[0].text
    assert SECRET not in replies[0].text
    form = sam.get(f"{hq.url}/", timeout=30).text
    assert '<option value="s002"' in form
    assert '<option value="s001"' not in form
    assert "Centre" not in form
    # An action for another store, or for every store, is refused; for their own, kept.
    for stores in ("s001", "", "s001\ns002"):
        refused = sam.post(
            f"{hq.url}/actions",
            data={
                "csrf": token(hq, sam),
                "title": "Mine",
                "started_on": "2026-11-01",
                "stores": stores,
            },
            timeout=30,
        )
        assert refused.status_code == 400, stores
        assert "choose one or more of your own stores" in refused.text
    kept = sam.post(
        f"{hq.url}/actions",
        data={
            "csrf": token(hq, sam),
            "title": "Mine",
            "started_on": "2026-11-01",
            "stores": "s002",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert kept.status_code == 303


# --- the Users page -----------------------------------------------------------------------


def post_user(hq: HQ, session: requests.Session, name: str, **fields: str) -> requests.Response:
    data = {"csrf": token(hq, session), "role": "analyst", "stores": "", "email": "", **fields}
    return session.post(f"{hq.url}/users/{name}", data=data, allow_redirects=False, timeout=30)


def test_an_admin_changes_roles_stores_and_e_mail_on_the_users_page(hq: HQ) -> None:
    anna = log_in(hq, "anna")
    users.add_user(hq.db, "sam", PASSWORD)
    done = post_user(
        hq, anna, "sam", role="store_manager", stores="s002, s001", email="sam@example.com"
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/users?done=saved#user-sam"
    assert roles.member(hq.db, "sam") == roles.Member(
        "sam", "store_manager", "sam@example.com", frozenset({"s001", "s002"})
    )
    page = anna.get(f"{hq.url}/users?done=saved", timeout=30).text
    assert "Saved." in page
    assert 'value="s001, s002"' in page
    assert 'value="sam@example.com"' in page
    [line] = erasure.audit_entries(hq.db)
    assert (line["actor"], line["action"], line["count"]) == ("anna", "user_changed", 1)
    assert line["detail"] == "sam: store_manager of s001, s002; e-mail set"
    assert "sam@example.com" not in str(line)
    audit = anna.get(f"{hq.url}/audit", timeout=30).text
    assert "user_changed" in audit
    assert "sam: store_manager of s001, s002; e-mail set" in audit
    # Saving the same again changes nothing and logs nothing.
    post_user(hq, anna, "sam", role="store_manager", stores="s001 s002", email="sam@example.com")
    assert len(erasure.audit_entries(hq.db)) == 1
    # Another role drops the stores: only a store manager has stores.
    post_user(hq, anna, "sam", role="analyst", stores="s001")
    assert roles.member(hq.db, "sam") == roles.Member("sam", "analyst", None, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": "owner"}, "choose a role."),
        ({"role": "store_manager", "stores": "s001, bad store!"}, "a store id has letters"),
        ({"email": "not an address"}, "not an e-mail address."),
        ({"role": "store_manager", "stores": " ".join(f"s{i}" for i in range(501))}, "too many"),
    ],
)
def test_bad_values_are_refused_beside_the_user(
    hq: HQ, fields: dict[str, str], message: str
) -> None:
    anna = log_in(hq, "anna")
    users.add_user(hq.db, "sam", PASSWORD)
    before = roles.members(hq.db)
    refused = post_user(hq, anna, "sam", **fields)
    assert refused.status_code == 400
    assert message in refused.text
    assert 'id="error-user-sam"' in refused.text
    assert roles.members(hq.db) == before
    assert erasure.audit_entries(hq.db) == []


def test_the_last_admin_keeps_the_admin_role(hq: HQ) -> None:
    anna = log_in(hq, "anna")
    refused = post_user(hq, anna, "anna", role="analyst")
    assert refused.status_code == 400
    assert "this is the last admin: make another user an admin first." in refused.text
    assert roles.member(hq.db, "anna").role == "admin"  # type: ignore[union-attr]
    # With a second admin, anna may step down (and then the Users page is closed to her).
    users.add_user(hq.db, "bert", PASSWORD)
    assert post_user(hq, anna, "anna", role="analyst").status_code == 303
    assert anna.get(f"{hq.url}/users", timeout=30).status_code == 403
    assert roles.member(hq.db, "bert").role == "admin"  # type: ignore[union-attr]


def test_the_users_page_refuses_forms_without_the_token_and_unknown_users(hq: HQ) -> None:
    anna = log_in(hq, "anna")
    users.add_user(hq.db, "sam", PASSWORD)
    for data in ({}, {"csrf": "forged", "role": "admin"}):
        refused = anna.post(f"{hq.url}/users/sam", data=data, timeout=30)
        assert refused.status_code == 403
        assert "This form has expired" in refused.text
    for name in ("nobody", "bad%20name", "x" * 100):
        missing = post_user(hq, anna, name, role="admin")
        assert missing.status_code == 404
        assert "No such user." in missing.text
    assert roles.member(hq.db, "sam").role == "admin"  # type: ignore[union-attr]


def test_the_users_page_in_dutch(hq: HQ) -> None:
    anna = log_in(hq, "anna")
    page = anna.get(f"{hq.url}/users?lang=nl", timeout=30).text
    assert "Gebruikers" in page
    assert "Winkelmanager" in page
    assert "Auditlog" in page


# --- the audit of admins' changes -----------------------------------------------------------


def test_admin_changes_are_in_the_audit_log(hq: HQ) -> None:
    kiosk_id = seed(hq)
    anna = log_in(hq, "anna")
    moved = anna.post(
        f"{hq.url}/fleet/{kiosk_id}/move",
        data={"csrf": token(hq, anna), "touchpoint": "returns_desk"},
        allow_redirects=False,
        timeout=30,
    )
    assert moved.status_code == 303
    added = anna.post(
        f"{hq.url}/journeys",
        data={"csrf": token(hq, anna), "id": "garden", "name_en": "Garden", "name_nl": "Tuin"},
        allow_redirects=False,
        timeout=30,
    )
    assert added.status_code == 303, added.text
    recorded = anna.post(
        f"{hq.url}/actions",
        data={
            "csrf": token(hq, anna),
            "title": f"Labels {SECRET}",
            "started_on": "2026-11-01",
            "stores": "s001",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert recorded.status_code == 303
    found = {line["action"]: line for line in erasure.audit_entries(hq.db)}
    assert found["kiosk_moved"]["detail"] == (
        f"kiosk {kiosk_id} at s001: in_store_purchase to returns_desk"
    )
    assert found["journey_changed"]["actor"] == "anna"
    assert found["journey_changed"]["detail"] == "added journey 'garden'"
    assert found["action_recorded"]["detail"] == "stores: s001"
    assert SECRET not in str(erasure.audit_entries(hq.db))
    page = anna.get(f"{hq.url}/audit", timeout=30).text
    for action in ("kiosk_moved", "journey_changed", "action_recorded"):
        assert action in page


def test_alert_rules_are_in_the_audit_log_without_their_webhook(hq: HQ) -> None:
    anna = log_in(hq, "anna")
    added = anna.post(
        f"{hq.url}/alerts/rules",
        data={
            "csrf": token(hq, anna),
            "kind": "easy-below-target",
            "scope": "region",
            "scope_id": "north",
            "emails": "area@example.org",
            "webhook_url": "https://hooks.slack.com/services/T0/B0/VERY-SECRET",
            "webhook_format": "slack",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert added.status_code == 303
    [line] = erasure.audit_entries(hq.db)
    rule_id = int(line["detail"].split(":")[0].removeprefix("rule "))
    assert line["action"] == "alert_rule_added"
    assert line["detail"] == f"rule {rule_id}: easy-below-target at region north"
    for change in ("disable", "enable", "remove"):
        done = anna.post(
            f"{hq.url}/alerts/rules/{rule_id}/{change}",
            data={"csrf": token(hq, anna)},
            allow_redirects=False,
            timeout=30,
        )
        assert done.status_code == 303
    assert [e["action"] for e in erasure.audit_entries(hq.db)] == [
        "alert_rule_removed",
        "alert_rule_enabled",
        "alert_rule_disabled",
        "alert_rule_added",
    ]
    logged = str(erasure.audit_entries(hq.db))
    assert "VERY-SECRET" not in logged
    assert "example.org" not in logged


# --- in a browser -------------------------------------------------------------------------


@pytest.mark.browser
def test_an_admin_makes_a_store_manager_in_the_browser(hq_sqlite: HQ, browser: Any) -> None:
    hq = hq_sqlite
    seed(hq)
    users.add_user(hq.db, "anna", PASSWORD)
    users.add_user(hq.db, "sam", PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{hq.url}/users")
        page.fill("#login-user", "anna")
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#nav-users[aria-current=page]")
        row = page.locator("#user-sam")
        row.locator("select[name=role]").select_option("store_manager")
        row.locator("input[name=stores]").fill("s002")
        row.locator("input[name=email]").fill("sam@example.com")
        row.locator("button[type=submit]").click()
        page.wait_for_selector("#notice")
        assert page.locator("#notice").inner_text() == "Saved."
        assert page.locator("#user-sam input[name=stores]").input_value() == "s002"
        assert page.locator("#user-sam select[name=role]").input_value() == "store_manager"
        assert roles.member(hq.db, "sam") == roles.Member(
            "sam", "store_manager", "sam@example.com", frozenset({"s002"})
        )
        page.click("#nav-audit")
        assert "sam: store_manager of s002; e-mail set" in page.locator("#table-audit").inner_text()
        # Sam, signed in, sees his store and no more.
        page.click("#logout")
        page.goto(f"{hq.url}/comments")
        page.fill("#login-user", "sam")
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#nav-comments[aria-current=page]")
        assert page.locator("#nav-users").count() == 0
        assert SECRET not in page.content()
        options = page.locator("#f-store option").all_inner_texts()
        assert [o for o in options if o.startswith("s0")] == ["s002"]
        assert problems == []
    finally:
        context.close()
