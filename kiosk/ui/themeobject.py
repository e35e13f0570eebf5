"""The palette and text sizes for QML: a singleton of plain properties, one per colour in
``kiosk.ui.theme.PALETTE`` (a test holds the two together), which switch to
``HIGH_CONTRAST`` and larger text while the shopper's accessibility mode is on.

Main.qml binds ``accessible`` to the controller's, so the screens read one Theme and hold
no mode logic of their own. Bindings that read a colour re-run on every press; a string
property costs nothing, while a dict-valued one would make a new JavaScript object each
time. Each property is written out, not generated, so that qmllint's type information
(made from this source by pyside6-metaobjectdump) knows every one of them.
"""

from __future__ import annotations

from PySide6.QtCore import Property, QObject, QUrl, Signal
from PySide6.QtQml import QmlElement, QmlSingleton

from ces.assets import keyboard_layouts_dir

# QmlElement reads the module's name and version from this module's globals.
from kiosk.ui.qmlmodule import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME  # noqa: F401
from kiosk.ui.theme import (
    ACCESSIBLE_BORDER_PX,
    ACCESSIBLE_TEXT_SCALE,
    HIGH_CONTRAST,
    MIN_TEXT_PX,
    MIN_TOUCH_PX,
    PALETTE,
)


@QmlElement
@QmlSingleton
class Theme(QObject):
    """Colours, text sizes and the smallest touch size for every screen; made by QML."""

    accessibleChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accessible = False
        self._colours = PALETTE

    def _get_accessible(self) -> bool:
        return self._accessible

    def _set_accessible(self, on: bool) -> None:
        if on == self._accessible:
            return
        self._accessible = on
        self._colours = HIGH_CONTRAST if on else PALETTE
        self.accessibleChanged.emit()

    # The shopper's accessibility mode; Main.qml binds it to KioskController.accessible.
    accessible = Property(bool, _get_accessible, _set_accessible, notify=accessibleChanged)

    @Property(int, constant=True)
    def minTouch(self) -> int:
        return MIN_TOUCH_PX

    # The on-screen keyboard's own layouts for portrait (kiosk/ui/keyboardlayouts.py), as
    # Qt Virtual Keyboard's layout folder.
    @Property(str, constant=True)
    def portraitKeyboardLayouts(self) -> str:
        return QUrl.fromLocalFile(str(keyboard_layouts_dir())).toString()

    # The smallest text size in px, before textScale.
    @Property(int, constant=True)
    def minText(self) -> int:
        return MIN_TEXT_PX

    @Property("double", notify=accessibleChanged)  # type: ignore[arg-type]
    def textScale(self) -> float:
        return ACCESSIBLE_TEXT_SCALE if self._accessible else 1.0

    # A button's border: in the mode, white buttons on the white background need one.
    @Property(int, notify=accessibleChanged)
    def buttonBorder(self) -> int:
        return ACCESSIBLE_BORDER_PX if self._accessible else 0

    @Property(str, notify=accessibleChanged)
    def background(self) -> str:
        return self._colours["background"]

    @Property(str, notify=accessibleChanged)
    def text(self) -> str:
        return self._colours["text"]

    @Property(str, notify=accessibleChanged)
    def mutedText(self) -> str:
        return self._colours["mutedText"]

    @Property(str, notify=accessibleChanged)
    def button(self) -> str:
        return self._colours["button"]

    @Property(str, notify=accessibleChanged)
    def buttonPressed(self) -> str:
        return self._colours["buttonPressed"]

    @Property(str, notify=accessibleChanged)
    def buttonText(self) -> str:
        return self._colours["buttonText"]

    @Property(str, notify=accessibleChanged)
    def secondaryButton(self) -> str:
        return self._colours["secondaryButton"]

    @Property(str, notify=accessibleChanged)
    def secondaryButtonPressed(self) -> str:
        return self._colours["secondaryButtonPressed"]

    @Property(str, notify=accessibleChanged)
    def secondaryButtonText(self) -> str:
        return self._colours["secondaryButtonText"]

    @Property(str, notify=accessibleChanged)
    def factorButton(self) -> str:
        return self._colours["factorButton"]

    @Property(str, notify=accessibleChanged)
    def factorButtonPressed(self) -> str:
        return self._colours["factorButtonPressed"]

    @Property(str, notify=accessibleChanged)
    def factorButtonBorder(self) -> str:
        return self._colours["factorButtonBorder"]

    @Property(str, notify=accessibleChanged)
    def accent(self) -> str:
        return self._colours["accent"]

    @Property(str, notify=accessibleChanged)
    def accentText(self) -> str:
        return self._colours["accentText"]

    @Property(str, notify=accessibleChanged)
    def overlay(self) -> str:
        return self._colours["overlay"]

    @Property(str, notify=accessibleChanged)
    def overlayText(self) -> str:
        return self._colours["overlayText"]

    @Property(str, notify=accessibleChanged)
    def danger(self) -> str:
        return self._colours["danger"]

    @Property(str, notify=accessibleChanged)
    def dangerText(self) -> str:
        return self._colours["dangerText"]

    @Property(str, notify=accessibleChanged)
    def field(self) -> str:
        return self._colours["field"]
