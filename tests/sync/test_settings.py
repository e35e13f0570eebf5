"""The kiosk's settings (enrolment, PIN, placement) live apart from the answers, in
settings.json, written atomically: damage to kiosk.db neither unlocks the kiosk nor makes
it forget its enrolment, and a kiosk that lost its settings is not open to anyone."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sync_fixtures import write_answers

from kiosk.flow.clock import ManualClock
from kiosk.ui.driver import is_shown, tap, visible_item
from sync.outbox import DB_FILENAME, Outbox

PIN = "0000"  # what make_kiosk's preconfigure sets


def press(kiosk: Any, clock: ManualClock, name: str) -> None:
    clock.advance(0.4)
    tap(kiosk.window, name)


def gesture(kiosk: Any, clock: ManualClock) -> None:
    for _ in range(5):
        press(kiosk, clock, "managerCorner")


def type_pin(kiosk: Any, clock: ManualClock, pin: str) -> None:
    for digit in pin:
        press(kiosk, clock, f"pinKey_{digit}")
    press(kiosk, clock, "pinOk")


def corrupt(path: Path) -> None:
    path.write_bytes(b"this is not a database, it is garbage " * 500)


@pytest.mark.ui
def test_a_corrupt_database_leaves_the_kiosk_locked_with_its_pin(
    make_kiosk: Callable[..., Any],
    clock: ManualClock,
    data_dir: Path,
    qtbot: Any,
    expect_log: Callable[[str, str], None],
) -> None:
    expect_log("effortless.outbox", "unreadable.*moved aside")
    make_kiosk().close()
    corrupt(data_dir / DB_FILENAME)

    kiosk = make_kiosk()
    assert any("corrupt" in p.name for p in data_dir.iterdir())
    # No setup screen: nobody can choose a PIN of their own or set up "without HQ".
    assert not is_shown(kiosk.window, "setupScreen")
    assert is_shown(kiosk.window, "attractScreen")
    gesture(kiosk, clock)
    assert is_shown(kiosk.window, "pinPad")
    type_pin(kiosk, clock, "1234")
    assert not is_shown(kiosk.window, "managerScreen")
    type_pin(kiosk, clock, PIN)
    assert is_shown(kiosk.window, "managerScreen")
    assert not is_shown(kiosk.window, "setupStandalone")
    assert kiosk.setup is not None
    assert not kiosk.setup.property("active")


@pytest.mark.ui
def test_a_kiosk_that_lost_its_settings_is_out_of_order_and_offers_only_enrolment(
    make_kiosk: Callable[..., Any],
    clock: ManualClock,
    data_dir: Path,
    qtbot: Any,
    expect_log: Callable[[str, str], None],
) -> None:
    expect_log("effortless.app", "no settings")
    # Answers were collected here, but the settings are gone.
    with closing(Outbox.open(data_dir)) as outbox:
        write_answers(outbox, 3)
    kiosk = make_kiosk(configured=False)
    assert not is_shown(kiosk.window, "setupScreen")
    assert is_shown(kiosk.window, "outOfOrderScreen")
    reason = str(visible_item(kiosk.window, "outOfOrderReason").property("text"))
    assert "manager" in reason
    # The manager's gesture leads to enrolment with a new code from HQ, and nothing else.
    gesture(kiosk, clock)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "setupScreen"))
    assert is_shown(kiosk.window, "setupConnect")
    assert not is_shown(kiosk.window, "setupStandalone")
    assert not is_shown(kiosk.window, "setupStore")


@pytest.mark.ui
def test_a_damaged_settings_file_is_kept_and_the_kiosk_is_out_of_order(
    make_kiosk: Callable[..., Any],
    clock: ManualClock,
    data_dir: Path,
    qtbot: Any,
    expect_log: Callable[[str, str], None],
) -> None:
    from sync.settings import SETTINGS_FILENAME

    expect_log("effortless.app", "settings.*damaged|damaged.*settings")
    make_kiosk().close()
    damaged = b'{"manager_pin": "scrypt$'
    (data_dir / SETTINGS_FILENAME).write_bytes(damaged)
    kiosk = make_kiosk()
    assert is_shown(kiosk.window, "outOfOrderScreen")
    assert not is_shown(kiosk.window, "setupScreen")
    gesture(kiosk, clock)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "setupScreen"))
    assert not is_shown(kiosk.window, "setupStandalone")
    assert (data_dir / SETTINGS_FILENAME).read_bytes() == damaged


def test_a_fresh_kiosk_is_not_mistaken_for_one_that_lost_its_settings(data_dir: Path) -> None:
    from sync.settings import set_up_before

    assert not set_up_before(data_dir)
    # A first start that stopped at the setup screen leaves an empty database behind.
    Outbox.open(data_dir).close()
    assert not set_up_before(data_dir)


def _old_format_kiosk(data_dir: Path) -> None:
    """kiosk.db as the previous release wrote it: every setting in kiosk_meta."""
    from kiosk.flow.pin import hash_pin
    from sync.settings import SETTINGS_FILENAME

    with closing(Outbox.open(data_dir)) as outbox:
        write_answers(outbox, 4)
    # write_answers made the kiosk an id (a settings file); the old release had none.
    (data_dir / SETTINGS_FILENAME).unlink()
    with closing(sqlite3.connect(data_dir / DB_FILENAME)) as conn, conn:
        conn.executemany(
            "INSERT OR REPLACE INTO kiosk_meta (key, value) VALUES (?, ?)",
            [
                ("kiosk_id", "0d5a3c1e-8c4b-4a43-9a51-3c2f6b7e9d10"),
                ("hq_url", "https://hq.example.nl"),
                ("hq_token", "t" * 43),
                ("allow_insecure_http", "0"),
                ("store_id", "s107"),
                ("touchpoint", "returns_desk"),
                ("manager_pin", hash_pin("2468")),
                ("pin_failed_tries", "2"),
                ("pin_lockouts", "1"),
                ("default_locale", "en"),
                ("chosen_survey", "returns_desk"),
                ("next_seq", "5"),
            ],
        )


def test_settings_of_an_old_database_are_moved_into_the_settings_file_once(
    data_dir: Path,
) -> None:
    from kiosk.flow.pin import verify_pin
    from sync.settings import SETTINGS_FILENAME, Settings

    _old_format_kiosk(data_dir)
    settings = Settings.open(data_dir)
    on_disk = json.loads((data_dir / SETTINGS_FILENAME).read_text())
    assert on_disk["hq_token"] == "t" * 43
    assert on_disk["store_id"] == "s107"
    assert on_disk["kiosk_id"] == "0d5a3c1e-8c4b-4a43-9a51-3c2f6b7e9d10"
    assert verify_pin("2468", on_disk["manager_pin"])
    assert (on_disk["pin_failed_tries"], on_disk["default_locale"]) == ("2", "en")
    assert "next_seq" not in on_disk  # bookkeeping of the answers stays with them
    assert settings.kiosk_id() == "0d5a3c1e-8c4b-4a43-9a51-3c2f6b7e9d10"
    # Once: a later change is not overwritten by the old values on the next start.
    settings.update({"store_id": "s108"})
    assert Settings.open(data_dir).get("store_id") == "s108"
    # The answers' own bookkeeping is untouched.
    with closing(Outbox.open(data_dir)) as outbox:
        assert outbox.count() == 4


@pytest.mark.ui
def test_an_old_kiosk_keeps_its_pin_and_enrolment_after_the_update(
    make_kiosk: Callable[..., Any], clock: ManualClock, data_dir: Path, qtbot: Any
) -> None:
    _old_format_kiosk(data_dir)
    kiosk = make_kiosk(configured=False)
    assert not is_shown(kiosk.window, "setupScreen")
    assert kiosk.sync_worker is not None  # still enrolled
    gesture(kiosk, clock)
    type_pin(kiosk, clock, "2468")
    assert is_shown(kiosk.window, "managerScreen")


def test_settings_are_written_in_one_atomic_replace(data_dir: Path) -> None:
    from sync.settings import SETTINGS_FILENAME, Settings

    settings = Settings.open(data_dir)
    settings.update({"store_id": "s1", "touchpoint": "kassa"})
    path = data_dir / SETTINGS_FILENAME
    first = os.stat(path).st_ino
    settings.update({"store_id": "s2", "touchpoint": "retour"})
    # A new file put in place by rename, never the old one rewritten in place.
    assert os.stat(path).st_ino != first
    # It holds the HQ token and the PIN's hash: for the kiosk's user only.
    assert os.stat(path).st_mode & 0o777 == 0o600
    on_disk = json.loads(path.read_text())
    assert (on_disk["store_id"], on_disk["touchpoint"]) == ("s2", "retour")
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(SETTINGS_FILENAME)] == [
        SETTINGS_FILENAME
    ]


@pytest.mark.ui
def test_a_new_code_from_hq_sets_up_a_kiosk_that_lost_its_settings(
    make_kiosk: Callable[..., Any],
    clock: ManualClock,
    data_dir: Path,
    qtbot: Any,
    tmp_path: Path,
    expect_log: Callable[[str, str], None],
) -> None:
    from hqserver import HQService

    from sync.settings import SETTINGS_FILENAME, Settings

    expect_log("effortless.app", "damaged")
    expect_log("effortless.settings", "damaged settings file moved aside")
    make_kiosk().close()
    (data_dir / SETTINGS_FILENAME).write_bytes(b"\x00\x00garbage")
    hq = HQService(tmp_path / "hq").start()
    try:
        code = hq.add_kiosk(store="s107", touchpoint="in_store_purchase")
        kiosk = make_kiosk()
        gesture(kiosk, clock)
        qtbot.waitUntil(lambda: is_shown(kiosk.window, "setupScreen"))
        for name, value in (
            ("setupPin", "4321"),
            ("setupPinAgain", "4321"),
            ("setupHq", hq.url),
            ("setupCode", code),
        ):
            visible_item(kiosk.window, name).setProperty("text", value)
        press(kiosk, clock, "setupConnect")
        qtbot.waitUntil(lambda: not is_shown(kiosk.window, "setupScreen"), timeout=20000)
        qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"))
        assert Settings(data_dir).get("store_id") == "s107"
        assert Settings(data_dir).get("hq_token")
        # The damaged file is kept for a look, not overwritten.
        kept = [p.name for p in data_dir.iterdir() if ".damaged-" in p.name]
        assert len(kept) == 1
        gesture(kiosk, clock)
        type_pin(kiosk, clock, "4321")
        assert is_shown(kiosk.window, "managerScreen")
    finally:
        hq.stop()
