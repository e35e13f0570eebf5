"""The languages a survey may be asked in: one list, each with its own name (endonym).

The kiosk's texts (kiosk/flow/texts.py) and HQ's validation both take the list from here,
so no screen can end up half translated and HQ accepts exactly what a kiosk can send.
"""

from __future__ import annotations

# Each language is named in its own language (a shopper looks for their own).
LANGUAGE_NAMES: dict[str, str] = {
    "nl": "Nederlands",
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
}

SUPPORTED_LOCALES: tuple[str, ...] = tuple(LANGUAGE_NAMES)

# The attract screen's line when a survey does not set its own teaser.
DEFAULT_TEASERS: dict[str, str] = {
    "nl": "Help ons beter te worden — 10 seconden",
    "en": "Help us get better — 10 seconds",
    "de": "Helfen Sie uns, besser zu werden — 10 Sekunden",
    "fr": "Aidez-nous à nous améliorer — 10 secondes",
}

# What a kiosk's "you said, we did" banner puts before each message from HQ ("<this>: <text>"),
# so HQ's dashboard can preview the banner as the kiosk shows it.
YOU_SAID: dict[str, str] = {
    "nl": "U zei, wij deden",
    "en": "You said, we did",
    "de": "Sie sagten, wir haben gehandelt",
    "fr": "Vous l'avez dit, nous l'avons fait",
}

# Weekday names, Monday first (datetime.weekday()), as they stand inside a sentence.
WEEKDAY_NAMES: dict[str, tuple[str, ...]] = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}

# A time of day as each language writes it (str.format with ``hour`` and ``minute``).
CLOCK_TIMES: dict[str, str] = {
    "nl": "{hour:02d}:{minute:02d}",
    "en": "{hour:02d}:{minute:02d}",
    "de": "{hour:02d}:{minute:02d} Uhr",
    "fr": "{hour} h {minute:02d}",
}


def clock_time(locale: str, hour: int, minute: int) -> str:
    """A time of day in a locale's own way of writing it (English for an unknown locale)."""
    return CLOCK_TIMES.get(locale, CLOCK_TIMES["en"]).format(hour=hour, minute=minute)
