"""Passing faults at start (disk full, another program holding the write lock, a read-only
filesystem) never move a healthy kiosk.db aside: the kiosk is out of order, retries, and
carries on with the same database and every queued answer once the cause is gone.

The faults are real: a second process holding ``BEGIN EXCLUSIVE``, a small tmpfs filled to
the last byte, a tmpfs remounted read-only (mounting needs root; those cases skip without).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sync_fixtures import write_answers

from kiosk.flow.clock import ManualClock
from kiosk.flow.texts import problem_text
from sync import problems
from sync.outbox import DB_FILENAME, Outbox, OutboxError

QUEUED = 150
LOCKER = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "conn.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "conn.execute('ROLLBACK')\n"
)


class Fault:
    """One passing cause: ``start`` makes it happen, ``stop`` takes it away again."""

    def __init__(self, name: str, start: Callable[[], None], stop: Callable[[], None]) -> None:
        self.name = name
        self.start = start
        self.stop = stop


def _mount_tmpfs(target: Path, size: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (disk-full and read-only cases)")
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def _fill(folder: Path) -> Path:
    """Write a file until the filesystem has no byte left."""
    filler = folder / "filler"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError:
            pass
        try:
            while True:
                out.write(b"\0")
        except OSError:
            pass
    return filler


@pytest.fixture
def queued(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, Fault]]:
    """A set-up kiosk's data dir with QUEUED answers, and the fault asked for."""
    from kiosk.preset import preconfigure

    cause: str = request.param
    mounted: Path | None = None
    if cause == "locked":
        data_dir = tmp_path / "kiosk"
    else:
        mounted = tmp_path / "mnt"
        # Room for the answers' write-ahead log before it is checkpointed on close.
        _mount_tmpfs(mounted, "32m")
        data_dir = mounted / "data"
    holder: list[Any] = []

    def lock() -> None:
        proc = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(data_dir / DB_FILENAME)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        holder.append(proc)

    def unlock() -> None:
        proc = holder.pop()
        proc.communicate("go\n", timeout=30)

    def fill() -> None:
        assert mounted is not None
        holder.append(_fill(mounted))

    def unfill() -> None:
        holder.pop().unlink()

    def read_only() -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(mounted)], check=True)

    def read_write() -> None:
        subprocess.run(["mount", "-o", "remount,rw", str(mounted)], check=True)

    fault = {
        "locked": Fault("locked", lock, unlock),
        "full": Fault("full", fill, unfill),
        "read-only": Fault("read-only", read_only, read_write),
    }[cause]
    try:
        preconfigure(data_dir, store="s042")
        with closing(Outbox.open(data_dir)) as outbox:
            write_answers(outbox, QUEUED)
        yield data_dir, fault
    finally:
        while holder:
            fault.stop()
        if mounted is not None:
            subprocess.run(["umount", "-l", str(mounted)], check=False)


CAUSES = ["locked", "full", "read-only"]
# What the log and the commands say, in plain English, for each cause.
REASONS = {"locked": "locked", "full": "full", "read-only": "read-only"}
# What the out-of-order screen says for each cause, in the screen's language.
# (SQLite cannot even open a database on a read-only filesystem: it has no WAL file there.)
KINDS = {
    "locked": problems.DB_LOCKED,
    "full": problems.DISK_FULL,
    "read-only": problems.DB_CANNOT_OPEN,
}


def _nothing_moved_aside(data_dir: Path) -> None:
    assert sorted(p.name for p in data_dir.iterdir() if "corrupt" in p.name) == []


@pytest.mark.parametrize("queued", CAUSES, indirect=True)
def test_a_passing_fault_at_start_never_moves_the_database_aside(
    queued: tuple[Path, Fault], expect_log: Callable[[str, str], None]
) -> None:
    data_dir, fault = queued
    before = (data_dir / DB_FILENAME).stat().st_ino
    fault.start()
    with pytest.raises(OutboxError) as raised:
        Outbox.open(data_dir).close()
    assert REASONS[fault.name] in str(raised.value)
    assert raised.value.problem.kind == KINDS[fault.name]
    _nothing_moved_aside(data_dir)
    assert (data_dir / DB_FILENAME).stat().st_ino == before
    fault.stop()
    with closing(Outbox.open(data_dir)) as outbox:
        assert outbox.stats().pending == QUEUED
        assert len(outbox.sendable(500)) == QUEUED


@pytest.mark.ui
@pytest.mark.parametrize("queued", CAUSES, indirect=True)
def test_the_kiosk_is_out_of_order_while_the_fault_lasts_then_carries_on(
    queued: tuple[Path, Fault],
    make_kiosk: Callable[..., Any],
    clock: ManualClock,
    qtbot: Any,
    expect_log: Callable[[str, str], None],
) -> None:
    from kiosk.ui.driver import is_shown, tap, visible_item

    data_dir, fault = queued
    expect_log("effortless.app", f"kiosk database unavailable.*{REASONS[fault.name]}")
    if fault.name != "locked":
        # The survey cannot be kept as the last good one on a full or read-only disk.
        expect_log("effortless.survey", "could not keep")
    fault.start()
    kiosk = make_kiosk(data_dir=data_dir, storage_retry_ms=100)
    assert is_shown(kiosk.window, "outOfOrderScreen")
    # A Dutch kiosk (the default) says why in Dutch, never in sync's English.
    assert kiosk.flow.state.locale == "nl"
    reason = str(visible_item(kiosk.window, "outOfOrderReason").property("text"))
    assert reason == problem_text("nl", KINDS[fault.name], {})
    assert reason != problem_text("en", KINDS[fault.name], {})
    assert REASONS[fault.name] not in reason
    assert not is_shown(kiosk.window, "setupScreen")
    _nothing_moved_aside(data_dir)
    fault.stop()
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"), timeout=20000)
    _nothing_moved_aside(data_dir)
    assert kiosk.outbox is not None
    assert kiosk.outbox.stats().pending == QUEUED
    # The manager's way in came with the database: the corner is there on the attract screen.
    assert visible_item(kiosk.window, "managerCorner") is not None
    # The same database takes the next shopper's answer.
    clock.advance(1)
    tap(kiosk.window, "startArea")
    clock.advance(1)
    tap(kiosk.window, "score_6")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "whyScreen"))
    assert kiosk.outbox.count() == QUEUED + 1
    # And the manager's PIN pad opens from the corner once the shopper has gone.
    clock.advance(60)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "stillThereOverlay"))
    clock.advance(kiosk.flow.timing.still_there_s)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractScreen"))
    for _ in range(5):
        clock.advance(0.4)
        tap(kiosk.window, "managerCorner")
    assert is_shown(kiosk.window, "pinPad")


@pytest.mark.ui
@pytest.mark.parametrize("queued", ["locked"], indirect=True)
def test_an_answer_that_cannot_be_stored_is_explained_in_the_screens_language(
    queued: tuple[Path, Fault],
    make_kiosk: Callable[..., Any],
    clock: ManualClock,
    qtbot: Any,
    expect_log: Callable[[str, str], None],
) -> None:
    from kiosk.ui.driver import is_shown, tap, visible_item

    data_dir, fault = queued
    expect_log("effortless.flow", "could not store an answer: .*locked")
    kiosk = make_kiosk(data_dir=data_dir)
    assert is_shown(kiosk.window, "attractScreen")
    # Another program takes the database while a shopper is at the kiosk.
    fault.start()
    clock.advance(1)
    tap(kiosk.window, "startArea")
    clock.advance(1)
    tap(kiosk.window, "score_6")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "outOfOrderScreen"), timeout=20000)
    reason = str(visible_item(kiosk.window, "outOfOrderReason").property("text"))
    assert reason == problem_text("nl", problems.DB_LOCKED, {})
    assert "locked" not in reason


@pytest.mark.parametrize("command", ["sync", "status"])
@pytest.mark.parametrize("queued", CAUSES, indirect=True)
def test_the_commands_say_in_one_line_what_is_wrong(
    queued: tuple[Path, Fault], command: str
) -> None:
    from sync.settings import Settings

    data_dir, fault = queued
    # Enrolled with an HQ nobody answers for: the command must get as far as the database.
    Settings(data_dir).update({"hq_url": "http://127.0.0.1:9", "hq_token": "t" * 43})
    fault.start()
    extra = ("--timeout", "30") if command == "sync" else ()
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", command, "--data-dir", str(data_dir), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr
    _nothing_moved_aside(data_dir)
    if command == "status" and fault.name == "locked":
        # Reading waits for no lock: the queue is shown as it is.
        assert result.returncode == 0, result.stderr
        assert f"queued answers:   {QUEUED}" in result.stdout
        return
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if f"ces-kiosk {command}:" in line]
    assert len(lines) == 1, result.stderr
    assert REASONS[fault.name] in lines[0]


@pytest.mark.parametrize("queued", ["full"], indirect=True)
def test_the_sync_worker_waits_out_a_full_disk_and_then_sends_everything(
    queued: tuple[Path, Fault],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    expect_log: Callable[[str, str], None],
) -> None:
    from hqserver import HQService
    from sync_fixtures import enrol, hq_answers, wait_until

    from sync.backoff import Backoff
    from sync.worker import SyncWorker

    data_dir, fault = queued
    expect_log("effortless.sync", "sync paused: .*the disk is full")
    hq = HQService(tmp_path / "hq").start()  # on the ordinary disk
    try:
        kiosk_id = enrol(data_dir, hq.url, hq.add_kiosk())
        fault.start()
        worker = SyncWorker(data_dir, batch_size=50, backoff=Backoff(base_s=0.05, cap_s=0.2))
        worker.start()
        try:
            worker.wake()
            wait_until(
                lambda: any("sync paused" in r.getMessage() for r in caplog.records),
                30,
                "the worker to meet the full disk",
            )
            fault.stop()
            worker.wake()

            def all_sent() -> bool:
                with closing(Outbox.attach(data_dir)) as outbox:
                    return outbox.stats().pending == 0

            wait_until(all_sent, 60, "every queued answer to be acknowledged")
        finally:
            worker.stop()
        assert len(hq_answers(hq.data_dir, kiosk_id)) == QUEUED  # each exactly once
    finally:
        hq.stop()


def test_status_of_a_damaged_database_says_what_to_do_and_moves_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    with closing(Outbox.open(data_dir)) as outbox:
        write_answers(outbox, 60)
        outbox.checkpoint()
    database = data_dir / DB_FILENAME
    with closing(sqlite3.connect(database)) as conn:
        (top,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'responses'"
        ).fetchone()
    with open(database, "r+b") as db:
        db.seek((top - 1) * 4096)
        db.write(b"\xa5garbage" * 512)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "status", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "damaged" in result.stderr
    assert "ces-kiosk recover" in result.stderr
    # Only the kiosk itself moves a damaged file aside, and recovers its answers then.
    _nothing_moved_aside(data_dir)
