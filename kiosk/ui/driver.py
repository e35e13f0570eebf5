"""Taps the real QML items by objectName, as a finger would; used by simulate,
screenshots and the tests."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEventLoop, QPoint, QPointF, Qt, QTimer
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest


class ItemNotFound(LookupError):
    pass


def walk(root: QQuickItem) -> list[QQuickItem]:
    """Every visible item under root, by the visual tree (Repeater delegates included)."""
    out: list[QQuickItem] = []
    stack = [root]
    while stack:
        item = stack.pop()
        if not item.isVisible() or item.opacity() <= 0:
            continue
        out.append(item)
        stack.extend(item.childItems())
    return out


def visible_item(window: QQuickWindow, name: str) -> QQuickItem:
    """The one visible item with this objectName."""
    found = [item for item in walk(window.contentItem()) if item.objectName() == name]
    if not found:
        raise ItemNotFound(f"no visible item named {name!r}")
    if len(found) > 1:
        raise ItemNotFound(f"{len(found)} visible items named {name!r}")
    return found[0]


def is_shown(window: QQuickWindow, name: str) -> bool:
    try:
        visible_item(window, name)
    except ItemNotFound:
        return False
    return True


def centre_of(item: QQuickItem) -> QPoint:
    # A finger only taps what is on screen, and what is on screen has been laid out;
    # positioners lay out lazily, so lay them out now (a frame would do the same).
    ancestor: QQuickItem | None = item
    while ancestor is not None:
        ancestor.ensurePolished()
        ancestor = ancestor.parentItem()
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    return centre.toPoint()


def scroll_into_view(window: QQuickWindow, item: QQuickItem) -> None:
    """What a finger does first with an item below the fold: scroll its Flickable."""
    flickable = item.parentItem()
    while flickable is not None and flickable.metaObject().indexOfProperty("contentY") < 0:
        flickable = flickable.parentItem()
    if flickable is None:
        return
    content_item = flickable.property("contentItem")
    top = item.mapToItem(content_item, QPointF(0, 0)).y()
    view = flickable.height()
    content = float(flickable.property("contentHeight"))
    wanted = max(0.0, min(top - view / 3, content - view))
    flickable.setProperty("contentY", wanted)


def aim(window: QQuickWindow, name: str) -> tuple[QQuickItem, QPoint]:
    """Where a finger would tap the named item, scrolled into view first if need be."""
    item = visible_item(window, name)
    centre = centre_of(item)
    if not (0 <= centre.x() < window.width() and 0 <= centre.y() < window.height()):
        scroll_into_view(window, item)
        centre = centre_of(item)
    return item, centre


def press(window: QQuickWindow, point: QPoint) -> None:
    """One tap at a point: press and release."""
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def tap(window: QQuickWindow, name: str) -> QQuickItem:
    item, point = aim(window, name)
    press(window, point)
    return item


def double_tap(window: QQuickWindow, name: str) -> QQuickItem:
    """Two quick taps on the same spot: the second lands on whatever shows next."""
    item = visible_item(window, name)
    point = centre_of(item)
    for _ in range(2):
        press(window, point)
    return item


# How often a wait for a frame looks at its deadline.
WAKE_MS = 50


class FrameCounter:
    """Counts frames the window has put on screen, to time a tap until it is visible."""

    def __init__(self, window: QQuickWindow) -> None:
        self.count = 0
        self.last_at = 0.0
        self._window = window
        window.frameSwapped.connect(self._on_frame_swapped)

    def _on_frame_swapped(self) -> None:
        self.count += 1
        self.last_at = time.perf_counter()

    def wait_beyond(self, count: int, timeout_s: float = 2.0) -> bool:
        """Process events until a frame after ``count`` was shown.

        Sleeps between events as the kiosk's own event loop does: polling would spend the
        CPU the kiosk needs for that frame, which on a slow or CPU-limited device delays
        the very frame being waited for."""
        deadline = time.perf_counter() + timeout_s
        # Wakes the wait now and then, so the deadline is seen when no event comes.
        wake = QTimer()
        wake.start(WAKE_MS)
        try:
            while self.count <= count:
                if time.perf_counter() > deadline:
                    return False
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        finally:
            wake.stop()
        return True

    def settle(self) -> None:
        """Let pending updates render, so the next measurement starts from a still screen."""
        self._window.update()
        self.wait_beyond(self.count)
