"""The kiosk's own words (not the survey's), per supported locale, from the catalogs
(ces.locales: assets/texts/<locale>.json).

Every locale of ces.locales has every text here (tests/kiosk/test_texts.py), so no
screen can end up half translated.
"""

from __future__ import annotations

from collections.abc import Mapping

from ces.locales import (
    CATALOGS,
    DEFAULT_TEASERS,
    LANGUAGE_NAMES,
    RTL_LOCALES,
    SUPPORTED_LOCALES,
    YOU_SAID,
)

__all__ = [
    "KEYBOARD_LOCALES",
    "LANGUAGE_NAMES",
    "MANAGER_TEXT",
    "RTL_LOCALES",
    "SUPPORTED_LOCALES",
    "UI_TEXT",
    "manager_text",
    "problem_text",
]

# The Qt Virtual Keyboard layout for each locale.
KEYBOARD_LOCALES: dict[str, str] = {c.locale: c.keyboard for c in CATALOGS.values()}

# The shopper's screens, with the teaser and banner words the kiosk shares with HQ.
UI_TEXT: dict[str, dict[str, str]] = {
    c.locale: {**c.shopper, "teaser": DEFAULT_TEASERS[c.locale], "you_said": YOU_SAID[c.locale]}
    for c in CATALOGS.values()
}

# The manager's screens (and what sync reports there, ``sync_<kind>`` for each kind of
# sync.problems), in the kiosk's own language.
MANAGER_TEXT: dict[str, dict[str, str]] = {c.locale: c.manager for c in CATALOGS.values()}


def manager_text(locale: str) -> dict[str, str]:
    return MANAGER_TEXT.get(locale, MANAGER_TEXT["en"])


def problem_text(
    locale: str, kind: str, values: Mapping[str, str], retry_in_s: int | None = None
) -> str:
    """A problem sync reported (sync.problems: a kind and its values), in ``locale``."""
    words = manager_text(locale)
    template = words.get(f"sync_{kind}")
    if template is None:
        # A kind this kiosk has no words for (tests/kiosk/test_texts.py keeps them in step).
        return kind
    text = template.format_map(dict(values))
    if retry_in_s is not None:
        text += "; " + words["next_try"].format(seconds=retry_in_s)
    return text
