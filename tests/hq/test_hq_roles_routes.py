"""Every route of HQ, requested by a store manager of s002 while s001 has answers, comments,
a kiosk, a name and actions: nothing of s001 shows, and the admins' routes say 403.

The routes are read from the application itself, so a route added later is requested too;
one this test has not been told about fails it, with a message saying how to classify it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from dashboard_data import Spec, add, kiosk, many
from fastapi.routing import iter_route_contexts
from hq_helpers import HQ, csrf_of, log_in
from sqlalchemy import select
from starlette.routing import Mount

from hq import actions, roles, storeinfo
from hq.app import create_app
from hq.dashboard import insights
from hq.dashboard.filters import Filters
from hq.db.database import HQDatabase
from hq.db.tables import (
    action_stores,
    journey_touchpoints,
    journeys,
    kiosks,
    responses,
    stores,
    survey_versions,
    user_stores,
)
from hq.db.tables import actions as actions_table
from hq.db.tables import users as users_table
from hq.surveys import SurveyCatalog

NOW = datetime.now(UTC).replace(microsecond=0)
# In every comment, action and name of s001: found anywhere in a reply, it is a leak.
MARKER = "qzxmarkerqzx"
OTHER = "s001"
OTHER_NAME = f"Kalverstraat {MARKER}"
OWN = "s002"
OWN_WORDS = "the own store's words"

# What each route is. ADMIN: 403 for anyone but an admin. STAFF: 403 for a store manager
# (admins and analysts only, e.g. alert rules). SCOPED: open to a store manager,
# showing only their stores. PUBLIC: no session needed, no store data. KIOSK: the kiosks'
# protocol (/api/v1), opened by kiosk tokens, not dashboard sessions: out of scope here (a
# session opens none of them: test_hq_dashboard.py, test_hq_enrol_auth.py). STATIC: files shipped with HQ.
ADMIN, STAFF, SCOPED = "admin", "staff", "scoped"
PUBLIC, KIOSK, STATIC = "public", "kiosk", "static"
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("HEAD", "/openapi.json"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("HEAD", "/healthz"): PUBLIC,
    ("GET", "/livez"): PUBLIC,
    ("HEAD", "/livez"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("HEAD", "/readyz"): PUBLIC,
    ("GET", "/schemas/survey.json"): PUBLIC,
    # A bearer token of its own, never a session (tests/hq/test_hq_metrics.py); no store's data.
    ("GET", "/metrics"): PUBLIC,
    ("HEAD", "/metrics"): PUBLIC,
    ("HEAD", "/schemas/survey.json"): PUBLIC,
    ("POST", "/api/v1/enroll"): KIOSK,
    ("POST", "/api/v1/responses"): KIOSK,
    ("POST", "/api/v1/heartbeat"): KIOSK,
    ("GET", "/api/v1/config"): KIOSK,
    ("MOUNT", "/static"): STATIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/"): SCOPED,
    ("GET", "/factors"): SCOPED,
    ("GET", "/priorities"): SCOPED,
    ("GET", "/trend"): SCOPED,
    ("GET", "/compare"): SCOPED,
    ("GET", "/fleet"): SCOPED,
    ("GET", "/fleet/{kiosk_id}/move"): ADMIN,
    ("POST", "/fleet/{kiosk_id}/move"): ADMIN,
    ("GET", "/comments"): SCOPED,
    ("GET", "/comments/{answer_id}/delete"): ADMIN,
    ("POST", "/comments/{answer_id}/delete"): ADMIN,
    ("GET", "/journeys"): ADMIN,
    ("POST", "/journeys"): ADMIN,
    ("POST", "/journeys/{journey_id}/names"): ADMIN,
    ("GET", "/journeys/{journey_id}/delete"): ADMIN,
    ("GET", "/journeys/{journey_id}/touchpoints/{touchpoint}/delete"): ADMIN,
    ("POST", "/journeys/{journey_id}/delete"): ADMIN,
    ("POST", "/journeys/{journey_id}/touchpoints"): ADMIN,
    ("POST", "/journeys/{journey_id}/touchpoints/{touchpoint}"): ADMIN,
    ("POST", "/journeys/{journey_id}/touchpoints/{touchpoint}/move"): ADMIN,
    ("POST", "/journeys/{journey_id}/touchpoints/{touchpoint}/delete"): ADMIN,
    ("GET", "/surveys"): ADMIN,
    ("GET", "/surveys/new"): ADMIN,
    ("POST", "/surveys/new"): ADMIN,
    ("GET", "/surveys/{survey_id}/draft"): ADMIN,
    ("POST", "/surveys/{survey_id}/draft"): ADMIN,
    ("POST", "/surveys/{survey_id}/draft/new"): ADMIN,
    ("POST", "/surveys/{survey_id}/draft/discard"): ADMIN,
    ("GET", "/surveys/{survey_id}/versions/{version}/preview"): ADMIN,
    ("GET", "/surveys/{survey_id}/versions/{version}/publish"): ADMIN,
    ("POST", "/surveys/{survey_id}/versions/{version}/publish"): ADMIN,
    ("GET", "/surveys/fonts/{weight}.otf"): ADMIN,
    ("GET", "/actions"): SCOPED,
    ("POST", "/actions"): SCOPED,
    ("POST", "/actions/{action_id}/details"): SCOPED,
    ("GET", "/actions/{action_id}/delete"): SCOPED,
    ("POST", "/actions/{action_id}/delete"): SCOPED,
    ("GET", "/export.{fmt}"): SCOPED,
    ("GET", "/participation"): SCOPED,
    ("GET", "/stores"): SCOPED,
    ("GET", "/stores/{store_id}/edit"): ADMIN,
    ("POST", "/stores/{store_id}"): ADMIN,
    ("GET", "/users"): ADMIN,
    ("POST", "/users/{name}"): ADMIN,
    ("GET", "/audit"): ADMIN,
    ("GET", "/alerts"): SCOPED,
    ("POST", "/alerts/{alert_id}/acknowledge"): SCOPED,
    ("POST", "/alerts/rules"): STAFF,
    ("POST", "/alerts/rules/{rule_id}/{change}"): STAFF,
}

# The routes that read the filters: a store filter naming another store is a 404 there.
FILTERED = {
    "/",
    "/factors",
    "/priorities",
    "/trend",
    "/compare",
    "/fleet",
    "/comments",
    "/actions",
    "/export.{fmt}",
    "/participation",
    "/stores",
}

# The same page asked in the ways that could show other stores.
QUERIES = [
    {},
    {"region": "north"},
    {"split": "store"},
    {"by": "store"},
    {"by": "region"},
    {"q": "rommelig"},  # a word of s001's comments (the search box shows it back)
    {"store": OWN},
    {"full": "1"},
]


@pytest.fixture
def other_store(hq: HQ) -> dict[str, str]:
    """s001 (the other store) with all it can have, s002 (the manager's) with a little; the
    ids a route's path may name, all of s001's."""
    storeinfo.set_store(hq.db, OTHER, name=OTHER_NAME, region="north")
    storeinfo.set_store(hq.db, OWN, name="Own corner", region="north")
    theirs = kiosk(hq.db, OTHER)
    at = NOW - timedelta(hours=2)
    add(
        hq.db,
        theirs,
        [
            *many(at, 2, 6, "price"),
            *many(at, 6, 8, "ease"),
            *[
                Spec(at + timedelta(minutes=i), 1, "service", f"{MARKER} rommelig {i}")
                for i in range(5)
            ],
        ],
    )
    mine = kiosk(hq.db, OWN)
    add(hq.db, mine, [*many(at, 6, 12, "ease"), Spec(at, 2, "price", OWN_WORDS)])
    started = NOW.date() - timedelta(days=10)
    their_action = actions.record(
        hq.db, title=f"Action {MARKER}", started_on=started, created_by="anna", stores=[OTHER]
    )
    actions.record(
        hq.db, title=f"Chain-wide {MARKER}", started_on=started, created_by="anna", stores=[]
    )
    actions.record(
        hq.db, title=f"Both {MARKER}", started_on=started, created_by="anna", stores=[OTHER, OWN]
    )
    actions.record(hq.db, title="Own action", started_on=started, created_by="anna", stores=[OWN])
    with hq.db.reading() as conn:
        answer_id = conn.execute(
            select(responses.c.id).where(
                responses.c.store_id == OTHER, responses.c.comment.is_not(None)
            )
        ).scalar()
    return {
        "kiosk_id": theirs.id,
        "answer_id": str(answer_id),
        "action_id": str(their_action),
        "store_id": OTHER,
        "journey_id": "in_store",
        "touchpoint": "in_store_purchase",
        "survey_id": "in_store_purchase",
        "version": "1",
        "weight": "regular",
        "name": "anna",
        "alert_id": "1",
        "rule_id": "1",
        "change": "remove",
    }


def manager_of(hq: HQ, name: str, *store_ids: str) -> requests.Session:
    session = log_in(hq, name)
    roles.set_member(hq.db, name, role=roles.STORE_MANAGER, stores=store_ids)
    return session


def routes_of(db: HQDatabase, surveys: SurveyCatalog) -> list[tuple[str, str]]:
    """Every (method, path) of the application as ces-hq serve makes it."""
    found = []
    for context in iter_route_contexts(create_app(db, surveys).routes):
        route = context.original_route
        if isinstance(route, Mount):
            found.append(("MOUNT", route.path))
            continue
        path = context.path
        assert path is not None
        methods = getattr(route, "methods", None) or set()
        found += [(m, path) for m in sorted(methods)]
    return found


def leaks(reply: requests.Response, ids: dict[str, str]) -> list[str]:
    """What of s001 the reply shows (leaving out the request's own URL, which the page may
    echo: the language links repeat it)."""
    text = reply.text
    sent = urlsplit(reply.request.url or "")
    for echoed in (sent.query, sent.path, reply.request.path_url):
        text = text.replace(echoed, "").replace(echoed.replace("&", "&amp;"), "")
    text += " " + reply.headers.get("location", "")
    secrets = [MARKER, OTHER, "Kalverstraat", ids["kiosk_id"], ids["answer_id"]]
    return [s for s in secrets if s in text]


def fill(path: str, ids: dict[str, str], fmt: str = "csv") -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "fmt":
            return fmt
        if name not in ids:
            pytest.fail(
                f"{path}: tests/hq/test_hq_roles_routes.py has no value for path parameter "
                f"{{{name}}}: add one to the other_store fixture (of store s001)"
            )
        return ids[name]

    return re.sub(r"\{(\w+)\}", value, path)


def snapshot(db: HQDatabase) -> dict[str, Any]:
    """What no store manager's request may change: s001's answers and kiosk, the stores,
    users, journeys, surveys and actions."""
    with db.reading() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
            for t in (
                kiosks,
                stores,
                users_table,
                user_stores,
                journeys,
                journey_touchpoints,
                survey_versions,
                actions_table,
                action_stores,
            )
        } | {
            "s001 answers": sorted(
                map(
                    tuple,
                    conn.execute(
                        select(responses.c.id, responses.c.comment).where(
                            responses.c.store_id == OTHER
                        )
                    ).all(),
                ),
                key=repr,
            )
        }


def form_for(token: str) -> dict[str, str]:
    """A form with the session's token and every field a dashboard form has, pointing at
    s001 where a field can."""
    return {
        "csrf": token,
        "title": "Sneaky",
        "started_on": NOW.date().isoformat(),
        "stores": OTHER,
        "store": OTHER,
        "touchpoint": "in_store_purchase",
        "status": "done",
        "owner": "sam",
        "role": "admin",
        "email": "sam@example.com",
        "name": "Renamed",
        "name_en": "Renamed",
        "name_nl": "Hernoemd",
        "region": "south",
        "time_zone": "Europe/Amsterdam",
        "opening_hours": "mon-sun 00:00-24:00",
        "survey": "in_store_purchase",
        "target": "90",
    }


def test_a_store_manager_sees_nothing_of_another_store_on_any_route(
    hq: HQ, surveys: SurveyCatalog, other_store: dict[str, str], expect_log: Any
) -> None:
    expect_log("effortless.hq.dashboard", "login refused")  # the form posted to /login
    ids = other_store
    log_in(hq, "anna")  # an admin, so that the manager is not the last one
    sam = manager_of(hq, "sam", OWN)
    token = csrf_of(sam.get(f"{hq.url}/", timeout=30).text)
    before = snapshot(hq.db)
    found = routes_of(hq.db, surveys)
    unknown = sorted({r for r in found if r not in ROUTES})
    assert not unknown, (
        "routes this test does not know: classify each in ROUTES of "
        "tests/hq/test_hq_roles_routes.py (ADMIN: 403 for non-admins; SCOPED: filtered to a "
        f"store manager's stores; PUBLIC; KIOSK; STATIC): {unknown}"
    )
    problems: list[str] = []

    def check(reply: requests.Response, what: str) -> None:
        shown = leaks(reply, ids)
        if shown:
            problems.append(f"{what}: {reply.status_code} shows {shown}")
        location = reply.headers.get("location", "")
        if reply.status_code in (302, 303) and location.startswith("/"):
            then = sam.get(f"{hq.url}{location}", allow_redirects=False, timeout=30)
            if leaks(then, ids):
                problems.append(f"{what} -> {location}: shows {leaks(then, ids)}")

    for method, path in found:
        kind = ROUTES[(method, path)]
        if kind == STATIC:
            reply = sam.get(f"{hq.url}{path}/dashboard.css", timeout=30)
            check(reply, f"GET {path}/dashboard.css")
            continue
        if path == "/logout":
            continue  # asked last, as it ends the session
        targets = (
            [fill(path, ids, "csv"), fill(path, ids, "json")]
            if "{fmt}" in path
            else [fill(path, ids)]
        )
        for target in targets:
            url = f"{hq.url}{target}"
            what = f"{method} {target}"
            if kind == KIOSK:
                continue  # kiosk tokens, not sessions: tests/hq/test_hq_enrol_auth.py
            if method in ("GET", "HEAD"):
                queries = QUERIES if kind == SCOPED else [{}]
                assert kind != STAFF, f"{what}: STAFF is for forms; a page is ADMIN or SCOPED"
                for query in queries:
                    shown = f"{url}?{urlencode(query)}" if query else url
                    reply = sam.request(method, shown, allow_redirects=False, timeout=30)
                    check(reply, f"{what}?{urlencode(query)}")
                    if kind == ADMIN:
                        assert reply.status_code == 403, what
                        assert "Only an admin can open this page." in reply.text, what
                if kind == SCOPED and method == "GET":
                    # Naming the other store: as if it did not exist.
                    refused = sam.get(f"{url}?store={OTHER}", allow_redirects=False, timeout=30)
                    check(refused, f"{what}?store={OTHER}")
                    if path in FILTERED:
                        assert refused.status_code == 404, what
            else:
                reply = sam.post(url, data=form_for(token), allow_redirects=False, timeout=30)
                check(reply, what)
                if kind in (ADMIN, STAFF):
                    assert reply.status_code == 403, f"{what}: {reply.status_code}"
    # Last: the session's end shows nothing either.
    check(sam.post(f"{hq.url}/logout", data={"csrf": token}, allow_redirects=False), "logout")
    assert not problems, "\n".join(problems)
    assert snapshot(hq.db) == before


def test_the_manager_sees_their_own_store(hq: HQ, other_store: dict[str, str]) -> None:
    log_in(hq, "anna")
    sam = manager_of(hq, "sam", OWN)
    comments = sam.get(f"{hq.url}/comments", timeout=30).text
    assert OWN_WORDS.replace("'", "&#39;") in comments
    assert MARKER not in comments
    overview = sam.get(f"{hq.url}/", timeout=30).text
    assert "Own corner" in overview
    assert 'id="nav-users"' not in overview
    assert 'id="nav-surveys"' not in overview
    assert 'id="nav-journeys"' not in overview
    own = sam.get(f"{hq.url}/actions", timeout=30).text
    assert "Own action" in own
    assert MARKER not in own
    exported = sam.get(f"{hq.url}/export.json", timeout=30).json()
    assert exported
    assert {row["store_id"] for row in exported} == {OWN}
    # The region holds both stores: the manager's figures count only theirs.
    north = sam.get(f"{hq.url}/export.csv?region=north", timeout=30).text
    assert OWN in north
    assert OTHER not in north


def test_a_manager_of_no_store_sees_nothing(hq: HQ, other_store: dict[str, str]) -> None:
    log_in(hq, "anna")
    nobody = manager_of(hq, "nora")
    assert nobody.get(f"{hq.url}/export.json", timeout=30).json() == []
    page = nobody.get(f"{hq.url}/comments", timeout=30).text
    assert MARKER not in page
    assert OWN_WORDS not in page.replace("&#39;", "'")


def test_a_changed_role_applies_to_the_open_session(hq: HQ, other_store: dict[str, str]) -> None:
    log_in(hq, "anna")
    bert = log_in(hq, "bert")
    assert bert.get(f"{hq.url}/users", timeout=30).status_code == 200
    roles.set_member(hq.db, "bert", role=roles.ANALYST)
    assert bert.get(f"{hq.url}/users", timeout=30).status_code == 403
    assert MARKER in bert.get(f"{hq.url}/comments", timeout=30).text
    roles.set_member(hq.db, "bert", role=roles.STORE_MANAGER, stores=[OWN])
    assert MARKER not in bert.get(f"{hq.url}/comments", timeout=30).text


def test_an_unknown_role_in_the_database_sees_as_a_store_manager_of_nothing(
    hq: HQ, other_store: dict[str, str]
) -> None:
    log_in(hq, "anna")
    odd = log_in(hq, "odd")
    with hq.db.writing() as conn:
        conn.execute(
            users_table.update().where(users_table.c.name == "odd").values(role="superuser")
        )
    assert odd.get(f"{hq.url}/users", timeout=30).status_code == 403
    assert odd.get(f"{hq.url}/export.json", timeout=30).json() == []


@pytest.mark.parametrize("days", [3, 40])  # daily counts only, and weeks with days at the ends
def test_a_managers_figures_count_only_their_stores(
    hq: HQ, other_store: dict[str, str], days: int
) -> None:
    """Counts carry no store id to find in a page: the figures themselves are checked, on
    every way insights reads them (daily and weekly count tables, by store and region)."""
    end = NOW.date()
    everything = Filters(start=end - timedelta(days=days), end=end)
    mine = everything.narrowed(stores=frozenset({OWN}))
    own_n = 13  # s002's answers, against s001's 19
    [summary] = insights.overview(hq.db, mine)
    assert summary.n == own_n
    assert insights.overview(hq.db, everything)[0].n == 32
    # The region holds both stores; the manager's region is theirs alone.
    assert insights.overview(hq.db, mine.narrowed(region="north"))[0].n == own_n
    [view] = insights.factors(hq.db, mine)
    assert (view.summary.n, view.difficult_total) == (own_n, 1)  # s001 has 11 difficult
    for by in ("store", "region", "touchpoint"):
        groups = insights.compare_groups(hq.db, mine, by)["ces7"]
        assert sum(g.summary.n for g in groups) == own_n, by
        if by == "store":
            assert [g.key for g in groups] == [OWN]
    split = insights.trend(hq.db, mine, "day", "store")["ces7"]
    assert set(split) == {OWN}
    counted = insights.counted(hq.db, mine.narrowed(rapid=True))
    assert counted.timeouts == 0  # every answer here has a factor
    comments, total = insights.comments(hq.db, mine)
    assert total == 1
    assert [c.store_id for c in comments] == [OWN]
    assert insights.comments(hq.db, mine.narrowed(stores=frozenset()))[1] == 0
    assert [r.store for r in insights.fleet(hq.db, NOW, frozenset({OWN}))] == [OWN]
    assert [s for s, _ in insights.choices(hq.db, frozenset({OWN})).stores] == [OWN]
