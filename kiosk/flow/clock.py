"""Clocks the flow is driven by, injected so tests can move time by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def utcnow(self) -> datetime: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def utcnow(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._mono = 1000.0
        self._wall = start or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        return self._mono

    def utcnow(self) -> datetime:
        from datetime import timedelta

        return self._wall + timedelta(seconds=self._mono - 1000.0)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock does not go back")
        self._mono += seconds

    def jump(self, seconds: float) -> None:
        """The wall clock alone is set (NTP, a resume from suspend); either way."""
        from datetime import timedelta

        self._wall += timedelta(seconds=seconds)
