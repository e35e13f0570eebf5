"""Colours and sizes of the kiosk screens; the contrast of each pair is tested."""

from __future__ import annotations

# Foreground / background pairs that carry text. Every pair must reach 4.5:1.
PALETTE: dict[str, str] = {
    "background": "#f8fafc",
    "text": "#0f172a",
    "mutedText": "#334155",
    "button": "#1e3a8a",
    "buttonPressed": "#172554",
    "buttonText": "#ffffff",
    "secondaryButton": "#e2e8f0",
    "secondaryButtonPressed": "#cbd5e1",
    "secondaryButtonText": "#0f172a",
    "factorButton": "#ffffff",
    "factorButtonPressed": "#dbeafe",
    "factorButtonBorder": "#1e3a8a",
    "accent": "#15803d",
    "accentText": "#ffffff",
    "overlay": "#0f172a",
    "overlayText": "#ffffff",
    "danger": "#991b1b",
    "dangerText": "#ffffff",
}

TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "background"),
    ("mutedText", "background"),
    ("buttonText", "button"),
    ("buttonText", "buttonPressed"),
    ("secondaryButtonText", "secondaryButton"),
    ("secondaryButtonText", "secondaryButtonPressed"),
    ("text", "factorButton"),
    ("text", "factorButtonPressed"),
    ("accentText", "accent"),
    ("overlayText", "overlay"),
    ("dangerText", "danger"),
)

# 15 mm on a 10.1" 1280x800 panel (149 ppi) is 88 px; we round up.
MIN_TOUCH_PX = 90
FONT_FAMILY = "Inter"


def relative_luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
