"""The palette as a QObject of plain string properties.

Bindings that read a colour re-run on every press; a string property costs nothing,
while a dict-valued one would make a new JavaScript object each time.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Property, QObject

from kiosk.ui.theme import MIN_TOUCH_PX, PALETTE


def _constant(value: Any, kind: type) -> Property:
    return Property(kind, lambda _self: value, constant=True)


Theme = type(
    "Theme",
    (QObject,),
    {
        **{name: _constant(colour, str) for name, colour in PALETTE.items()},
        "minTouch": _constant(MIN_TOUCH_PX, int),
    },
)
