"""First-run setup: what a kiosk needs before its first shopper, without Qt."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ces.keys import CHOSEN_SURVEY, HOME_LOCALE, PIN_HASH, STORE_ID, TOUCHPOINT
from ces.survey import Survey
from kiosk.flow.pin import PinFormatError, PinGuard, SettingsStore, check_format
from kiosk.flow.texts import manager_text

MAX_NAME_CHARS = 64


class SetupError(ValueError):
    """A mistake on the setup screen; ``key`` names its words in the manager's catalog, so
    the screen says it in whatever language it shows when it is read."""

    def __init__(self, key: str) -> None:
        super().__init__(manager_text("en")[key])
        self.key = key


class Settings(SettingsStore, Protocol):
    """The kiosk's settings file (``sync.settings.Settings``) as setup sees it."""

    data_dir: Path

    def damage(self) -> str | None:
        """Why the file cannot be read, or None."""
        ...

    def used_before(self) -> bool:
        """Whether the data dir shows the kiosk was in use before (answers, a database
        moved aside, HQ's config)."""
        ...


def needs_setup(settings: Settings) -> bool:
    """A kiosk without a manager PIN has not been set up yet (or lost its settings)."""
    return not settings.get(PIN_HASH)


class Access:
    """How the kiosk may be reached at start, from its settings and its data dir."""

    # Set up: shoppers, and the manager with the PIN.
    LOCKED = "locked"
    # Never set up (an empty data dir): the first-run setup, with or without HQ.
    FIRST_RUN = "first_run"
    # Was in use but has no usable settings: out of order; only a new HQ enrolment code
    # (after the manager's gesture) sets it up again.
    LOST = "lost"


def access(settings: Settings) -> tuple[str, str]:
    """(Access.*, why in plain words for the log). Raises nothing: a damaged settings
    file is reported, never replaced."""
    damage = settings.damage()
    if damage is not None:
        return Access.LOST, damage
    if not needs_setup(settings):
        return Access.LOCKED, ""
    if settings.used_before():
        return Access.LOST, f"no settings (no manager PIN) in {settings.data_dir}"
    return Access.FIRST_RUN, ""


def check_pin_pair(pin: str, repeat: str) -> None:
    if pin != repeat:
        raise SetupError("pins_differ")
    try:
        check_format(pin)
    except PinFormatError:
        raise SetupError("pin_format") from None


def clean_name(value: str) -> str:
    name = " ".join(value.split())[:MAX_NAME_CHARS]
    if not name:
        raise SetupError("store_required")
    return name


def finish(settings: Settings, guard: PinGuard, pin: str, locale: str) -> None:
    """The last step of either way of setting up: the PIN and the kiosk's language."""
    settings.update({HOME_LOCALE: locale})
    guard.set_pin(pin)


def pick_survey(touchpoint: str, surveys: Sequence[Survey]) -> Survey:
    """The survey of the touchpoint the manager picked from those the kiosk has."""
    for survey in surveys:
        if survey.served_touchpoint == touchpoint:
            return survey
    raise SetupError("touchpoint_required")


def configure_standalone(
    settings: Settings,
    guard: PinGuard,
    store: str,
    touchpoint: str,
    pin: str,
    locale: str,
    *,
    survey_id: str | None = None,
) -> None:
    """Lock the kiosk to a store and touchpoint, for a kiosk without HQ; ``survey_id`` is
    the survey it runs for that touchpoint (see ``pick_survey``)."""
    values = {STORE_ID: clean_name(store), TOUCHPOINT: " ".join(touchpoint.split())}
    if not values[TOUCHPOINT]:
        raise SetupError("touchpoint_required")
    if survey_id is not None:
        values[CHOSEN_SURVEY] = survey_id
    settings.update(values)
    finish(settings, guard, pin, locale)
