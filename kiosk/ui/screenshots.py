"""ces-kiosk screenshots: every screen of a survey, rendered offscreen to PNG."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kiosk.flow.clock import ManualClock
from kiosk.preset import preconfigure
from kiosk.ui.app import Kiosk, KioskOptions, application
from kiosk.ui.driver import FrameCounter, tap

DEMO_PIN = "2580"


class ScreenshotError(RuntimeError):
    pass


def _save(kiosk: Kiosk, frames: FrameCounter, path: Path) -> Path:
    frames.settle()
    image = kiosk.window.grabWindow()
    if image.isNull() or not image.save(str(path)):
        raise ScreenshotError(f"could not write {path}")
    return path


def render_screens(
    out: Path, *, survey_path: Path | None = None, size: tuple[int, int] = (1280, 800)
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    application()
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="effortless-shots-") as tmp:
        clock = ManualClock()
        preconfigure(Path(tmp), store="s042", pin=DEMO_PIN)
        kiosk = Kiosk(
            KioskOptions(
                data_dir=Path(tmp), survey_path=survey_path, windowed=True, size=size, clock=clock
            )
        )
        try:
            survey = kiosk.flow.survey
            if survey is None or kiosk.survey_problem:
                raise ScreenshotError(f"survey refused: {kiosk.survey_problem}")
            frames = FrameCounter(kiosk.window)
            tag = f"{survey.id}-{size[0]}x{size[1]}"

            def shot(n: int, name: str) -> None:
                written.append(_save(kiosk, frames, out / f"{tag}-{n}-{name}.png"))

            def step(name: str) -> None:
                clock.advance(1.0)
                tap(kiosk.window, name)

            shot(1, "attract")
            if survey.attract_mode == "question":
                step("attract_score_4")
            else:
                step("startArea")
                shot(2, "question")
                step("score_6")
            shot(3, "why")
            if survey.comment.enabled:
                step(f"factor_{survey.factors[0].id}")
                shot(4, "comment")
                clock.advance(survey.idle_timeout_s + 0.1)
                kiosk.flow.tick()
                shot(5, "still-there")
                step("stillHereButton")
                step("sendComment")
            else:
                clock.advance(survey.idle_timeout_s + 0.1)
                kiosk.flow.tick()
                shot(5, "still-there")
                step("stillHereButton")
                step(f"factor_{survey.factors[0].id}")
            shot(6, "thanks")
            step("thanksArea")
            for _ in range(5):
                clock.advance(0.3)
                tap(kiosk.window, "managerCorner")
            written.append(_save(kiosk, frames, out / f"manager-{size[0]}x{size[1]}-1-pin.png"))
            for digit in DEMO_PIN:
                tap(kiosk.window, f"pinKey_{digit}")
            tap(kiosk.window, "pinOk")
            written.append(_save(kiosk, frames, out / f"manager-{size[0]}x{size[1]}-2-screen.png"))
        finally:
            kiosk.close()
    with tempfile.TemporaryDirectory(prefix="effortless-shots-") as tmp:
        kiosk = Kiosk(
            KioskOptions(data_dir=Path(tmp), survey_path=survey_path, windowed=True, size=size)
        )
        try:
            frames = FrameCounter(kiosk.window)
            written.append(_save(kiosk, frames, out / f"setup-{size[0]}x{size[1]}.png"))
        finally:
            kiosk.close()
    with tempfile.TemporaryDirectory(prefix="effortless-shots-") as tmp:
        missing = Path(tmp) / "no-such-survey.json"
        kiosk = Kiosk(
            KioskOptions(data_dir=Path(tmp), survey_path=missing, windowed=True, size=size)
        )
        try:
            frames = FrameCounter(kiosk.window)
            written.append(_save(kiosk, frames, out / f"out-of-order-{size[0]}x{size[1]}.png"))
        finally:
            kiosk.close()
    return written
