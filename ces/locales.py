"""The languages a survey may be asked in, and each one's catalog of texts.

Each language has one catalog file, ``assets/texts/<locale>.json``: its own name
(endonym), writing direction and on-screen keyboard layout, the texts the kiosk and HQ
share (teaser, "you said, we did", weekday names, clock time), the shopper's screens and
the manager's. The kiosk's texts (kiosk/flow/texts.py) and HQ's validation both take the
list from here, so no screen can end up half translated and HQ accepts exactly what a
kiosk can send (tests/ces/test_catalogs.py holds every catalog to the same keys).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ces.assets import asset

# The order the kiosk's language bar shows them in; a kiosk without a language starts in
# the first.
SUPPORTED_LOCALES: tuple[str, ...] = ("nl", "en", "de", "fr")


class CatalogError(ValueError):
    """A catalog file is missing or not what this code expects."""


@dataclass(frozen=True)
class Catalog:
    locale: str
    name: str
    # "ltr" or "rtl": a right-to-left language's screens are mirrored.
    direction: str
    # The Qt Virtual Keyboard layout, e.g. "nl_NL".
    keyboard: str
    shared: dict[str, Any]
    shopper: dict[str, str]
    manager: dict[str, str]

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


def catalog_path(locale: str) -> Path:
    return asset("texts", f"{locale}.json")


def _load(locale: str) -> Catalog:
    path = catalog_path(locale)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        language = raw["language"]
        catalog = Catalog(
            locale=locale,
            name=str(language["name"]),
            direction=str(language["direction"]),
            keyboard=str(language["keyboard"]),
            shared=dict(raw["shared"]),
            shopper={str(k): str(v) for k, v in raw["shopper"].items()},
            manager={str(k): str(v) for k, v in raw["manager"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CatalogError(f"the text catalog {path} cannot be used: {exc}") from exc
    if catalog.direction not in ("ltr", "rtl"):
        raise CatalogError(f"{path}: direction must be 'ltr' or 'rtl'")
    return catalog


CATALOGS: dict[str, Catalog] = {locale: _load(locale) for locale in SUPPORTED_LOCALES}

# Each language is named in its own language (a shopper looks for their own).
LANGUAGE_NAMES: dict[str, str] = {c.locale: c.name for c in CATALOGS.values()}
RTL_LOCALES: frozenset[str] = frozenset(c.locale for c in CATALOGS.values() if c.rtl)

# The attract screen's line when a survey does not set its own teaser.
DEFAULT_TEASERS: dict[str, str] = {c.locale: str(c.shared["teaser"]) for c in CATALOGS.values()}

# What a kiosk's "you said, we did" banner puts before each message from HQ ("<this>: <text>"),
# so HQ's dashboard can preview the banner as the kiosk shows it.
YOU_SAID: dict[str, str] = {c.locale: str(c.shared["you_said"]) for c in CATALOGS.values()}

# Weekday names, Monday first (datetime.weekday()), as they stand inside a sentence.
WEEKDAY_NAMES: dict[str, tuple[str, ...]] = {
    c.locale: tuple(str(d) for d in c.shared["weekdays"]) for c in CATALOGS.values()
}

# A time of day as each language writes it (str.format with ``hour`` and ``minute``).
CLOCK_TIMES: dict[str, str] = {c.locale: str(c.shared["clock_time"]) for c in CATALOGS.values()}


def clock_time(locale: str, hour: int, minute: int) -> str:
    """A time of day in a locale's own way of writing it (English for an unknown locale)."""
    return CLOCK_TIMES.get(locale, CLOCK_TIMES["en"]).format(hour=hour, minute=minute)
