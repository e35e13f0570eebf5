"""The participation and stores pages over real HTTP, as admin, analyst and store manager,
on SQLite and PostgreSQL; and editing opening hours in a real browser."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests
from dashboard_data import Spec, add, kiosk
from hq_helpers import HQ, PASSWORD, csrf_of, element, log_in, text_of

from hq import erasure, footfall, roles, storeinfo, users
from hq.dashboard.routes import participation as participation_route

DAY = date(2026, 11, 23)
RANGE = f"from={DAY.isoformat()}&to={DAY.isoformat()}"


def seed(hq: HQ) -> None:
    """s001: 20 answers of 1000 visitors (2 per 100); s002: 5 of 1000 (too low);
    s003: answers but no footfall."""
    at = datetime(2026, 11, 23, 12, tzinfo=UTC)
    storeinfo.set_store(hq.db, "s001", name="Amsterdam Centrum", region="north")
    storeinfo.set_store(hq.db, "s002", region="south", opening_hours="mon-sat 09:00-18:00")
    for store, n in (("s001", 20), ("s002", 5), ("s003", 7)):
        add(
            hq.db,
            kiosk(hq.db, store),
            [Spec(at + timedelta(minutes=i), 6, "service") for i in range(n)],
        )
    footfall.load(
        hq.db,
        [footfall.Row(s, DAY, h, 100) for s in ("s001", "s002") for h in range(9, 19)],
    )


def as_role(hq: HQ, name: str, role: str, stores: tuple[str, ...] = ()) -> requests.Session:
    if roles.member(hq.db, "boss") is None:
        users.add_user(hq.db, "boss", PASSWORD)  # an admin stays (hq.roles keeps the last)
    session = log_in(hq, name)
    roles.set_member(hq.db, name, role=role, stores=stores)
    return session


def day_rows(page: str) -> dict[str, str]:
    """The per-day table's rows as a reader sees them, by store id."""
    table = re.search(r'<table[^>]*id="table-participation-days".*?</table>', page, re.S)
    assert table, "no per-day table"
    return {
        m.group(1): text_of(m.group(2))
        for m in re.finditer(r'<tr data-store="([^"]+)"[^>]*>(.*?)</tr>', table.group(0), re.S)
    }


def store_rows(page: str) -> dict[str, str]:
    table = re.search(r'<table[^>]*id="table-stores".*?</table>', page, re.S)
    assert table, "no stores table"
    return {
        m.group(1): text_of(m.group(2))
        for m in re.finditer(r'<tr data-store="([^"]+)"[^>]*>(.*?)</tr>', table.group(0), re.S)
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/participation"),
        ("get", "/stores"),
        ("get", "/stores/s001/edit"),
        ("post", "/stores/s001"),
    ],
)
def test_an_anonymous_user_is_sent_to_the_login(hq_sqlite: HQ, method: str, path: str) -> None:
    seed(hq_sqlite)
    reply = requests.request(
        method,
        f"{hq_sqlite.url}{path}",
        data={"opening_hours": "mon closed"} if method == "post" else None,
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login")
    assert "s002" not in reply.text
    assert storeinfo.kiosk_store(hq_sqlite.db, "s001").opening_hours is None


# --- participation ---------------------------------------------------------------------------


def test_participation_per_store_and_day_with_a_warning_where_too_low(hq: HQ) -> None:
    seed(hq)
    session = log_in(hq)
    page = session.get(f"{hq.url}/participation?{RANGE}", timeout=30)
    assert page.status_code == 200
    rows = day_rows(page.text)
    assert rows == {
        "s001": "s001 · Amsterdam Centrum 2026-11-23 20 1,000 2.0",
        "s002": "s002 2026-11-23 5 1,000 0.5 ⚠ too low to trust",
    }
    assert "1 store days fewer than 1 in 100 visitors answered" in element(
        page.text, "pa-low-count"
    )
    assert 'id="nav-participation"' in page.text
    dutch = session.get(f"{hq.url}/participation?{RANGE}&lang=nl", timeout=30).text
    assert day_rows(dutch)["s002"] == "s002 2026-11-23 5 1.000 0,5 ⚠ te laag om op te vertrouwen"


def test_participation_follows_the_filters(hq: HQ) -> None:
    seed(hq)
    session = log_in(hq)
    north = session.get(f"{hq.url}/participation?{RANGE}&region=north", timeout=30).text
    assert list(day_rows(north)) == ["s001"]
    one = session.get(f"{hq.url}/participation?{RANGE}&store=s002", timeout=30).text
    assert list(day_rows(one)) == ["s002"]
    other_day = (
        f"from={(DAY + timedelta(days=1)).isoformat()}&to={(DAY + timedelta(days=1)).isoformat()}"
    )
    empty = session.get(f"{hq.url}/participation?{other_day}", timeout=30).text
    assert "ces-hq footfall import" in element(empty, "no-footfall")


def test_a_store_manager_sees_the_participation_of_their_stores_only(hq: HQ) -> None:
    seed(hq)
    manager = as_role(hq, "mila", roles.STORE_MANAGER, ("s002",))
    page = manager.get(f"{hq.url}/participation?{RANGE}", timeout=30).text
    assert list(day_rows(page)) == ["s002"]
    assert "s001" not in page
    other = manager.get(f"{hq.url}/participation?{RANGE}&store=s001", timeout=30)
    assert other.status_code == 404
    assert "1,000" not in other.text
    by_region = manager.get(f"{hq.url}/participation?{RANGE}&region=north", timeout=30).text
    assert "table-participation-days" not in by_region


def test_with_very_many_store_days_the_days_listed_are_the_ones_too_low(
    hq_sqlite: HQ, monkeypatch: pytest.MonkeyPatch
) -> None:
    hq = hq_sqlite
    seed(hq)
    monkeypatch.setattr(participation_route, "MAX_DAY_ROWS", 1)
    page = log_in(hq).get(f"{hq.url}/participation?{RANGE}", timeout=30).text
    assert list(day_rows(page)) == ["s002"]
    assert "There are 2 store days: 1 listed here" in element(page, "pa-only-low")
    # The totals per store still count every day.
    assert "table-participation-stores" in page and "Amsterdam Centrum" in page  # noqa: PT018


# --- stores and their opening hours ---------------------------------------------------------


def test_an_admin_edits_a_stores_opening_hours(hq: HQ) -> None:
    seed(hq)
    session = log_in(hq)
    listing = session.get(f"{hq.url}/stores", timeout=30)
    assert listing.status_code == 200
    rows = store_rows(listing.text)
    assert sorted(rows) == ["s001", "s002", "s003"]  # s003: known by its kiosk
    assert rows["s002"] == "s002 – south the chain's (UTC) mon-sat 09:00-18:00; sun closed Edit"
    assert "no hours set (always open)" in rows["s001"]
    form = session.get(f"{hq.url}/stores/s001/edit", timeout=30)
    assert form.status_code == 200
    saved = session.post(
        f"{hq.url}/stores/s001",
        data={
            "csrf": csrf_of(form.text),
            "name": "Amsterdam Centrum",
            "region": "north",
            "time_zone": "Europe/Amsterdam",
            "opening_hours": "ma-vr 09:00-21:00; za 10:00-17:00",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert saved.status_code == 303, saved.text
    after = session.get(f"{hq.url}{saved.headers['location']}", timeout=30).text
    assert "The store was saved" in element(after, "notice")
    assert store_rows(after)["s001"] == (
        "s001 Amsterdam Centrum north Europe/Amsterdam "
        "mon-fri 09:00-21:00; sat 10:00-17:00; sun closed Edit"
    )
    assert storeinfo.kiosk_store(hq.db, "s001") == storeinfo.KioskStore(
        "Europe/Amsterdam", "mon-fri 09:00-21:00; sat 10:00-17:00; sun closed"
    )
    audit = erasure.audit_entries(hq.db)[0]
    assert (audit["actor"], audit["action"], audit["detail"]) == (
        "anna",
        "store_set",
        "s001: time_zone, opening_hours",
    )


@pytest.mark.parametrize(
    ("hours", "english", "dutch"),
    [
        (
            "mon-fri 09:00",
            "opening hours 'mon-fri 09:00': '09:00' is not a time range (hh:mm-hh:mm) or 'closed'",
            "openingstijden 'mon-fri 09:00': '09:00' is geen tijdvak (uu:mm-uu:mm) of 'gesloten'",
        ),
        (
            "mon 22:00-02:00",
            "opening hours 'mon 22:00-02:00': 22:00-02:00 ends before it starts",
            "openingstijden 'mon 22:00-02:00': 22:00-02:00 eindigt voor het begint",
        ),
        (
            "holiday 10:00-12:00",
            "'holiday' is not a day or day range",
            "'holiday' is geen dag of reeks dagen",
        ),
        ("mon 09:00-12:00,11:00-13:00", "time ranges overlap", "tijdvakken overlappen"),
        ("mon 25:00-26:00", "25:00 is not a time of day", "25:00 is geen tijdstip van de dag"),
        ("mon 9h-17h", "'9h' is not a time (hh:mm)", "'9h' is geen tijd (uu:mm)"),
        ("mon,mon 09:00-10:00", "mon is named twice", "mon staat er twee keer in"),
        ("mon\x0709:00-10:00", "contain control characters", "bevatten stuurtekens"),
        ("x" * 600, "longer than 500 characters", "langer dan 500 tekens"),
    ],
)
def test_bad_hours_are_refused_in_the_pages_language(
    hq_sqlite: HQ, hours: str, english: str, dutch: str
) -> None:
    hq = hq_sqlite
    seed(hq)
    session = log_in(hq)
    csrf = csrf_of(session.get(f"{hq.url}/stores/s002/edit", timeout=30).text)
    for lang, words in (("en", english), ("nl", dutch)):
        refused = session.post(
            f"{hq.url}/stores/s002?lang={lang}",
            data={"csrf": csrf, "region": "south", "opening_hours": hours},
            timeout=30,
        )
        assert refused.status_code == 400
        shown = element(refused.text, "error")
        assert words in shown, shown
        # What was typed stays in the form, to be corrected.
        assert 'id="st-hours"' in refused.text
    assert storeinfo.kiosk_store(hq.db, "s002").opening_hours == "mon-sat 09:00-18:00; sun closed"


def test_other_fields_are_checked_too(hq_sqlite: HQ) -> None:
    hq = hq_sqlite
    seed(hq)
    session = log_in(hq)
    csrf = csrf_of(session.get(f"{hq.url}/stores/s002/edit", timeout=30).text)
    for field, value, dutch in (
        ("time_zone", "Mars/Olympus", "'Mars/Olympus' is geen tijdzone"),
        ("region", "=cmd|' /C calc'!A0", "de regio is geen geldige id"),
        ("name", "x" * 200, "een winkelnaam is hoogstens 128"),
    ):
        refused = session.post(
            f"{hq.url}/stores/s002?lang=nl", data={"csrf": csrf, field: value}, timeout=30
        )
        assert refused.status_code == 400
        assert dutch in element(refused.text, "error")
    assert storeinfo.store_list(hq.db)[1] == storeinfo.StoreInfo(
        "s002", None, "south", None, "mon-sat 09:00-18:00; sun closed"
    )


def test_no_change_without_the_forms_csrf_token(hq_sqlite: HQ) -> None:
    hq = hq_sqlite
    seed(hq)
    session = log_in(hq)
    for data in (
        {"opening_hours": "mon closed"},
        {"csrf": "forged", "opening_hours": "mon closed"},
    ):
        refused = session.post(f"{hq.url}/stores/s002", data=data, timeout=30)
        assert refused.status_code == 403
    assert storeinfo.kiosk_store(hq.db, "s002").opening_hours == "mon-sat 09:00-18:00; sun closed"


def test_analysts_read_the_stores_and_cannot_edit(hq: HQ) -> None:
    seed(hq)
    analyst = as_role(hq, "otto", roles.ANALYST)
    listing = analyst.get(f"{hq.url}/stores", timeout=30).text
    assert sorted(store_rows(listing)) == ["s001", "s002", "s003"]
    assert "/edit" not in listing
    assert "Only an admin can change them" in listing
    assert analyst.get(f"{hq.url}/stores/s001/edit", timeout=30).status_code == 403
    csrf = csrf_of(listing)
    refused = analyst.post(
        f"{hq.url}/stores/s001", data={"csrf": csrf, "opening_hours": "mon closed"}, timeout=30
    )
    assert refused.status_code == 403
    assert storeinfo.kiosk_store(hq.db, "s001").opening_hours is None


def test_a_store_manager_sees_their_stores_only(hq: HQ) -> None:
    seed(hq)
    manager = as_role(hq, "mila", roles.STORE_MANAGER, ("s002",))
    listing = manager.get(f"{hq.url}/stores", timeout=30).text
    assert list(store_rows(listing)) == ["s002"]
    assert "Amsterdam" not in listing
    for path in ("/stores/s002/edit", "/stores/s001/edit"):
        assert manager.get(f"{hq.url}{path}", timeout=30).status_code == 403


def test_an_unknown_store_is_not_found(hq_sqlite: HQ) -> None:
    hq = hq_sqlite
    seed(hq)
    session = log_in(hq)
    for path in ("/stores/s404/edit", "/stores/%3Cscript%3E/edit"):
        assert session.get(f"{hq.url}{path}", timeout=30).status_code == 404
    csrf = csrf_of(session.get(f"{hq.url}/stores", timeout=30).text)
    refused = session.post(f"{hq.url}/stores/s404", data={"csrf": csrf, "name": "x"}, timeout=30)
    assert refused.status_code == 404
    assert [s.id for s in storeinfo.store_list(hq.db)] == ["s001", "s002"]


# --- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_editing_opening_hours_in_the_browser(hq_sqlite: HQ, browser: Any) -> None:
    hq = hq_sqlite
    seed(hq)
    users.add_user(hq.db, "anna", PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{hq.url}/stores")
        page.fill("#login-user", "anna")
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#nav-stores[aria-current=page]")
        assert page.locator("#nav-stores").inner_text() == "Winkels"
        page.click('tr[data-store="s002"] a.edit')
        page.fill("#st-hours", "ma-vr 08:00-20:00; za 08:00-12:00,13:00-17:00; zo 12:00-24:00")
        page.click("#st-save")
        page.wait_for_selector("#notice")
        hours = page.locator('tr[data-store="s002"] td.hours').inner_text()
        assert hours == "mon-fri 08:00-20:00; sat 08:00-12:00,13:00-17:00; sun 12:00-24:00"
        # A mistake is said in Dutch and what was typed stays to be corrected.
        page.click('tr[data-store="s002"] a.edit')
        page.fill("#st-hours", "ma-vr 20:00-08:00")
        page.click("#st-save")
        page.wait_for_selector("#error")
        assert "eindigt voor het begint" in page.locator("#error").inner_text()
        assert page.locator("#st-hours").input_value() == "ma-vr 20:00-08:00"
        # The refused form comes back as a 400, which the browser logs; nothing else.
        assert [p for p in problems if "status of 400" not in p] == []
    finally:
        context.close()
    assert storeinfo.kiosk_store(hq.db, "s002").opening_hours == (
        "mon-fri 08:00-20:00; sat 08:00-12:00,13:00-17:00; sun 12:00-24:00"
    )
