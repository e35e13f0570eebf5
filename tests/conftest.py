"""Fixtures shared by the tests: a real kiosk on a temporary data dir, a manual clock,
and a guard that fails any test that logs a warning or error it did not expect."""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Qt reads these when the application is made, so they are set before anything imports it.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
# HQ passwords at the kiosk PIN's cost (N=2^14, 50 ms) instead of the server's (2^17, half a
# second): the suite logs in thousands of times. Read when hq.users is imported, and by every
# `ces-hq` the tests start; tests/hq/test_hq_password_cost.py tests the server's own cost.
os.environ.setdefault("EFFORTLESS_HQ_PASSWORD_SCRYPT_N", str(2**14))

import pytest

from ces.assets import surveys_dir
from kiosk.flow.clock import ManualClock

IN_STORE = surveys_dir() / "in_store_purchase.json"
RETURNS = surveys_dir() / "returns_desk.json"


@dataclass
class LogExpectations:
    """Patterns of WARNING+ records a test expects; anything else fails the test."""

    patterns: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)

    def __call__(self, logger: str, pattern: str) -> None:
        self.patterns.append((logger, re.compile(pattern)))

    def allows(self, record: logging.LogRecord) -> bool:
        for i, (logger, pattern) in enumerate(self.patterns):
            if record.name.startswith(logger) and pattern.search(record.getMessage()):
                self.seen.add(i)
                return True
        return False


@pytest.fixture(autouse=True)
def fail_on_unexpected_log(caplog: pytest.LogCaptureFixture) -> Iterator[LogExpectations]:
    caplog.set_level(logging.WARNING)
    expectations = LogExpectations()
    yield expectations
    unexpected = [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in caplog.get_records("setup") + caplog.get_records("call")
        if r.levelno >= logging.WARNING and not expectations.allows(r)
    ]
    if unexpected:
        pytest.fail("unexpected log messages:\n" + "\n".join(unexpected), pytrace=False)
    missing = [
        p.pattern for i, (_, p) in enumerate(expectations.patterns) if i not in expectations.seen
    ]
    if missing:
        pytest.fail(f"expected log messages did not appear: {missing}", pytrace=False)


@pytest.fixture
def expect_log(fail_on_unexpected_log: LogExpectations) -> LogExpectations:
    """Declare a warning or error the test provokes: ``expect_log("effortless.outbox", "moved aside")``."""
    return fail_on_unexpected_log


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def qapp():  # type: ignore[no-untyped-def]
    """The kiosk's own application object (overrides pytest-qt's)."""
    from kiosk.ui.app import application

    return application()


@pytest.fixture
def make_kiosk(qapp, qtbot, clock: ManualClock, data_dir: Path) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """Build a real kiosk window (windowed, offscreen) on the test's data dir."""
    from kiosk.ui.app import Kiosk, KioskOptions

    made: list[Kiosk] = []

    def make(*, configured: bool = True, **overrides: object) -> Kiosk:
        """``configured``: a set-up standalone kiosk (PIN 0000) unless it has a PIN (or a
        damaged settings file) already."""
        from kiosk.flow.setup import needs_setup
        from kiosk.preset import preconfigure
        from sync.settings import Settings

        settings = Settings(data_dir)
        if configured and settings.damage() is None and needs_setup(settings):
            preconfigure(data_dir, store="s042")
        # No speech unless a test asks (tests/kiosk/test_speech.py brings its own
        # speech-dispatcher): the system's would start for every accessibility-mode test.
        options = KioskOptions(data_dir=data_dir, windowed=True, clock=clock, speech_engine=None)
        for key, value in overrides.items():
            setattr(options, key, value)
        kiosk = Kiosk(options)
        made.append(kiosk)
        qtbot.waitUntil(lambda: kiosk.window.isExposed() and kiosk.window.contentItem().width() > 0)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()


# --- the dashboard in a browser ---------------------------------------------------------------

CHROMIUM = os.environ.get("EFFORTLESS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (which downloads no browser), one per module."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()
