"""ces-kiosk simulate: synthetic shoppers tapping the real QML screens, offscreen.

Time inside the kiosk runs on a manual clock (so idle timeouts do not take real
seconds) that starts ``days`` before now: the shoppers come at random moments over those
days, and the last has left by now, so their answers carry real dates (a trend, an
action's before and after). Latencies are measured on the real clock, from the tap until
the frame that shows the next screen.
"""

from __future__ import annotations

import gc
import math
import os
import random
import shutil
import statistics
import tempfile
import time
from array import array
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer

from ces.answer import NewAnswer
from ces.keys import STORE_ID, TOUCHPOINT
from ces.timestamps import iso_utc
from kiosk.flow.clock import ManualClock
from kiosk.flow.machine import FlowState, Recorder, Screen
from kiosk.preset import preconfigure
from kiosk.ui.app import Kiosk, KioskOptions, application
from kiosk.ui.driver import FrameCounter, aim, press, visible_item
from sync.settings import Settings

# The longest a shopper's visit takes on the manual clock (think times, a walk-away's idle
# timeout and "still there?", the thank-you): the last one arrives this long before now.
LAST_VISIT_S = 15 * 60
# A week: the dashboard shows answers per day and week, and a small --responses still
# gives several answers a day.
DEFAULT_DAYS = 7
# At most one shopper a minute on average: a visit takes about 20 s on the kiosk's clock,
# so the shoppers never run late enough to be dated after now.
MIN_SECONDS_PER_SHOPPER = 60

COMMENTS = (
    "Kassa was snel",
    "Kon de maat niet vinden",
    "mail me op test@example.com",
    "bel 06-12345678 aub",
    "Prima!",
)


class SimulationError(RuntimeError):
    pass


class Samples:
    """Latencies in memory allocated up front, so the instrument does not show up as the
    kiosk's memory growth."""

    def __init__(self, capacity: int) -> None:
        self._values = array("d", bytes(8 * capacity))
        self.count = 0

    def append(self, value: float) -> None:
        if self.count < len(self._values):
            self._values[self.count] = value
        else:
            self._values.append(value)
        self.count += 1

    def values(self) -> array[float]:
        return self._values[: self.count]


class TimedRecorder:
    """Wraps the outbox to time each answer's transaction."""

    def __init__(self, inner: Recorder, capacity: int) -> None:
        self._inner = inner
        self.commit_ms = Samples(capacity)

    def begin(self, answer: NewAnswer) -> str:
        started = time.perf_counter()
        try:
            return self._inner.begin(answer)
        finally:
            self.commit_ms.append((time.perf_counter() - started) * 1000)

    def update(self, answer_id: str, changes: Mapping[str, Any]) -> None:
        started = time.perf_counter()
        try:
            self._inner.update(answer_id, changes)
        finally:
            self.commit_ms.append((time.perf_counter() - started) * 1000)


def _percentiles(values: array[float], wanted: tuple[int, ...]) -> dict[str, float]:
    if len(values) < 2:
        return {f"p{p}": round(values[0], 3) if values else 0.0 for p in wanted} | {
            "n": len(values)
        }
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    out: dict[str, float] = {f"p{p}": round(cuts[p - 1], 3) for p in wanted}
    out["max"] = round(max(values), 3)
    out["n"] = len(values)
    return out


def _rss_mb() -> float:
    rss: int = psutil.Process(os.getpid()).memory_info().rss
    return round(rss / 2**20, 1)


class _Shopper:
    def __init__(
        self,
        kiosk: Kiosk,
        clock: ManualClock,
        frames: FrameCounter,
        rng: random.Random,
        capacity: int,
        pause_ms: int = 0,
    ) -> None:
        self.kiosk = kiosk
        self.pause_ms = pause_ms
        # The frame count when the screen last changed: only a later frame shows it.
        self._changed_at_frame = 0
        kiosk.flow.subscribe(self._on_state)
        self.clock = clock
        self.frames = frames
        self.rng = rng
        self.latencies_ms = Samples(capacity)
        self.double_taps = 0
        # Shoppers who walked away before giving a score: an answer starts with its score,
        # so these leave no row.
        self.left_before_scoring = 0

    def _on_state(self, _state: FlowState) -> None:
        self._changed_at_frame = self.frames.count

    def _tap(self, name: str, *, double: bool = False, think_s: float = 1.0) -> None:
        self.clock.advance(think_s)
        before_screen = self.kiosk.flow.state.screen
        # Timed from the press: finding the item by its name is the harness's work, not
        # the kiosk's (a finger does not search).
        _, point = aim(self.kiosk.window, name)
        if self.pause_ms:
            _pause(self.pause_ms)
        started = time.perf_counter()
        for _ in range(2 if double else 1):
            press(self.kiosk.window, point)
        if self.kiosk.flow.state.screen is not before_screen:
            # A frame drawn before the screen changed (the button's pressed look, while the
            # kiosk idled) does not show it.
            if not self.frames.wait_beyond(self._changed_at_frame):
                raise SimulationError(f"no frame after tapping {name}")
            self.latencies_ms.append((self.frames.last_at - started) * 1000)

    def _walk_away(self) -> None:
        survey = self.kiosk.flow.survey
        assert survey is not None
        self.clock.advance(survey.idle_timeout_s + 0.1)
        self.kiosk.flow.tick()
        self.clock.advance(self.kiosk.flow.timing.still_there_s + 0.1)
        self.kiosk.flow.tick()
        if self.kiosk.flow.state.screen is not Screen.ATTRACT:
            raise SimulationError("an idle shopper was not given up on")

    def visit(self, hurry: bool) -> None:
        rng = self.rng
        survey = self.kiosk.flow.survey
        assert survey is not None
        think = 0.4 if hurry else 1.5
        if rng.random() < 0.2:
            self._tap(f"attract_lang_{rng.choice(survey.locales)}", think_s=think)
        if survey.attract_mode != "question":
            self._tap("startArea", think_s=think)
            if rng.random() < 0.03:
                self._walk_away()
                self.left_before_scoring += 1
                return
        prefix = "attract_score_" if survey.attract_mode == "question" else "score_"
        double = rng.random() < 0.1
        self.double_taps += double
        self._tap(f"{prefix}{rng.choice(survey.scale.points)}", double=double, think_s=think)
        if rng.random() < 0.08:
            self._walk_away()
            return
        if rng.random() < 0.8:
            self._tap(f"factor_{rng.choice(survey.factors).id}", think_s=think)
        else:
            self._tap("skipFactor", think_s=think)
        if survey.comment.enabled:
            if rng.random() < 0.05:
                self._walk_away()
                return
            if rng.random() < 0.2:
                field = visible_item(self.kiosk.window, "commentField")
                field.setProperty("text", rng.choice(COMMENTS))
                self._tap("sendComment", think_s=think)
            else:
                self._tap("skipComment", think_s=think)
        if hurry or rng.random() < 0.5:
            self._tap("thanksArea", think_s=think)
        else:
            self.clock.advance(self.kiosk.flow.timing.thanks_s + 0.1)
            self.kiosk.flow.tick()
        screen = self.kiosk.flow.state.screen
        if screen is not Screen.ATTRACT:
            raise SimulationError(f"shopper ended on {screen.value}, not attract")


def _pause(ms: int) -> None:
    """Leaves the kiosk idle in its event loop for a while, as a shopper's thinking does.

    On the manual clock the shoppers think in no time, so the harness works on the CPU
    right up to each tap; under a CPU quota that work would spend the kiosk's share before
    the finger even lands (see bench/cpu_quota.py)."""
    deadline = time.perf_counter() + ms / 1000
    wake = QTimer()
    wake.setSingleShot(True)
    wake.start(ms)
    while time.perf_counter() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    wake.stop()


def _idle() -> None:
    """What the real event loop does when a shopper has left.

    QML deletes replaced delegates with deleteLater, which only a returning event loop
    carries out; processEvents() in this harness never does.
    """
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _arrivals(rng: random.Random, count: int, first: float, last: float) -> list[float]:
    """When each shopper comes, in seconds on the kiosk's clock: at random over the days."""
    return sorted(rng.uniform(first, max(first, last)) for _ in range(count))


def _why_fewer_rows(responses: int, rows: int, left_before_scoring: int) -> str:
    if rows == responses:
        return f"{rows} rows for {responses} shoppers: every shopper gave a score"
    return (
        f"{rows} rows for {responses} shoppers: {left_before_scoring} walked away after "
        "tapping start and before giving a score, and an answer is only stored once it "
        "has a score"
    )


def simulate(
    *,
    responses: int,
    seed: int = 0,
    data_dir: Path | None = None,
    survey_path: Path | None = None,
    size: tuple[int, int] = (1280, 800),
    keep: bool = False,
    warmup: int = 20,
    days: float | None = None,
    now: datetime | None = None,
    pause_ms: int = 0,
) -> dict[str, Any]:
    """Drive ``responses`` synthetic shoppers (after ``warmup`` unmeasured ones) through the
    real screens, spread over the ``days`` before ``now``, and return the JSON summary.
    Without ``days``: a week, or as many days as the shoppers need at one a minute.
    ``pause_ms`` leaves the kiosk idle for that long (real time) before each tap.

    An enrolled kiosk's data dir sends these answers to its HQ: ``ces-kiosk simulate``
    refuses one unless told ``--allow-upload``.
    """
    needed = math.ceil((responses * MIN_SECONDS_PER_SHOPPER + LAST_VISIT_S) / 86400)
    if days is None:
        days = max(DEFAULT_DAYS, needed)
    elif days < needed:
        raise SimulationError(
            f"{responses} shoppers in {days:g} days is more than one a minute; "
            f"give at least --days {needed}"
        )
    app = application()
    temporary = data_dir is None
    folder = Path(tempfile.mkdtemp(prefix="effortless-sim-")) if data_dir is None else data_dir
    rng = random.Random(seed)
    end = now or datetime.now(UTC)
    start = end - timedelta(days=days)
    clock = ManualClock(start)
    timed: list[TimedRecorder] = []

    def wrap(recorder: Recorder) -> Recorder:
        timed.append(TimedRecorder(recorder, warmup * 4))
        return timed[0]

    wall_start = time.perf_counter()
    # An enrolled kiosk keeps the store and touchpoint HQ gave it.
    placed = Settings.open(folder).load()
    preconfigure(
        folder,
        store=placed.get(STORE_ID) or "simulated",
        touchpoint=placed.get(TOUCHPOINT) or "simulated",
    )
    kiosk = Kiosk(
        KioskOptions(
            data_dir=folder,
            survey_path=survey_path,
            windowed=True,
            size=size,
            clock=clock,
            wrap_recorder=wrap,
        )
    )
    try:
        if kiosk.flow.survey is None or kiosk.outbox is None:
            raise SimulationError(f"the kiosk is out of order: {kiosk.flow.state.reason}")
        frames = FrameCounter(kiosk.window)
        frames.settle()
        app.processEvents()
        gc.collect()
        shopper = _Shopper(kiosk, clock, frames, rng, warmup * 8, pause_ms)
        # The first shoppers fill Qt's caches (glyphs, textures, QML bindings); memory
        # growth is measured from after them. They come at the start of the days.
        for _ in range(warmup):
            shopper.visit(hurry=False)
            clock.advance(60)
            _idle()
        shopper.latencies_ms = Samples(responses * 8)
        timed[0].commit_ms = Samples(responses * 4)
        shopper.double_taps = 0
        shopper.left_before_scoring = 0
        rows_before = kiosk.outbox.count()
        gc.collect()
        rss_start = _rss_mb()
        began = clock.monotonic()
        last = began + (end - clock.utcnow()).total_seconds() - LAST_VISIT_S
        arrivals = iter(_arrivals(rng, responses, began, last))
        remaining = responses
        while remaining > 0:
            # Now and then a child taps through several surveys in a row.
            burst = rng.random() < 0.02
            for i in range(min(remaining, 4 if burst else 1)):
                due = next(arrivals)
                if i == 0:
                    # When due, and never sooner than a few seconds after the one before
                    # left (so two shoppers are never taken for one child's rapid taps).
                    clock.advance(max(rng.uniform(5, 30), due - clock.monotonic()))
                shopper.visit(hurry=burst)
                remaining -= 1
                _idle()
        gc.collect()
        rss_end = _rss_mb()
        rows = kiosk.outbox.rows()[rows_before:]
        summary: dict[str, Any] = {
            "shoppers": responses,
            "warmup_shoppers": warmup,
            "warmup_rows": rows_before,
            "seed": seed,
            "pause_ms": pause_ms,
            "survey": kiosk.flow.survey.id,
            "rows_written": len(rows),
            "left_before_scoring": shopper.left_before_scoring,
            "why_fewer_rows": _why_fewer_rows(responses, len(rows), shopper.left_before_scoring),
            "completed": sum(r["outcome"] == "completed" for r in rows),
            "timeout": sum(r["outcome"] == "timeout" for r in rows),
            "flagged_rapid": sum("rapid" in r["flags"] for r in rows),
            "double_taps": shopper.double_taps,
            "days": days,
            "first_started_at": min((r["started_at"] for r in rows), default=None),
            "last_finished_at": max((r["finished_at"] or "" for r in rows), default=None),
            "until": iso_utc(end),
            "tap_to_screen_ms": _percentiles(shopper.latencies_ms.values(), (50, 95, 99)),
            "commit_ms": _percentiles(timed[0].commit_ms.values(), (50, 99)),
            "rss_mb": {"start": rss_start, "end": rss_end, "growth": round(rss_end - rss_start, 1)},
            "seconds": round(time.perf_counter() - wall_start, 1),
            "data_dir": str(folder),
        }
    finally:
        kiosk.close()
        app.processEvents()
    if temporary and not keep:
        shutil.rmtree(folder, ignore_errors=True)
        summary["data_dir"] = None
    return summary
