"""The journeys page and the overview's journey view, as an analyst meets them, on SQLite
and PostgreSQL, against figures worked out by hand."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import requests
from dashboard_data import add, kiosk, many
from hq_helpers import HQ, csrf_of, element, log_in

from hq import journeys

PERIOD = "from=2026-03-02&to=2026-03-29"  # 28 days; the previous: 2026-02-02 .. 2026-03-01
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
BEFORE = datetime(2026, 2, 10, 10, 0, tzinfo=UTC)


def href(page: str, element_id: str) -> str:
    found = re.search(rf'<a[^>]*\bid="{element_id}"[^>]*\bhref="([^"]+)"', page)
    assert found, f"no link #{element_id}"
    return html.unescape(found.group(1))


def answers(hq: HQ) -> None:
    db = hq.db
    shop = kiosk(db, "s001", "in_store_purchase")
    # Now 48 of 50 easy, the two difficult ones naming price; before 30 of 50.
    add(db, shop, many(NOW, 7, 48, "ease") + many(NOW.replace(hour=11), 1, 2, "price"))
    add(db, shop, many(BEFORE, 7, 30, "ease") + many(BEFORE.replace(hour=11), 1, 20, "service"))
    desk = kiosk(db, "s001", "returns_desk")
    # 30 of 50 easy; difficult: waiting 12, staff 8. Nothing before.
    add(
        db,
        desk,
        many(NOW, 5, 30, "staff", scale="smiley5")
        + many(NOW.replace(hour=11), 1, 12, "waiting", scale="smiley5")
        + many(NOW.replace(hour=12), 2, 8, "staff", scale="smiley5"),
    )
    till = kiosk(db, "s001", "checkout")
    # 45 of 50 easy (5 neutral), as before: no change.
    add(db, till, many(NOW, 6, 45, "ease") + many(NOW.replace(hour=11), 4, 5, "ease"))
    add(db, till, many(BEFORE, 6, 45, "ease") + many(BEFORE.replace(hour=11), 4, 5, "ease"))
    journeys.add_touchpoint(
        db,
        "shopping",
        "checkout",
        names={"en": "Paying at the till", "nl": "Afrekenen"},
        survey="in_store_purchase",
        target=90,
        surveys=("in_store_purchase",),
    )


def test_the_overview_starts_with_each_journey(hq: HQ) -> None:
    answers(hq)
    session = log_in(hq)
    page = session.get(f"{hq.url}/?{PERIOD}", timeout=30).text
    assert page.index('id="journeys"') < page.index('id="headline"')
    assert element(page, "journey-shopping").startswith("Shopping in the store")
    # 48/50 = 96%, Wilson [86.5, 98.9]: its low end clears 80.
    assert element(page, "stop-pct-in_store_purchase") == "96.0%"
    assert "[86.5 – 98.9]" in element(page, "stop-in_store_purchase")
    assert element(page, "stop-n-in_store_purchase") == "n = 50"
    assert element(page, "stop-target-in_store_purchase") == "target 80%: target met"
    assert element(page, "stop-factor-in_store_purchase") == (
        "Most named when difficult: Price (2 of 2)"
    )
    # 60% before (n = 50): up, beyond noise.
    assert element(page, "stop-trend-in_store_purchase").startswith("↑")
    # Then the till, in the journey's order: 45/50 = 90% [78.6, 95.7] holds the target 90.
    assert page.index('id="stop-in_store_purchase"') < page.index('id="stop-checkout"')
    assert element(page, "stop-pct-checkout") == "90.0%"
    assert "[78.6 – 95.7]" in element(page, "stop-checkout")
    assert element(page, "stop-verdict-checkout") == "not distinguishable from the target"
    assert element(page, "stop-factor-checkout") == "No difficult answer named a factor"
    assert 'id="stop-trend-checkout"' not in page  # the same as before: no arrow
    # Returns: 30/50 = 60% [46.2, 72.4], wholly below 80; waiting named 12 of 20 times.
    assert element(page, "stop-pct-returns_desk") == "60.0%"
    assert "[46.2 – 72.4]" in element(page, "stop-returns_desk")
    assert element(page, "stop-verdict-returns_desk") == "target missed"
    assert element(page, "stop-factor-returns_desk") == (
        "Most named when difficult: Waiting time (12 of 20)"
    )
    assert 'id="stop-trend-returns_desk"' not in page  # nothing before to compare with

    dutch = session.get(f"{hq.url}/?{PERIOD}&lang=nl", timeout=30).text
    assert element(dutch, "stop-pct-in_store_purchase") == "96,0%"
    assert element(dutch, "stop-target-in_store_purchase") == "doel 80%: doel gehaald"
    assert element(dutch, "stop-verdict-returns_desk") == "doel gemist"
    assert element(dutch, "stop-factor-returns_desk") == (
        "Meest genoemd bij moeilijk: Wachttijd (12 van 20)"
    )
    assert "Afrekenen" in element(dutch, "stop-checkout")


def test_a_touchpoint_links_to_its_own_figures(hq: HQ) -> None:
    answers(hq)
    session = log_in(hq)
    page = session.get(f"{hq.url}/?{PERIOD}", timeout=30).text
    link = href(page, "stop-link-in_store_purchase")
    assert "touchpoint=in_store_purchase" in link
    assert "from=2026-03-02" in link
    narrowed = session.get(f"{hq.url}{link}", timeout=30).text
    # The till's answers (the same survey) are not in it.
    assert element(narrowed, "n-ces7") == "50"
    assert element(narrowed, "pct-easy-ces7") == "96.0%"
    factors = session.get(f"{hq.url}{href(page, 'stop-factor-returns_desk')}", timeout=30)
    assert factors.status_code == 200
    assert "touchpoint=returns_desk" in factors.url


def test_without_answers_a_touchpoint_says_so(hq: HQ) -> None:
    session = log_in(hq)
    page = session.get(f"{hq.url}/?{PERIOD}", timeout=30).text
    assert element(page, "stop-verdict-in_store_purchase") == "no answers"
    assert 'id="stop-pct-in_store_purchase"' not in page


# --- the journeys page -----------------------------------------------------------------------


def post(session: requests.Session, hq: HQ, path: str, **data: Any) -> requests.Response:
    page = session.get(f"{hq.url}/journeys", timeout=30).text
    return session.post(
        f"{hq.url}{path}",
        data={"csrf": csrf_of(page), **data},
        allow_redirects=False,
        timeout=30,
    )


def names(prefix: str, en: str, nl: str) -> dict[str, str]:
    return {f"{prefix}_en": en, f"{prefix}_nl": nl}


def stops(page: str, journey_id: str) -> list[str]:
    section = page[page.index(f'id="journey-{journey_id}"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'<li class="touchpoint" id="tp-([^"]+)"', section)


def test_an_analyst_builds_a_journey(hq: HQ) -> None:
    session = log_in(hq)
    page = session.get(f"{hq.url}/journeys", timeout=30).text
    assert stops(page, "shopping") == ["in_store_purchase"]
    done = post(session, hq, "/journeys", id="collect", **names("name", "Collecting", "Ophalen"))
    assert done.status_code == 303
    for tp, target in (("pickup", "75"), ("parking", "90")):
        reply = post(
            session,
            hq,
            "/journeys/collect/touchpoints",
            touchpoint=tp,
            survey="returns_desk",
            target=target,
            **names("tp_name", tp.title(), tp),
        )
        assert reply.status_code == 303, reply.text
    assert post(session, hq, "/journeys/collect/touchpoints/parking/move", position="1").ok
    assert post(
        session,
        hq,
        "/journeys/collect/touchpoints/pickup",
        survey="in_store_purchase",
        target="85",
        **names("tp_name", "Pick-up desk", "Afhaalbalie"),
    ).ok
    assert post(
        session, hq, "/journeys/collect/names", **names("name", "Click & collect", "Ophalen")
    ).ok
    assert post(session, hq, "/journeys/returns/delete").ok
    page = session.get(f"{hq.url}/journeys?done=saved", timeout=30).text
    assert element(page, "notice") == "Saved."
    assert stops(page, "collect") == ["parking", "pickup"]
    assert 'id="journey-returns"' not in page
    found = journeys.journey(hq.db, "collect")
    assert found.names == {"en": "Click & collect", "nl": "Ophalen"}
    assert [(t.id, t.survey, t.target) for t in found.touchpoints] == [
        ("parking", "returns_desk", 90),
        ("pickup", "in_store_purchase", 85),
    ]
    assert post(session, hq, "/journeys/collect/touchpoints/parking/delete").ok
    assert [t.id for t in journeys.journey(hq.db, "collect").touchpoints] == ["pickup"]
    overview = session.get(f"{hq.url}/", timeout=30).text
    assert element(overview, "journey-collect").startswith("Click & collect")


def test_errors_show_beside_the_field_in_the_readers_language(hq: HQ) -> None:
    session = log_in(hq)
    tp_form = {"touchpoint": "desk", "survey": "returns_desk", **names("tp_name", "Desk", "Balie")}
    cases = [
        ("/journeys/shopping/touchpoints", {**tp_form, "target": "abc"}, "tp-new-shopping", "target"),
        ("/journeys/shopping/touchpoints", {**tp_form, "target": "0"}, "tp-new-shopping", "target"),
        ("/journeys/shopping/touchpoints", {**tp_form, "target": "101"}, "tp-new-shopping", "target"),
        ("/journeys/shopping/touchpoints", {**tp_form, "target": "80", "survey": "nope"},
         "tp-new-shopping", "survey"),
        ("/journeys/shopping/touchpoints", {**tp_form, "target": "80", "touchpoint": "Bad Id"},
         "tp-new-shopping", "touchpoint"),
        ("/journeys/shopping/touchpoints", {**tp_form, "target": "80",
         "touchpoint": "returns_desk"}, "tp-new-shopping", "touchpoint"),
        ("/journeys", {"id": "x", **names("name", "y" * 81, "z")}, "journey-new", "name_en"),
        ("/journeys", {"id": "../x", **names("name", "y", "z")}, "journey-new", "id"),
        ("/journeys", {"id": "shopping", **names("name", "y", "z")}, "journey-new", "id"),
        ("/journeys/returns/touchpoints/returns_desk", {"target": "1000"}, "tp-returns_desk",
         "target"),
    ]  # fmt: skip
    for path, data, form, field in cases:
        reply = post(session, hq, path, **data)
        assert reply.status_code == 400, (path, data)
        assert element(reply.text, f"error-{form}-{field}"), (path, data)
    reply = post(session, hq, "/journeys/shopping/touchpoints", **tp_form, target="abc")
    assert element(reply.text, "error-tp-new-shopping-target") == (
        "a whole percentage from 1 to 100"
    )
    # What was typed comes back.
    assert (
        'id="tp-new-shopping-touchpoint" name="touchpoint" maxlength="64" required value="desk"'
        in reply.text
    )
    session.cookies.set("ces_lang", "nl")
    dutch = post(session, hq, "/journeys/shopping/touchpoints", **tp_form, target="abc")
    assert element(dutch.text, "error-tp-new-shopping-target") == (
        "een heel percentage van 1 tot en met 100"
    )
    # Nothing was changed by any of it.
    found = journeys.all_journeys(hq.db)
    assert [(j.id, [(t.id, t.target) for t in j.touchpoints]) for j in found] == [
        ("shopping", [("in_store_purchase", 80)]),
        ("returns", [("returns_desk", 80)]),
    ]


def test_changes_need_the_forms_csrf_token(hq: HQ) -> None:
    session = log_in(hq)
    reply = session.post(f"{hq.url}/journeys/shopping/delete", data={"csrf": "forged"}, timeout=30)
    assert reply.status_code == 403
    anonymous = requests.post(
        f"{hq.url}/journeys", data={"id": "x"}, allow_redirects=False, timeout=30
    )
    assert anonymous.status_code == 303
    assert "/login" in anonymous.headers["location"]
    assert [j.id for j in journeys.all_journeys(hq.db)] == ["shopping", "returns"]


def test_removing_asks_first_and_a_get_removes_nothing(hq: HQ) -> None:
    session = log_in(hq)
    page = session.get(f"{hq.url}/journeys", timeout=30).text
    assert href(page, "remove-shopping") == "/journeys/shopping/delete"
    confirm = session.get(f"{hq.url}/journeys/shopping/delete", timeout=30)
    assert confirm.status_code == 200
    assert element(confirm.text, "confirm-title") == (
        "Remove the journey “Shopping in the store” and its touchpoints?"
    )
    assert element(confirm.text, "confirm-touchpoints") == "Buying in the store"
    assert 'action="/journeys/shopping/delete"' in confirm.text
    tp_href = href(page, "tp-in_store_purchase-remove")
    assert tp_href == "/journeys/shopping/touchpoints/in_store_purchase/delete"
    tp_confirm = session.get(f"{hq.url}{tp_href}", timeout=30)
    assert element(tp_confirm.text, "confirm-title") == (
        "Remove the touchpoint “Buying in the store” from “Shopping in the store”?"
    )
    # Looking removed nothing; unknown ones are a page that says so.
    assert [j.id for j in journeys.all_journeys(hq.db)] == ["shopping", "returns"]
    assert len(journeys.journey(hq.db, "shopping").touchpoints) == 1
    for path in ("/journeys/nope/delete", "/journeys/shopping/touchpoints/nope/delete",
                 "/journeys/%00/delete", f"/journeys/{'x' * 5000}/delete"):  # fmt: skip
        missing = session.get(f"{hq.url}{path}", timeout=30)
        assert missing.status_code in (404, 414), path
    # Confirmed, it goes.
    done = session.post(
        f"{hq.url}/journeys/shopping/delete", data={"csrf": csrf_of(confirm.text)}, timeout=30
    )
    assert done.status_code == 200
    assert "done=removed" in done.url
    assert [j.id for j in journeys.all_journeys(hq.db)] == ["returns"]
