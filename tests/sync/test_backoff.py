"""Backoff and the client's address rules, which need no server."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from sync.backoff import Backoff, parse_retry_after
from sync.client import InsecureURLError, check_url


def test_full_jitter_stays_within_the_exponential_bound_and_the_cap() -> None:
    backoff = Backoff(base_s=1.0, cap_s=300.0, rng=random.Random(7))
    for failures in range(20):
        bound = min(300.0, 2.0**failures)
        delay = backoff.next_delay()
        assert 0 <= delay <= bound
    assert backoff.failures == 20


def test_delays_are_spread_not_in_step() -> None:
    delays = [Backoff(rng=random.Random(seed)).next_delay() for seed in range(50)]
    assert len({round(d, 3) for d in delays}) > 40


def test_retry_after_is_a_lower_bound_even_beyond_the_cap() -> None:
    backoff = Backoff(base_s=1.0, cap_s=5.0, rng=random.Random(1))
    assert backoff.next_delay(retry_after_s=30.0) >= 30.0
    assert backoff.next_delay(retry_after_s=0.0) >= 0.0


def test_reset_starts_small_again() -> None:
    backoff = Backoff(base_s=1.0, cap_s=300.0, rng=random.Random(3))
    for _ in range(10):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() <= 1.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("Sun, 22 Nov 2026 09:01:00 GMT", 60.0),
        ("Sun, 22 Nov 2026 08:00:00 GMT", 0.0),
        ("99999999999", 86400.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_retry_after_header_parsing(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert parse_retry_after(header, now) == seconds


@pytest.mark.parametrize(
    "url",
    ["https://hq.example", "http://127.0.0.1:8080", "http://localhost:9000/", "http://[::1]:80"],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert check_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://hq.example", "http://10.0.0.5:8080", "http://192.168.1.10"]
)
def test_plain_http_elsewhere_is_refused_unless_allowed(url: str) -> None:
    with pytest.raises(InsecureURLError, match="refusing plain http"):
        check_url(url)
    assert check_url(url, allow_insecure_http=True) == url


@pytest.mark.parametrize("url", ["ftp://hq.example", "hq.example", "https://", "", "javascript:x"])
def test_things_that_are_not_addresses_are_refused(url: str) -> None:
    with pytest.raises(InsecureURLError, match="not an HQ address"):
        check_url(url)
