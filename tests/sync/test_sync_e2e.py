"""End to end: the real `ces-hq serve` on 127.0.0.1 and the kiosk through its real commands.

`ces-hq kiosk add` gives a code, `ces-kiosk enroll` uses it, `ces-kiosk simulate` drives the
real UI for a number of shoppers, `ces-kiosk sync --until-empty` sends what is queued, and
then HQ's rows are exactly the kiosk's acknowledged answers, field by field. Enrolment
mistakes get a plain message, exit 1 and leave the kiosk as it was. And the running kiosk
app sends a shopper's answer to HQ by itself.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from hqserver import HQService, ces_hq, free_port
from kiosk_program import ces_kiosk
from sync_fixtures import (
    enrol,
    hq_answers,
    hq_count,
    hq_rows,
    kiosk_acknowledged,
    kiosk_rows,
    running_hq,
    write_answers,
)

from ces.answer import COMPLETED, RAPID_FLAG, RAPID_WINDOW_S
from ces.assets import surveys_dir
from hq import actions, journeys, survey_versions
from hq.db.database import HQDatabase, sqlite_url
from hq.moments import utcnow
from kiosk.flow.clock import ManualClock
from kiosk.preset import preconfigure
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item
from sync.outbox import DB_FILENAME, Outbox
from sync.settings import Settings

STORE, TOUCHPOINT = "s042", "in_store_purchase"


@pytest.fixture(scope="module")
def hq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HQService]:
    yield from running_hq(tmp_path_factory.mktemp("hq"))


def enroll(data_dir: Path, hq_url: str, code: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return ces_kiosk("enroll", "--hq", hq_url, "--code", code, "--data-dir", str(data_dir), *extra)


def status_json(data_dir: Path) -> dict[str, Any]:
    result = ces_kiosk("status", "--data-dir", str(data_dir), "--json")
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def kiosk_meta(data_dir: Path) -> dict[str, str]:
    settings = Settings.open(data_dir)
    keys = ("hq_url", "hq_token", "kiosk_id", "store_id", "touchpoint")
    return {k: v for k in keys if (v := settings.get(k)) is not None}


# -- the whole way, by the commands --------------------------------------------------------


def _burst_flagged(answers: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The kiosk's answers as HQ keeps them: a completed answer that finished within the
    rapid window before a rapid one is flagged too (the kiosk cannot flag it afterwards)."""
    window = timedelta(seconds=RAPID_WINDOW_S)
    done = [a for a in answers.values() if a["outcome"] == COMPLETED]
    rapid = [a["finished_at"] for a in done if RAPID_FLAG in a["flags"]]
    flagged = {
        a["id"]
        for a in done
        if RAPID_FLAG not in a["flags"]
        and any(timedelta(0) <= r - a["finished_at"] <= window for r in rapid)
    }
    return {
        i: {**a, "flags": [*a["flags"], RAPID_FLAG]} if i in flagged else a
        for i, a in answers.items()
    }


@pytest.mark.parametrize("order", ["enrol first", "answers before enrolment"])
def test_simulated_shoppers_reach_hq_exactly_once(
    hq: HQService, tmp_path: Path, order: str
) -> None:
    data_dir = tmp_path / "kiosk"
    code = hq.add_kiosk(STORE, TOUCHPOINT)
    simulate = ("simulate", "--responses", "40", "--data-dir", str(data_dir), "--keep")
    if order == "enrol first":
        enrolled = enroll(data_dir, hq.url, code)
        # While enrolled, the simulated kiosk's own worker sends answers as they come: that
        # upload is asked for.
        simulated = ces_kiosk(*simulate, "--allow-upload")
    else:
        # A kiosk that collected answers before it was ever connected.
        simulated = ces_kiosk(*simulate)
        enrolled = enroll(data_dir, hq.url, code)
    assert simulated.returncode == 0, simulated.stderr
    assert enrolled.returncode == 0, enrolled.stderr
    kiosk_id = kiosk_meta(data_dir)["kiosk_id"]
    assert enrolled.stdout.strip() == (
        f"enrolled: kiosk {kiosk_id}, store {STORE}, touchpoint {TOUCHPOINT}"
    )
    summary = json.loads(simulated.stdout)

    synced = ces_kiosk("sync", "--data-dir", str(data_dir), "--until-empty", "--timeout", "60")
    assert synced.returncode == 0, synced.stderr
    assert "HQ has every answer (0 rejected and kept aside)" in synced.stdout

    shown = status_json(data_dir)
    assert shown["hq"] == hq.url
    assert (shown["enrolled"], shown["authorised"]) == (True, True)
    assert (shown["pending"], shown["rejected"], shown["last_error"]) == (0, 0, None)
    assert shown["oldest_unsent_at"] is None
    assert shown["last_sync_at"] is not None

    rows = kiosk_rows(data_dir)
    assert len(rows) == summary["rows_written"] + summary["warmup_rows"]
    assert all(r["synced_at"] is not None and r["rejected_at"] is None for r in rows)
    acknowledged = kiosk_acknowledged(data_dir)
    held = hq_answers(hq.data_dir, kiosk_id)
    assert sorted(held) == sorted(acknowledged)
    assert held == _burst_flagged(acknowledged)
    # Store and touchpoint come from the enrolment, whatever the kiosk wrote in its rows.
    assert {(r["store_id"], r["touchpoint"]) for r in hq_rows(hq.data_dir, kiosk_id)} == {
        (STORE, TOUCHPOINT)
    }
    # HQ's operator sees the kiosk as enrolled and in touch.
    listed = ces_hq("kiosk", "list", "--data-dir", str(hq.data_dir))
    assert listed.returncode == 0, listed.stderr
    (line,) = [line for line in listed.stdout.splitlines() if kiosk_id in line]
    assert STORE in line
    assert TOUCHPOINT in line


def test_simulating_on_an_enrolled_kiosk_keeps_its_store(hq: HQService, tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    assert enroll(data_dir, hq.url, hq.add_kiosk(STORE, TOUCHPOINT)).returncode == 0
    simulated = ces_kiosk(
        "simulate", "--responses", "2", "--data-dir", str(data_dir), "--keep", "--allow-upload"
    )
    assert simulated.returncode == 0, simulated.stderr
    meta = kiosk_meta(data_dir)
    assert (meta["store_id"], meta["touchpoint"]) == (STORE, TOUCHPOINT)
    assert {(r["store_id"], r["touchpoint"]) for r in kiosk_rows(data_dir)} == {(STORE, TOUCHPOINT)}


def test_sync_again_sends_nothing_twice(hq: HQService, tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    with closing(Outbox.open(data_dir)) as outbox:
        write_answers(outbox, 30)
    assert enroll(data_dir, hq.url, hq.add_kiosk()).returncode == 0
    kiosk_id = kiosk_meta(data_dir)["kiosk_id"]
    for _ in range(2):
        synced = ces_kiosk("sync", "--data-dir", str(data_dir), "--until-empty", "--timeout", "60")
        assert synced.returncode == 0, synced.stderr
    with closing(Outbox.attach(data_dir)) as outbox:
        write_answers(outbox, 5)
    synced = ces_kiosk("sync", "--data-dir", str(data_dir), "--until-empty", "--timeout", "60")
    assert synced.returncode == 0, synced.stderr
    assert hq_count(hq.data_dir, kiosk_id) == 35
    assert hq_answers(hq.data_dir, kiosk_id) == kiosk_acknowledged(data_dir)


# -- enrolment mistakes ------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["192.0.2.10:8080", "hq.example.com", "10.0.0.5"])
def test_enrol_refuses_plain_http_to_another_machine(tmp_path: Path, host: str) -> None:
    data_dir = tmp_path / "kiosk"
    result = enroll(data_dir, f"http://{host}", "ABCD-2345")
    assert result.returncode != 0
    name = host.split(":")[0]
    assert (
        f"ces-kiosk enroll: refusing plain http to {name}: use https, or --allow-insecure-http"
        in result.stderr
    )
    assert not data_dir.exists()


def test_enrol_with_a_used_code_changes_nothing(hq: HQService, tmp_path: Path) -> None:
    code = hq.add_kiosk()
    first, second = tmp_path / "first", tmp_path / "second"
    assert enroll(first, hq.url, code).returncode == 0
    # The second kiosk already has answers of its own; they must stay as they are.
    with closing(Outbox.open(second)) as outbox:
        write_answers(outbox, 3)
    before_rows, before_meta = kiosk_rows(second), kiosk_meta(second)
    result = enroll(second, hq.url, code.lower().replace("-", " "))
    assert result.returncode == 1
    assert "ces-kiosk enroll: this code was already used — ask HQ for a new one" in result.stderr
    assert kiosk_rows(second) == before_rows
    assert kiosk_meta(second) == before_meta
    assert "hq_token" not in before_meta
    # The kiosk that used it first is unaffected.
    synced = ces_kiosk("sync", "--data-dir", str(first), "--until-empty", "--timeout", "60")
    assert synced.returncode == 0, synced.stderr


def test_enrol_with_an_unknown_code(hq: HQService, tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    result = enroll(data_dir, hq.url, "ABCD-2345")
    assert result.returncode == 1
    assert (
        "ces-kiosk enroll: HQ does not know this code — check it, or ask HQ for a new one"
        in result.stderr
    )
    assert not (data_dir / DB_FILENAME).exists()


def test_enrol_when_hq_is_not_reachable(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = enroll(data_dir, url, "ABCD-2345")
    assert result.returncode == 1
    assert (
        f"ces-kiosk enroll: HQ not reachable at {url} — check the address and the network"
        in result.stderr
    )
    assert not (data_dir / DB_FILENAME).exists()


def test_sync_before_enrolment_says_so(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    with closing(Outbox.open(data_dir)) as outbox:
        write_answers(outbox, 2)
    result = ces_kiosk("sync", "--data-dir", str(data_dir), "--until-empty", "--timeout", "5")
    assert result.returncode != 0
    assert "this kiosk is not enrolled: run ces-kiosk enroll first" in result.stderr
    assert status_json(data_dir)["pending"] == 2


# -- the running kiosk app -------------------------------------------------------------------


@pytest.mark.ui
def test_the_running_kiosk_sends_a_finished_answer_by_itself(
    hq: HQService,
    data_dir: Path,
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
) -> None:
    # Set up (manager PIN) as the setup screen leaves it, then enrolled from the command line.
    preconfigure(data_dir)
    kiosk_id = enrol(data_dir, hq.url, hq.add_kiosk(STORE, TOUCHPOINT))
    kiosk = make_kiosk()
    assert kiosk.sync_worker is not None

    def finger(name: str, then: str) -> None:
        clock.advance(1.0)
        tap(kiosk.window, name)
        qtbot.waitUntil(lambda: is_shown(kiosk.window, then))

    finger("startArea", "questionScreen")
    finger("score_6", "whyScreen")
    finger("factor_service", "commentScreen")
    assert hq_count(hq.data_dir, kiosk_id) == 0  # not finished: not sent
    finger("skipComment", "thanksScreen")
    qtbot.waitUntil(lambda: hq_count(hq.data_dir, kiosk_id) == 1, timeout=20_000)
    qtbot.waitUntil(lambda: kiosk_rows(data_dir)[0]["synced_at"] is not None, timeout=20_000)
    (answer,) = hq_answers(hq.data_dir, kiosk_id).values()
    assert answer == kiosk_acknowledged(data_dir)[answer["id"]]
    assert (answer["score"], answer["factor"], answer["outcome"]) == (6, "service", "completed")
    # The next shopper's answer follows without anyone asking.
    finger("thanksArea", "attractScreen")
    finger("startArea", "questionScreen")
    finger("score_2", "whyScreen")
    finger("skipFactor", "commentScreen")
    finger("skipComment", "thanksScreen")
    qtbot.waitUntil(lambda: hq_count(hq.data_dir, kiosk_id) == 2, timeout=20_000)
    qtbot.waitUntil(
        lambda: all(r["synced_at"] is not None for r in kiosk_rows(data_dir)), timeout=20_000
    )
    assert hq_answers(hq.data_dir, kiosk_id) == kiosk_acknowledged(data_dir)


def test_an_action_recorded_at_hq_shows_on_its_stores_kiosk(
    hq: HQService,
    data_dir: Path,
    make_kiosk: Callable[..., Kiosk],
    qtbot: Any,
) -> None:
    """ "You said, we did": the dashboard's action reaches the attract screen by itself."""
    preconfigure(data_dir)
    enrol(data_dir, hq.url, hq.add_kiosk("s777", TOUCHPOINT))
    hq_store = HQDatabase.open(sqlite_url(hq.data_dir))
    try:
        actions.record(
            hq_store,
            title="Extra till",
            started_on=utcnow().date(),
            created_by="anna",
            stores=["s777"],
            message={"nl": "Jij zei: lange rij. Wij deden: een extra kassa."},
        )
    finally:
        hq_store.close()
    kiosk = make_kiosk()
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "youSaidText"), timeout=20_000)
    text = str(visible_item(kiosk.window, "youSaidText").property("text"))
    assert text.endswith("Jij zei: lange rij. Wij deden: een extra kassa.")


def test_a_version_published_at_hq_reaches_the_running_kiosk_between_shoppers(
    hq: HQService,
    data_dir: Path,
    make_kiosk: Callable[..., Kiosk],
    qtbot: Any,
) -> None:
    """Survey versions (issue 14): a touchpoint of its own, a new survey published to it, and
    a second version published while the kiosk runs; the kiosk shows each by itself."""
    hq_store = HQDatabase.open(sqlite_url(hq.data_dir))
    try:
        journeys.add_journey(hq_store, "pickup", {"en": "Collecting", "nl": "Afhalen"})
        surveys = [s.survey_id for s in survey_versions.surveys(hq_store)] + ["pickup"]
        journeys.add_touchpoint(
            hq_store,
            "pickup",
            "pickup_desk",
            names={"en": "Pickup desk", "nl": "Afhaalbalie"},
            survey="returns_desk",
            target=80,
            surveys=surveys,
        )
        doc = json.loads((surveys_dir() / "returns_desk.json").read_text(encoding="utf-8"))
        doc.update(id="pickup", touchpoint="pickup_desk")
        doc["question"] = {"nl": "Hoe makkelijk was het afhalen?", "en": "How easy was pickup?"}
        survey_versions.save_draft(hq_store, doc, "anna", creating=True)
        survey_versions.publish(hq_store, "pickup", 1, "anna", ["pickup_desk"])
        preconfigure(data_dir)
        enrol(data_dir, hq.url, hq.add_kiosk("s778", "pickup_desk"))
        kiosk = make_kiosk()

        def question() -> str:
            return str(visible_item(kiosk.window, "attractQuestionText").property("text"))

        qtbot.waitUntil(lambda: question() == "Hoe makkelijk was het afhalen?", timeout=20_000)
        # The kiosk asks for its config every five minutes; not that long in a test.
        assert kiosk.sync_worker is not None
        kiosk.sync_worker._config_poll_s = 0.5
        number = survey_versions.new_draft_from(hq_store, "pickup", "anna")
        doc["question"] = {"nl": "Ging het afhalen vandaag makkelijk?", "en": "Easy pickup?"}
        survey_versions.save_draft(hq_store, doc, "anna")
        survey_versions.publish(hq_store, "pickup", number, "anna", ["pickup_desk"])
        qtbot.waitUntil(lambda: question() == "Ging het afhalen vandaag makkelijk?", timeout=30_000)
        assert kiosk.flow.survey is not None
        assert (kiosk.flow.survey.id, kiosk.flow.survey.version) == ("pickup", number)
    finally:
        hq_store.close()


def test_hq_keeps_answering_however_much_it_logs(hq: HQService) -> None:
    """The test harness itself: HQ logs every request, and a server whose log nobody reads
    must not stall (an unread stderr pipe blocks it after some 600 requests)."""
    with requests.Session() as session:
        for _ in range(1000):
            refused = session.post(hq.url + "/api/v1/responses", json={"responses": []}, timeout=5)
            assert refused.status_code == 401
