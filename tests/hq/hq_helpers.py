"""Helpers for the HQ tests: valid answers and heartbeats to vary, and a client for the real
service (in a thread, or `ces-hq serve` through tests/hqserver.py)."""

from __future__ import annotations

import html
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from answers import make_answer as make_answer
from answers import make_answers as make_answers
from hqserver import wait_until_healthy
from sqlalchemy import (
    Column,
    Connection,
    Date,
    MetaData,
    SmallInteger,
    String,
    Table,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine

from hq import users
from hq.app import create_app
from hq.db.counts import COUNT_TABLES
from hq.db.database import HQDatabase, NewKiosk
from hq.db.tables import daily_answers, meta, responses
from hq.server import make_server
from hq.server_settings import ServerSettings, default_max_connections, file_limit
from hq.surveys import SurveyCatalog

PASSWORD = "correct horse battery"


# --- answers and heartbeats -------------------------------------------------------------------
# Answers: tests/answers.py's make_answer and make_answers, which HQ tests import from here.


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


@dataclass
class HQ:
    """The real service on 127.0.0.1, and the database behind it for looking inside."""

    url: str
    db: HQDatabase
    session: requests.Session = field(default_factory=requests.Session)

    def add_kiosk(self, store: str = "s042", touchpoint: str = "in_store_purchase") -> NewKiosk:
        return self.db.add_kiosk(store, touchpoint)

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


@contextmanager
def serving(
    db: HQDatabase,
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
    server = make_server(create_app(db, surveys, **app_options), settings)
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
    users.add_user(hq.db, name, password)
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


def daily_counts(db: HQDatabase) -> dict[tuple[str, ...], int]:
    """daily_answers as {key columns as text: n}."""
    with db.reading() as conn:
        rows = conn.execute(select(daily_answers)).all()
    return {tuple(str(v) for v in row[:-1]): int(row[-1]) for row in rows}


def all_counts(db: HQDatabase) -> dict[str, set[tuple[str, ...]]]:
    """Every table of counts ingest keeps (hq.db.counts)."""
    with db.reading() as conn:
        return {
            t.name: {tuple(str(v) for v in row) for row in conn.execute(select(t))}
            for t in COUNT_TABLES
        }


def daily_agrees_with_a_rebuild(db: HQDatabase) -> bool:
    """Every count ingest keeps is what counting every stored answer again makes of it."""
    kept = all_counts(db)
    db.rebuild_daily_answers()
    return kept == all_counts(db)


# The answers' indexes of schema 2 (the wide covering ones, before schema 3 added outcome,
# flags and survey_version to them), for upgrade tests.
SCHEMA_2_INDEXES = {
    "responses_store_cover": "store_id, answered_at, scale, score, factor, touchpoint, survey_id",
    "responses_time_cover": "answered_at, scale, score, factor, store_id, touchpoint, survey_id",
    "responses_touchpoint_time": "touchpoint, answered_at",
    "responses_survey_time": "survey_id, answered_at",
    "responses_comments_time": "answered_at",  # partial (comment IS NOT NULL) in fact
}


def use_schema_2_indexes(conn: Connection) -> None:
    """Replace the answers' indexes with schema 2's."""
    for index in responses.indexes:
        conn.execute(text(f"DROP INDEX {index.name}"))
    for name, columns in SCHEMA_2_INDEXES.items():
        conn.execute(text(f"CREATE INDEX {name} ON responses ({columns})"))


def has_the_current_indexes(conn: Connection) -> bool:
    """The answers have the indexes of the current schema and none of the dropped ones."""
    names = {i["name"] for i in inspect(conn).get_indexes("responses")}
    return {i.name for i in responses.indexes} <= names and not names & set(SCHEMA_2_INDEXES)


# --- reading rendered pages ---


def text_of(fragment: str) -> str:
    """The text a person reads in an HTML fragment, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def element(page: str, element_id: str) -> str:
    """The text of the element with this id."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no #{element_id} on the page"
    return text_of(found.group(2))


# --- older schemas, for upgrade tests ---

SCHEMA_2_KIOSK_COLUMNS = {
    "id",
    "store",
    "touchpoint",
    "token_hash",
    "created_at",
    "enrolled_at",
    "revoked_at",
    "last_seen_at",
    "queue_depth",
    "oldest_unsent_at",
    "app_version",
    "survey_id",
    "survey_version",
    "kiosk_time",
    "last_sync_error",
    "heartbeat_at",
}


def make_schema_2(conn: Connection) -> None:
    """Turn a current database back into schema 2's shape: no audit log, schema 2's kiosk
    columns, daily_answers without survey_version, outcome and rapid, schema 2's indexes."""
    conn.execute(text("DROP TABLE daily_answers"))
    conn.execute(text("DROP TABLE audit_log"))
    for column in inspect(conn).get_columns("kiosks"):
        if column["name"] not in SCHEMA_2_KIOSK_COLUMNS:
            conn.execute(text(f"ALTER TABLE kiosks DROP COLUMN {column['name']}"))
    Table(
        "daily_answers",
        MetaData(),
        Column("day", Date, primary_key=True),
        Column("touchpoint", String(64), primary_key=True),
        Column("survey_id", String(64), primary_key=True),
        Column("scale", String(16), primary_key=True),
        Column("score", SmallInteger, primary_key=True),
        Column("factor", String(64), primary_key=True),
        Column("n", SmallInteger, nullable=False),
    ).create(conn)
    use_schema_2_indexes(conn)
    conn.execute(meta.update().where(meta.c.key == "schema_version").values(value="2"))


# --- what statements read ---


def tables_read(db: HQDatabase, call: Callable[[], object]) -> set[str]:
    """The tables the statements ``call`` runs read from (FROM and JOIN)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return {m.lower() for sql in seen for m in re.findall(r"(?:FROM|JOIN)\s+(\w+)", sql)}


def stored_schema_version(conn: Connection) -> str:
    """The schema version a database says it has."""
    return str(
        conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one()
    )


def mark_schema_version(conn: Connection, version: int) -> None:
    """Make a database claim an older schema (after taking away what came since)."""
    conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(version)))


@dataclass(frozen=True)
class DoomedDatabase:
    """A PostgreSQL database of its own, which the test drops while HQ uses it."""

    url: str
    name: str
    admin: Engine

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
