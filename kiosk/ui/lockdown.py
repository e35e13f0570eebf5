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
# Ctrl+Q and Ctrl+W whatever the platform's key scheme says: Windows' has no Quit at all.
_BLOCKED_WITH_CTRL = frozenset({Qt.Key.Key_Q, Qt.Key.Key_W})


def _is_a_way_out(event: QKeyEvent) -> bool:
    key = Qt.Key(event.key())
    if key in _BLOCKED_KEYS:
        return True
    if event.modifiers() & Qt.KeyboardModifier.ControlModifier and key in _BLOCKED_WITH_CTRL:
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
            if not (isinstance(event, QKeyEvent) and _is_a_way_out(event)):
                return False
            # Qt offers a key to the shortcuts (a QML Shortcut, an action's) before the window
            # sees it, unless the window accepts the override; filtering it out is not enough.
            event.accept()
            return True
        return kind == QEvent.Type.ContextMenu

    def _on_window_state_changed(self, state: Qt.WindowState) -> None:
        if self._locked and state & Qt.WindowState.WindowMinimized:
            log.info("minimise ignored")
            self._window.showFullScreen()
