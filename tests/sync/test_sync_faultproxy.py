"""The fault proxy itself, against a small stand-in upstream (no HQ needed).

If the proxy does not do what a fault says, the fault tests prove nothing; these tests
check each fault from the client's side and from the upstream's side.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from faultproxy import (
    FaultProxy,
    cut_mid_body,
    forward_then_drop,
    forward_then_hang,
    garbage_200,
    missing_results_200,
    passthrough,
    slow,
    status,
)


class Upstream(ThreadingHTTPServer):
    """Answers every POST with one "new" result per answer and counts what it got."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _UpstreamHandler)
        self.bodies: list[tuple[str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _UpstreamHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Upstream

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.bodies.append((self.path, dict(self.headers.items()), body))
        try:
            ids = [a["id"] for a in json.loads(body)["responses"]]
        except (ValueError, KeyError, TypeError):
            ids = []
        out = json.dumps({"results": [{"id": i, "status": "new"} for i in ids]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Upstream", "yes")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.bodies.append((self.path, dict(self.headers.items()), b""))
        out = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[FaultProxy]:
    with FaultProxy(upstream.url) as running:
        yield running


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def batch(n: int = 3) -> dict[str, list[dict[str, str]]]:
    return {"responses": [{"id": str(uuid.uuid4())} for _ in range(n)]}


def post(
    session: requests.Session,
    proxy: FaultProxy,
    body: dict[str, Any],
    request_id: str = "r-1",
    timeout: tuple[float, float] = (1, 3),
) -> requests.Response:
    return session.post(
        proxy.url + "/api/v1/responses",
        json=body,
        headers={"X-Request-Id": request_id},
        timeout=timeout,
    )


def test_passes_requests_through_unchanged(
    proxy: FaultProxy, upstream: Upstream, session: requests.Session
) -> None:
    body = batch()
    response = post(session, proxy, body, request_id="abc")
    assert response.status_code == 200
    assert response.headers["X-Upstream"] == "yes"
    assert [r["status"] for r in response.json()["results"]] == ["new"] * 3
    ((path, headers, sent),) = upstream.bodies
    assert path == "/api/v1/responses"
    assert headers["X-Request-Id"] == "abc"
    assert json.loads(sent) == body
    (seen,) = proxy.seen
    assert seen.request_id == "abc"
    assert seen.answer_ids == tuple(a["id"] for a in body["responses"])
    assert seen.forwarded
    assert seen.upstream_results == ("new", "new", "new")
    assert seen.answered_status == 200
    assert str(seen.fault) == "pass"


def test_plans_are_used_in_order_on_faulted_paths_only(
    proxy: FaultProxy, upstream: Upstream, session: requests.Session
) -> None:
    proxy.plan(status(500), passthrough(), status(503))
    assert session.get(proxy.url + "/healthz", timeout=3).status_code == 200
    codes = [post(session, proxy, batch()).status_code for _ in range(4)]
    assert codes == [500, 200, 503, 200]
    assert proxy.planned() == 0
    assert [str(s.fault) for s in proxy.seen] == [
        "pass",
        "status(500)",
        "pass",
        "status(503)",
        "pass",
    ]
    # Only the requests that were let through reached the upstream.
    assert [path for path, _, _ in upstream.bodies] == ["/healthz"] + ["/api/v1/responses"] * 2


def test_status_is_answered_without_forwarding(
    proxy: FaultProxy, upstream: Upstream, session: requests.Session
) -> None:
    proxy.plan(status(429, retry_after=2))
    response = post(session, proxy, batch())
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response.json()["error"] == "injected"
    assert upstream.bodies == []
    assert not proxy.seen[0].forwarded


def test_forward_then_drop_reaches_upstream_and_leaves_the_client_unanswered(
    proxy: FaultProxy, upstream: Upstream, session: requests.Session
) -> None:
    proxy.plan(forward_then_drop())
    with pytest.raises(requests.ConnectionError):
        post(session, proxy, batch())
    assert len(upstream.bodies) == 1
    (seen,) = proxy.seen
    assert seen.forwarded
    assert seen.upstream_results == ("new", "new", "new")
    assert seen.answered_status is None
    # The next request works (the client opens a new connection).
    assert post(session, proxy, batch()).status_code == 200


def test_forward_then_hang_times_the_client_out_after_upstream_has_it(
    upstream: Upstream, session: requests.Session
) -> None:
    proxy = FaultProxy(upstream.url).start()
    try:
        proxy.plan(forward_then_hang(30))
        started = time.monotonic()
        with pytest.raises(requests.ReadTimeout):
            post(session, proxy, batch(), timeout=(1, 0.5))
        assert time.monotonic() - started < 5
        assert len(upstream.bodies) == 1
        assert proxy.seen[0].forwarded
    finally:
        started = time.monotonic()
        proxy.stop()
    # Stopping ends the hang rather than waiting the 30 s out.
    assert time.monotonic() - started < 5
    assert proxy.seen[0].answered_status is None


def test_cut_mid_body_never_reaches_upstream(
    proxy: FaultProxy, upstream: Upstream, session: requests.Session
) -> None:
    proxy.plan(cut_mid_body())
    with pytest.raises(requests.ConnectionError):
        post(session, proxy, batch(200))
    assert upstream.bodies == []
    (seen,) = proxy.seen
    assert not seen.forwarded
    assert seen.answered_status is None


def test_garbage_200_reaches_upstream_and_answers_nonsense(
    proxy: FaultProxy, upstream: Upstream, session: requests.Session
) -> None:
    proxy.plan(garbage_200())
    response = post(session, proxy, batch())
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()
    assert len(upstream.bodies) == 1


def test_missing_results_200_leaves_out_a_result(
    proxy: FaultProxy, upstream: Upstream, session: requests.Session
) -> None:
    proxy.plan(missing_results_200())
    response = post(session, proxy, batch(3))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert len(upstream.bodies) == 1
    assert proxy.seen[0].upstream_results == ("new", "new", "new")


def test_slow_delays_then_forwards(
    proxy: FaultProxy, upstream: Upstream, session: requests.Session
) -> None:
    proxy.plan(slow(0.3))
    started = time.monotonic()
    response = post(session, proxy, batch())
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert len(upstream.bodies) == 1


def test_wait_for_gives_up_at_its_deadline(proxy: FaultProxy) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        proxy.wait_for(lambda seen: len(seen) > 0, timeout=0.2)
    assert time.monotonic() - started < 2


def test_stop_closes_kept_alive_connections_and_the_port(
    upstream: Upstream, session: requests.Session
) -> None:
    proxy = FaultProxy(upstream.url).start()
    assert post(session, proxy, batch()).status_code == 200
    threads_before = threading.active_count()
    started = time.monotonic()
    proxy.stop()
    assert time.monotonic() - started < 5
    # The handler thread that held the client's idle connection has ended.
    assert threading.active_count() < threads_before
    with pytest.raises(requests.ConnectionError):
        post(requests.Session(), proxy, batch())
