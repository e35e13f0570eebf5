"""The dashboard over HTTP: who gets in, what bad input gets, what the pages and exports say."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from dashboard_data import Spec, add, kiosk, many
from hq_helpers import HQ, PASSWORD, csrf_of, log_in
from sqlalchemy import select

from hq import users
from hq.db.tables import users as users_table

NOW = datetime.now(UTC).replace(microsecond=0)
PAGES = [
    "/",
    "/factors",
    "/priorities",
    "/trend",
    "/trend?by=day",
    "/trend?split=store",
    "/compare",
    "/compare?by=region",
    "/journeys",
    "/actions",
    "/fleet",
    "/comments",
    "/export.csv",
    "/export.json",
]


def seed(hq: HQ) -> str:
    """Today's answers at s001: 20 on CES 2.0 (70% easy) with comments; returns the kiosk id."""
    k = kiosk(hq.db, "s001")
    at = NOW - timedelta(hours=1)
    specs = [
        *many(at, 2, 3, "price"),
        *many(at, 4, 3, "service"),
        *many(at, 6, 13, "ease"),
        Spec(at, 7, "service", "<script>alert('x')</script>"),
    ]
    add(hq.db, k, specs)
    add(
        hq.db,
        kiosk(hq.db, "s002"),
        [Spec(at, 1, "price", '=HYPERLINK("http://evil")')],
    )
    return k.id


# --- who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_and_export_sends_an_anonymous_user_to_the_login(
    hq_sqlite: HQ, path: str
) -> None:
    seed(hq_sqlite)
    reply = requests.get(f"{hq_sqlite.url}{path}", allow_redirects=False, timeout=30)
    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login?next=")
    assert "s001" not in reply.text


@pytest.mark.parametrize("path", PAGES)
def test_a_kiosk_token_opens_no_page_and_no_export(hq_sqlite: HQ, path: str) -> None:
    seed(hq_sqlite)
    _, token = hq_sqlite.kiosk()
    as_bearer = requests.get(
        f"{hq_sqlite.url}{path}",
        headers={"Authorization": f"Bearer {token}"},
        allow_redirects=False,
        timeout=30,
    )
    as_cookie = requests.get(
        f"{hq_sqlite.url}{path}", cookies={"ces_session": token}, allow_redirects=False, timeout=30
    )
    for reply in (as_bearer, as_cookie):
        assert reply.status_code == 303
        assert reply.headers["location"].startswith("/login")


@pytest.mark.parametrize("path", ["/actions", "/actions/1/delete", "/logout"])
def test_forms_refuse_an_anonymous_post(hq_sqlite: HQ, path: str) -> None:
    reply = requests.post(
        f"{hq_sqlite.url}{path}", data={"title": "x"}, allow_redirects=False, timeout=30
    )
    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login")


def test_log_in_and_out(hq: HQ, expect_log: object) -> None:
    seed(hq)
    session = log_in(hq)
    cookie = next(c for c in session.cookies if c.name == "ces_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    page = session.get(f"{hq.url}/", timeout=30)
    assert page.status_code == 200
    assert "Logged in as" in page.text and "anna" in page.text  # noqa: PT018
    out = session.post(f"{hq.url}/logout", data={"csrf": csrf_of(page.text)}, timeout=30)
    assert out.url.endswith("/login")
    again = requests.get(
        f"{hq.url}/", cookies={"ces_session": cookie.value or ""}, allow_redirects=False, timeout=30
    )
    assert again.status_code == 303


def test_a_wrong_password_is_refused_and_five_lock_the_user(hq_sqlite: HQ, expect_log) -> None:  # type: ignore[no-untyped-def]
    expect_log("effortless.hq.dashboard", r"login refused \(wrong\)")
    expect_log("effortless.hq.dashboard", r"login refused \(locked\)")
    users.add_user(hq_sqlite.db, "anna", PASSWORD)
    for _ in range(4):
        reply = requests.post(
            f"{hq_sqlite.url}/login", data={"user": "anna", "password": "wrong wrong"}, timeout=30
        )
        assert reply.status_code == 401
        assert "Wrong user name or password." in reply.text
        assert "ces_session" not in reply.cookies
    fifth = requests.post(
        f"{hq_sqlite.url}/login", data={"user": "anna", "password": "still wrong"}, timeout=30
    )
    assert "Too many wrong passwords" in fifth.text
    right = requests.post(
        f"{hq_sqlite.url}/login", data={"user": "anna", "password": PASSWORD}, timeout=30
    )
    assert right.status_code == 401
    assert "Too many wrong passwords" in right.text
    # An unknown user gets the same answer as a wrong password.
    unknown = requests.post(
        f"{hq_sqlite.url}/login", data={"user": "bob", "password": PASSWORD}, timeout=30
    )
    assert "Wrong user name or password." in unknown.text


def test_passwords_are_stored_hashed(hq_sqlite: HQ) -> None:
    users.add_user(hq_sqlite.db, "anna", PASSWORD)
    with hq_sqlite.db.reading() as conn:
        stored = conn.execute(select(users_table.c.password_hash)).scalar_one()
    assert PASSWORD not in stored
    assert stored.startswith("scrypt$")


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(hq_sqlite: HQ, target: str) -> None:
    users.add_user(hq_sqlite.db, "anna", PASSWORD)
    reply = requests.post(
        f"{hq_sqlite.url}/login",
        data={"user": "anna", "password": PASSWORD, "next": target},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303
    assert reply.headers["location"] == "/"


def test_after_login_the_user_lands_on_the_page_they_asked_for(hq_sqlite: HQ) -> None:
    users.add_user(hq_sqlite.db, "anna", PASSWORD)
    first = requests.get(f"{hq_sqlite.url}/fleet?lang=nl", timeout=30)
    assert 'name="next" value="/fleet?lang=nl"' in first.text
    reply = requests.post(
        f"{hq_sqlite.url}/login",
        data={"user": "anna", "password": PASSWORD, "next": "/fleet?lang=nl"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.headers["location"] == "/fleet?lang=nl"


@pytest.mark.parametrize(
    "form",
    [
        {"user": "a" * 5000, "password": "x"},
        {"user": "anna'; DROP TABLE users; --", "password": "x"},
        {"user": "anna", "password": "x" * 20_000},
        {"user": "anna\u0000", "password": PASSWORD},
    ],
)
def test_hostile_logins_are_refused_plainly(
    hq_sqlite: HQ, form: dict[str, str], expect_log
) -> None:  # type: ignore[no-untyped-def]
    expect_log("effortless.hq.dashboard", "login refused")
    users.add_user(hq_sqlite.db, "anna", PASSWORD)
    reply = requests.post(f"{hq_sqlite.url}/login", data=form, timeout=30)
    assert reply.status_code == 401
    assert users.user_names(hq_sqlite.db) == ["anna"]


def test_a_login_form_over_the_size_limit_is_refused_unread(hq_sqlite: HQ) -> None:
    reply = requests.post(
        f"{hq_sqlite.url}/login", data={"user": "anna", "password": "x" * 100_000}, timeout=30
    )
    assert reply.status_code == 413
    assert "ces_session" not in reply.cookies


def test_a_form_body_that_is_not_utf8_or_too_large_is_refused(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    bad = session.post(
        f"{hq_sqlite.url}/actions",
        data=b"title=\xff\xfe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert bad.status_code == 400
    big = session.post(f"{hq_sqlite.url}/actions", data={"title": "x" * 70_000}, timeout=30)
    assert big.status_code == 413


# --- what the pages say ------------------------------------------------------------------


def test_overview_shows_the_figures_with_n_and_scale(hq: HQ) -> None:
    seed(hq)
    session = log_in(hq)
    page = session.get(f"{hq.url}/?store=s001", timeout=30)
    assert page.status_code == 200
    text = page.text
    assert "CES 2.0" in text
    assert re.search(r'id="n-ces7">20<', text)
    assert re.search(r'id="pct-easy-ces7">70.0%<', text)  # 14 of 20
    assert re.search(r'id="net-easy-ces7">55.0<', text)  # 70% - 15%
    assert "too few answers" in text  # 20 < 30
    assert 'data-chart="data-dist-ces7"' in text  # a chart, and its table:
    assert 'id="table-dist-ces7"' in text
    assert page.headers["server-timing"].startswith("app;dur=")
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_the_means_interval_is_never_zero_wide_and_one_answer_says_so(hq: HQ) -> None:
    at = NOW - timedelta(hours=1)
    add(hq.db, kiosk(hq.db, "s002"), many(at, 7, 18, "service"))
    add(hq.db, kiosk(hq.db, "s003"), [Spec(at, 6, "price")])
    session = log_in(hq)
    # 18 sevens: 7 - 6 * 3.841459 / 21.841459 = 5.94 (it read [7.00 - 7.00]).
    page = session.get(f"{hq.url}/?store=s002", timeout=30).text
    assert re.search(r'id="mean-ces7">7.00</span><span class="ci">\[5.94 – 7.00\]<', page)
    one = session.get(f"{hq.url}/?store=s003", timeout=30).text
    assert re.search(r'id="mean-ces7">6.00<', one)
    assert re.search(r'id="mean-ci-ces7">\(one answer: too few for an interval\)<', one)


def test_pages_speak_dutch_with_dutch_numbers(hq_sqlite: HQ) -> None:
    seed(hq_sqlite)
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/?store=s001&lang=nl", timeout=30)
    assert "Overzicht" in page.text
    assert re.search(r'id="pct-easy-ces7">70,0%<', page.text)
    # The choice is remembered.
    assert "Overzicht" in session.get(f"{hq_sqlite.url}/factors", timeout=30).text
    english = session.get(
        f"{hq_sqlite.url}/", headers={"Accept-Language": "nl"}, params={"lang": "en"}, timeout=30
    )
    assert "Overview" in english.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "from: expected a date as YYYY-MM-DD"),
        ("from=2026-11-20&to=2026-11-01", "to: 2026-11-01 is before from"),
        ("from=2020-01-01&to=2026-01-01", "from: the range is longer than"),
        ("store=%3Cscript%3E", "store: not a valid id"),
        ("touchpoint=" + "x" * 100, "touchpoint: not a valid id"),
        ("region=a%00b", "region: not a valid id"),
    ],
)
def test_bad_filters_get_a_clear_message(hq_sqlite: HQ, query: str, message: str) -> None:
    session = log_in(hq_sqlite)
    for path in ("/", "/export.csv"):
        reply = session.get(f"{hq_sqlite.url}{path}?{query}", timeout=30)
        assert reply.status_code == 400
        assert message in reply.text
        assert "<script>" not in reply.text


def test_comments_are_shown_as_text_never_as_markup(hq_sqlite: HQ) -> None:
    seed(hq_sqlite)
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/comments", timeout=30).text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "Comments: 2" in page
    filtered = session.get(f"{hq_sqlite.url}/comments?q=hyperlink&band=difficult", timeout=30)
    assert "Comments: 1" in filtered.text
    hostile = session.get(f"{hq_sqlite.url}/comments?q=%25%27%22&page=-5&band=evil", timeout=30)
    assert hostile.status_code == 200
    assert "Comments: 0" in hostile.text


def test_priorities_and_factors_name_the_factors_in_the_users_language(hq_sqlite: HQ) -> None:
    seed(hq_sqlite)
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/priorities?store=s001", timeout=30).text
    # The only difficult answers (3) name price.
    assert re.search(r'<tr data-factor="price"><td>1</td><th scope="row">Price</th>', page)
    dutch = session.get(f"{hq_sqlite.url}/factors?store=s001&lang=nl", timeout=30).text
    assert "Gemak van winkelen" in dutch


def test_fleet_lists_every_kiosk_with_its_heartbeat(hq_sqlite: HQ) -> None:
    seed(hq_sqlite)
    _, token = hq_sqlite.kiosk("s777", "returns_desk")
    beat = hq_sqlite.post(
        "/api/v1/heartbeat",
        token,
        {
            "queue_depth": 12,
            "oldest_unsent_at": "2026-11-22T08:00:00.000Z",
            "app_version": "9.9.9",
            "survey_id": "returns_desk",
            "survey_version": 1,
            "kiosk_time": "2026-11-22T09:00:00.000Z",
            "last_sync_error": None,
        },
    )
    assert beat.status_code == 200, beat.text
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/fleet", timeout=30).text
    row = page[page.index('<th scope="row">s777</th>') :]
    row = row[: row.index("</tr>")]
    assert "9.9.9" in row and ">12<" in row and "2026-11-22 08:00" in row  # noqa: PT018


# --- export --------------------------------------------------------------------------------


def test_export_csv_has_every_filtered_answer_and_defuses_formulas(hq: HQ) -> None:
    seed(hq)
    session = log_in(hq)
    reply = session.get(f"{hq.url}/export.csv", timeout=30)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert len(rows) == 21
    evil = next(r for r in rows if r["store_id"] == "s002")
    assert evil["comment"] == '\'=HYPERLINK("http://evil")'
    assert evil["band"] == "difficult"
    only = session.get(f"{hq.url}/export.csv?store=s002", timeout=30)
    assert len(list(csv.DictReader(io.StringIO(only.content.decode("utf-8-sig"))))) == 1


def test_export_json_is_a_list_of_answers(hq_sqlite: HQ) -> None:
    seed(hq_sqlite)
    session = log_in(hq_sqlite)
    body = session.get(f"{hq_sqlite.url}/export.json?store=s001", timeout=30).json()
    assert len(body) == 20
    assert body[0]["scale"] == "ces7" and body[0]["store_id"] == "s001"  # noqa: PT018
    assert {a["band"] for a in body} == {"easy", "neutral", "difficult"}
    empty = session.get(f"{hq_sqlite.url}/export.json?from=2020-01-01&to=2020-01-02", timeout=30)
    assert empty.json() == []
    assert session.get(f"{hq_sqlite.url}/export.xml", timeout=30).status_code == 404


# --- actions ---------------------------------------------------------------------------------


def test_an_action_with_a_message_reaches_its_kiosks(hq: HQ) -> None:
    _, token = hq.kiosk("s001", "in_store_purchase")
    _, other = hq.kiosk("s002", "in_store_purchase")
    before = hq.get("/api/v1/config", token)
    assert before.json()["messages"] == []
    session = log_in(hq)
    page = session.get(f"{hq.url}/actions", timeout=30).text
    saved = session.post(
        f"{hq.url}/actions",
        data={
            "csrf": csrf_of(page),
            "title": "Extra till on Saturdays",
            "started_on": NOW.date().isoformat(),
            "stores": ["s001"],
            "touchpoint": "in_store_purchase",
            "message_nl": "Jij zei: lange rij. Wij deden: extra kassa op zaterdag.",
            "message_en": "You said: long queues. We did: an extra till on Saturdays.",
        },
        timeout=30,
    )
    assert saved.status_code == 200
    assert "Action recorded." in saved.text
    assert "Extra till on Saturdays" in saved.text
    after = hq.get("/api/v1/config", token, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200  # the ETag changed
    assert after.json()["messages"] == [
        {
            "text": {
                "nl": "Jij zei: lange rij. Wij deden: extra kassa op zaterdag.",
                "en": "You said: long queues. We did: an extra till on Saturdays.",
            }
        }
    ]
    assert hq.get("/api/v1/config", other).json()["messages"] == []
    # Removing the action withdraws its message.
    action_id = re.search(r'id="action-(\d+)"', saved.text)
    assert action_id
    removed = session.post(
        f"{hq.url}/actions/{action_id.group(1)}/delete",
        data={"csrf": csrf_of(saved.text)},
        timeout=30,
    )
    assert "Action removed." in removed.text
    assert hq.get("/api/v1/config", token).json()["messages"] == []


def test_a_form_without_the_csrf_token_changes_nothing(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    reply = session.post(
        f"{hq_sqlite.url}/actions",
        data={"title": "Sneaky", "started_on": "2026-11-01", "csrf": "forged"},
        timeout=30,
    )
    assert reply.status_code == 403
    assert "Sneaky" not in session.get(f"{hq_sqlite.url}/actions", timeout=30).text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "title: say what was improved"),
        ({"started_on": "tomorrow"}, "started_on: expected a date as YYYY-MM-DD"),
        ({"message_nl": "x" * 300}, "message_nl: at most 280 characters"),
        ({"stores": ["bad store"]}, "stores: "),
        ({"message_nl": "hoi", "message_until": "2026-01-01"}, "message_until: ends before"),
    ],
)
def test_a_bad_action_form_keeps_what_was_typed(
    hq_sqlite: HQ, fields: dict[str, object], message: str
) -> None:
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    data: dict[str, object] = {
        "csrf": csrf_of(page),
        "title": "Better signs",
        "started_on": "2026-11-01",
    }
    data.update(fields)
    reply = session.post(f"{hq_sqlite.url}/actions", data=data, timeout=30)
    assert reply.status_code == 400
    assert message in reply.text
    if data["title"]:
        assert 'value="Better signs"' in reply.text
    assert "No actions recorded yet." in reply.text


def test_the_before_after_verdict_is_on_the_page(hq_sqlite: HQ) -> None:
    k = kiosk(hq_sqlite.db, "s001")
    start = (NOW - timedelta(days=30)).date()  # its 28 days are over
    at = datetime.combine(start, datetime.min.time(), UTC)
    add(
        hq_sqlite.db,
        k,
        many(at - timedelta(days=3), 6, 60, "price") + many(at - timedelta(days=2), 2, 40, "price"),
    )
    add(
        hq_sqlite.db,
        k,
        many(at + timedelta(days=1), 6, 90, "price") + many(at + timedelta(days=2), 2, 10, "price"),
    )
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    session.post(
        f"{hq_sqlite.url}/actions",
        data={"csrf": csrf_of(page), "title": "New signs", "started_on": start.isoformat()},
        timeout=30,
    )
    text = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    assert "+30.0 pp" in text
    assert "better, more than noise" in text
    assert json.dumps("New signs")[1:-1] in text


def test_odd_page_parameters_fall_back_rather_than_fail(hq_sqlite: HQ) -> None:
    seed(hq_sqlite)
    session = log_in(hq_sqlite)
    trend = session.get(f"{hq_sqlite.url}/trend?by=year%27%3B", timeout=30)
    assert trend.status_code == 200
    assert '<option value="week" selected>' in trend.text
    compare = session.get(f"{hq_sqlite.url}/compare?by=kiosk_id", timeout=30)
    assert compare.status_code == 200
    assert '<option value="store" selected>' in compare.text
    lang = session.get(f"{hq_sqlite.url}/?lang=xx%3Cb%3E", timeout=30)
    assert lang.status_code == 200
    assert "<b>" not in lang.text


@pytest.mark.parametrize("action_id", ["abc", "99999", "-1", "1e3"])
def test_removing_an_action_that_does_not_exist_says_so(hq_sqlite: HQ, action_id: str) -> None:
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/actions", timeout=30).text
    reply = session.post(
        f"{hq_sqlite.url}/actions/{action_id}/delete", data={"csrf": csrf_of(page)}, timeout=30
    )
    assert reply.status_code == 404
    assert "no such action" in reply.text


def test_trend_lines_per_store(hq_sqlite: HQ) -> None:
    seed(hq_sqlite)
    session = log_in(hq_sqlite)
    page = session.get(f"{hq_sqlite.url}/trend?split=store", timeout=30).text
    assert "s001: % easy" in page and "s002: % easy" in page  # noqa: PT018
    odd = session.get(f"{hq_sqlite.url}/trend?split=kiosk", timeout=30).text
    assert '<option value="" selected>' in odd


@pytest.mark.parametrize(
    "path",
    ["/static/../hq/app.py", "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/..%2fhq.db"],
)
def test_static_files_stay_inside_their_folder(hq_sqlite: HQ, path: str) -> None:
    reply = requests.get(f"{hq_sqlite.url}{path}", timeout=30)
    assert reply.status_code == 404
    assert "import" not in reply.text and "[project]" not in reply.text  # noqa: PT018


def test_the_chart_library_is_served_by_hq_itself(hq_sqlite: HQ) -> None:
    reply = requests.get(f"{hq_sqlite.url}/static/chart.umd.min.js", timeout=30)
    assert reply.status_code == 200
    assert "Chart.js v4" in reply.text[:200]


def test_an_error_page_keeps_the_navigation_for_a_signed_in_user(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    reply = session.get(f"{hq_sqlite.url}/factors?from=yesterday", timeout=30)
    assert reply.status_code == 400
    assert 'id="nav-overview"' in reply.text
    assert 'id="logout"' in reply.text
