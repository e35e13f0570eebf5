"""The survey editor in a real browser (Debian's Chromium, driven by Playwright): create a
survey with an uploaded icon, fix a refused field, preview it, publish it to a touchpoint.
No console errors, nothing the page's CSP blocks. EFFORTLESS_SCREENSHOT_DIR keeps shots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hq_helpers import HQ

from hq import journeys, survey_versions, users

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
ICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" onload="alert(1)">'
    b'<script>alert(2)</script><rect x="8" y="8" width="32" height="32" fill="#1f2937"/></svg>'
)


def _shot(page: Any, name: str, full_page: bool = True) -> None:
    folder = os.environ.get("EFFORTLESS_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"hq-{name}.png"), full_page=full_page)


def test_create_preview_and_publish_a_survey_in_the_browser(
    hq_sqlite: HQ, browser: Any, tmp_path: Path
) -> None:
    hq = hq_sqlite
    users.add_user(hq.db, "anna", PASSWORD)
    journeys.add_touchpoint(
        hq.db,
        "shopping",
        "car_park",
        names={"en": "Parking", "nl": "Parkeren"},
        survey="in_store_purchase",
        target=80,
        surveys=("in_store_purchase",),
    )
    icon = tmp_path / "mine.svg"
    icon.write_bytes(ICON)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{hq.url}/surveys")
        page.fill("#login-user", "anna")
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#nav-surveys[aria-current=page]")
        page.click("#new-survey")
        page.fill("#f-id", "parking")
        page.fill("#f-question_nl", "Het was makkelijk om te parkeren.")
        page.fill("#f-question_en", "It was easy to park.")
        page.fill("#f-why_prompt_nl", "Wat telde het meest?")
        page.fill("#f-why_prompt_en", "What mattered most?")
        for row, (fid, nl, en) in enumerate(
            [("space", "Parkeergarageklantvriendelijkheid", "Space"), ("price", "Prijs", "Price")]
        ):
            page.fill(f"#f-factor{row}_id", fid)
            page.fill(f"#f-factor{row}_label_nl", nl)
            page.fill(f"#f-factor{row}_label_en", en)
        page.select_option("#f-factor0_icon", "factors/ease.svg")
        page.set_input_files("#f-factor1_upload", str(icon))
        page.fill("#f-thanks_nl", "Dank u wel!")
        # English thanks left empty: refused, beside its field, the upload kept.
        page.click("#save-draft")
        error = page.wait_for_selector("#error-thanks_en")
        assert "blank" in error.inner_text()
        assert "<script>" in page.inner_text("#factor1-removed")
        assert page.input_value("#f-factor1_icon").startswith("svg:")
        page.fill("#f-thanks_en", "Thank you!")
        page.click("#save-draft")
        page.wait_for_selector("#notice")
        assert page.inner_text("#notice") == "Draft saved."
        _shot(page, "survey-edit", full_page=False)
        stored = survey_versions.document(hq.db, "parking", 1)
        assert stored is not None
        assert stored["why"]["factors"][1]["icon"].startswith("svg:")

        page.click("#preview-draft")
        page.wait_for_selector("#fit-problems")
        assert "Parkeergarageklantvriendelijkheid" in page.inner_text("#fit-problems")
        flagged = page.locator("#screen-nl-800x1280-why .k-overflow")
        assert flagged.count() == 1
        # In the browser too the word sticks out of its button.
        line = page.locator("#screen-nl-800x1280-why .k-overflow .k-line").first
        page.evaluate("document.fonts.ready")
        assert line.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " return r.getBoundingClientRect().width > e.getBoundingClientRect().width; }"
        )
        # Icons are drawn (the uploaded one too), in the kiosk's font.
        images = page.locator("#screen-en-800x1280-why .k-factor-button img")
        assert images.count() == 2
        assert all(images.nth(i).evaluate("i => i.naturalWidth > 0") for i in range(2))
        assert page.evaluate("document.fonts.check('700 40px KioskInter')")
        _shot(page, "survey-preview", full_page=False)

        page.click("#publish")
        page.check("#tp-car_park")
        page.click("#publish")
        page.wait_for_selector("#confirm-title")
        assert "can no longer be changed" in page.inner_text("#confirm-final")
        page.click("#confirm")
        page.wait_for_selector("#notice")
        assert page.inner_text("#notice") == "Published."
        (version,) = survey_versions.versions(hq.db, "parking")
        assert version.state == "published"
        assert version.touchpoints == ("car_park",)
        # The refused save answered 400, which Chromium logs; nothing else went wrong.
        assert problems == [
            "Failed to load resource: the server responded with a status of 400 (Bad Request)"
        ]
    finally:
        context.close()
