"""Issue 9 item 7: slow clients cannot hold HQ's connections for ever.

The real `ces-hq serve` in a subprocess on loopback, with a low connection limit and short
timeouts (its own options) so each test is quick and bounded; real sockets play the slow
clients, requests plays the kiosk. The server's log (its stderr) is read at the end.
"""

from __future__ import annotations

import json
import re
import select
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from hq_helpers import make_answers
from hqserver import HQService, ces_hq

from hq import server_settings
from hq.api.routes.responses import MAX_RESPONSES_BYTES
from hq.db.database import HQDatabase, sqlite_url

DEADLINE_S = 30


@dataclass
class Served:
    url: str
    log: Path
    token: str

    def post(self, n: int = 3) -> requests.Response:
        return requests.post(
            f"{self.url}/api/v1/responses",
            json={"responses": make_answers(n)},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=DEADLINE_S,
        )


@contextmanager
def ces_hq_serve(tmp_path: Path, *options: str, file_limit: int = 0) -> Iterator[Served]:
    """`ces-hq serve` on a free port with one enrolled kiosk; stopped (SIGTERM) at the end.

    ``file_limit`` lowers its open-file limit (soft and hard, so it cannot raise it back)."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    db = HQDatabase.open(sqlite_url(data))
    try:
        code = db.add_kiosk("s042", "in_store_purchase").code
    finally:
        db.close()
    log = tmp_path / "serve.log"
    with HQService(data, options=options, file_limit=file_limit or None, log_path=log) as hq:
        reply = requests.post(f"{hq.url}/api/v1/enroll", json={"code": code}, timeout=DEADLINE_S)
        assert reply.status_code == 200, reply.text
        yield Served(hq.url, log, reply.json()["token"])


class SlowClient:
    """A connection that starts a request and sends one more header line when asked."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
        self.sock.sendall(f"POST /api/v1/responses HTTP/1.1\r\nHost: {parts.netloc}\r\n".encode())
        self.closed_by_hq = False

    def trickle(self) -> None:
        if self.closed_by_hq:
            return
        readable, _, _ = select.select([self.sock], [], [], 0)
        if readable:
            try:
                data = self.sock.recv(4096)
            except ConnectionResetError:
                data = b""
            # HQ sends nothing to a client that never finished its request: it closes.
            assert data == b"", data
            self.closed_by_hq = True
            return
        try:
            self.sock.sendall(b"X-Still-Coming: yes\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.closed_by_hq = True


def trickle_until_closed(clients: list[SlowClient]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not all(c.closed_by_hq for c in clients):
        assert time.monotonic() < deadline, (
            f"{sum(not c.closed_by_hq for c in clients)} slow clients still open after "
            f"{DEADLINE_S} s"
        )
        for c in clients:
            c.trickle()
        time.sleep(0.2)  # ok-sleep: the slow clients' pace, bounded by the deadline


def assert_quiet_log(log: Path, most_lines: int) -> str:
    text = log.read_text()
    assert "Traceback" not in text, text
    lines = text.splitlines()
    assert len(lines) <= most_lines, text
    return text


def test_slow_clients_are_closed_and_a_kiosk_gets_through_meanwhile(tmp_path: Path) -> None:
    with (
        ces_hq_serve(tmp_path, "--max-connections", "20", "--header-timeout", "1") as hq,
        ExitStack() as stack,
    ):
        # More slow clients than the server takes connections, as in the incident.
        clients = [SlowClient(hq.url) for _ in range(30)]
        for c in clients:
            stack.callback(c.sock.close)
            c.trickle()
        # A kiosk that sends its request at once is served while they trickle.
        reply = hq.post()
        assert reply.status_code == 200, reply.text
        assert [r["status"] for r in reply.json()["results"]] == ["new"] * 3
        # Every slow client is closed by HQ, though each keeps sending header lines.
        trickle_until_closed(clients)
        assert hq.post().status_code == 200
    # A dozen lines say what the start did; 30 slow clients add a few, not one each.
    text = assert_quiet_log(hq.log, most_lines=22)
    assert "closed a connection that sent no complete request within 1 s" in text


def _busy_connection(url: str, token: str) -> socket.socket:
    """A request whose head is complete and whose body never comes: HQ is busy with it.

    ``Expect: 100-continue`` makes HQ say when it starts reading the body, so the test
    knows the connection is busy before it goes on."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=DEADLINE_S)
    sock.sendall(
        f"POST /api/v1/responses HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n".encode()
    )
    assert sock.recv(4096).startswith(b"HTTP/1.1 100 ")
    sock.sendall(b'{"responses": [')
    return sock


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_past_the_connection_limit_hq_answers_503_with_retry_after(tmp_path: Path) -> None:
    with (
        ces_hq_serve(
            tmp_path, "--max-connections", "20", "--header-timeout", "1", "--body-timeout", "3"
        ) as hq,
        ExitStack() as stack,
    ):
        busy = [_busy_connection(hq.url, hq.token) for _ in range(20)]
        for sock in busy:
            stack.callback(sock.close)
        reply = hq.post()
        assert reply.status_code == 503
        assert reply.headers["Retry-After"] == "5"
        assert reply.headers["Connection"] == "close"
        assert re.fullmatch(r"[0-9a-f]{32}", reply.headers["X-Request-Id"])
        assert reply.json()["error"] == "unavailable"
        # Each stalled body ends in 408, and the connection is closed.
        for sock in busy:
            head, _, body = _read_all(sock).partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408 "), head
            assert json.loads(body)["error"] == "timeout"
        # With the stalled bodies gone, the kiosk gets in again.
        assert hq.post().status_code == 200
    text = assert_quiet_log(hq.log, most_lines=40)
    assert "connection limit of 20 reached with every connection busy: answered 503" in text


def test_a_stop_does_not_wait_for_bodies_that_stall(tmp_path: Path) -> None:
    # The slow clients' sockets stay open until after HQ has stopped (SIGTERM).
    with ExitStack() as stack, ces_hq_serve(tmp_path, "--body-timeout", "600") as hq:
        for _ in range(3):
            stack.enter_context(_busy_connection(hq.url, hq.token))
        assert hq.post().status_code == 200
    # Each body still coming in is one line, no traceback.
    text = assert_quiet_log(hq.log, most_lines=20)
    assert text.count("client disconnected before the body was complete") == 3
    assert "ces-hq stopped" in text


def test_running_out_of_files_is_logged_once_per_interval_without_traceback(
    tmp_path: Path,
) -> None:
    # A limit HQ cannot keep within 128 open files, so accept() does fail with EMFILE.
    with (
        ces_hq_serve(
            tmp_path, "--max-connections", "500", "--header-timeout", "1", file_limit=128
        ) as hq,
        ExitStack() as stack,
    ):
        clients = [SlowClient(hq.url) for _ in range(300)]
        for c in clients:
            stack.callback(c.sock.close)
        trickle_until_closed(clients)
        # HQ recovers once the slow clients are gone.
        assert hq.post().status_code == 200
    text = assert_quiet_log(hq.log, most_lines=25)
    assert "is more than the open-file limit of 128 allows" in text
    emfile = [line for line in text.splitlines() if "EMFILE" in line]
    assert 1 <= len(emfile) <= 3, text
    assert emfile[0].endswith("cannot accept a connection: Too many open files (EMFILE)")


def test_serve_refuses_limits_that_make_no_sense(tmp_path: Path) -> None:
    for option, value, message in [
        ("--max-connections", "0", "must be at least 1: '0'"),
        ("--max-connections", "many", "not a whole number: 'many'"),
        ("--header-timeout", "0", "must be more than 0 and at most 3600: '0'"),
        ("--body-timeout", "soon", "not a number of seconds: 'soon'"),
    ]:
        result = ces_hq("serve", "--data-dir", str(tmp_path), option, value)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines()[-1].endswith(f"argument {option}: {message}")


def test_the_documented_defaults_are_the_defaults() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs"
    deployment = (docs / "deployment.md").read_text(encoding="utf-8")
    protocol = (docs / "protocol.md").read_text(encoding="utf-8")
    header = f"{server_settings.DEFAULT_HEADER_TIMEOUT_S:g}"
    body = f"{server_settings.DEFAULT_BODY_TIMEOUT_S:g}"
    assert f"| `--header-timeout SECONDS` | `{header}` |" in deployment
    assert f"| `--body-timeout SECONDS` | `{body}` |" in deployment
    assert f"client_header_timeout {header}s;" in deployment
    assert f"client_body_timeout {body}s;" in deployment
    assert "client_max_body_size 1m;" in deployment
    assert MAX_RESPONSES_BYTES == 1024 * 1024
    assert f"`Retry-After: {server_settings.RETRY_AFTER_S}`" in deployment
    assert f"e.g. {server_settings.default_max_connections(1024)} for 1,024" in deployment
    assert f"stopped arriving for {body} s" in protocol
    assert f"not complete within {header} s" in protocol
