"""The palette for QML: a singleton of plain string properties, one per colour in
``kiosk.ui.theme.PALETTE`` (a test holds the two together).

Bindings that read a colour re-run on every press; a string property costs nothing,
while a dict-valued one would make a new JavaScript object each time. Each property is
written out, not generated, so that qmllint's type information (made from this source by
pyside6-metaobjectdump) knows every one of them.
"""

from __future__ import annotations

from PySide6.QtCore import Property, QObject
from PySide6.QtQml import QmlElement, QmlSingleton

# QmlElement reads the module's name and version from this module's globals.
from kiosk.ui.qmlmodule import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME  # noqa: F401
from kiosk.ui.theme import MIN_TOUCH_PX, PALETTE


@QmlElement
@QmlSingleton
class Theme(QObject):
    """Colours and the smallest touch size, the same for every screen; made by QML."""

    @Property(int, constant=True)
    def minTouch(self) -> int:
        return MIN_TOUCH_PX

    @Property(str, constant=True)
    def background(self) -> str:
        return PALETTE["background"]

    @Property(str, constant=True)
    def text(self) -> str:
        return PALETTE["text"]

    @Property(str, constant=True)
    def mutedText(self) -> str:
        return PALETTE["mutedText"]

    @Property(str, constant=True)
    def button(self) -> str:
        return PALETTE["button"]

    @Property(str, constant=True)
    def buttonPressed(self) -> str:
        return PALETTE["buttonPressed"]

    @Property(str, constant=True)
    def buttonText(self) -> str:
        return PALETTE["buttonText"]

    @Property(str, constant=True)
    def secondaryButton(self) -> str:
        return PALETTE["secondaryButton"]

    @Property(str, constant=True)
    def secondaryButtonPressed(self) -> str:
        return PALETTE["secondaryButtonPressed"]

    @Property(str, constant=True)
    def secondaryButtonText(self) -> str:
        return PALETTE["secondaryButtonText"]

    @Property(str, constant=True)
    def factorButton(self) -> str:
        return PALETTE["factorButton"]

    @Property(str, constant=True)
    def factorButtonPressed(self) -> str:
        return PALETTE["factorButtonPressed"]

    @Property(str, constant=True)
    def factorButtonBorder(self) -> str:
        return PALETTE["factorButtonBorder"]

    @Property(str, constant=True)
    def accent(self) -> str:
        return PALETTE["accent"]

    @Property(str, constant=True)
    def accentText(self) -> str:
        return PALETTE["accentText"]

    @Property(str, constant=True)
    def overlay(self) -> str:
        return PALETTE["overlay"]

    @Property(str, constant=True)
    def overlayText(self) -> str:
        return PALETTE["overlayText"]

    @Property(str, constant=True)
    def danger(self) -> str:
        return PALETTE["danger"]

    @Property(str, constant=True)
    def dangerText(self) -> str:
        return PALETTE["dangerText"]
