"""Helpers for the HQ tests: valid answers to vary, and a client for the real service."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from hq import users
from hq.app import create_app
from hq.db.database import HQDatabase, NewKiosk
from hq.server import make_server
from hq.server_settings import ServerSettings, default_max_connections, file_limit
from hq.surveys import SurveyCatalog

STAMP = "2026-11-22T09:00:00.000Z"
PASSWORD = "correct horse battery"


# --- answers -------------------------------------------------------------------------------


def make_answer(**changes: Any) -> dict[str, Any]:
    """A valid answer to the in-store purchase survey (ces7), with a fresh id."""
    answer: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "seq": 1,
        "survey_id": "in_store_purchase",
        "survey_version": 1,
        "locale": "nl",
        "scale": "ces7",
        "score": 6,
        "factor": "service",
        "comment": None,
        "outcome": "completed",
        "flags": [],
        "started_at": STAMP,
        "answered_at": "2026-11-22T09:00:03.000Z",
        "finished_at": "2026-11-22T09:00:05.000Z",
    }
    answer.update(changes)
    return answer


def make_heartbeat(**changes: Any) -> dict[str, Any]:
    """A valid heartbeat body as the kiosk sends it; keyword arguments change fields."""
    return {
        "queue_depth": 3,
        "oldest_unsent_at": "2026-11-22T09:00:00.000Z",
        "app_version": "0.1.0",
        "survey_id": "in_store_purchase",
        "survey_version": 1,
        "kiosk_time": "2026-11-22T09:05:00.000Z",
        "last_sync_error": None,
        **changes,
    }


def make_answers(n: int, **changes: Any) -> list[dict[str, Any]]:
    return [make_answer(seq=i + 1, **changes) for i in range(n)]


@dataclass
class HQ:
    """The real service on 127.0.0.1, and the store behind it for looking inside."""

    url: str
    store: HQDatabase
    session: requests.Session = field(default_factory=requests.Session)

    def add_kiosk(self, store: str = "s042", touchpoint: str = "in_store_purchase") -> NewKiosk:
        return self.store.add_kiosk(store, touchpoint)

    def enrol(self, code: str) -> requests.Response:
        return self.session.post(f"{self.url}/api/v1/enroll", json={"code": code}, timeout=30)

    def kiosk(self, store: str = "s042", touchpoint: str = "in_store_purchase") -> tuple[str, str]:
        """A new, enrolled kiosk: (kiosk id, token)."""
        reply = self.enrol(self.add_kiosk(store, touchpoint).code)
        assert reply.status_code == 200, reply.text
        body = reply.json()
        return body["kiosk_id"], body["token"]

    def post(
        self, path: str, token: str | None, body: Any = None, **kwargs: Any
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            kwargs["json"] = body
        return self.session.post(f"{self.url}{path}", headers=headers, timeout=60, **kwargs)

    def send(self, token: str | None, answers: list[Any], **kwargs: Any) -> requests.Response:
        return self.post("/api/v1/responses", token, {"responses": answers}, **kwargs)

    def send_raw(self, token: str | None, data: Any, **kwargs: Any) -> requests.Response:
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        return self.post("/api/v1/responses", token, data=data, headers=headers, **kwargs)

    def results(self, token: str, answers: list[Any]) -> list[dict[str, Any]]:
        results = self.results_of(self.send(token, answers))
        assert len(results) == len(answers)
        return results

    @staticmethod
    def results_of(reply: requests.Response) -> list[dict[str, Any]]:
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"] == "application/json"
        results: list[dict[str, Any]] = reply.json()["results"]
        return results

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.get(f"{self.url}{path}", headers=headers, timeout=30, **kwargs)


def stop(proc: subprocess.Popen[str]) -> None:
    """End a `ces-hq serve` process the way systemd does: SIGTERM, then SIGKILL after 30 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def wait_until_healthy(url: str, alive: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if not alive():
            raise RuntimeError(f"HQ at {url} stopped before it answered")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"HQ at {url} did not answer /healthz within {timeout} s")
        time.sleep(0.02)  # ok-sleep: polling a server that is starting, with a deadline


@contextmanager
def serving(
    store: HQDatabase,
    surveys: SurveyCatalog,
    *,
    settings: ServerSettings | None = None,
    **app_options: Any,
) -> Iterator[str]:
    """The app on a uvicorn server in a thread, on a free loopback port; yields its URL.

    The server is made as `ces-hq serve` makes it (hq.server), with ``settings`` (by
    default its own: timeouts and a connection limit below the open-file limit).
    ``app_options`` go to create_app (e.g. ``limits``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    if settings is None:
        settings = ServerSettings(max_connections=default_max_connections(file_limit()))
    server = make_server(create_app(store, surveys, **app_options), settings)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, thread.is_alive)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


# --- the dashboard, signed in -----------------------------------------------------------------


def log_in(hq: HQ, name: str = "anna", password: str = PASSWORD) -> requests.Session:
    users.add_user(hq.db.database, name, password)
    session = requests.Session()
    reply = session.post(
        f"{hq.url}/login",
        data={"user": name, "password": password, "next": "/"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303, reply.text
    return session


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "no CSRF field on the page"
    return match.group(1)


# --- raw HTTP ------------------------------------------------------------------------------


def raw_connection(url: str) -> socket.socket:
    """A plain socket to HQ, for requests requests cannot send (cut-off bodies, keep-alive)."""
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=30)


def read_raw_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        assert chunk, "connection closed in the middle of a response body"
        body += chunk
    return int(status_line.split()[1]), headers, body
