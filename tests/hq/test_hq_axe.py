"""axe-core on every dashboard page, in English and in Dutch, with data that draws the charts,
tables, badges and warnings: no WCAG 2.0/2.1/2.2 A or AA violation.

The pages are every GET route of ROUTES in test_hq_roles_routes.py (which fails for a route
of the application it does not know), so a new page is checked here too, or is named in
NOT_PAGES with the reason. axe-core comes with the pinned test dependency
axe-playwright-python (its axe.min.js); Chromium is Debian's, as in test_hq_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from alert_data import NOW as ALERT_NOW
from alert_data import answers, rule, store
from axe_playwright_python.sync_playwright import Axe
from dashboard_data import Spec, add, kiosk
from hq_helpers import HQ, serving
from sqlalchemy import select
from test_hq_browser import NOW, PASSWORD, _seed
from test_hq_roles_routes import KIOSK, ROUTES, STATIC, routes_of

from hq import actions, digest, digest_render, footfall, roles, survey_versions, users
from hq.alerts import rules
from hq.alerts.inbox import evaluate
from hq.db import tables
from hq.db.database import HQDatabase, sqlite_url
from hq.surveys import SurveyCatalog, load_surveys

pytestmark = pytest.mark.browser

# Every WCAG A and AA rule of axe-core (its tags), for WCAG 2.0, 2.1 and 2.2.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
LANGUAGES = ("en", "nl")

# GET routes that answer no page for a person, and why.
NOT_PAGES = {
    "/openapi.json": "the protocol's JSON schema, for programs",
    "/healthz": "a health check for monitoring",
    "/livez": "a liveness check for monitoring",
    "/readyz": "a readiness check for monitoring",
    "/metrics": "Prometheus' text format, for the metrics collector",
    "/schemas/survey.json": "a JSON schema, for programs",
    "/export.{fmt}": "a CSV or JSON download",
    "/surveys/fonts/{weight}.otf": "a font file for the survey preview",
}

# The states of a page worth checking besides the plain one (a query after the path).
VARIANTS: dict[str, list[str]] = {
    "/": ["", "?store=s009"],  # s009 has too few answers: the "too few" warnings
    "/trend": ["", "?split=store"],
    "/compare": ["", "?by=region"],
    "/comments": ["", "?q=kassa"],
}


@dataclass(frozen=True)
class Visit:
    """One page to check: ``path`` with ids filled in, or a flow (``how``) that ends on it."""

    name: str
    path: str
    # "get"; "logged_out" (no session); "login_refused"; "manager" (a store manager's
    # session); "discard", "store_refused" (a form's answer); "dialog" (the actions page's
    # removal dialog open); "digest" (the weekly e-mail's HTML)
    how: str = "get"


def _pages() -> list[Visit]:
    visits = []
    for (method, path), kind in ROUTES.items():
        if method != "GET" or kind in (STATIC, KIOSK) or path in NOT_PAGES:
            continue
        if path == "/login":
            visits.append(Visit("login", path, "logged_out"))
            continue
        visits += [Visit(path + variant, path + variant) for variant in VARIANTS.get(path, [""])]
    return [
        *visits,
        # Pages no GET route names: the error page, a refusal, and a form's confirmation.
        Visit("error page (unknown URL)", "/no-such-page"),
        Visit("login refused", "/login", "login_refused"),
        Visit("discard confirmation", "/surveys/{survey_id}/draft", "discard"),
        Visit("store not saved", "/stores/{store_id}/edit", "store_refused"),
        Visit("removal asked in a dialog", "/actions", "dialog"),
        Visit("a store manager's overview", "/", "manager"),
        Visit("admins only (403)", "/users", "manager"),
        Visit("weekly digest e-mail", "", "digest"),
    ]


PAGES = _pages()


@dataclass
class Site:
    hq: HQ
    ids: dict[str, str]
    page: Any  # a logged-in Playwright page
    context: Any
    surveys: SurveyCatalog


def _seed_more(hq: HQ) -> dict[str, str]:
    """What the other pages show: a store with too few answers, alerts, footfall, a draft,
    users of each role, comments; returns the ids a route's path names."""
    db = hq.db
    add(
        db,
        kiosk(db, "s009"),
        [Spec(NOW - timedelta(hours=h + 2), 2 + h % 5, "price", None) for h in range(6)],
    )
    for store_id in ("s004", "s005"):
        till = store(db, store_id, name=f"Store {store_id}")
        answers(
            db, till, [1] * 5, start=ALERT_NOW - timedelta(minutes=10), every=timedelta(minutes=1)
        )
    rule(db, rules.DIFFICULT_RUN)
    evaluate(db, ALERT_NOW)
    day = (NOW - timedelta(days=3)).date()
    footfall.load(
        db,
        [
            footfall.Row(s, day, h, v)
            for s, v in (("s001", 100), ("s002", 4000))
            for h in range(9, 19)
        ],
    )
    users.add_user(db, "sam", PASSWORD)
    roles.set_member(db, "sam", role=roles.STORE_MANAGER, stores=["s002"])
    users.add_user(db, "ann", PASSWORD)
    roles.set_member(db, "ann", role=roles.ANALYST)
    draft = survey_versions.new_draft_from(db, "in_store_purchase", "anna")
    with db.reading() as conn:
        answer_id = conn.execute(
            select(tables.responses.c.id).where(tables.responses.c.comment.is_not(None))
        ).scalar()
    (kiosk_id,) = [
        k.id for k in db.kiosks() if k.store == "s001" and k.touchpoint == "in_store_purchase"
    ]
    action_id = actions.all_actions(db)[0].id
    return {
        "kiosk_id": kiosk_id,
        "answer_id": str(answer_id),
        "action_id": str(action_id),
        "store_id": "s001",
        "journey_id": "in_store",
        "touchpoint": "in_store_purchase",
        "survey_id": "in_store_purchase",
        "version": str(draft),
    }


@pytest.fixture(scope="module")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    db = HQDatabase.open(sqlite_url(tmp_path_factory.mktemp("axe")))
    surveys = load_surveys()
    try:
        with serving(db, surveys) as url:
            hq = HQ(url, db)
            _seed(hq)
            users.add_user(db, "anna", PASSWORD)
            ids = _seed_more(hq)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            _log_in(page, url, "anna")
            yield Site(hq, ids, page, context, surveys)
            context.close()
    finally:
        db.close()


def _log_in(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#login-user", name)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#nav-overview[aria-current=page]")


def _filled(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def _with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def _open(site: Site, visit: Visit, lang: str, browser: Any) -> tuple[Any, Any]:
    """The Playwright page showing ``visit`` in ``lang``, and a context to close (or None)."""
    url = f"{site.hq.url}{_filled(visit.path, site.ids)}"
    if visit.how == "digest":
        anna = roles.member(site.hq.db, "anna")
        assert anna is not None
        week = digest.last_complete_week(NOW.date())
        mail = digest_render.html(digest.build(site.hq.db, anna, week), site.hq.url, lang)
        context = browser.new_context(viewport={"width": 800, "height": 900})
        page = context.new_page()
        page.set_content(mail)
        return page, context
    if visit.how in ("logged_out", "login_refused", "manager"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        if visit.how == "manager":
            _log_in(page, site.hq.url, "sam")
        page.goto(_with_lang(url, lang))
        if visit.how == "login_refused":
            page.fill("#login-user", "anna")
            page.fill("#login-password", "not the password")
            page.click("#login-submit")
            page.wait_for_selector("#login-error")
        return page, context
    page = site.page
    page.goto(_with_lang(url, lang))
    if visit.how == "discard":
        page.click("form[action$='/draft/discard'] button")
        page.wait_for_selector("#confirm-discard")
    elif visit.how == "store_refused":
        page.fill("#st-zone", "Nowhere/Atlantis")
        page.fill("#st-hours", "someday 25:00-26:00")
        page.click("#st-save")
        page.wait_for_selector("#error")
    elif visit.how == "dialog":
        page.click(f"#a-remove-{site.ids['action_id']}")
        page.locator("#confirm-remove").wait_for(state="visible")
    return page, None


def _report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", " / ")
            lines.append(f"      {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


AXE = Axe()
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def violations_of(page: Any) -> list[dict[str, Any]]:
    # Charts first: axe looks at the page as a reader meets it.
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every((c) => c.dataset.drawn === 'true')"
    )
    found: list[dict[str, Any]] = AXE.run(page, options=OPTIONS).response["violations"]
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("visit", PAGES, ids=[v.name for v in PAGES])
def test_no_axe_violations(
    site: Site, browser: Any, visit: Visit, lang: str, expect_log: Any
) -> None:
    if visit.how == "login_refused":
        expect_log("effortless.hq.dashboard", "login refused")
    page, context = _open(site, visit, lang, browser)
    try:
        assert page.evaluate("document.documentElement.lang") == lang
        found = violations_of(page)
        assert not found, f"{visit.name} ({lang}, {page.url}):\n{_report(found)}"
    finally:
        if context is not None:
            context.close()


def test_every_page_route_is_checked(site: Site) -> None:
    checked = {v.path for v in PAGES}
    for method, path in routes_of(site.hq.db, site.surveys):
        if method != "GET" or ROUTES.get((method, path)) in (STATIC, KIOSK):
            continue
        assert path in checked or path in NOT_PAGES, f"GET {path}: not checked by axe here"


def test_axe_finds_what_it_should(site: Site) -> None:
    """The check can fail: a page made to break the rules is reported."""
    page = site.page
    page.goto(f"{site.hq.url}/")
    page.evaluate(
        """() => {
          document.documentElement.removeAttribute('lang');
          const img = document.createElement('img');
          img.src = '/static/favicon.svg';
          document.querySelector('main').append(img);
          const low = document.createElement('p');
          low.textContent = 'hard to read';
          low.style.color = '#8a8a8a';
          document.querySelector('main').append(low);
        }"""
    )
    ids = {v["id"] for v in violations_of(page)}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= ids


def test_the_axe_version_is_a_wcag_2_2_one(site: Site) -> None:
    page = site.page
    page.goto(f"{site.hq.url}/")
    page.evaluate(AXE.axe_script)
    version = page.evaluate("axe.version")
    # 4.5 brought the WCAG 2.2 rules (e.g. target-size for wcag22aa).
    assert tuple(int(x) for x in version.split(".")[:2]) >= (4, 5), version


def test_keyboard_focus_is_visible(site: Site) -> None:
    """axe does not see focus: each of the first stops of Tab gets an outline of 3:1."""
    page = site.page
    page.goto(f"{site.hq.url}/")
    page.wait_for_selector("#nav-overview")
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => {
                  const s = getComputedStyle(document.activeElement);
                  return [document.activeElement.id || document.activeElement.tagName,
                          s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor];
                }"""
            )
        )
    for where, style, width, colour in seen:
        assert style == "solid" and width >= 2, (where, style, width)  # noqa: PT018
        assert colour == "rgb(21, 101, 192)", (where, colour)
    assert len({where for where, *_ in seen}) == len(seen)  # Tab moved each time
