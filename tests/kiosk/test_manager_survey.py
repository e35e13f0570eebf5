"""Switching the survey on the manager screen (issue 11, items 1 and 7), on the real QML:
the answers' touchpoint follows the survey, never mixing touchpoints, and HQ accepts them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hqserver import CODE, HQService, free_port
from manager_steps import press, unlock
from sync_fixtures import enrol, hq_rows

from ces.assets import surveys_dir
from ces.keys import HQ_URL, STORE_ID, TOKEN, TOUCHPOINT
from kiosk.flow.clock import ManualClock
from kiosk.flow.pin import PinGuard
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, visible_item, walk
from sync.outbox import DB_FILENAME
from sync.remote_config import parse_config, save
from sync.settings import Settings

pytestmark = pytest.mark.ui

PIN = "2580"
# Each survey's touchpoint, as its file says (HQ files answers to it under that one).
TOUCHPOINTS = {
    "in_store_purchase": "in_store_purchase",
    "in_store_quick": "in_store_purchase",
    "returns_desk": "returns_desk",
}


def survey_doc(name: str) -> dict[str, Any]:
    return json.loads((surveys_dir() / f"{name}.json").read_text(encoding="utf-8"))


def config(touchpoint: str) -> dict[str, Any]:
    """A config offering both surveys (HQ does so for a touchpoint no survey names; an
    HQ before per-touchpoint assignment did so for every kiosk)."""
    return {
        "kiosk_id": "k1",
        "store": "s042",
        "touchpoint": touchpoint,
        "surveys": [survey_doc("in_store_purchase"), survey_doc("returns_desk")],
        "messages": [],
    }


def rows(data_dir: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        query = "SELECT touchpoint, survey_id FROM responses ORDER BY seq"
        return [(r[0], r[1]) for r in conn.execute(query)]
    finally:
        conn.close()


def with_pin(data_dir: Path) -> None:
    settings = Settings.open(data_dir)
    PinGuard(settings, lambda: datetime.now(UTC)).set_pin(PIN)


def enrolled_while_hq_is_down(data_dir: Path, touchpoint: str) -> None:
    """Settings of a kiosk enrolled for ``touchpoint`` whose HQ does not answer now."""
    with_pin(data_dir)
    Settings.open(data_dir).update(
        {
            HQ_URL: f"http://127.0.0.1:{free_port()}",
            TOKEN: "t" * 43,
            STORE_ID: "s042",
            TOUCHPOINT: touchpoint,
        }
    )
    save(parse_config(config(touchpoint)), data_dir)


def offered(kiosk: Kiosk) -> set[str]:
    prefix = "managerSurvey_"
    return {
        item.objectName().removeprefix(prefix)
        for item in walk(kiosk.window.contentItem())
        if item.objectName().startswith(prefix)
        and item.objectName().removeprefix(prefix) in TOUCHPOINTS
    }


def switch_to(kiosk: Kiosk, clock: ManualClock, survey_id: str) -> None:
    press(kiosk, clock, f"managerSurvey_{survey_id}")
    question = str(visible_item(kiosk.window, "managerSurveyQuestion").property("text"))
    assert question
    press(kiosk, clock, "managerSurveyConfirm")
    assert not is_shown(kiosk.window, "managerSurveyConfirmation")


def answer(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
    """One shopper's answer, whichever survey runs (the smiley one asks on the attract
    screen)."""
    press(kiosk, clock, "managerClose")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"))
    if is_shown(kiosk.window, "attract_score_2"):
        press(kiosk, clock, "attract_score_2")
    else:
        press(kiosk, clock, "startArea")
        press(kiosk, clock, "score_2")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "whyScreen"))
    factor = next(
        item.objectName()
        for item in walk(kiosk.window.contentItem())
        if item.objectName().startswith("factor_")
    )
    press(kiosk, clock, factor)
    if is_shown(kiosk.window, "skipComment"):  # a survey may ask for a comment
        press(kiosk, clock, "skipComment")
    press(kiosk, clock, "thanksArea")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"))


def test_an_enrolled_kiosk_offers_only_its_touchpoints_surveys(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    # The field report: switched to returns_desk, answers were stored as
    # touchpoint=in_store_purchase, survey_id=returns_desk.
    enrolled_while_hq_is_down(data_dir, "in_store_purchase")
    kiosk = make_kiosk()
    unlock(kiosk, clock, PIN)
    # HQ files every answer of this kiosk under in_store_purchase: nothing else is offered
    # (one survey is no choice, so there is nothing to switch to).
    assert offered(kiosk) == set()
    answer(kiosk, clock, qtbot)
    assert rows(data_dir) == [("in_store_purchase", "in_store_purchase")]


def test_a_kiosk_without_hq_switches_survey_and_touchpoint_together(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    with_pin(data_dir)
    Settings.open(data_dir).update({STORE_ID: "Utrecht Centrum", TOUCHPOINT: "in_store_purchase"})
    kiosk = make_kiosk()
    unlock(kiosk, clock, PIN)
    assert offered(kiosk) == {"in_store_purchase", "returns_desk"}
    # A tap alone changes nothing: the switch is confirmed first.
    press(kiosk, clock, "managerSurvey_returns_desk")
    press(kiosk, clock, "managerSurveyCancel")
    assert kiosk.flow.survey is not None
    assert kiosk.flow.survey.id == "in_store_purchase"
    switch_to(kiosk, clock, "returns_desk")
    assert str(visible_item(kiosk.window, "status_touchpoint").property("text")).endswith(
        "Returns desk"
    )
    answer(kiosk, clock, qtbot)
    assert kiosk.settings.get(TOUCHPOINT) == "returns_desk"
    unlock(kiosk, clock, PIN)
    switch_to(kiosk, clock, "in_store_purchase")
    answer(kiosk, clock, qtbot)
    assert rows(data_dir) == [
        ("returns_desk", "returns_desk"),
        ("in_store_purchase", "in_store_purchase"),
    ]
    # The choice outlives a restart.
    kiosk.close()
    again = make_kiosk()
    assert again.flow.survey is not None
    assert again.flow.survey.id == "in_store_purchase"


def test_hq_accepts_the_answers_after_a_switch(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    # HQ's surveys: a second, shorter survey for the in-store touchpoint, and the returns
    # desk's own.
    folder = tmp_path / "surveys"
    folder.mkdir()
    quick = survey_doc("in_store_purchase") | {"id": "in_store_quick"}
    for name, doc in (
        ("in_store_purchase", survey_doc("in_store_purchase")),
        ("in_store_quick", quick),
        ("returns_desk", survey_doc("returns_desk")),
    ):
        (folder / f"{name}.json").write_text(json.dumps(doc), encoding="utf-8")
    hq = HQService(tmp_path / "hq", options=["--surveys", str(folder)]).start()
    try:
        added = hq.run(
            "kiosk", "add", "--store", "s042", "--touchpoint", "in_store_purchase",
            "--surveys", str(folder),
        )  # fmt: skip
        code = CODE.search(added.stdout)
        assert code is not None, added.stdout + added.stderr
        kiosk_id = enrol(data_dir, hq.url, code.group(0))
        with_pin(data_dir)
        kiosk = make_kiosk()
        qtbot.waitUntil(lambda: (data_dir / "hq_config.json").exists(), timeout=20000)
        unlock(kiosk, clock, PIN)
        # The returns desk's survey is another touchpoint's: not offered.
        assert offered(kiosk) == {"in_store_purchase", "in_store_quick"}
        switch_to(kiosk, clock, "in_store_quick")
        answer(kiosk, clock, qtbot)
        unlock(kiosk, clock, PIN)
        switch_to(kiosk, clock, "in_store_purchase")
        answer(kiosk, clock, qtbot)
        assert kiosk.settings.get(TOUCHPOINT) == "in_store_purchase"  # HQ's, as HQ files them
        assert rows(data_dir) == [
            ("in_store_purchase", "in_store_quick"),
            ("in_store_purchase", "in_store_purchase"),
        ]
        qtbot.waitUntil(lambda: len(hq_rows(hq.data_dir, kiosk_id)) == 2, timeout=20000)
        stored = hq_rows(hq.data_dir, kiosk_id)
        assert sorted((r["touchpoint"], r["survey_id"]) for r in stored) == [
            ("in_store_purchase", "in_store_purchase"),
            ("in_store_purchase", "in_store_quick"),
        ]
        assert kiosk.outbox is not None
        assert kiosk.outbox.rejected() == []
    finally:
        hq.stop()
