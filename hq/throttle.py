"""Per-address throttles for the endpoints that check a guess: /login and /api/v1/enroll.

A token bucket per client address: ``burst`` tries at once, refilled at ``per_minute``. A
refused try is answered 429 with Retry-After (the seconds until the next token). The state
is this process's memory: with several ces-hq processes behind a proxy each counts on its
own, so an address gets at most ``processes x burst`` tries at once. The per-user lockout
(hq.users) lives in the database and holds across processes.

The address is ``request.client.host`` as uvicorn sets it: the peer's address, or the
X-Forwarded-For address when the peer is a proxy that FORWARDED_ALLOW_IPS trusts.
IPv6 clients are counted per /64, the block one host usually has to itself.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from hq.hashpool import HASH_QUEUE, HASH_WORKERS

# Dashboard logins per address. Ten wrong passwords in a row is more than a person types;
# a successful login gives its try back, so an office behind one address is not held up.
LOGIN_BURST = 10
LOGIN_PER_MINUTE = 10.0
# Enrolment tries per address. A code is typed on a kiosk once; a store enrolling a few
# kiosks behind one address stays well within this, a guesser gets 10 codes a minute
# against 32**8 possible ones.
ENROL_BURST = 10
ENROL_PER_MINUTE = 10.0
# Addresses remembered per throttle; beyond it the least recently seen are forgotten (an
# address that is forgotten starts again with a full bucket).
MAX_ADDRESSES = 10_000


@dataclass(frozen=True)
class Verdict:
    """A throttle's answer: ``wait_s`` 0 means go ahead (the try is counted)."""

    wait_s: float = 0.0
    # True for the first refusal after a try was allowed, so a flood logs one line.
    first_refusal: bool = False

    @property
    def allowed(self) -> bool:
        return self.wait_s <= 0

    @property
    def retry_after(self) -> int:
        """Whole seconds for the Retry-After header (at least 1)."""
        return max(1, math.ceil(self.wait_s))


@dataclass
class _Bucket:
    tokens: float
    at: float
    refusing: bool = False


class AddressThrottle:
    """A token bucket per client address. Thread-safe."""

    def __init__(
        self,
        burst: int,
        per_minute: float,
        *,
        max_addresses: int = MAX_ADDRESSES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if burst < 1 or per_minute <= 0:
            raise ValueError("a throttle needs burst >= 1 and per_minute > 0")
        self.burst = burst
        self.per_second = per_minute / 60
        self._max_addresses = max_addresses
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, address: str | None, now: float | None = None) -> Verdict:
        """Count a try from ``address``, or say how long it must wait."""
        now = self._clock() if now is None else now
        key = address_key(address)
        with self._lock:
            bucket = self._refilled(key, now)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                bucket.refusing = False
                return Verdict()
            first = not bucket.refusing
            bucket.refusing = True
            return Verdict((1 - bucket.tokens) / self.per_second, first)

    def give_back(self, address: str | None, now: float | None = None) -> None:
        """Return a try that turned out well (a right password or code)."""
        now = self._clock() if now is None else now
        key = address_key(address)
        with self._lock:
            bucket = self._refilled(key, now)
            bucket.tokens = min(self.burst, bucket.tokens + 1)

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
            self._buckets[key] = bucket
            while len(self._buckets) > self._max_addresses:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            elapsed = max(0.0, now - bucket.at)
            bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
            bucket.at = now
        return bucket


def address_key(address: str | None) -> str:
    """What a client is counted by: its IPv4 address, or its IPv6 /64."""
    if not address:
        return "-"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


@dataclass(frozen=True)
class Limits:
    """The guessing limits of one HQ process (defaults above; tests may loosen them)."""

    login_burst: int = LOGIN_BURST
    login_per_minute: float = LOGIN_PER_MINUTE
    enrol_burst: int = ENROL_BURST
    enrol_per_minute: float = ENROL_PER_MINUTE
    # Password checks (scrypt) at once, and how many more may wait for a worker.
    hash_workers: int = HASH_WORKERS
    hash_queue: int = HASH_QUEUE
