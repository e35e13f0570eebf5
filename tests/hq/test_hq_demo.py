"""`ces-hq demo`: twelve weeks of sample answers a newcomer's dashboard tells a story with.

Run as an operator runs it (the installed console script), then read back through HQ's
database and the dashboard, signed in over HTTP with the login the command printed.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from hq_helpers import make_answer, serving
from hqserver import CES_HQ

from ces.answer import TIMEOUT
from hq import actions, storeinfo
from hq.dashboard import insights, webtexts
from hq.dashboard.filters import default_filters, today
from hq.db.database import EnrolledKiosk, HQDatabase, sqlite_url
from hq.surveys import SurveyCatalog

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ces_hq_demo(data_dir: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CES_HQ, "demo", "--data-dir", str(data_dir), *more],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load(data_dir: Path) -> dict[str, Any]:
    result = ces_hq_demo(data_dir, "--json")
    assert result.returncode == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-hq")


@pytest.fixture(scope="module")
def first_run(demo_dir: Path) -> dict[str, Any]:
    return load(demo_dir)


@pytest.fixture
def demo_db(first_run: dict[str, Any], demo_dir: Path) -> Iterator[HQDatabase]:
    db = HQDatabase.open(sqlite_url(demo_dir))
    yield db
    db.close()


def test_the_answers_cover_every_day_of_the_last_twelve_weeks_up_to_today(
    first_run: dict[str, Any], demo_db: HQDatabase
) -> None:
    answers = demo_db.answers()
    # The demo chain is in Amsterdam: its days are Dutch days.
    assert storeinfo.chain_zone(demo_db) == "Europe/Amsterdam"
    days = {a["answered_at"].astimezone(AMSTERDAM).date() for a in answers}
    last = today("Europe/Amsterdam")
    # Shops open 09:00-21:00 there, and only the first day's early answers come before.
    hours = Counter(a["answered_at"].astimezone(AMSTERDAM).hour for a in answers)
    assert sum(n for h, n in hours.items() if 9 <= h < 21) > 0.98 * len(answers)
    assert days == {last - timedelta(days=n) for n in range(84)}
    assert max(a["answered_at"] for a in answers) <= datetime.now(UTC)
    assert first_run["answers"] == len(answers) > 5000
    assert (first_run["from"], first_run["to"]) == (
        (last - timedelta(days=83)).isoformat(),
        last.isoformat(),
    )


def test_several_named_stores_in_regions_answer_both_surveys(demo_db: HQDatabase) -> None:
    answers = demo_db.answers()
    per_survey = Counter(a["survey_id"] for a in answers)
    assert set(per_survey) == {"in_store_purchase", "returns_desk"}
    assert all(a["touchpoint"] == a["survey_id"] for a in answers)
    named = {s.id: s for s in storeinfo.store_list(demo_db)}
    stores = {a["store_id"] for a in answers}
    assert len(stores) >= 5
    assert stores <= set(named)
    assert all(named[s].name for s in stores)
    assert len({named[s].region for s in stores}) >= 2
    # Walk-aways and comments, as a real week has them.
    assert sum(a["outcome"] == TIMEOUT for a in answers) > 100
    assert sum(a["comment"] is not None for a in answers) > 100


def test_a_factor_and_a_store_stand_out(demo_db: HQDatabase) -> None:
    f = default_filters(today("Europe/Amsterdam"))
    in_store = next(v for v in insights.factors(demo_db, f) if v.summary.scale == "ces7")
    top, second = in_store.priorities[:2]
    assert top.factor == "ease"
    assert top.share > second.share + 10
    by_store = insights.compare_groups(demo_db, f, "store")["ces7"]
    easy = {g.key: 100 * g.summary.easy / g.summary.n for g in by_store}
    worst = min(easy, key=easy.__getitem__)
    assert worst == "s102"
    assert easy.pop(worst) < min(easy.values()) - 10


def test_the_action_recorded_weeks_ago_shows_its_effect(demo_db: HQDatabase) -> None:
    (action,) = actions.all_actions(demo_db)
    day = today("Europe/Amsterdam")
    assert action.started_on == day - timedelta(days=35)
    found = actions.effect(demo_db, action, day)
    (change,) = found.changes
    assert change.change is not None
    assert change.change > 8
    assert change.significant
    # The southern stores, without the action, rose with the season: the action's own
    # share is smaller than before/after says, and still more than noise.
    did = found.did
    assert did is not None
    assert (did.treated_stores, did.control_stores) == (3, 3)
    assert 8 < did.points < change.change
    assert did.low > 0


def test_the_printed_login_opens_the_dashboard_with_the_story(
    first_run: dict[str, Any], demo_db: HQDatabase, surveys: SurveyCatalog
) -> None:
    with serving(demo_db, surveys) as url:
        session = requests.Session()
        reply = session.post(
            f"{url}/login",
            data={"user": first_run["user"], "password": first_run["password"], "next": "/"},
            allow_redirects=False,
            timeout=30,
        )
        assert reply.status_code == 303, reply.text
        overview = session.get(f"{url}/", timeout=30)
        assert overview.status_code == 200
        assert "/login" not in overview.url
        page = session.get(f"{url}/actions", timeout=30, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert actions.all_actions(demo_db)[0].title in page.text
    verdicts = re.findall(r'class="verdict">([^<]*)<', page.text)
    # Before/after, and against the stores without the action (the season taken out).
    assert verdicts == [webtexts.EN["v_better"], webtexts.EN["v_better"]]


def test_a_second_run_adds_nothing_and_gives_a_new_working_password(
    first_run: dict[str, Any], demo_dir: Path, demo_db: HQDatabase
) -> None:
    before = demo_db.count_answers()
    again = ces_hq_demo(demo_dir)
    assert again.returncode == 0, again.stderr
    assert "nothing added" in again.stdout
    assert demo_db.count_answers() == before
    assert len(actions.all_actions(demo_db)) == 1
    password = re.search(r"^password:\s+(\S+)$", again.stdout, re.M)
    assert password
    assert password.group(1) != first_run["password"]


def test_a_database_with_real_answers_is_refused(tmp_path: Path) -> None:
    db = HQDatabase.open(sqlite_url(tmp_path))
    try:
        new = db.add_kiosk("s042", "in_store_purchase")
        enrolled = db.enrol(new.code)
        db.ingest(
            EnrolledKiosk(enrolled.kiosk_id, enrolled.store, enrolled.touchpoint),
            [make_answer(flags="[]")],
        )
    finally:
        db.close()
    result = ces_hq_demo(tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "has answers already" in result.stderr
    db = HQDatabase.open(sqlite_url(tmp_path))
    try:
        assert db.count_answers() == 1
    finally:
        db.close()
