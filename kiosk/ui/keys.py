"""Which way the shopper is answering, keys or touch: a key shows the focus ring, a touch
hides it again (kiosk/ui/qml/Effortless/Kiosk/Main.qml)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from kiosk.ui.controller import KioskController

_POINTER_PRESSES = frozenset(
    {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.TabletPress}
)


class InputWatcher(QObject):
    """Watches the kiosk window's input, never taking any: the event goes on as before.

    A filter on the window, not on the application, so only the window's own events pass
    through Python."""

    def __init__(self, window: QObject, controller: KioskController) -> None:
        super().__init__(window)
        self._controller = controller
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            self._controller.set_keyboard_in_use(True)
        elif kind in _POINTER_PRESSES:
            self._controller.set_keyboard_in_use(False)
        return False
