""" "Sync now" on the manager screen (issue 11, item 2): it wakes the sync worker at once,
even out of a long backoff, and says what happened in the screen's language.

A real HQ behind the fault proxy: HQ first asks the kiosk to wait five minutes (503 with
Retry-After: 300), then is down, then up again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from faultproxy import FaultProxy, status
from hqserver import HQService
from manager_steps import message, press, unlock
from sync_fixtures import enrol, hq_rows

from kiosk.flow.clock import ManualClock
from kiosk.flow.pin import PinGuard
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import visible_item
from sync.settings import Settings

pytestmark = pytest.mark.ui

PIN = "2580"


def test_sync_now_cuts_a_backoff_short_and_says_what_happened(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    hq = HQService(tmp_path / "hq").start()
    proxy = FaultProxy(hq.url).start()
    try:
        kiosk_id = enrol(data_dir, proxy.url, hq.add_kiosk(touchpoint="in_store_purchase"))
        PinGuard(Settings.open(data_dir), lambda: datetime.now(UTC)).set_pin(PIN)
        proxy.plan(status(503, retry_after=300))
        kiosk = make_kiosk()
        for name in ("startArea", "score_6", "factor_price", "skipComment", "thanksArea"):
            press(kiosk, clock, name)
        # HQ said: come back in five minutes. The worker now waits that long.
        qtbot.waitUntil(lambda: len(proxy.seen_on()) == 1, timeout=20000)
        unlock(kiosk, clock, PIN)

        hq.stop()
        press(kiosk, clock, "syncNowButton")
        assert message(kiosk) == "Bezig met versturen naar HQ…"
        qtbot.waitUntil(lambda: message(kiosk).startswith("Niet verstuurd: "), timeout=20000)
        assert "HQ niet bereikbaar" in message(kiosk)
        assert len(proxy.seen_on()) == 2  # tried at once, not after five minutes

        hq.start()
        press(kiosk, clock, "syncNowButton")
        qtbot.waitUntil(lambda: message(kiosk) == "1 antwoorden naar HQ verstuurd", timeout=20000)
        assert len(hq_rows(hq.data_dir, kiosk_id)) == 1
        qtbot.waitUntil(
            lambda: str(visible_item(kiosk.window, "status_pending").property("text")).endswith(
                ": 0"
            )
        )
        # Nothing waiting: sync now still says HQ was reached.
        press(kiosk, clock, "syncNowButton")
        qtbot.waitUntil(
            lambda: message(kiosk) == "HQ bereikt: er wachtten geen antwoorden", timeout=20000
        )
    finally:
        proxy.stop()
        hq.stop()
