"""Password checks (scrypt) on a small pool of their own.

scrypt costs about half a second of CPU and 128 MiB per guess (hq.users.PASSWORD_COST).
Run on the store's threads, a spray of guesses took the threads and connections kiosk
batches need (at 50 ms a guess, 18 guesses/s raised the batch median from 12 to 572 ms). Here at most ``workers`` checks run at once, at most
``queue`` more wait, and any further login is refused at once (PoolFull: 503 + Retry-After)
instead of queueing without end.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread

# At most this many checks at once, and never more than half the machine's CPUs (one on a
# machine with 2 or 3): the rest stay free for kiosk batches whatever the guessing rate, and
# checks never hold more than 2 x 128 MiB. Waiting checks hold no memory.
MAX_HASH_WORKERS = 2
HASH_WORKERS = max(1, min(MAX_HASH_WORKERS, (os.cpu_count() or 2) // 2))
HASH_QUEUE = 8

T = TypeVar("T")


class PoolFull(Exception):
    """Every worker is busy and the queue is full: try again in a moment."""


class HashPool:
    """Admission and threads for password checks. Used from one event loop."""

    def __init__(self, workers: int = HASH_WORKERS, queue: int = HASH_QUEUE) -> None:
        if workers < 1 or queue < 0:
            raise ValueError("a hash pool needs workers >= 1 and queue >= 0")
        self.workers = workers
        self.capacity = workers + queue
        self._admitted = 0
        # Made on first use, inside the event loop.
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def admitted(self) -> int:
        return self._admitted

    @asynccontextmanager
    async def admission(self) -> AsyncIterator[None]:
        """A place in the pool for one login, or PoolFull at once.

        Taken before the login's attempt is counted in the database, so a login refused
        here costs the user none of their tries.
        """
        if self._admitted >= self.capacity:
            raise PoolFull
        self._admitted += 1
        try:
            yield
        finally:
            self._admitted -= 1

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` on one of the pool's threads (within an admission)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.workers)
        return await anyio.to_thread.run_sync(func, *args, limiter=self._limiter)
