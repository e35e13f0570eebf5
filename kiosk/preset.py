"""A kiosk set up without the setup screen: for the simulator, screenshots and benchmarks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kiosk.flow.pin import PinGuard
from kiosk.flow.setup import configure_standalone, needs_setup
from sync.settings import Settings


def preconfigure(
    data_dir: Path, *, store: str = "demo", touchpoint: str = "in_store_purchase", pin: str = "0000"
) -> None:
    """Set up a kiosk without the setup screen (simulator, screenshots, benchmarks)."""
    settings = Settings.open(data_dir)
    if needs_setup(settings):
        guard = PinGuard(settings, lambda: datetime.now(UTC))
        configure_standalone(settings, guard, store, touchpoint, pin, "nl")
