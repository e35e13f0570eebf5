"""Keeps a shopper inside the kiosk: the window ignores every way out it is offered.

What an app alone cannot block (a compositor's own shortcuts, Ctrl+Alt+F1, the power
button) is for the kiosk's session to handle; see docs/deployment.md.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QWindow

log = logging.getLogger("effortless.lockdown")

_BLOCKED_SEQUENCES = (
    QKeySequence.StandardKey.Quit,
    QKeySequence.StandardKey.Close,
)
_BLOCKED_KEYS = frozenset({Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_F11})


def _is_a_way_out(event: QKeyEvent) -> bool:
    if Qt.Key(event.key()) in _BLOCKED_KEYS:
        return True
    return any(event.matches(sequence) for sequence in _BLOCKED_SEQUENCES)


class Lockdown(QObject):
    """An event filter on the kiosk window; ``release()`` lets the window close again."""

    def __init__(self, window: QWindow) -> None:
        super().__init__(window)
        self._window = window
        self._locked = True
        window.installEventFilter(self)
        window.windowStateChanged.connect(self._on_window_state_changed)

    def release(self) -> None:
        self._locked = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._locked:
            return False
        kind = event.type()
        if kind == QEvent.Type.Close:
            log.info("close request ignored")
            event.ignore()
            return True
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return isinstance(event, QKeyEvent) and _is_a_way_out(event)
        return kind == QEvent.Type.ContextMenu

    def _on_window_state_changed(self, state: Qt.WindowState) -> None:
        if self._locked and state & Qt.WindowState.WindowMinimized:
            log.info("minimise ignored")
            self._window.showFullScreen()
