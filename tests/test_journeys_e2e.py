"""Issue 14 end to end, as an HQ analyst and a store would live it.

In Chromium (Playwright), an analyst adds a journey and its touchpoint, writes a survey in the
editor, previews it and publishes it to the touchpoint. A kiosk enrolled there runs as its
own `ces-kiosk` process (offscreen) and takes the version from HQ by itself; a second version
published while it runs reaches it between shoppers, as the fleet page shows. Shoppers then
answer on that kiosk (`ces-kiosk simulate` drives the real UI in its data dir), it syncs, and
the journey view on the dashboard's first page counts them under the touchpoint and the
version.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hqserver import HQService
from kiosk_program import CES_KIOSK, ces_kiosk
from sqlalchemy import func, select

from ces import keys
from hq import users
from hq.db import tables
from hq.db.database import HQDatabase, sqlite_url
from kiosk.preset import preconfigure
from sync.outbox import DB_FILENAME, Outbox

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
STEP_S = 60.0


def reload_until(page: Any, selector: str, wanted: str, what: str) -> str:
    """Reloads the page until the element holds ``wanted`` (pages here do not refresh)."""
    deadline = time.monotonic() + STEP_S
    while True:
        found = page.locator(selector)
        shown = found.inner_text() if found.count() else ""
        if wanted in shown:
            return str(shown)
        if time.monotonic() > deadline:
            raise AssertionError(f"after {STEP_S:.0f} s still no {what}: {shown!r}")
        page.wait_for_timeout(500)
        page.reload()


def fill_survey(page: Any, question_nl: str, question_en: str) -> None:
    page.fill("#f-question_nl", question_nl)
    page.fill("#f-question_en", question_en)
    page.fill("#f-why_prompt_nl", "Wat maakte het makkelijk of moeilijk?")
    page.fill("#f-why_prompt_en", "What made it easy or hard?")
    factors = [
        ("waiting", "Wachttijd", "Waiting time", "factors/waiting.svg"),
        ("staff", "Personeel", "Staff", "factors/staff.svg"),
        ("finding", "De balie vinden", "Finding the desk", "factors/ease.svg"),
    ]
    for row, (factor_id, nl, en, icon) in enumerate(factors):
        page.fill(f"#f-factor{row}_id", factor_id)
        page.fill(f"#f-factor{row}_label_nl", nl)
        page.fill(f"#f-factor{row}_label_en", en)
        page.select_option(f"#f-factor{row}_icon", icon)
    page.check("#f-comment_enabled")
    page.fill("#f-comment_prompt_nl", "Wilt u nog iets kwijt?")
    page.fill("#f-comment_prompt_en", "Anything else?")
    page.fill("#f-thanks_nl", "Dank u wel!")
    page.fill("#f-thanks_en", "Thank you!")


def publish_to_the_desk(page: Any) -> None:
    page.click("#publish-draft")
    page.check("#tp-pickup_desk")
    page.click("#publish")
    page.wait_for_selector("#confirm-title")
    page.click("#confirm")
    page.wait_for_selector("#notice")
    assert page.inner_text("#notice") == "Published."


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQService]:
    with HQService(tmp_path / "hq") as service:
        yield service


def test_a_survey_made_at_hq_reaches_a_kiosk_and_its_answers_the_journey_view(
    hq: HQService, browser: Any, tmp_path: Path
) -> None:
    db = HQDatabase.open(sqlite_url(hq.data_dir))
    kiosk_process: subprocess.Popen[bytes] | None = None
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        users.add_user(db, "anna", PASSWORD)
        page.goto(f"{hq.url}/journeys")
        page.fill("#login-user", "anna")
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")

        # The journey and its touchpoint (running a shipped survey until ours is published).
        page.wait_for_selector("#form-journey-new")
        page.fill("#journey-new-id", "pickup")
        page.fill("#journey-new-name-en", "Collecting an order")
        page.fill("#journey-new-name-nl", "Bestelling afhalen")
        page.click("#journey-new-add")
        page.wait_for_selector("#journey-pickup")
        page.fill("#tp-new-pickup-touchpoint", "pickup_desk")
        page.fill("#tp-new-pickup-tp_name-en", "Pickup desk")
        page.fill("#tp-new-pickup-tp_name-nl", "Afhaalbalie")
        page.select_option("#tp-new-pickup-survey", "returns_desk")
        page.fill("#tp-new-pickup-target", "75")
        page.click("#tp-new-pickup-add")
        page.wait_for_selector("#tp-pickup_desk")

        # The survey, in the editor; previewed; published to the desk.
        page.goto(f"{hq.url}/surveys")
        page.click("#new-survey")
        page.fill("#f-id", "pickup")
        fill_survey(page, "Het afhalen ging makkelijk.", "Collecting my order was easy.")
        page.click("#save-draft")
        page.wait_for_selector("#notice")
        assert page.inner_text("#notice") == "Draft saved."
        page.click("#preview-draft")
        for locale in ("nl", "en"):
            for size in ("1280x800", "800x1280"):
                for screen in ("attract", "question", "why", "comment", "thanks"):
                    assert page.locator(f"#screen-{locale}-{size}-{screen}").count() == 1
        assert "Het afhalen ging makkelijk." in page.inner_text("#screen-nl-1280x800-question")
        page.go_back()
        publish_to_the_desk(page)

        # A kiosk at the desk, its own process, takes version 1 from HQ.
        data_dir = tmp_path / "kiosk"
        data_dir.mkdir()
        preconfigure(data_dir)
        code = hq.add_kiosk("s778", "pickup_desk")
        enrolled = ces_kiosk("enroll", "--hq", hq.url, "--code", code, "--data-dir", str(data_dir))
        assert enrolled.returncode == 0, enrolled.stderr
        with closing(Outbox.attach(data_dir)) as outbox:
            kiosk_id = str(outbox.settings.get(keys.KIOSK_ID))
        with (tmp_path / "kiosk.log").open("wb") as log:
            kiosk_process = subprocess.Popen(
                [CES_KIOSK, "--data-dir", str(data_dir), "--config-poll", "1", "--heartbeat", "1"],
                stdout=log,
                stderr=log,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
        row = f"tr[data-kiosk='{kiosk_id}'] .survey-version"
        page.goto(f"{hq.url}/fleet")
        reload_until(page, row, "pickup v1", "version 1 on the fleet page")

        # Version 2 while the kiosk runs: it takes it between shoppers, by itself.
        page.goto(f"{hq.url}/surveys")
        page.click("#new-draft-pickup")
        page.fill("#f-question_nl", "Het afhalen van mijn bestelling ging makkelijk.")
        page.click("#save-draft")
        page.wait_for_selector("#notice")
        publish_to_the_desk(page)
        page.goto(f"{hq.url}/fleet")
        shown = reload_until(page, row, "pickup v2", "version 2 on the fleet page")
        assert re.search(r"since \d{4}-\d\d-\d\d \d\d:\d\d", shown), shown
        assert kiosk_process.poll() is None

        # Shoppers answer on that kiosk (the real UI, in its data dir), and it syncs.
        kiosk_process.send_signal(signal.SIGTERM)
        assert kiosk_process.wait(timeout=60) == 0
        kiosk_process = None
        simulated = ces_kiosk(
            "simulate", "--data-dir", str(data_dir), "--allow-upload", "--responses", "40",
            "--days", "1", timeout=300,
        )  # fmt: skip
        assert simulated.returncode == 0, simulated.stderr
        assert json.loads(simulated.stdout)["survey"] == "pickup"
        with closing(sqlite3.connect(data_dir / DB_FILENAME)) as kiosk_db:
            answered = kiosk_db.execute("SELECT count(*) FROM responses").fetchone()[0]
        synced = ces_kiosk(
            "sync", "--data-dir", str(data_dir), "--until-empty", "--timeout", "120", timeout=300
        )
        assert synced.returncode == 0, synced.stderr

        with db.reading() as conn:
            stored = conn.execute(
                select(
                    tables.responses.c.survey_id, tables.responses.c.survey_version, func.count()
                )
                .where(tables.responses.c.touchpoint == "pickup_desk")
                .group_by(tables.responses.c.survey_id, tables.responses.c.survey_version)
            ).all()
            counted = conn.execute(
                select(func.count()).where(
                    tables.responses.c.touchpoint == "pickup_desk",
                    tables.responses.c.flags.not_like('%"rapid"%'),
                )
            ).scalar_one()
        assert [tuple(r) for r in stored] == [("pickup", 2, answered)]
        assert answered >= 40

        # The journey view: the desk under its journey, with the answers counted; the
        # version filter finds them under version 2 and none under version 1.
        page.goto(f"{hq.url}/")
        folder = os.environ.get("EFFORTLESS_SCREENSHOT_DIR")
        if folder:
            page.locator("#journeys").screenshot(path=str(Path(folder) / "hq-journey-view.png"))
        assert page.inner_text("#journey-pickup h3") == "Collecting an order"
        assert page.inner_text("#stop-link-pickup_desk") == "Pickup desk"
        assert page.inner_text("#stop-n-pickup_desk") == f"n = {counted}"
        assert "75" in page.inner_text("#stop-target-pickup_desk")
        page.goto(f"{hq.url}/?survey=pickup&version=2")
        assert page.inner_text("#stop-n-pickup_desk") == f"n = {counted}"
        page.goto(f"{hq.url}/?survey=pickup&version=1")
        assert page.locator("#stop-n-pickup_desk").count() == 0
        assert problems == []
    finally:
        context.close()
        if kiosk_process is not None and kiosk_process.poll() is None:
            kiosk_process.kill()
            kiosk_process.wait()
        db.close()
