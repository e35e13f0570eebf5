"""systemd's notify protocol and watchdog, against a real unix datagram socket.

The socket stands in for systemd: it is bound in the test's folder and named by
$NOTIFY_SOCKET exactly as systemd names its own, so what arrives there is what systemd
would read. The unit file itself is checked with systemd-analyze where it exists.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
import systemd_units
from PySide6.QtCore import QObject, QTimer

from ces.assets import asset
from kiosk import systemd
from kiosk.preset import preconfigure
from kiosk.ui.watchdog import start_watchdog

UNIT = asset("systemd", "effortless-kiosk.service")


class NotifySocket:
    """A bound datagram socket: what systemd listens on for a Type=notify service."""

    def __init__(self, sock: socket.socket, name: str) -> None:
        self.sock = sock
        self.name = name
        self.messages: list[str] = []

    def drain(self) -> list[str]:
        """Everything that arrived so far (without waiting), added to ``messages``."""
        new: list[str] = []
        while True:
            try:
                new.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                break
        self.messages.extend(new)
        return new

    def count(self, message: str) -> int:
        self.drain()
        return self.messages.count(message)

    def receive(self, timeout: float) -> str:
        """The next datagram, waiting at most ``timeout`` seconds for it."""
        self.sock.settimeout(timeout)
        try:
            message = self.sock.recv(4096).decode()
        finally:
            self.sock.setblocking(False)
        self.messages.append(message)
        return message


def _bound(address: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.setblocking(False)
    return sock


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifySocket]:
    path = tmp_path / "notify"
    # sun_path holds 108 bytes; pytest's folders stay well below that.
    assert len(str(path)) < 100, path
    sock = _bound(str(path))
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    for name in ("WATCHDOG_USEC", "WATCHDOG_PID"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield NotifySocket(sock, str(path))
    finally:
        sock.close()


@pytest.fixture
def owner(qapp: Any) -> Iterator[QObject]:
    """The parent of a watchdog; deleting it stops the watchdog's timers."""
    parent = QObject()
    yield parent
    # Deleted now, with its timers, not whenever the garbage collector gets to it: a
    # watchdog left running pings the next test's socket (its WATCHDOG=1 came before the
    # ces-kiosk test's READY=1), and a late deletion inside a later test's event loop
    # crashed it.
    shiboken6.delete(parent)


def test_notify_sends_one_datagram_to_the_socket(notify_socket: NotifySocket) -> None:
    assert systemd.notify("READY=1") is True
    assert notify_socket.drain() == ["READY=1"]


def test_notify_reaches_an_abstract_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    # systemd's own socket is often abstract: "@/org/freedesktop/systemd1/notify".
    name = f"effortless-test-{uuid.uuid4().hex}"
    sock = _bound("\0" + name)
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert systemd.notify("WATCHDOG=1") is True
        assert NotifySocket(sock, name).drain() == ["WATCHDOG=1"]
    finally:
        sock.close()


def test_notify_does_nothing_outside_systemd(
    notify_socket: NotifySocket, monkeypatch: pytest.MonkeyPatch, owner: QObject, qtbot: Any
) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET")
    monkeypatch.setenv("WATCHDOG_USEC", "20000")
    assert systemd.notify("READY=1") is False
    assert start_watchdog(owner) is None
    # Long enough for a READY=1 and a few pings, had any been sent.
    qtbot.wait(200)  # ok-sleep
    assert notify_socket.drain() == []


def test_the_watchdog_interval_is_systemds_for_this_process_only(
    monkeypatch: pytest.MonkeyPatch, expect_log: Any
) -> None:
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert systemd.watchdog_interval_s() is None
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    assert systemd.watchdog_interval_s() == 30.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert systemd.watchdog_interval_s() == 30.0
    # A process that inherited the variables from the one systemd watches.
    monkeypatch.setenv("WATCHDOG_PID", str(os.getppid()))
    assert systemd.watchdog_interval_s() is None
    monkeypatch.delenv("WATCHDOG_PID")
    expect_log("effortless.systemd", "not a number")
    monkeypatch.setenv("WATCHDOG_USEC", "soon")
    assert systemd.watchdog_interval_s() is None
    expect_log("effortless.systemd", "not a positive number")
    monkeypatch.setenv("WATCHDOG_USEC", "0")
    assert systemd.watchdog_interval_s() is None


def test_ready_then_pings_while_the_event_loop_runs(
    notify_socket: NotifySocket, monkeypatch: pytest.MonkeyPatch, owner: QObject, qtbot: Any
) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "100000")  # pings every 50 ms
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    pings = start_watchdog(owner)
    assert pings is not None
    assert pings.interval() == 50
    # Nothing yet: READY=1 waits for the event loop to turn.
    assert notify_socket.drain() == []
    qtbot.waitUntil(lambda: notify_socket.count("WATCHDOG=1") >= 5, timeout=5000)
    assert notify_socket.messages[0] == "READY=1"
    assert notify_socket.messages.count("READY=1") == 1


def test_without_watchdogsec_only_ready_is_sent(
    notify_socket: NotifySocket, owner: QObject, qtbot: Any
) -> None:
    assert start_watchdog(owner) is None
    qtbot.waitUntil(lambda: notify_socket.count("READY=1") == 1)
    assert notify_socket.messages == ["READY=1"]


def test_a_stalled_event_loop_sends_no_pings(
    notify_socket: NotifySocket, monkeypatch: pytest.MonkeyPatch, owner: QObject, qtbot: Any
) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "100000")  # pings every 50 ms
    assert start_watchdog(owner) is not None
    qtbot.waitUntil(lambda: notify_socket.count("WATCHDOG=1") >= 2, timeout=5000)
    during: list[str] = []
    done: list[bool] = []

    def freeze() -> None:
        # A frozen UI: this slot holds the event loop for ten ping intervals. Whatever
        # arrives on the socket meanwhile was sent by something other than the event
        # loop, which is exactly what must not feed the watchdog.
        notify_socket.drain()
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            pass  # ok-sleep: a deliberate busy wait, the hang under test
        during.extend(notify_socket.drain())
        done.append(True)

    frozen = QTimer(owner)
    frozen.setSingleShot(True)
    frozen.timeout.connect(freeze)
    frozen.start(0)
    qtbot.waitUntil(lambda: bool(done))
    assert during == []
    # And the pings come back once the loop runs again.
    before = notify_socket.count("WATCHDOG=1")
    qtbot.waitUntil(lambda: notify_socket.count("WATCHDOG=1") >= before + 2, timeout=5000)


def test_an_unreachable_socket_is_reported_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    owner: QObject,
    qtbot: Any,
    expect_log: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone"))
    monkeypatch.setenv("WATCHDOG_USEC", "20000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    expect_log("effortless.watchdog", "cannot notify systemd")
    pings = start_watchdog(owner)
    assert pings is not None
    ticks: list[bool] = []
    pings.timeout.connect(lambda: ticks.append(True))
    qtbot.waitUntil(lambda: len(ticks) >= 5)
    # Not one warning every ping: the kiosk's log would fill up with them.
    warnings = [r for r in caplog.records if "cannot notify systemd" in r.getMessage()]
    assert len(warnings) == 1


def test_ces_kiosk_tells_systemd_it_is_ready_keeps_pinging_and_stops_cleanly(
    notify_socket: NotifySocket, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    preconfigure(data_dir)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WATCHDOG_USEC": "200000"}
    ces_kiosk = Path(sys.executable).with_name("ces-kiosk")
    log = tmp_path / "kiosk.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ces_kiosk), "--data-dir", str(data_dir)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        first = notify_socket.receive(timeout=60)
        assert first == "READY=1", log.read_text()
        for _ in range(3):
            assert notify_socket.receive(timeout=10) == "WATCHDOG=1"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
        assert "STOPPING=1" in notify_socket.drain()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_unit_runs_the_kiosk_of_the_current_release() -> None:
    # scripts/install-release makes /opt/effortless/current (tests/test_release.py)
    assert systemd_units.exec_start(UNIT) == ["/opt/effortless/current/bin/ces-kiosk"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_the_unit_file_is_one_systemd_accepts(tmp_path: Path) -> None:
    # verify checks that the command exists: a root is made where it does.
    root = tmp_path / "root"
    bin_dir = root / "opt/effortless/current/bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "ces-kiosk").symlink_to(Path(sys.executable).with_name("ces-kiosk"))
    assert systemd_units.verify(UNIT, root, user=True, work=tmp_path) == ""
    # and it does check: without the program the same unit fails
    (bin_dir / "ces-kiosk").unlink()
    assert "ces-kiosk is not executable" in systemd_units.verify(
        UNIT, root, user=True, work=tmp_path
    )
