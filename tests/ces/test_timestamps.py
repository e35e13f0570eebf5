"""The protocol's one timestamp format (ces.timestamps): what iso_utc writes, TIMESTAMP_RE
reads, and both are what docs/protocol.md says."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ces.timestamps import MS_TIMESTAMP_RE, TIMESTAMP_RE, iso_utc, utc_now

PROTOCOL = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(
    encoding="utf-8"
)


def test_iso_utc_writes_the_wire_format_with_milliseconds() -> None:
    moment = datetime(2026, 11, 22, 9, 0, 0, 123_999, tzinfo=UTC)
    # Cut to the millisecond, never rounded up into the next one.
    assert iso_utc(moment) == "2026-11-22T09:00:00.123Z"
    assert iso_utc(datetime(2026, 11, 22, 9, 0, tzinfo=UTC)) == "2026-11-22T09:00:00.000Z"


@pytest.mark.parametrize(
    "zone",
    [
        timezone(timedelta(hours=1)),
        timezone(timedelta(hours=-5, minutes=-30)),
        ZoneInfo("Europe/Amsterdam"),
    ],
)
def test_iso_utc_converts_other_zones_to_utc(zone: timezone | ZoneInfo) -> None:
    utc = datetime(2026, 3, 29, 0, 59, 59, 500_000, tzinfo=UTC)  # across a DST change
    assert iso_utc(utc.astimezone(zone)) == "2026-03-29T00:59:59.500Z"


def test_iso_utc_crosses_midnight_into_the_utc_date() -> None:
    amsterdam = datetime(2026, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert iso_utc(amsterdam) == "2025-12-31T23:30:00.000Z"


def test_what_iso_utc_writes_both_patterns_read() -> None:
    for moment in (
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2026, 11, 22, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime.fromisoformat(utc_now().replace("Z", "+00:00")),
    ):
        written = iso_utc(moment)
        assert MS_TIMESTAMP_RE.fullmatch(written), written
        assert TIMESTAMP_RE.fullmatch(written), written


def test_utc_now_is_now_in_the_wire_format() -> None:
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    now = utc_now()
    after = datetime.now(UTC)
    assert MS_TIMESTAMP_RE.fullmatch(now)
    assert before <= datetime.fromisoformat(now.replace("Z", "+00:00")) <= after


@pytest.mark.parametrize(
    "good",
    [
        "2026-11-22T09:00:00Z",
        "2026-11-22T09:00:00.1Z",
        "2026-11-22T09:00:00.123456Z",
        "2026-11-22T23:59:59.000Z",
    ],
)
def test_hq_reads_zero_to_six_fraction_digits(good: str) -> None:
    assert TIMESTAMP_RE.fullmatch(good)


@pytest.mark.parametrize(
    "bad",
    [
        "2026-11-22T09:00:00.1234567Z",  # seven digits
        "2026-11-22T09:00:00.000+00:00",  # an offset
        "2026-11-22 09:00:00.000Z",  # a space
        "2026-11-22T09:00:00.000",  # no zone
        "2026-11-22T24:00:00.000Z",
        "2026-11-22T09:60:00.000Z",
        "2026-11-22T09:00:00.Z",
        "20261122T090000Z",
    ],
)
def test_hq_refuses_other_spellings(bad: str) -> None:
    assert not TIMESTAMP_RE.fullmatch(bad)


def test_a_kiosk_writes_exactly_milliseconds() -> None:
    assert MS_TIMESTAMP_RE.fullmatch("2026-11-22T09:00:00.000Z")
    assert not MS_TIMESTAMP_RE.fullmatch("2026-11-22T09:00:00Z")
    assert not MS_TIMESTAMP_RE.fullmatch("2026-11-22T09:00:00.123456Z")


def test_the_protocols_examples_are_read_as_it_says() -> None:
    header = PROTOCOL.split("\n\n", 2)[1]
    written, *accepted = re.findall(r"`(\.\.\.T[^`]+|\d{4}-[^`]+)`", header)
    assert MS_TIMESTAMP_RE.fullmatch(written)
    assert written == iso_utc(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    assert accepted
    for example in accepted:
        assert TIMESTAMP_RE.fullmatch("2026-11-22" + example.removeprefix("...")), example
