"""The alert inbox in the dashboard (/alerts): open alerts first, acknowledged with a CSRF
form, a store manager sees only their stores' alerts, and admins and analysts manage the
rules (hostile input refused, webhook URLs shown by host only)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from alert_data import NOW, answers, rule, store
from hq_helpers import HQ, PASSWORD, csrf_of, log_in

from hq import roles, users
from hq.alerts import rules
from hq.alerts.inbox import evaluate, inbox

MINUTE = timedelta(minutes=1)


def two_alerts(hq: HQ) -> None:
    """A run of difficult answers at s001 and at s002, each an open alert."""
    for store_id in ("s001", "s002"):
        till = store(hq.db, store_id, name=f"Store {store_id}")
        answers(hq.db, till, [1] * 5, start=NOW - 10 * MINUTE, every=MINUTE)
    rule(hq.db, rules.DIFFICULT_RUN)
    evaluate(hq.db, NOW)


def test_alerts_are_listed_and_acknowledged(hq: HQ) -> None:
    two_alerts(hq)
    session = log_in(hq)
    page = session.get(f"{hq.url}/alerts", timeout=30)
    assert page.status_code == 200
    assert "Open alerts: 2" in page.text
    assert "s001 Store s001 · in_store_purchase: 5 difficult answers" in page.text
    first = inbox(hq.db, None)[0].id
    refused = session.post(f"{hq.url}/alerts/{first}/acknowledge", data={}, timeout=30)
    assert refused.status_code == 403
    done = session.post(
        f"{hq.url}/alerts/{first}/acknowledge", data={"csrf": csrf_of(page.text)}, timeout=30
    )
    assert done.status_code == 200
    assert "Alert acknowledged." in done.text
    assert re.search(r"Acknowledged by anna at \d{4}-\d\d-\d\d \d\d:\d\d", done.text)
    [acked] = [a for a in inbox(hq.db, None) if a.id == first]
    assert acked.acknowledged_by == "anna"
    # Unacknowledged open alerts come first.
    assert inbox(hq.db, None)[0].id != first


def test_a_store_manager_sees_only_their_stores_alerts(hq: HQ) -> None:
    two_alerts(hq)
    users.add_user(hq.db, "anna", PASSWORD)  # an admin besides
    users.add_user(hq.db, "mia", PASSWORD)
    roles.set_member(hq.db, "mia", role=roles.STORE_MANAGER, stores=["s002"])
    session = log_in_as(hq, "mia")
    page = session.get(f"{hq.url}/alerts", timeout=30)
    assert page.status_code == 200
    assert "Store s002" in page.text
    assert "s001" not in page.text
    assert 'id="rule-form"' not in page.text
    other = next(a.id for a in inbox(hq.db, None) if a.store == "s001")
    csrf = csrf_of(page.text)
    refused = session.post(f"{hq.url}/alerts/{other}/acknowledge", data={"csrf": csrf}, timeout=30)
    assert refused.status_code == 404
    assert not any(a.acknowledged_by for a in inbox(hq.db, None))
    forbidden = session.post(
        f"{hq.url}/alerts/rules", data={"csrf": csrf, "kind": "difficult-run"}, timeout=30
    )
    assert forbidden.status_code == 403
    assert len(rules.all_rules(hq.db)) == 1


def log_in_as(hq: HQ, name: str) -> Any:
    import requests

    session = requests.Session()
    reply = session.post(
        f"{hq.url}/login",
        data={"user": name, "password": PASSWORD, "next": "/"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303
    return session


def test_rules_are_added_switched_and_removed(hq_sqlite: HQ) -> None:
    hq = hq_sqlite
    session = log_in(hq)
    csrf = csrf_of(session.get(f"{hq.url}/alerts", timeout=30).text)
    added = session.post(
        f"{hq.url}/alerts/rules",
        data={
            "csrf": csrf,
            "name": "Tills in the north",
            "kind": "easy-below-target",
            "scope": "region",
            "scope_id": "north",
            "set_window_days": "14",
            "emails": "area@example.org, ops@example.org",
            "webhook_url": "https://hooks.slack.com/services/T0/B0/VERY-SECRET",
            "webhook_format": "slack",
            "quiet_hours": "22:00-07:00",
        },
        timeout=30,
    )
    assert added.status_code == 200
    assert "Rule added." in added.text
    assert "slack webhook (hooks.slack.com)" in added.text
    assert "VERY-SECRET" not in added.text
    [made] = rules.all_rules(hq.db)
    assert (made.scope, made.scope_id, made.settings["window_days"]) == ("region", "north", 14)
    assert made.emails == ("area@example.org", "ops@example.org")
    off = session.post(f"{hq.url}/alerts/rules/{made.id}/disable", data={"csrf": csrf}, timeout=30)
    assert "Rule switched off." in off.text
    assert not rules.all_rules(hq.db)[0].enabled
    gone = session.post(f"{hq.url}/alerts/rules/{made.id}/remove", data={"csrf": csrf}, timeout=30)
    assert "Rule removed, with its alerts." in gone.text
    assert rules.all_rules(hq.db) == []


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"webhook_url": "file:///etc/passwd"}, "the webhook URL must begin https://"),
        ({"webhook_url": "javascript:alert(1)"}, "the webhook URL must begin https://"),
        ({"webhook_url": "https://" + "a" * 3000 + ".example"}, "at most 2000 printable"),
        ({"name": "x" * 500}, "a rule&#39;s name is at most 100"),
        ({"scope": "store", "scope_id": "<script>"}, "scope store: &#39;&lt;script&gt;&#39;"),
        ({"scope": "planet"}, "expected chain, region:ID, store:ID or touchpoint:ID"),
        ({"kind": "everything"}, "kind &#39;everything&#39;: expected one of"),
        ({"set_k": "1e9"}, "k: expected a whole number from 2 to 1000"),
        ({"emails": "not-an-address"}, "is not an e-mail address"),
        ({"quiet_hours": "late"}, "expected HH:MM-HH:MM"),
        ({"cooldown_minutes": "-5"}, "cool-down: expected whole minutes"),
    ],
)
def test_hostile_rules_are_refused_clearly(
    hq_sqlite: HQ, fields: dict[str, str], error: str
) -> None:
    hq = hq_sqlite
    session = log_in(hq)
    csrf = csrf_of(session.get(f"{hq.url}/alerts", timeout=30).text)
    data = {"csrf": csrf, "kind": "difficult-run", "scope": "chain", **fields}
    refused = session.post(f"{hq.url}/alerts/rules", data=data, timeout=30)
    assert refused.status_code == 400
    assert error in refused.text
    assert 'id="rule-error"' in refused.text
    assert rules.all_rules(hq.db) == []


@pytest.mark.browser
def test_acknowledging_in_a_browser(hq_sqlite: HQ, browser: Any) -> None:
    hq = hq_sqlite
    two_alerts(hq)
    users.add_user(hq.db, "anna", PASSWORD)
    page = browser.new_page()
    try:
        page.goto(f"{hq.url}/alerts")
        page.fill("#login-user", "anna")
        page.fill("#login-password", PASSWORD)
        page.press("#login-password", "Enter")
        page.wait_for_selector("#open-count")
        assert page.text_content("#open-count") == "Open alerts: 2"
        first = inbox(hq.db, None)[0].id
        page.click(f"#acknowledge-{first}")
        page.wait_for_selector("#notice")
        assert page.text_content("#notice") == "Alert acknowledged."
        ack = page.text_content(f"#ack-{first}") or ""
        assert ack.startswith("Acknowledged by anna at ")
        assert page.locator(f"#acknowledge-{first}").count() == 0
    finally:
        page.close()
