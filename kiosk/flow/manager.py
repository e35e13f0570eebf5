"""The store manager's way in: a hidden gesture, the PIN pad, and a manager screen that
closes by itself. No Qt; the view renders ``Manager.mode`` and forwards taps."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ces.manager_events import PIN_FAILED, UNLOCK
from ces.timestamps import iso_utc
from kiosk.flow.clock import Clock
from kiosk.flow.pin import Attempt, PinGuard

log = logging.getLogger("effortless.manager")


class Mode(StrEnum):
    CLOSED = "closed"
    PIN = "pin"
    OPEN = "open"


@dataclass(frozen=True)
class ManagerTiming:
    # Five taps in the corner within three seconds: deliberate, and no shopper does it.
    gesture_taps: int = 5
    gesture_window_s: float = 3.0
    auto_close_s: float = 60.0


@dataclass(frozen=True)
class Event:
    """An unlock or a failed PIN, kept until the next heartbeat takes it to HQ."""

    kind: str
    at: str


class Manager:
    def __init__(
        self,
        guard: PinGuard,
        clock: Clock,
        timing: ManagerTiming | None = None,
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        self._guard = guard
        self._clock = clock
        self.timing = timing or ManagerTiming()
        self._on_event = on_event
        self._taps: deque[float] = deque()
        self._last_touch = clock.monotonic()
        self._listeners: list[Callable[[Mode], None]] = []
        self.mode = Mode.CLOSED
        # What to do after the PIN: open the manager screen, or leave the app.
        self.purpose = "open"
        self.last_attempt: Attempt | None = None

    def subscribe(self, listener: Callable[[Mode], None]) -> None:
        self._listeners.append(listener)

    def _set(self, mode: Mode) -> None:
        self.mode = mode
        for listener in list(self._listeners):
            listener(mode)

    def corner_tapped(self, *, then_pin: bool = True) -> bool:
        """A tap in the hidden corner; the fifth within the window opens the PIN pad
        (or, with ``then_pin=False``, only says that the gesture is complete)."""
        if self.mode is not Mode.CLOSED:
            return False
        now = self._clock.monotonic()
        self._taps.append(now)
        while self._taps and now - self._taps[0] > self.timing.gesture_window_s:
            self._taps.popleft()
        if len(self._taps) < self.timing.gesture_taps:
            return False
        self._taps.clear()
        if then_pin:
            self.ask_pin("open")
        return True

    def ask_pin(self, purpose: str) -> None:
        self.purpose = purpose
        self.last_attempt = None
        self._last_touch = self._clock.monotonic()
        self._set(Mode.PIN)

    def enter_pin(self, pin: str) -> Attempt:
        self._last_touch = self._clock.monotonic()
        attempt = self._guard.attempt(pin)
        self.last_attempt = attempt
        if attempt.accepted:
            self._event(UNLOCK if self.purpose == "open" else self.purpose)
            self._set(Mode.OPEN)
        else:
            self._event(PIN_FAILED)
            self._set(Mode.PIN)
        return attempt

    def touched(self) -> None:
        self._last_touch = self._clock.monotonic()

    def close(self) -> None:
        if self.mode is not Mode.CLOSED:
            self._taps.clear()
            self._set(Mode.CLOSED)

    def tick(self) -> None:
        if self.mode is Mode.CLOSED:
            return
        if self._clock.monotonic() - self._last_touch >= self.timing.auto_close_s:
            log.info("manager screen closed after %.0f s without a touch", self.timing.auto_close_s)
            self.close()

    def _event(self, kind: str) -> None:
        event = Event(kind, iso_utc(self._clock.utcnow()))
        log.info("manager %s", kind)
        if self._on_event is not None:
            self._on_event(event)
