"""ces-kiosk screenshots: every screen of a survey, rendered offscreen to PNG.

Each picture is checked, as it is taken, to show the screen it is named for (the item in
front, by objectName), so a picture can never quietly show another screen.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtQuick import QQuickWindow

from ces.opening_hours import parse_opening_hours
from ces.survey import Survey
from kiosk.flow.clock import ManualClock
from kiosk.flow.hours import StoreHours
from kiosk.preset import preconfigure
from kiosk.ui.app import Kiosk, KioskOptions, application
from kiosk.ui.driver import FrameCounter, is_shown, tap
from kiosk.ui.speech import DEFAULT_ENGINE as DEFAULT_SPEECH_ENGINE
from sync.outbox import DB_FILENAME

log = logging.getLogger("effortless.screenshots")

DEMO_PIN = "2580"
DEMO_HOURS = "tue-fri 09:00-21:00; sat 09:00-18:00"
DEMO_ZONE = "Europe/Amsterdam"
# What may cover the shopper's screen, front first (their z order in Main.qml), then the
# shopper's screens themselves.
OVERLAYS = ("stillThereOverlay", "setupScreen", "pinPad", "managerScreen")
SCREENS = (
    "attractScreen",
    "questionScreen",
    "whyScreen",
    "commentScreen",
    "thanksScreen",
    "outOfOrderScreen",
    "closedScreen",
)


class ScreenshotError(RuntimeError):
    pass


def front(window: QQuickWindow) -> str:
    """The objectName of the screen in front: the one a person sees."""
    for name in (*OVERLAYS, *SCREENS):
        if is_shown(window, name):
            return name
    return ""


def _save(kiosk: Kiosk, frames: FrameCounter, path: Path, screen: str) -> Path:
    frames.settle()
    shown = front(kiosk.window)
    if shown != screen:
        raise ScreenshotError(f"{path.name} would show {shown or 'nothing'}, not {screen}")
    image = kiosk.window.grabWindow()
    if image.isNull() or not image.save(str(path)):
        raise ScreenshotError(f"could not write {path}")
    log.info("%s: %s", path.name, screen)
    return path


@contextlib.contextmanager
def _database_locked(data_dir: Path) -> Iterator[None]:
    """Another program holding the kiosk database's write lock: one of the passing faults
    that put a set-up kiosk out of order (disk full, read-only, locked)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    holder = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        holder.close()


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """The fault is ours, on purpose: the kiosk's ERROR about it would only alarm."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _demo_kiosk(
    clock: ManualClock,
    survey_path: Path | None,
    size: tuple[int, int],
    lang: str | None = None,
    speech: bool = True,
) -> Iterator[tuple[Kiosk, Survey]]:
    """A kiosk set up with the demo PIN in a fresh data dir, with its survey checked."""
    with tempfile.TemporaryDirectory(prefix="effortless-shots-") as tmp:
        preconfigure(Path(tmp), store="s042", pin=DEMO_PIN)
        kiosk = Kiosk(
            KioskOptions(
                data_dir=Path(tmp),
                survey_path=survey_path,
                windowed=True,
                size=size,
                clock=clock,
                lang=lang,
                speech_engine=DEFAULT_SPEECH_ENGINE if speech else None,
            )
        )
        try:
            survey = kiosk.flow.survey
            if survey is None or kiosk.survey_problem:
                raise ScreenshotError(f"survey refused: {kiosk.survey_problem}")
            if lang is not None and lang not in survey.locales:
                raise ScreenshotError(
                    f"the survey {survey.id} has no {lang!r} (it has {', '.join(survey.locales)})"
                )
            yield kiosk, survey
        finally:
            kiosk.close()


class _Pictures:
    """Taps through a demo kiosk and saves each screen as ``<tag>-<n>-<name><suffix>.png``."""

    def __init__(self, kiosk: Kiosk, clock: ManualClock, out: Path, tag: str, suffix: str):
        self.kiosk, self.clock, self.out, self.tag, self.suffix = kiosk, clock, out, tag, suffix
        self.frames = FrameCounter(kiosk.window)
        self.written: list[Path] = []

    def shot(self, n: int, name: str, screen: str) -> None:
        path = self.out / f"{self.tag}-{n}-{name}{self.suffix}.png"
        self.written.append(_save(self.kiosk, self.frames, path, screen))

    def step(self, name: str) -> None:
        self.clock.advance(1.0)
        tap(self.kiosk.window, name)

    def to_why(self, survey: Survey) -> None:
        """Attract, question (unless the attract screen asks it) and why."""
        self.shot(1, "attract", "attractScreen")
        if survey.attract_mode == "question":
            self.step("attract_score_4")
        else:
            self.step("startArea")
            self.shot(2, "question", "questionScreen")
            self.step("score_6")
        self.shot(3, "why", "whyScreen")


def render_screens(
    out: Path,
    *,
    survey_path: Path | None = None,
    size: tuple[int, int] = (1280, 800),
    lang: str | None = None,
) -> list[Path]:
    """Every screen; with ``lang``, the shopper's and manager's in that language (the file
    names then end in it: ``…-2-question-ar.png``), and only those."""
    out.mkdir(parents=True, exist_ok=True)
    application()
    written: list[Path] = []
    suffix = f"-{lang}" if lang else ""
    clock = ManualClock()
    with _demo_kiosk(clock, survey_path, size, lang=lang) as (kiosk, survey):
        pictures = _Pictures(kiosk, clock, out, f"{survey.id}-{size[0]}x{size[1]}", suffix)
        written = pictures.written
        frames = pictures.frames
        shot, step = pictures.shot, pictures.step
        pictures.to_why(survey)
        if survey.comment.enabled:
            step(f"factor_{survey.factors[0].id}")
            shot(4, "comment", "commentScreen")
            clock.advance(survey.idle_timeout_s + 0.1)
            kiosk.flow.tick()
            shot(5, "still-there", "stillThereOverlay")
            step("stillHereButton")
            step("sendComment")
        else:
            clock.advance(survey.idle_timeout_s + 0.1)
            kiosk.flow.tick()
            shot(5, "still-there", "stillThereOverlay")
            step("stillHereButton")
            step(f"factor_{survey.factors[0].id}")
        shot(6, "thanks", "thanksScreen")
        step("thanksArea")
        # After hours (the clock stands on a Monday): the closed screen, which the
        # manager's way in below works on too.
        kiosk.flow.set_store_hours(StoreHours(parse_opening_hours(DEMO_HOURS), DEMO_ZONE))
        shot(7, "closed", "closedScreen")
        for _ in range(5):
            clock.advance(0.3)
            tap(kiosk.window, "managerCorner")
        manager = f"manager-{size[0]}x{size[1]}"
        written.append(_save(kiosk, frames, out / f"{manager}-1-pin{suffix}.png", "pinPad"))
        for digit in DEMO_PIN:
            tap(kiosk.window, f"pinKey_{digit}")
        tap(kiosk.window, "pinOk")
        path = out / f"{manager}-2-screen{suffix}.png"
        written.append(_save(kiosk, frames, path, "managerScreen"))
    if lang is not None:
        # Setup and out of order do not depend on the shopper's language.
        return written
    with tempfile.TemporaryDirectory(prefix="effortless-shots-") as tmp:
        # A new kiosk's first start.
        kiosk = Kiosk(
            KioskOptions(data_dir=Path(tmp), survey_path=survey_path, windowed=True, size=size)
        )
        try:
            frames = FrameCounter(kiosk.window)
            written.append(
                _save(kiosk, frames, out / f"setup-{size[0]}x{size[1]}.png", "setupScreen")
            )
        finally:
            kiosk.close()
    with tempfile.TemporaryDirectory(prefix="effortless-shots-") as tmp:
        # A set-up kiosk whose database another program holds: out of order, with why.
        preconfigure(Path(tmp), store="s042", pin=DEMO_PIN)
        with _database_locked(Path(tmp)):
            with _quiet("effortless.app"):
                kiosk = Kiosk(
                    KioskOptions(
                        data_dir=Path(tmp), survey_path=survey_path, windowed=True, size=size
                    )
                )
            try:
                frames = FrameCounter(kiosk.window)
                path = out / f"out-of-order-{size[0]}x{size[1]}.png"
                written.append(_save(kiosk, frames, path, "outOfOrderScreen"))
            finally:
                kiosk.close()
    return written


def render_accessible(
    out: Path,
    *,
    survey_path: Path | None = None,
    size: tuple[int, int] = (1280, 800),
    lang: str | None = None,
) -> list[Path]:
    """The shopper's screens in the accessibility mode (larger text, high contrast, every
    control within low reach), switched on as a shopper does: by its button; with
    ``lang``, in that language (the file names then end in it)."""
    out.mkdir(parents=True, exist_ok=True)
    application()
    clock = ManualClock()
    # A picture has no sound: the mode's speech would only wait for a speaker.
    suffix = f"-{lang}" if lang else ""
    with _demo_kiosk(clock, survey_path, size, lang=lang, speech=False) as (kiosk, survey):
        tag = f"{survey.id}-{size[0]}x{size[1]}-accessible"
        pictures = _Pictures(kiosk, clock, out, tag, suffix)
        shot, step = pictures.shot, pictures.step
        pictures.frames.settle()
        step("accessibilityButton")
        if not kiosk.flow.state.accessible:
            raise ScreenshotError("the accessibility button did not switch the mode on")
        pictures.to_why(survey)
        step(f"factor_{survey.factors[0].id}")
        if survey.comment.enabled:
            shot(4, "comment", "commentScreen")
            step("sendComment")
        shot(6, "thanks", "thanksScreen")
    return pictures.written
