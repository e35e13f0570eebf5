"""Colours and sizes of the kiosk screens; the contrast of each pair is tested."""

from __future__ import annotations

# One definition of contrast for the kiosk and the dashboard; imported here for the tests of
# this palette.
from ces.contrast import contrast_ratio as contrast_ratio
from ces.contrast import relative_luminance as relative_luminance

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
    "field": "#ffffff",
}

# The shopper's accessibility mode: black on white, white on black, every text pair at
# least 7:1 (WCAG 1.4.6, AAA). Light, not dark: the factor and smiley icons are drawn
# with dark strokes.
HIGH_CONTRAST: dict[str, str] = {
    "background": "#ffffff",
    "text": "#000000",
    "mutedText": "#000000",
    "button": "#000000",
    "buttonPressed": "#333333",
    "buttonText": "#ffffff",
    "secondaryButton": "#ffffff",
    "secondaryButtonPressed": "#e0e0e0",
    "secondaryButtonText": "#000000",
    "factorButton": "#ffffff",
    "factorButtonPressed": "#e0e0e0",
    "factorButtonBorder": "#000000",
    "accent": "#0a3d1f",
    "accentText": "#ffffff",
    "overlay": "#000000",
    "overlayText": "#ffffff",
    "danger": "#7f1d1d",
    "dangerText": "#ffffff",
    "field": "#ffffff",
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
    ("text", "field"),
    ("mutedText", "field"),
)

# 15 mm on a 10.1" 1280x800 panel (149 ppi) is 88 px; we round up.
MIN_TOUCH_PX = 90
FONT_FAMILY = "Inter"
# Where Inter has no glyph (Arabic), Qt takes the next family: shipped in assets/fonts, so
# a kiosk does not depend on the fonts its system happens to have.
FALLBACK_FONT_FAMILIES = ("Noto Sans Arabic",)

# Text sizes. Section 508 402.4 and the product ask capital heights in mm on the smallest
# panel, a 10.1" 1280x800 (149.4 ppi, 5.88 px/mm): Inter's capitals are 0.727 of the
# pixel size, so 30 px is 3.7 mm (at least 3.5 mm outside the mode), and the mode's 1.5x
# makes 45 px, 5.6 mm (at least 4.8 mm and 1.5x larger, as issue 16 asks).
MIN_TEXT_PX = 30
ACCESSIBLE_TEXT_SCALE = 1.5
# Buttons' borders in the mode: where a white button sits on the white background.
ACCESSIBLE_BORDER_PX = 4
