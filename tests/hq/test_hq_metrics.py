"""/metrics: Prometheus' text format from a real `ces-hq serve --metrics-token-file`, parsed
with prometheus-client's own parser; only for the bearer token, off without the option, and
hostile Authorization headers refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from answers import make_answer, make_answers
from hq_helpers import make_heartbeat, raw_connection, read_raw_response, serving
from hqserver import HQService, ces_hq
from prometheus_client.parser import text_string_to_metric_families

from ces.timestamps import iso_utc
from hq.db.database import HQDatabase
from hq.metrics import TokenError, read_token
from hq.moments import utcnow
from hq.surveys import SurveyCatalog

TOKEN = "s3cret-metrics-token-0123456789abcdef"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape: (name, sorted labels) -> value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def token_file(tmp_path: Path, token: str = TOKEN) -> Path:
    path = tmp_path / "metrics-token"
    path.write_text(token + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def service(tmp_path: Path, database_url: str) -> Iterator[HQService]:
    options = ["--metrics-token-file", str(token_file(tmp_path))]
    with HQService(tmp_path / "hq", database_url, options=options) as hq:
        yield hq


def enrol(hq: HQService) -> tuple[str, str]:
    reply = requests.post(f"{hq.url}/api/v1/enroll", json={"code": hq.add_kiosk()}, timeout=30)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    return body["kiosk_id"], body["token"]


def test_metrics_count_batches_kiosks_heartbeats_and_failed_logins(service: HQService) -> None:
    hq = service
    _kiosk_id, token = enrol(hq)
    _revoked_id, _ = enrol(hq)
    hq.revoke(_revoked_id)
    hq.add_kiosk()  # waiting for its enrolment
    auth = {"Authorization": f"Bearer {token}"}
    first = make_answers(3)
    reply = requests.post(
        f"{hq.url}/api/v1/responses", json={"responses": first}, headers=auth, timeout=60
    )
    assert [r["status"] for r in reply.json()["results"]] == ["new"] * 3
    # One new, one sent again, one the survey cannot have (score 99 on a 1-7 scale).
    second = [make_answer(seq=4), first[0], make_answer(seq=5, score=99)]
    reply = requests.post(
        f"{hq.url}/api/v1/responses", json={"responses": second}, headers=auth, timeout=60
    )
    assert [r["status"] for r in reply.json()["results"]] == ["new", "duplicate", "rejected"]
    now = utcnow()
    oldest = now - timedelta(hours=2)
    beat = make_heartbeat(queue_depth=7, oldest_unsent_at=iso_utc(oldest), kiosk_time=iso_utc(now))
    reply = requests.post(f"{hq.url}/api/v1/heartbeat", json=beat, headers=auth, timeout=30)
    assert reply.status_code == 200, reply.text
    reply = requests.post(
        f"{hq.url}/login",
        data={"user": "nobody", "password": "not the password", "next": "/"},
        allow_redirects=False,
        timeout=60,
    )
    assert reply.status_code == 401

    scrape = requests.get(
        f"{hq.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    )
    assert scrape.status_code == 200, scrape.text
    assert scrape.headers["content-type"].startswith("text/plain; version=")
    got = samples(scrape.text)
    scraped_at = utcnow()

    def value(name: str, **labels: str) -> float:
        return got[(name, tuple(sorted(labels.items())))]

    assert value("effortless_hq_answers_total", result="ingested") == 4
    assert value("effortless_hq_answers_total", result="duplicate") == 1
    assert value("effortless_hq_answers_total", result="rejected") == 1
    assert value("effortless_hq_batch_seconds_count") == 2
    assert value("effortless_hq_batch_seconds_bucket", le="+Inf") == 2
    assert value("effortless_hq_batch_seconds_sum") > 0
    assert value("effortless_hq_kiosks", status="active") == 1
    assert value("effortless_hq_kiosks", status="revoked") == 1
    assert value("effortless_hq_kiosks", status="waiting") == 1
    assert value("effortless_hq_kiosks", status="silent") == 0
    assert value("effortless_hq_kiosk_queue_depth") == 7
    age = value("effortless_hq_oldest_unsent_answer_age_seconds")
    assert 7200 - 1 <= age <= (scraped_at - oldest).total_seconds() + 1
    assert value("effortless_hq_login_failures_total", reason="wrong") == 1
    assert value("effortless_hq_login_failures_total", reason="locked") == 0
    assert value("effortless_hq_alerts_sent_total", channel="email") == 0
    assert value("effortless_hq_alerts_sent_total", channel="webhook") == 0

    # The kiosk's token opens no metrics, nor does a missing or wrong one.
    for headers in ({}, auth, {"Authorization": f"Bearer {TOKEN}x"}):
        refused = requests.get(f"{hq.url}/metrics", headers=headers, timeout=30)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert "effortless_hq" not in refused.text
    head = requests.head(
        f"{hq.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    )
    assert head.status_code == 200
    assert TOKEN not in hq.stderr()


def test_without_the_option_metrics_are_off(hq_sqlite_url: str) -> None:
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}, {"Authorization": "Bearer "}):
        reply = requests.get(f"{hq_sqlite_url}/metrics", headers=headers, timeout=30)
        assert reply.status_code == 404
        assert "effortless_hq" not in reply.text


@pytest.fixture
def hq_sqlite_url(sqlite_database_url: str, surveys: SurveyCatalog) -> Iterator[str]:
    db = HQDatabase.open(sqlite_database_url)
    try:
        with serving(db, surveys) as url:
            yield url
    finally:
        db.close()


@pytest.fixture
def metrics_url(sqlite_database_url: str, surveys: SurveyCatalog) -> Iterator[str]:
    db = HQDatabase.open(sqlite_database_url)
    try:
        with serving(db, surveys, metrics_token=TOKEN) as url:
            yield url
    finally:
        db.close()


def raw_get(url: str, header_lines: list[bytes]) -> tuple[int, bytes]:
    """The status and body of GET /metrics with these header lines, as sent."""
    with raw_connection(url) as sock:
        sock.sendall(
            b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + b"".join(line + b"\r\n" for line in header_lines)
            + b"\r\n"
        )
        status, _headers, body = read_raw_response(sock)
    return status, body


# Headers uvicorn itself will not parse (a control character): 400 before any of HQ's code.
UNPARSEABLE = [b"Authorization: Bearer\t" + b"\x00" * 10]
HOSTILE = [
    b"Authorization: Bearer",
    b"Authorization: Bearer ",
    b"Authorization: bearer",
    b"Authorization: Basic " + TOKEN.encode(),
    b"Authorization: " + TOKEN.encode(),
    b"Authorization: Bearer " + TOKEN[:-1].encode(),
    b"Authorization: Bearer " + TOKEN.encode() + b" extra",
    b"Authorization: Bearer " + TOKEN.encode() + b"\xff",
    b"Authorization: Bearer \xe2\x82\xac" + TOKEN.encode(),
    b"Authorization: Bearer " + TOKEN.upper().encode(),
    b"Authorization: Bearer " + b"A" * 60_000,
    b"Authorization: Bearer " + b"%00" * 50,
    b"Authorization: Bearer {TOKEN}",
]


@pytest.mark.parametrize("header", HOSTILE)
def test_hostile_authorization_headers_are_refused(metrics_url: str, header: bytes) -> None:
    status, body = raw_get(metrics_url, [header])
    assert status == 401
    assert b"effortless_hq" not in body


@pytest.mark.parametrize("header", UNPARSEABLE)
def test_unparseable_authorization_headers_are_refused(
    metrics_url: str, header: bytes, expect_log: Any
) -> None:
    expect_log("uvicorn.error", "Invalid HTTP request")
    status, body = raw_get(metrics_url, [header])
    assert status == 400
    assert b"effortless_hq" not in body


def test_the_right_token_passes_and_two_authorizations_do_not(metrics_url: str) -> None:
    status, body = raw_get(metrics_url, [b"Authorization: Bearer " + TOKEN.encode()])
    assert status == 200
    assert b"effortless_hq_answers_total" in body
    status, _ = raw_get(metrics_url, [b"Authorization: bEaReR  " + TOKEN.encode()])
    assert status == 200
    # A second Authorization header is not looked at: only the first one counts.
    two = [
        b"Authorization: Bearer wrong-token-wrong-token",
        b"Authorization: Bearer " + TOKEN.encode(),
    ]
    assert raw_get(metrics_url, two)[0] == 401


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "16 to 256"),
        (b"short\n", "16 to 256"),
        (b"x" * 300, "16 to 256"),
        ("tökentökentökentöken".encode(), "ASCII"),
        (b"has spaces in the token\n", "letters, digits"),
        (b"\xff" * 20, "ASCII"),
    ],
)
def test_a_bad_token_file_is_refused(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "token"
    path.write_bytes(content)
    with pytest.raises(TokenError, match=why):
        read_token(path)


def test_serve_refuses_to_start_with_an_unusable_token_file(tmp_path: Path) -> None:
    result = ces_hq(
        "serve", "--data-dir", str(tmp_path / "hq"), "--port", "0",
        "--metrics-token-file", str(tmp_path / "missing"),
    )  # fmt: skip
    assert result.returncode != 0
    assert "--metrics-token-file" in result.stderr
    assert "Traceback" not in result.stderr
