"""Lets SIGTERM (systemd stop) and Ctrl+C end the Qt event loop, so the database closes cleanly."""

from __future__ import annotations

import signal

from PySide6.QtCore import QCoreApplication, QTimer


def exit_on_signals(app: QCoreApplication) -> None:
    """Make SIGTERM and SIGINT end ``app``'s event loop with exit code 0."""
    # Posted, not called: a signal during start-up arrives before the loop it must end.
    # exit(), not quit(): quit() first asks the windows to close, and the kiosk's won't.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: QTimer.singleShot(0, lambda: app.exit(0)))
    # Qt's loop gives Python no chance to run its signal handlers; an idle timer does.
    # Parented to the app, it lives as long as the loop it wakes.
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)
