"""When to try HQ again: full-jitter exponential backoff with Retry-After as a floor."""

from __future__ import annotations

import random
from datetime import UTC, datetime

BASE_S = 1.0
CAP_S = 300.0


class Backoff:
    """Full jitter (a random wait between 0 and the exponential bound), so a fleet of kiosks
    coming back after an outage does not hit HQ in step."""

    def __init__(
        self, base_s: float = BASE_S, cap_s: float = CAP_S, rng: random.Random | None = None
    ):
        self.base_s = base_s
        self.cap_s = cap_s
        self._rng = rng or random.Random()
        self.failures = 0

    def next_delay(self, retry_after_s: float | None = None) -> float:
        bound = min(self.cap_s, self.base_s * 2**self.failures)
        self.failures += 1
        delay = self._rng.uniform(0, bound)
        if retry_after_s is not None:
            # HQ asked for at least this long; honour it even beyond our own cap.
            delay = max(delay, retry_after_s)
        return delay

    def reset(self) -> None:
        self.failures = 0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 24 * 3600))
    # Imported here: the email package is a noticeable share of a slow tablet's start, and
    # HTTP dates in Retry-After are rare (HQ sends seconds).
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, min(seconds, 24 * 3600))
