"""First run: the setup screen, touch only, on the real QML."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.flow.clock import ManualClock
from kiosk.flow.pin import verify_pin
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item

pytestmark = pytest.mark.ui


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    return make_kiosk(configured=False)


def fill(kiosk: Kiosk, **fields: str) -> None:
    for name, value in fields.items():
        visible_item(kiosk.window, name).setProperty("text", value)


def press(kiosk: Kiosk, clock: ManualClock, name: str) -> None:
    clock.advance(0.5)
    tap(kiosk.window, name)


def error_text(kiosk: Kiosk) -> str:
    return str(visible_item(kiosk.window, "setupError").property("text"))


def test_a_new_kiosk_starts_on_the_setup_screen(kiosk: Kiosk, clock: ManualClock) -> None:
    assert is_shown(kiosk.window, "setupScreen")
    # Nothing behind it can be reached, not even the manager's corner.
    assert not is_shown(kiosk.window, "managerCorner")


def test_standalone_setup_locks_the_kiosk_to_what_was_typed_and_picked(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    press(kiosk, clock, "setupLang_en")
    fill(kiosk, setupPin="4321", setupPinAgain="4321", setupStore="  Utrecht   Centrum ")
    # The touchpoint is one of the kiosk's surveys', picked, never typed.
    assert is_shown(kiosk.window, "setupTouchpoint_in_store_purchase")
    assert not is_shown(kiosk.window, "setupTouchpoint")
    press(kiosk, clock, "setupTouchpoint_in_store_purchase")
    press(kiosk, clock, "setupStandalone")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "setupScreen"))
    assert kiosk.outbox is not None
    assert kiosk.settings.get("store_id") == "Utrecht Centrum"
    assert kiosk.settings.get("touchpoint") == "in_store_purchase"
    assert kiosk.settings.get("default_locale") == "en"
    stored = kiosk.settings.get("manager_pin")
    assert stored is not None
    assert verify_pin("4321", stored)
    # The next shopper is welcomed in the chosen language and the answer carries the place.
    assert "10 seconds" in str(visible_item(kiosk.window, "teaserText").property("text"))
    for name in ("startArea", "score_5"):
        press(kiosk, clock, name)
    (row,) = kiosk.outbox.rows()
    assert (row["store_id"], row["touchpoint"]) == ("Utrecht Centrum", "in_store_purchase")


@pytest.mark.parametrize(
    ("fields", "touchpoint", "message"),
    [
        ({"setupPin": "1234", "setupPinAgain": "1235"}, "returns_desk", "verschillen"),
        ({"setupPin": "12", "setupPinAgain": "12"}, "returns_desk", "4 tot 8"),
        (
            {"setupPin": "1234", "setupPinAgain": "1234", "setupStore": " "},
            "returns_desk",
            "Vul de winkel in",
        ),
        (
            {"setupPin": "1234", "setupPinAgain": "1234", "setupStore": "Utrecht"},
            None,
            "Kies het contactmoment",
        ),
    ],
)
def test_setup_mistakes_are_explained_and_nothing_is_saved(
    kiosk: Kiosk, clock: ManualClock, fields: dict[str, str], touchpoint: str | None, message: str
) -> None:
    fill(kiosk, **fields)
    if touchpoint is not None:
        press(kiosk, clock, f"setupTouchpoint_{touchpoint}")
    press(kiosk, clock, "setupStandalone")
    assert message in error_text(kiosk)
    assert is_shown(kiosk.window, "setupScreen")
    assert kiosk.outbox is not None
    assert kiosk.settings.get("manager_pin") is None


def test_an_unreachable_hq_is_reported_without_freezing_the_screen(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on that port now.
    fill(
        kiosk,
        setupPin="4321",
        setupPinAgain="4321",
        setupHq=f"http://127.0.0.1:{port}",
        setupCode="ABCD-2345",
    )
    press(kiosk, clock, "setupConnect")
    # In the screen's language, Dutch until another is chosen.
    qtbot.waitUntil(lambda: "niet bereikbaar" in error_text(kiosk), timeout=15000)
    assert error_text(kiosk).startswith(f"HQ niet bereikbaar op http://127.0.0.1:{port}")
    press(kiosk, clock, "setupLang_en")
    assert error_text(kiosk).startswith(f"HQ not reachable at http://127.0.0.1:{port}")
    assert is_shown(kiosk.window, "setupScreen")
    assert kiosk.outbox is not None
    assert kiosk.settings.get("hq_token") is None


def test_plain_http_to_another_host_is_refused_on_the_setup_screen(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    fill(
        kiosk,
        setupPin="4321",
        setupPinAgain="4321",
        setupHq="http://hq.example",
        setupCode="ABCD-2345",
    )
    press(kiosk, clock, "setupConnect")
    qtbot.waitUntil(lambda: "https://" in error_text(kiosk))
    assert error_text(kiosk) == "Het adres van HQ moet met https:// beginnen (hq.example)"
    fill(kiosk, setupHq="hq.example")
    press(kiosk, clock, "setupConnect")
    qtbot.waitUntil(lambda: error_text(kiosk).startswith("Geen adres van HQ: hq.example"))


def test_a_code_hq_does_not_know_is_explained_in_the_screens_language(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any, tmp_path: Path
) -> None:
    from hqserver import HQService

    with HQService(tmp_path / "hq") as hq:
        fill(kiosk, setupPin="4321", setupPinAgain="4321", setupHq=hq.url, setupCode="ABCD-2345")
        press(kiosk, clock, "setupConnect")
        setup = kiosk.setup
        assert setup is not None
        qtbot.waitUntil(lambda: error_text(kiosk) != "" and not setup.busy, timeout=20000)
        assert error_text(kiosk) == (
            "HQ kent deze code niet: controleer hem, of vraag HQ om een nieuwe"
        )
        assert kiosk.settings.get("hq_token") is None


def test_setup_with_a_real_hq_enrols_and_locks_the_kiosk_to_hqs_store(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any, tmp_path: Path
) -> None:
    from hqserver import HQService

    hq = HQService(tmp_path / "hq").start()
    try:
        code = hq.add_kiosk(store="s107", touchpoint="returns_desk")
        fill(kiosk, setupPin="4321", setupPinAgain="4321", setupHq=hq.url, setupCode=code.lower())
        press(kiosk, clock, "setupConnect")
        qtbot.waitUntil(lambda: not is_shown(kiosk.window, "setupScreen"), timeout=20000)
        assert kiosk.outbox is not None
        assert kiosk.settings.get("store_id") == "s107"
        assert kiosk.settings.get("touchpoint") == "returns_desk"
        assert kiosk.settings.get("hq_token")
        assert kiosk.sync_worker is not None  # syncing starts at once
        # The same code does not work twice.
        assert "already used" in subprocess_enrol(hq.url, code, tmp_path / "second")
    finally:
        hq.stop()


def subprocess_enrol(url: str, code: str, data_dir: Path) -> str:
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "enroll",
            "--hq",
            url,
            "--code",
            code,
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    return result.stderr
