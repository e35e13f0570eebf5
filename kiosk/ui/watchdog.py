"""Feeds systemd's watchdog from the Qt event loop, so that a frozen kiosk is restarted.

The pings come from a QTimer on the UI thread on purpose: when that thread hangs (a
deadlock, a runaway binding, a stuck call into the database) the shopper sees a frozen
screen, the pings stop, and systemd kills and restarts the app after WatchdogSec=. A ping
from any other thread would keep a frozen kiosk alive.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from kiosk import systemd

log = logging.getLogger("effortless.watchdog")


class _Feeder(QObject):
    """Sends the notifications; warns once when systemd's socket cannot be reached."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._failing = False
        self._ready_sent = False

    def send(self, message: str) -> None:
        try:
            systemd.notify(message)
        except OSError as exc:
            if not self._failing:
                log.warning("cannot notify systemd (%s): %s", message.split("=")[0], exc)
            self._failing = True
            return
        if self._failing:
            log.info("systemd notifications work again")
        self._failing = False

    def ready(self) -> None:
        if not self._ready_sent:
            self._ready_sent = True
            self.send("READY=1")

    def ping(self) -> None:
        # A busy machine may run the ping timer before the zero-delay READY one; systemd
        # must hear READY=1 first either way.
        self.ready()
        self.send("WATCHDOG=1")

    def stopping(self) -> None:
        self.send("STOPPING=1")


def start_watchdog(parent: QObject) -> QTimer | None:
    """Tell systemd the kiosk is up and keep its watchdog fed; call once the window is shown.

    Returns the ping timer (a child of ``parent``), or None when there is nothing to ping:
    not run by systemd, or a unit without WatchdogSec=.
    """
    if not os.environ.get(systemd.NOTIFY_SOCKET):
        return None
    feeder = _Feeder(parent)
    # READY=1 on the first turn of the event loop rather than now: by then the window has
    # been shown and the loop that feeds the watchdog is running. A kiosk whose loop never
    # starts is not ready, and systemd restarts it after TimeoutStartSec=.
    ready = QTimer(feeder)
    ready.setSingleShot(True)
    ready.timeout.connect(feeder.ready)
    ready.start(0)
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(feeder.stopping)
    interval = systemd.watchdog_interval_s()
    if interval is None:
        return None
    # Half the interval, as sd_watchdog_enabled(3) advises: one late ping is not a restart.
    pings = QTimer(feeder)
    pings.timeout.connect(feeder.ping)
    pings.start(max(1, int(interval * 1000 / 2)))
    log.info("feeding systemd's watchdog every %.1f s", interval / 2)
    return pings
