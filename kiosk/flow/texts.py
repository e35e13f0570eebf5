"""The kiosk's own words (not the survey's), per supported locale.

A survey may only use a locale that is listed here, so no screen can end up half
translated.
"""

from __future__ import annotations

# Each language button is labelled in its own language.
LANGUAGE_NAMES: dict[str, str] = {
    "nl": "Nederlands",
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
}

# The Qt Virtual Keyboard layout for each locale.
KEYBOARD_LOCALES: dict[str, str] = {
    "nl": "nl_NL",
    "en": "en_GB",
    "de": "de_DE",
    "fr": "fr_FR",
}

UI_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "teaser": "Help ons beter te worden — 10 seconden",
        "tap_to_start": "Tik om te beginnen",
        "skip": "Overslaan",
        "send": "Versturen",
        "still_there": "Bent u er nog?",
        "still_there_hint": "Tik om verder te gaan",
        "out_of_order": "Deze zuil is tijdelijk buiten gebruik",
        "out_of_order_hint": "Excuses voor het ongemak.",
        "comment_placeholder": "Typ hier uw opmerking (geen e-mailadres of telefoonnummer)",
        "characters_left": "tekens over",
    },
    "en": {
        "teaser": "Help us get better — 10 seconds",
        "tap_to_start": "Tap to start",
        "skip": "Skip",
        "send": "Send",
        "still_there": "Are you still there?",
        "still_there_hint": "Tap to continue",
        "out_of_order": "This kiosk is temporarily out of order",
        "out_of_order_hint": "Sorry for the inconvenience.",
        "comment_placeholder": "Type your comment here (no e-mail address or phone number)",
        "characters_left": "characters left",
    },
    "de": {
        "teaser": "Helfen Sie uns, besser zu werden — 10 Sekunden",
        "tap_to_start": "Zum Starten tippen",
        "skip": "Überspringen",
        "send": "Senden",
        "still_there": "Sind Sie noch da?",
        "still_there_hint": "Zum Fortfahren tippen",
        "out_of_order": "Dieses Terminal ist vorübergehend außer Betrieb",
        "out_of_order_hint": "Entschuldigen Sie die Unannehmlichkeiten.",
        "comment_placeholder": "Ihr Kommentar (keine E-Mail-Adresse oder Telefonnummer)",
        "characters_left": "Zeichen übrig",
    },
    "fr": {
        "teaser": "Aidez-nous à nous améliorer — 10 secondes",
        "tap_to_start": "Touchez pour commencer",
        "skip": "Passer",
        "send": "Envoyer",
        "still_there": "Êtes-vous toujours là ?",
        "still_there_hint": "Touchez pour continuer",
        "out_of_order": "Cette borne est temporairement hors service",
        "out_of_order_hint": "Veuillez nous excuser.",
        "comment_placeholder": "Votre commentaire (pas d'e-mail ni de numéro de téléphone)",
        "characters_left": "caractères restants",
    },
}

SUPPORTED_LOCALES: tuple[str, ...] = tuple(UI_TEXT)
