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
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ces.assets import asset

# The order the kiosk's language bar shows them in; a kiosk without a language starts in
# the first.
SUPPORTED_LOCALES: tuple[str, ...] = ("nl", "en", "de", "fr", "tr", "pl", "ar")


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


# A catalog is a few kilobytes; anything far bigger is not one (and is not read whole).
MAX_CATALOG_BYTES = 256 * 1024

_KEYBOARD = re.compile(r"[a-z]{2}_[A-Z]{2}")


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    section = raw.get(name)
    if not isinstance(section, dict):
        raise CatalogError(f'"{name}" must be an object')
    return section


def _texts(raw: dict[str, Any], name: str) -> dict[str, str]:
    section = _section(raw, name)
    for key, value in section.items():
        if not isinstance(value, str) or not value.strip():
            raise CatalogError(f'"{name}.{key}" must be a text that is not empty')
    return dict(section)


def _text(section: dict[str, Any], where: str, key: str) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f'"{where}.{key}" must be a text that is not empty')
    return value


def parse_catalog(locale: str, data: bytes) -> Catalog:
    """A catalog from its file's bytes; CatalogError says what is wrong with it."""
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError(f"it is {len(data)} bytes (at most {MAX_CATALOG_BYTES})")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CatalogError(f"it is not JSON text: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogError("it must be a JSON object")
    language = _section(raw, "language")
    shared = _section(raw, "shared")
    for key in ("teaser", "you_said", "clock_time"):
        _text(shared, "shared", key)
    weekdays = shared.get("weekdays")
    if (
        not isinstance(weekdays, list)
        or len(weekdays) != 7
        or not all(isinstance(d, str) and d.strip() for d in weekdays)
    ):
        raise CatalogError('"shared.weekdays" must be the 7 day names, Monday first')
    direction = _text(language, "language", "direction")
    if direction not in ("ltr", "rtl"):
        raise CatalogError('"language.direction" must be "ltr" or "rtl"')
    keyboard = _text(language, "language", "keyboard")
    if not _KEYBOARD.fullmatch(keyboard):
        raise CatalogError('"language.keyboard" must be a keyboard layout such as "nl_NL"')
    return Catalog(
        locale=locale,
        name=_text(language, "language", "name"),
        direction=direction,
        keyboard=keyboard,
        shared=dict(shared),
        shopper=_texts(raw, "shopper"),
        manager=_texts(raw, "manager"),
    )


def load_catalog(locale: str, path: Path | None = None) -> Catalog:
    path = catalog_path(locale) if path is None else path
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CATALOG_BYTES + 1)
        return parse_catalog(locale, data)
    except OSError as exc:
        raise CatalogError(f"the text catalog {path} cannot be read: {exc}") from exc
    except CatalogError as exc:
        raise CatalogError(f"the text catalog {path} cannot be used: {exc}") from exc


CATALOGS: dict[str, Catalog] = {locale: load_catalog(locale) for locale in SUPPORTED_LOCALES}

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
