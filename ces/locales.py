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
