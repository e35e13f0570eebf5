"""A fault-injecting HTTP proxy on 127.0.0.1, between the kiosk and the real HQ.

Faults are planned per request: ``proxy.plan(status(503), forward_then_drop())`` makes the
next request to a faulted path (by default ``/api/v1/responses``) answer 503 without
reaching HQ, and the one after that reach HQ and then lose its answer. Once the plans are
used up, requests pass through unchanged. Every request is recorded (path, X-Request-Id,
the answer ids in its body, the fault applied, HQ's status and result statuses, and when
it arrived and was answered on the monotonic clock) so tests can check what the kiosk
did, not just what it ended up with.

Everything is bounded: bodies have a size limit, sockets have timeouts, a hang ends at
its planned length or when the proxy stops, whichever comes first, and ``stop()`` closes
every connection it still holds.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

MAX_BODY = 8 * 2**20
UPSTREAM_TIMEOUT_S = 30.0
# How long an idle kept-alive connection from the client is held open.
IDLE_CONNECTION_S = 15.0
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "host",
    }
)


@dataclass(frozen=True)
class Fault:
    """What the proxy does with one request."""

    kind: str
    code: int = 0
    retry_after: str | None = None
    seconds: float = 0.0

    def __str__(self) -> str:
        if self.kind == "status":
            extra = f", retry_after={self.retry_after}" if self.retry_after is not None else ""
            return f"status({self.code}{extra})"
        if self.kind in ("forward_then_hang", "slow"):
            return f"{self.kind}({self.seconds:g})"
        return self.kind


PASS = Fault("pass")


def status(code: int, retry_after: float | str | None = None) -> Fault:
    """Answer ``code`` without forwarding (HQ never sees the request)."""
    if not 100 <= code <= 599:
        raise ValueError(f"not an HTTP status: {code}")
    shown = None
    if retry_after is not None:
        shown = retry_after if isinstance(retry_after, str) else f"{retry_after:g}"
    return Fault("status", code=code, retry_after=shown)


def forward_then_drop() -> Fault:
    """HQ gets the request and commits; the client's connection is closed unanswered."""
    return Fault("forward_then_drop")


def forward_then_hang(seconds: float) -> Fault:
    """HQ gets the request; the client hears nothing for ``seconds``, then the connection closes."""
    return Fault("forward_then_hang", seconds=seconds)


def cut_mid_body() -> Fault:
    """Read part of the request body, then close the connection; HQ never sees it."""
    return Fault("cut_mid_body")


def garbage_200() -> Fault:
    """HQ gets the request; the client gets a 200 whose body is not JSON."""
    return Fault("garbage_200")


def missing_results_200() -> Fault:
    """HQ gets the request; the client gets HQ's 200 with the last result left out."""
    return Fault("missing_results_200")


def slow(seconds: float) -> Fault:
    """Wait ``seconds`` before forwarding (a slow network or a busy HQ)."""
    return Fault("slow", seconds=seconds)


def passthrough() -> Fault:
    """Forward unchanged (a gap in a plan)."""
    return PASS


@dataclass
class Seen:
    """One request as the proxy saw it."""

    method: str
    path: str
    request_id: str | None
    fault: Fault
    received_at: float
    answer_ids: tuple[str, ...] = ()
    forwarded: bool = False
    upstream_status: int | None = None
    # HQ's per-answer statuses ("new", "duplicate", "rejected"), if it answered with them.
    upstream_results: tuple[str, ...] = ()
    # What the client was sent: a status, or None when the connection was closed unanswered.
    answered_status: int | None = None
    done_at: float | None = None


def _answer_ids(body: bytes) -> tuple[str, ...]:
    try:
        answers = json.loads(body)["responses"]
        return tuple(str(a.get("id")) for a in answers if isinstance(a, dict))
    except (ValueError, KeyError, TypeError, AttributeError):
        return ()


def _result_statuses(body: bytes) -> tuple[str, ...]:
    try:
        results = json.loads(body)["results"]
        return tuple(str(r.get("status")) for r in results if isinstance(r, dict))
    except (ValueError, KeyError, TypeError, AttributeError):
        return ()


class _Dropped(Exception):
    """The connection to the client is to be closed without an answer."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: FaultProxy


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_CONNECTION_S
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.proxy._track(self.connection)

    def finish(self) -> None:
        with suppress(OSError):
            super().finish()
        self.server.proxy._untrack(self.connection)

    def do_GET(self) -> None:
        self.server.proxy._handle(self)

    def do_POST(self) -> None:
        self.server.proxy._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        faulted_paths: tuple[str, ...] = ("/api/v1/responses",),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or parts.port is None:
            raise ValueError(f"upstream must be http://host:port, not {upstream!r}")
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port
        self.faulted_paths = faulted_paths
        self._clock = clock
        self._plans: deque[Fault] = deque()
        self._seen: list[Seen] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life --------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="faultproxy",
            # A test that fails before stop() must not keep the interpreter from exiting.
            daemon=True,
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the proxy first"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving, end any hang, and close every connection still open."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout)
        deadline = self._clock() + timeout
        with self._changed:
            # Each round also catches a connection whose handler started after the last.
            while self._connections and self._clock() < deadline:
                for conn in self._connections:
                    with suppress(OSError):
                        conn.shutdown(socket.SHUT_RDWR)
                self._changed.wait(0.05)
            if self._connections:
                raise RuntimeError(f"{len(self._connections)} proxy connections did not close")

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- plans and records -------------------------------------------------------------

    def plan(self, *faults: Fault) -> None:
        """Queue faults for the next requests to a faulted path, in order."""
        with self._lock:
            self._plans.extend(faults)

    def planned(self) -> int:
        """Faults not used yet."""
        with self._lock:
            return len(self._plans)

    @property
    def seen(self) -> list[Seen]:
        """Every request so far, finished or not (a copy)."""
        with self._lock:
            return list(self._seen)

    def seen_on(self, path: str = "/api/v1/responses") -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def wait_for(self, condition: Callable[[list[Seen]], bool], timeout: float) -> list[Seen]:
        """Wait until ``condition(seen)`` holds; raise TimeoutError after ``timeout``."""
        deadline = self._clock() + timeout
        with self._changed:
            while not condition(list(self._seen)):
                left = deadline - self._clock()
                if left <= 0:
                    raise TimeoutError(
                        "proxy condition not met; seen: "
                        + ", ".join(
                            f"{s.path} {s.fault} -> {s.answered_status}" for s in self._seen
                        )
                    )
                self._changed.wait(min(left, 0.1))
            return list(self._seen)

    def _track(self, conn: socket.socket) -> None:
        with self._changed:
            self._connections.add(conn)
            self._changed.notify_all()
        if self._stopping.is_set():
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def _untrack(self, conn: socket.socket) -> None:
        with self._changed:
            self._connections.discard(conn)
            self._changed.notify_all()

    def _record(self, seen: Seen) -> None:
        with self._changed:
            self._seen.append(seen)
            self._changed.notify_all()

    def _done(self, seen: Seen, answered: int | None) -> None:
        with self._changed:
            seen.answered_status = answered
            seen.done_at = self._clock()
            self._changed.notify_all()

    def _next_fault(self, path: str) -> Fault:
        with self._lock:
            if path in self.faulted_paths and self._plans:
                return self._plans.popleft()
            return PASS

    # -- one request -------------------------------------------------------------------

    def _handle(self, handler: _Handler) -> None:
        path = urlsplit(handler.path).path
        fault = self._next_fault(path)
        seen = Seen(
            method=handler.command,
            path=path,
            request_id=handler.headers.get("X-Request-Id"),
            fault=fault,
            received_at=self._clock(),
        )
        self._record(seen)
        try:
            self._apply(handler, fault, seen)
        except (_Dropped, OSError):
            handler.close_connection = True
            self._done(seen, None)

    def _apply(self, handler: _Handler, fault: Fault, seen: Seen) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        if length > MAX_BODY or length < 0:
            self._reply(handler, seen, 413, {}, b'{"error":"too_large","message":"proxy limit"}')
            handler.close_connection = True
            return
        if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
            # The kiosk sends a Content-Length; anything else is refused rather than guessed.
            self._reply(handler, seen, 411, {}, b'{"error":"length_required","message":"proxy"}')
            handler.close_connection = True
            return
        if fault.kind == "cut_mid_body":
            handler.rfile.read(length // 2)
            raise _Dropped
        body = handler.rfile.read(length) if length else b""
        seen.answer_ids = _answer_ids(body)
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            headers["Content-Type"] = "application/json"
            message = {"error": "injected", "message": f"fault proxy: {fault}"}
            self._reply(handler, seen, fault.code, headers, json.dumps(message).encode())
            return
        if fault.kind == "slow" and self._stopping.wait(fault.seconds):
            raise _Dropped
        up_status, up_headers, up_body = self._forward(handler, body, seen)
        if fault.kind == "forward_then_drop":
            raise _Dropped
        if fault.kind == "forward_then_hang":
            self._stopping.wait(fault.seconds)
            raise _Dropped
        if fault.kind == "garbage_200":
            self._reply(
                handler, seen, 200, {"Content-Type": "application/json"}, b"<html>502 oops</html"
            )
            return
        if fault.kind == "missing_results_200":
            document = json.loads(up_body)
            document["results"] = document["results"][:-1]
            self._reply(
                handler,
                seen,
                200,
                {"Content-Type": "application/json"},
                json.dumps(document).encode(),
            )
            return
        self._reply(handler, seen, up_status, up_headers, up_body)

    def _forward(
        self, handler: _Handler, body: bytes, seen: Seen
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Host"] = f"{self.upstream_host}:{self.upstream_port}"
        headers["Content-Length"] = str(len(body))
        conn = http.client.HTTPConnection(
            self.upstream_host, self.upstream_port, timeout=UPSTREAM_TIMEOUT_S
        )
        try:
            conn.request(handler.command, handler.path, body=body or None, headers=headers)
            response = conn.getresponse()
            up_body = response.read()
            up_headers = {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
            seen.forwarded = True
            seen.upstream_status = response.status
            seen.upstream_results = _result_statuses(up_body)
            return response.status, up_headers, up_body
        finally:
            conn.close()

    def _reply(
        self, handler: _Handler, seen: Seen, code: int, headers: dict[str, str], body: bytes
    ) -> None:
        handler.send_response_only(code)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        if handler.close_connection:
            handler.send_header("Connection", "close")
        handler.end_headers()
        # Recorded before the client can have it, so a test that saw the answer sees this.
        self._done(seen, code)
        handler.wfile.write(body)
        handler.wfile.flush()
