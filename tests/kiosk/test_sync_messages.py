"""What sync reports reaches the manager screen in the kiosk's language (issue 11, item 5):
sync keeps English for its log and for HQ, and a kind with values for the screens."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from manager_steps import press, unlock

from ces.keys import HQ_URL, TOKEN
from kiosk.flow.clock import ManualClock
from kiosk.preset import preconfigure
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import visible_item
from sync.settings import Settings

pytestmark = pytest.mark.ui

PIN = "0000"


def test_an_unreachable_hq_is_reported_in_dutch_on_a_dutch_manager_screen(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Any
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Enrolled with an HQ that nothing answers for now.
    preconfigure(data_dir, store="s042", pin=PIN)
    Settings(data_dir).update({HQ_URL: f"http://127.0.0.1:{port}", TOKEN: "t" * 32})
    kiosk = make_kiosk()
    assert kiosk.sync_worker is not None
    assert kiosk.outbox is not None
    press(kiosk, clock, "startArea")
    press(kiosk, clock, "score_5")
    # The shopper walks away; the answer is sent once the session is over.
    for _ in range(3):
        clock.advance(120)
        kiosk.flow.tick()
    outbox = kiosk.outbox
    qtbot.waitUntil(lambda: outbox.meta("last_sync_error") is not None, timeout=20000)
    # English for the log and for HQ's heartbeat.
    assert str(outbox.meta("last_sync_error")).startswith(
        f"HQ not reachable at http://127.0.0.1:{port}; next try in "
    )
    unlock(kiosk, clock, PIN)
    shown = str(visible_item(kiosk.window, "status_last_error").property("text"))
    assert shown.startswith(
        f"Laatste fout: HQ niet bereikbaar op http://127.0.0.1:{port}: "
        "controleer het adres en het netwerk; volgende poging over "
    ), shown
    assert "not reachable" not in shown
    assert "next try" not in shown
