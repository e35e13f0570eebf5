"""A kiosk set up without HQ (issue 11, item 6): its touchpoint is picked from its surveys
and decides the survey it runs, it offers no "Sync now" for answers that cannot be sent,
and the manager connects it to HQ later, after which its queue is sent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from manager_steps import press, unlock

from kiosk.flow.clock import ManualClock
from kiosk.flow.pin import verify_pin
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, visible_item

pytestmark = pytest.mark.ui

PIN = "4321"


def fill(kiosk: Kiosk, **fields: str) -> None:
    for name, value in fields.items():
        visible_item(kiosk.window, name).setProperty("text", value)


def set_up_without_hq(kiosk: Kiosk, clock: ManualClock, qtbot: Any, touchpoint: str) -> None:
    fill(kiosk, setupPin=PIN, setupPinAgain=PIN, setupStore="Utrecht")
    press(kiosk, clock, f"setupTouchpoint_{touchpoint}")
    press(kiosk, clock, "setupStandalone")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "setupScreen"))


def answer(kiosk: Kiosk, clock: ManualClock) -> None:
    # The returns desk's survey asks on its attract screen already.
    if is_shown(kiosk.window, "attract_score_5"):
        press(kiosk, clock, "attract_score_5")
    else:
        press(kiosk, clock, "startArea")
        press(kiosk, clock, "score_5")
    # The shopper walks away: the kiosk goes back to its attract screen.
    for _ in range(3):
        clock.advance(120)
        kiosk.flow.tick()
    assert is_shown(kiosk.window, "attractScreen")


def test_the_picked_touchpoint_decides_the_survey_now_and_after_a_restart(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(configured=False)
    set_up_without_hq(kiosk, clock, qtbot, "returns_desk")
    assert kiosk.settings.get("touchpoint") == "returns_desk"
    assert kiosk.flow.survey is not None
    assert kiosk.flow.survey.id == "returns_desk"
    answer(kiosk, clock)
    assert kiosk.outbox is not None
    (row,) = kiosk.outbox.rows()
    assert (row["touchpoint"], row["survey_id"]) == ("returns_desk", "returns_desk")
    kiosk.close()
    again = make_kiosk()
    assert again.flow.survey is not None
    assert again.flow.survey.id == "returns_desk"


def test_a_kiosk_without_hq_offers_to_connect_not_to_sync(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(configured=False)
    set_up_without_hq(kiosk, clock, qtbot, "in_store_purchase")
    answer(kiosk, clock)
    unlock(kiosk, clock, PIN)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "connectHqButton"))
    assert not is_shown(kiosk.window, "syncNowButton")
    press(kiosk, clock, "connectHqButton")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "setupScreen"))
    # Only the enrolment part: the PIN stays, and there is no "without HQ" again.
    assert is_shown(kiosk.window, "setupHq")
    for gone in ("setupPin", "setupStandalone", "setupStore"):
        assert not is_shown(kiosk.window, gone)
    press(kiosk, clock, "setupCancel")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "setupScreen"))
    assert is_shown(kiosk.window, "managerScreen")


def test_connecting_later_sends_the_queue_and_keeps_the_pin(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, tmp_path: Path
) -> None:
    from hqserver import HQService

    kiosk = make_kiosk(configured=False)
    set_up_without_hq(kiosk, clock, qtbot, "returns_desk")
    answer(kiosk, clock)
    assert kiosk.outbox is not None
    assert kiosk.outbox.stats().pending == 1
    unlock(kiosk, clock, PIN)
    press(kiosk, clock, "connectHqButton")
    with HQService(tmp_path / "hq") as hq:
        code = hq.add_kiosk(store="s107", touchpoint="returns_desk")
        fill(kiosk, setupHq=hq.url, setupCode=code)
        press(kiosk, clock, "setupConnect")
        qtbot.waitUntil(lambda: not is_shown(kiosk.window, "setupScreen"), timeout=20000)
        assert kiosk.sync_worker is not None
        outbox = kiosk.outbox
        qtbot.waitUntil(lambda: outbox.stats().pending == 0, timeout=20000)
        assert outbox.stats().synced == 1
    assert kiosk.settings.get("store_id") == "s107"
    stored = kiosk.settings.get("manager_pin")
    assert stored is not None
    assert verify_pin(PIN, stored)
    # Back on the manager screen, which now offers to sync.
    assert is_shown(kiosk.window, "managerScreen")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "syncNowButton"))
    assert not is_shown(kiosk.window, "connectHqButton")
