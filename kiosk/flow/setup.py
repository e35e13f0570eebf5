"""First-run setup: what a kiosk needs before its first shopper, without Qt."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kiosk.flow.pin import PIN_HASH, PinFormatError, PinGuard, check_format
from kiosk.flow.texts import manager_text
from sync.outbox import Outbox

HOME_LOCALE = "default_locale"
MAX_NAME_CHARS = 64


class SetupError(ValueError):
    pass


def needs_setup(outbox: Outbox) -> bool:
    """A kiosk without a manager PIN has not been set up yet."""
    return not outbox.meta(PIN_HASH)


def check_pin_pair(pin: str, repeat: str, locale: str) -> None:
    words = manager_text(locale)
    if pin != repeat:
        raise SetupError(words["pins_differ"])
    try:
        check_format(pin)
    except PinFormatError:
        raise SetupError(words["pin_format"]) from None


def clean_name(value: str, locale: str) -> str:
    name = " ".join(value.split())[:MAX_NAME_CHARS]
    if not name:
        raise SetupError(manager_text(locale)["store_required"])
    return name


def finish(outbox: Outbox, guard: PinGuard, pin: str, locale: str) -> None:
    """The last step of either way of setting up: the PIN and the kiosk's language."""
    outbox.set_meta(HOME_LOCALE, locale)
    guard.set_pin(pin)


def configure_standalone(
    outbox: Outbox, guard: PinGuard, store: str, touchpoint: str, pin: str, locale: str
) -> None:
    """Lock the kiosk to a store and touchpoint typed in, for a kiosk without HQ."""
    store_name, touchpoint_name = clean_name(store, locale), clean_name(touchpoint, locale)
    outbox.set_meta("store_id", store_name)
    outbox.set_meta("touchpoint", touchpoint_name)
    finish(outbox, guard, pin, locale)


def preconfigure(
    data_dir: Path, *, store: str = "demo", touchpoint: str = "demo", pin: str = "0000"
) -> None:
    """Set up a kiosk without the setup screen (simulator, screenshots, benchmarks)."""
    outbox = Outbox.open(data_dir)
    try:
        if needs_setup(outbox):
            guard = PinGuard(outbox, lambda: datetime.now(UTC))
            configure_standalone(outbox, guard, store, touchpoint, pin, "nl")
    finally:
        outbox.close()
