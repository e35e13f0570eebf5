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

# The manager's screens, in the kiosk's own language (English where there is no translation).
MANAGER_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "pin_title": "Manager PIN",
        "ok": "OK",
        "clear": "Clear",
        "cancel": "Cancel",
        "wrong_pin": "Wrong PIN: {left} tries left",
        "locked": "Too many wrong PINs: try again in {seconds} s",
        "title": "Kiosk manager",
        "status": "Status",
        "synced": "Synced",
        "pending": "Waiting to sync",
        "rejected": "Rejected by HQ",
        "oldest_unsent": "Oldest unsent answer",
        "last_sync": "Last successful sync",
        "last_error": "Last error",
        "hq": "HQ",
        "store": "Store",
        "touchpoint": "Touchpoint",
        "versions": "App / survey",
        "not_enrolled": "not connected to HQ",
        "never": "never",
        "none": "none",
        "sync_now": "Sync now",
        "syncing": "Syncing: {pending} left",
        "today": "Today on this kiosk",
        "answers": "answers",
        "easy": "easy",
        "top_factor": "Top factor",
        "language": "Default language",
        "change_pin": "Change PIN",
        "new_pin": "New PIN (4-8 digits)",
        "repeat_pin": "New PIN again",
        "pin_changed": "PIN changed",
        "pins_differ": "The two PINs differ",
        "pin_format": "A PIN is 4 to 8 digits",
        "export_rejected": "Export rejected answers",
        "export_path": "Folder (a USB stick)",
        "exported": "Exported {n} answers to {path}",
        "export_failed": "Could not export: {reason}",
        "restart": "Restart app",
        "exit": "Exit to desktop",
        "close": "Close",
    },
    "nl": {
        "pin_title": "Pincode beheerder",
        "ok": "OK",
        "clear": "Wissen",
        "cancel": "Annuleren",
        "wrong_pin": "Verkeerde pincode: nog {left} pogingen",
        "locked": "Te vaak een verkeerde pincode: probeer het over {seconds} s opnieuw",
        "title": "Beheer van de zuil",
        "status": "Status",
        "synced": "Verstuurd",
        "pending": "Wacht op versturen",
        "rejected": "Geweigerd door HQ",
        "oldest_unsent": "Oudste niet-verstuurde antwoord",
        "last_sync": "Laatst verstuurd",
        "last_error": "Laatste fout",
        "hq": "HQ",
        "store": "Winkel",
        "touchpoint": "Contactmoment",
        "versions": "App / vragenlijst",
        "not_enrolled": "niet verbonden met HQ",
        "never": "nooit",
        "none": "geen",
        "sync_now": "Nu versturen",
        "syncing": "Bezig: nog {pending}",
        "today": "Vandaag op deze zuil",
        "answers": "antwoorden",
        "easy": "makkelijk",
        "top_factor": "Meest gekozen factor",
        "language": "Standaardtaal",
        "change_pin": "Pincode wijzigen",
        "new_pin": "Nieuwe pincode (4-8 cijfers)",
        "repeat_pin": "Nieuwe pincode nogmaals",
        "pin_changed": "Pincode gewijzigd",
        "pins_differ": "De twee pincodes verschillen",
        "pin_format": "Een pincode heeft 4 tot 8 cijfers",
        "export_rejected": "Geweigerde antwoorden exporteren",
        "export_path": "Map (een USB-stick)",
        "exported": "{n} antwoorden geëxporteerd naar {path}",
        "export_failed": "Exporteren mislukt: {reason}",
        "restart": "App herstarten",
        "exit": "Naar het bureaublad",
        "close": "Sluiten",
    },
}


def manager_text(locale: str) -> dict[str, str]:
    return MANAGER_TEXT.get(locale, MANAGER_TEXT["en"])
