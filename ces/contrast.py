"""WCAG 2.x contrast: the kiosk's palette (kiosk.ui.theme) and the dashboard's (hq) are both
checked with these, so the two programs measure colour the same way."""

from __future__ import annotations

import re

# Text needs 4.5:1 (large text, 18.66 px bold or 24 px, 3:1); graphical objects such as
# chart lines and bars need 3:1 (WCAG 1.4.3 and 1.4.11).
TEXT_MIN = 4.5
LARGE_TEXT_MIN = 3.0
GRAPHIC_MIN = 3.0

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """#rgb or #rrggbb as three 0-255 channels; anything else is a ValueError."""
    if not _HEX.fullmatch(hex_colour):
        raise ValueError(f"not a #rgb or #rrggbb colour: {hex_colour[:32]!r}")
    value = hex_colour[1:]
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def relative_luminance(hex_colour: str) -> float:
    channels = [c / 255 for c in rgb(hex_colour)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
