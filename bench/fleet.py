"""A thousand kiosks against HQ (issue 17): enrolment, heartbeats, config and batches as the
real sync worker sends them, while an analyst reads the dashboard; every answer checked.

HQ is `ces-hq serve --workers N` on a fresh PostgreSQL database (dropped after) or on SQLite.
The kiosks are light: each is the kiosk's own `sync.client.HQClient` (one requests.Session,
the real request bodies, timeouts and result checks) on a loopback address of its own
(127.1.x.y, as kiosks in many stores have), driven by a few threads from one schedule. Each
kiosk does what `sync.worker.SyncWorker` does:

- enrols once with a one-time code (made in bulk straight in HQ's database, as `ces-hq kiosk
  add` makes them), spread over --ramp seconds;
- shoppers answer at random (exponential gaps, mean --answer-every seconds), and the worker
  sends what is queued at once, up to 500 answers a batch, each batch with its own
  X-Request-Id kept across retries; mostly batches of one;
- when its queue is empty: a heartbeat every 60 s and a config poll every 300 s (with
  If-None-Match), checked every 30 s;
- --offline-share of the kiosks come back from a day offline during the first half of the
  run, with --backlog answers (a range) queued over the last 24 hours, and send them back
  to back in batches of 500;
- 5xx, 408, 429, timeouts and connection errors are retried with the worker's own backoff
  (sync.backoff: full jitter, Retry-After as a floor). A 429 or 503 with Retry-After is
  counted as a retry; anything else that is not a success is an error.

Meanwhile an admin, logged in, fetches a few dashboard pages every --dashboard-every
seconds and times them. After --seconds, shoppers stop, every kiosk sends what it still has
(at most --drain-timeout seconds), and the database is read: every acknowledged answer
must be there exactly once, from the kiosk that sent it, and nothing that was not sent.

Prints a JSON summary (also to --out FILE); exits 1 if anything errored, was lost, stored
twice or stored unsent. Timing goals (p99 batch < 500 ms, dashboard < 300 ms) are reported,
never enforced. The bench's own CPU is measured and reported: on a 2-core machine it shares
the cores with HQ and PostgreSQL.

    .venv/bin/python bench/fleet.py   # --kiosks 1000 --workers 2 --seconds 300
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
import os
import platform
import random
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import requests
from from_tests import HQService, make_answer
from hq_ingest import DEFAULT_PG, drop_pg_database, fresh_pg_database
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, func, select

from ces import __version__
from ces.answer import COMPLETED, RAPID_FLAG, TIMEOUT
from ces.locales import SUPPORTED_LOCALES
from ces.timestamps import iso_utc, utc_now
from hq import storeinfo, users
from hq.db.database import HQDatabase, sqlite_url
from hq.db.tables import responses
from sync.backoff import Backoff
from sync.client import HQClient, HQError, NotAuthorisedError, RefusedError, RetryableError
from sync.worker import BATCH_SIZE, CONFIG_POLL_S, HEARTBEAT_S, IDLE_WAKE_S

TOUCHPOINT = "in_store_purchase"
SURVEY = ("in_store_purchase", 1)
KIOSKS_PER_STORE = 4
REGIONS = ("north", "south", "east", "west")
USER, PASSWORD = "fleet-analyst", "fleet-analyst-password"
PAGES = ("/", "/fleet", "/trend", "/compare", "/comments")
FACTORS = ("price", "ease", "service", "reputation", None)
COMMENT = "De kassa was snel en de medewerker vriendelijk."
SMALL_BATCH = 10  # answers; a batch of at most this many is a live kiosk's
_SERVER_TIMING = re.compile(r"\bapp;dur=([0-9.]+)")


def kiosk_address(index: int) -> str:
    return f"127.1.{index // 250}.{index % 250 + 1}"


class _FromAddress(HTTPAdapter):
    """No retries (as HQClient's own adapter), from one loopback address."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


def shopper_answer(seq: int, at: datetime) -> dict[str, Any]:
    return make_answer(
        at=at,
        seq=seq,
        locale=SUPPORTED_LOCALES[seq % len(SUPPORTED_LOCALES)],
        score=1 + seq % 7,
        factor=FACTORS[seq % 5],
        comment=COMMENT if seq % 4 == 0 else None,
        outcome=COMPLETED if seq % 10 else TIMEOUT,
        flags=[RAPID_FLAG] if seq % 50 == 0 else [],
    )


class Stats:
    """What every kiosk and the analyst saw; one lock, taken briefly."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ms: dict[str, list[float]] = {
            k: [] for k in ("enrol", "heartbeat", "config", "batch_small", "batch_large")
        }
        self.outcomes: Counter[str] = Counter()
        self.retries: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.error_idle_s: list[float] = []
        self.results: Counter[str] = Counter()
        self.rejected_reasons: Counter[str] = Counter()
        self.sent: dict[str, int] = {}  # answer id -> kiosk index
        self.acknowledged: set[str] = set()
        self.made = 0
        self.lag_ms: list[float] = []
        # phase ("load", "quiet") -> page -> (wall ms, server ms, bytes)
        self.pages: dict[str, dict[str, list[tuple[float, float, int]]]] = {
            phase: {p: [] for p in PAGES} for phase in ("load", "quiet")
        }
        self.page_errors: Counter[str] = Counter()
        self.load_average: list[float] = []

    def timing(self, kind: str, ms: float) -> None:
        with self.lock:
            self.ms[kind].append(ms)
            self.outcomes[f"{kind}: ok"] += 1

    def failure(self, kind: str, exc: HQError, idle_s: float) -> bool:
        """Count a failed call; True if it is the expected kind (429/503 with Retry-After).
        ``idle_s``: how long the kiosk's connection had been idle before it (a reset just
        as HQ's keep-alive timeout closes it is a race, not an overload)."""
        status = getattr(exc, "status", None)
        expected = (
            isinstance(exc, RetryableError)
            and status in (429, 503)
            and exc.retry_after_s is not None
        )
        with self.lock:
            if expected:
                self.retries[f"{kind}: {status}"] += 1
            else:
                cause = exc.__cause__
                why = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
                self.errors[f"{kind}: {status or type(exc).__name__}: {exc}{why}"[:300]] += 1
                self.error_idle_s.append(round(idle_s, 2))
        return expected


@dataclass
class Kiosk:
    index: int
    code: str
    enrol_at: float
    back_at: float  # 0: online throughout; else when it comes back from a day offline
    backlog: int  # answers queued before the run (offline kiosks only)
    rng: random.Random
    client: HQClient | None = None
    seq: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    queue: list[dict[str, Any]] = field(default_factory=list)
    inflight: list[dict[str, Any]] = field(default_factory=list)
    request_id: str = ""
    next_shopper: float = 0.0
    last_heartbeat: float = -math.inf
    last_config: float = -math.inf
    etag: str | None = None
    last_error: str | None = None
    last_call_end: float = 0.0  # perf_counter when its previous request ended
    backoff: Backoff = field(default_factory=Backoff)
    backlog_sent: int = 0


class Fleet:
    def __init__(self, args: argparse.Namespace, url: str, codes: list[str]) -> None:
        self.args = args
        self.url = url
        self.stats = Stats()
        self.t0 = time.monotonic()
        self.wall0 = datetime.now(UTC)
        self.backlog_start = self.wall0 - timedelta(days=1)
        self.shopping = True
        rng = random.Random(args.seed)
        offline = set(rng.sample(range(len(codes)), round(len(codes) * args.offline_share)))
        low, high = args.backlog
        back_window = (args.ramp, args.ramp + (args.seconds - args.ramp) / 2)
        self.kiosks = []
        for i, code in enumerate(codes):
            k = Kiosk(
                index=i,
                code=code,
                enrol_at=rng.uniform(0, args.ramp),
                back_at=rng.uniform(*back_window) if i in offline else 0.0,
                backlog=rng.randint(low, high) if i in offline else 0,
                rng=random.Random(rng.random()),
            )
            k.next_shopper = k.enrol_at + k.rng.expovariate(1 / args.answer_every)
            self.kiosks.append(k)
        self.heap = [(k.enrol_at, k.index) for k in self.kiosks]
        heapq.heapify(self.heap)
        self.active = len(self.kiosks)
        self.cond = threading.Condition()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def wall(self, at: float) -> datetime:
        return self.wall0 + timedelta(seconds=at)

    # -- the schedule --------------------------------------------------------------------

    def run_thread(self) -> None:
        while True:
            with self.cond:
                while True:
                    if self.active == 0:
                        return
                    if self.heap:
                        wait = self.heap[0][0] - self.now()
                        if wait <= 0:
                            due, index = heapq.heappop(self.heap)
                            break
                        self.cond.wait(wait)
                    else:
                        self.cond.wait()
            late = self.now() - due
            kiosk = self.kiosks[index]
            try:
                next_at = self.step(kiosk)
            except Exception as exc:  # the bench must not lose a kiosk silently
                with self.stats.lock:
                    self.stats.errors[f"bench: {type(exc).__name__}: {exc}"[:200]] += 1
                next_at = None
            with self.cond:
                self.stats.lag_ms.append(late * 1000)
                if next_at is None:
                    self.active -= 1
                    self.cond.notify_all()
                else:
                    heapq.heappush(self.heap, (next_at, index))
                    self.cond.notify()

    def stop_shopping(self) -> None:
        """No more shoppers; kiosks still offline come back now, to send what they have.
        One waiting to retry a batch keeps its time (Retry-After is honoured)."""
        with self.cond:
            self.shopping = False
            now = self.now()
            self.heap = [
                (due if self.kiosks[i].inflight else min(due, now), i) for due, i in self.heap
            ]
            heapq.heapify(self.heap)
            self.cond.notify_all()

    # -- one kiosk -----------------------------------------------------------------------

    def step(self, k: Kiosk) -> float | None:
        """One turn of kiosk ``k``'s sync worker; when it next wakes (None: done)."""
        now = self.now()
        if k.client is None:
            return self.enrol(k, now)
        self.shop(k, now)
        if k.back_at and now < k.back_at and self.shopping:
            return k.back_at
        k.back_at = 0.0
        if not k.inflight:
            k.inflight = self.sendable(k)
            k.request_id = str(uuid.uuid4())
        if k.inflight:
            return self.send(k, now)
        if not self.shopping:
            return None
        self.housekeeping(k, now)
        return min(k.next_shopper, now + IDLE_WAKE_S)

    def enrol(self, k: Kiosk, now: float) -> float | None:
        client = HQClient(self.url, timeout=(5.0, 30.0))
        client.session.mount("http://", _FromAddress(kiosk_address(k.index)))
        started = time.perf_counter()
        try:
            enrolment = client.enroll(k.code)
        except HQError as exc:
            client.close()
            self.stats.failure("enrol", exc, 0.0)
            if isinstance(exc, NotAuthorisedError | RefusedError):
                return None  # a code that does not work never will; counted as an error
            return now + k.backoff.next_delay(getattr(exc, "retry_after_s", None))
        k.last_call_end = time.perf_counter()
        self.stats.timing("enrol", (k.last_call_end - started) * 1000)
        k.backoff.reset()
        client.token = enrolment.token
        k.client = client
        return now

    def shop(self, k: Kiosk, now: float) -> None:
        made = 0
        while self.shopping and k.next_shopper <= now:
            k.queue.append(shopper_answer(next(k.seq), self.wall(k.next_shopper)))
            k.next_shopper += k.rng.expovariate(1 / self.args.answer_every)
            made += 1
        if made:
            with self.stats.lock:
                self.stats.made += made

    def sendable(self, k: Kiosk) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        if k.backlog_sent < k.backlog:
            # The day offline: answers every 24 h / backlog, oldest first, made as sent.
            start = self.backlog_start
            step = timedelta(days=1) / k.backlog
            take = min(BATCH_SIZE, k.backlog - k.backlog_sent)
            for i in range(k.backlog_sent, k.backlog_sent + take):
                batch.append(shopper_answer(next(k.seq), start + step * i))
            k.backlog_sent += take
            with self.stats.lock:
                self.stats.made += take
        room = BATCH_SIZE - len(batch)
        batch.extend(k.queue[:room])
        del k.queue[:room]
        return batch

    def send(self, k: Kiosk, now: float) -> float | None:
        assert k.client is not None
        kind = "batch_small" if len(k.inflight) <= SMALL_BATCH else "batch_large"
        with self.stats.lock:
            for a in k.inflight:
                self.stats.sent[a["id"]] = k.index
        started = time.perf_counter()
        try:
            results = k.client.send_answers(k.inflight, k.request_id)
        except HQError as exc:
            self.stats.failure(kind, exc, started - k.last_call_end)
            k.last_call_end = time.perf_counter()
            k.last_error = str(exc)
            if isinstance(exc, NotAuthorisedError):
                return None  # the real worker stops syncing too; counted as an error
            if isinstance(exc, RefusedError):
                k.request_id = str(uuid.uuid4())
            return now + k.backoff.next_delay(getattr(exc, "retry_after_s", None))
        k.last_call_end = time.perf_counter()
        self.stats.timing(kind, (k.last_call_end - started) * 1000)
        with self.stats.lock:
            for r in results:
                self.stats.results[r.status] += 1
                if r.status in ("new", "duplicate"):
                    self.stats.acknowledged.add(r.id)
                else:
                    self.stats.rejected_reasons[(r.error or "")[:120]] += 1
        k.backoff.reset()
        k.inflight = []
        k.last_error = None
        return now  # as the worker: straight on to the next batch, or housekeeping

    def housekeeping(self, k: Kiosk, now: float) -> None:
        assert k.client is not None
        if now - k.last_config >= CONFIG_POLL_S:
            k.last_config = now
            started = time.perf_counter()
            try:
                body, etag = k.client.config(k.etag)
                self.stats.timing("config", (time.perf_counter() - started) * 1000)
                if body is not None:
                    k.etag = etag
            except HQError as exc:
                self.stats.failure("config", exc, started - k.last_call_end)
            k.last_call_end = time.perf_counter()
        if now - k.last_heartbeat >= HEARTBEAT_S:
            k.last_heartbeat = now
            pending = len(k.queue) + len(k.inflight) + k.backlog - k.backlog_sent
            oldest = k.queue[0]["finished_at"] if k.queue else None
            if k.backlog_sent < k.backlog:
                oldest = iso_utc(
                    self.backlog_start + timedelta(days=1) / k.backlog * k.backlog_sent
                )
            beat = {
                "queue_depth": pending,
                "oldest_unsent_at": oldest,
                "app_version": __version__,
                "survey_id": SURVEY[0],
                "survey_version": SURVEY[1],
                "kiosk_time": utc_now(),
                "last_sync_error": k.last_error,
            }
            started = time.perf_counter()
            try:
                k.client.heartbeat(beat)
                self.stats.timing("heartbeat", (time.perf_counter() - started) * 1000)
            except HQError as exc:
                self.stats.failure("heartbeat", exc, started - k.last_call_end)
            k.last_call_end = time.perf_counter()

    def unsent(self) -> int:
        return sum(len(k.queue) + len(k.inflight) + k.backlog - k.backlog_sent for k in self.kiosks)


# -- the analyst -------------------------------------------------------------------------


def log_in(url: str, stats: Stats) -> requests.Session | None:
    session = requests.Session()
    reply = session.post(
        f"{url}/login",
        data={"user": USER, "password": PASSWORD, "next": "/"},
        allow_redirects=False,
        timeout=60,
    )
    if reply.status_code == 303:
        return session
    with stats.lock:
        stats.page_errors[f"login: HTTP {reply.status_code}"] += 1
    session.close()
    return None


def read_pages(
    session: requests.Session,
    url: str,
    stats: Stats,
    phase: str,
    every: float,
    stop: threading.Event,
    rounds: float = math.inf,
) -> None:
    """Every page in turn, a round every ``every`` seconds, until ``stop`` or ``rounds``."""
    done = 0
    while not stop.is_set() and done < rounds:
        round_started = time.monotonic()
        for page in PAGES:
            started = time.perf_counter()
            try:
                reply = session.get(url + page, timeout=60, allow_redirects=False)
            except requests.RequestException as exc:
                with stats.lock:
                    stats.page_errors[f"{page}: {type(exc).__name__}"] += 1
                continue
            wall = (time.perf_counter() - started) * 1000
            found = _SERVER_TIMING.search(reply.headers.get("Server-Timing", ""))
            server = float(found.group(1)) if found else math.nan
            with stats.lock:
                if reply.status_code != 200:
                    stats.page_errors[f"{page}: HTTP {reply.status_code}"] += 1
                else:
                    stats.pages[phase][page].append((wall, server, len(reply.content)))
        done += 1
        with stats.lock:
            stats.load_average.append(os.getloadavg()[0])
        stop.wait(max(0.0, every - (time.monotonic() - round_started)))


def analyst(url: str, stats: Stats, every: float, stop: threading.Event) -> None:
    session = log_in(url, stats)
    if session is not None:
        read_pages(session, url, stats, "load", every, stop)
        session.close()


# -- set-up, verification, summary -------------------------------------------------------


def make_codes(database_url: str, kiosks: int) -> list[str]:
    """Stores, one enrolment code per kiosk (in HQ's database, as `ces-hq kiosk add`) and
    the analyst."""
    db = HQDatabase.open(database_url)
    try:
        stores = [f"s{i + 1:04d}" for i in range(math.ceil(kiosks / KIOSKS_PER_STORE))]
        for i, store in enumerate(stores):
            storeinfo.set_store(db, store, name=f"Winkel {i + 1}", region=REGIONS[i % 4])
        codes = [
            db.add_kiosk(stores[i // KIOSKS_PER_STORE], TOUCHPOINT).code for i in range(kiosks)
        ]
        users.add_user(db, USER, PASSWORD)
        return codes
    finally:
        db.close()


def verify(database_url: str, stats: Stats) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows, distinct = conn.execute(
                select(func.count(), func.count(func.distinct(responses.c.id)))
            ).one()
            stored = {
                str(r.id): str(r.kiosk_id)
                for r in conn.execute(select(responses.c.id, responses.c.kiosk_id))
            }
    finally:
        engine.dispose()
    return {
        "stored": len(stored),
        "lost": len(stats.acknowledged - stored.keys()),
        "duplicated_rows": int(rows) - int(distinct),
        "stored_not_sent": len(stored.keys() - stats.sent.keys()),
        "kiosk_ids_stored": len(set(stored.values())),
    }


def spread(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def q(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, math.ceil(p * len(ordered)) - 1)], 1)

    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 1),
        "p95": q(0.95),
        "p99": q(0.99),
        "max": round(ordered[-1], 1),
    }


def tree_cpu(root: psutil.Process | None) -> float:
    """CPU seconds of ``root`` and every process under it, those ended and reaped
    included (PostgreSQL's back ends come and go)."""
    if root is None:
        return 0.0
    total = 0.0
    try:
        t = root.cpu_times()
        total += t.user + t.system + t.children_user + t.children_system
        children = root.children(recursive=True)
    except psutil.Error:
        return total
    for child in children:
        try:
            t = child.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def postmaster() -> psutil.Process | None:
    for p in psutil.process_iter(["name"]):
        try:
            if p.info["name"] == "postgres" and p.parent().name() != "postgres":
                return p
        except (psutil.Error, AttributeError):
            continue
    return None


def serve_options(workers: int) -> list[str]:
    return ["--workers", str(workers)] if workers > 1 else []


def run(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        HQService(
            Path(tmp), database_url, options=serve_options(args.workers), log_path=args.log
        ) as hq,
    ):
        set_up_started = time.monotonic()
        codes = make_codes(database_url, args.kiosks)
        set_up_s = time.monotonic() - set_up_started
        assert hq.process is not None
        server = psutil.Process(hq.process.pid)
        pg = postmaster() if database_url.startswith("postgresql") else None
        me = resource.getrusage(resource.RUSAGE_SELF)
        hq_cpu, pg_cpu = tree_cpu(server), tree_cpu(pg)
        fleet = Fleet(args, hq.url, codes)
        stop_pages = threading.Event()
        page_thread = threading.Thread(
            target=analyst, args=(hq.url, fleet.stats, args.dashboard_every, stop_pages)
        )
        threads = [threading.Thread(target=fleet.run_thread) for _ in range(args.threads)]
        for t in [page_thread, *threads]:
            t.start()
        time.sleep(max(0.0, args.seconds - fleet.now()))  # ok-sleep: the run's length
        stop_pages.set()
        fleet.stop_shopping()
        drain_started = fleet.now()
        deadline = time.monotonic() + args.drain_timeout
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        drained = not any(t.is_alive() for t in threads)
        drain_s = fleet.now() - drain_started
        page_thread.join(60)
        wall = fleet.now()
        after = resource.getrusage(resource.RUSAGE_SELF)
        hq_cpu = tree_cpu(server) - hq_cpu
        pg_cpu = tree_cpu(pg) - pg_cpu
        bench_cpu = (after.ru_utime + after.ru_stime) - (me.ru_utime + me.ru_stime)
        if not drained:
            with fleet.cond:
                fleet.active = 0
                fleet.cond.notify_all()
            for t in threads:
                t.join(60)
        # The same pages with the kiosks quiet: what the pages cost without the load.
        session = log_in(hq.url, fleet.stats)
        if session is not None:
            read_pages(
                session, hq.url, fleet.stats, "quiet", 0.5, threading.Event(), args.quiet_rounds
            )
            session.close()
        hq_stderr = hq.stderr()
    s = fleet.stats
    checked = verify(database_url, s)
    batches = s.ms["batch_small"] + s.ms["batch_large"]
    all_pages = [w for times in s.pages["load"].values() for w, _, _ in times]
    errors = sum(s.errors.values())
    summary: dict[str, Any] = {
        "machine": {
            "host": platform.node(),
            "cores": os.cpu_count(),
            "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "load_1min_at_end": round(os.getloadavg()[0], 2),
        },
        "date": utc_now(),
        "command": " ".join(sys.argv),
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "hq_workers": args.workers,
        "kiosks": args.kiosks,
        "offline_kiosks": sum(1 for k in fleet.kiosks if k.backlog),
        "seconds": args.seconds,
        "set_up_s": round(set_up_s, 1),
        "drain_s": round(drain_s, 1),
        "drained": drained,
        "answers": {
            "made": s.made,
            "sent": len(s.sent),
            "acknowledged": len(s.acknowledged),
            "new": s.results["new"],
            "duplicate": s.results["duplicate"],
            "rejected": s.results["rejected"],
            "unsent_at_end": fleet.unsent(),
            **checked,
        },
        "rejected_reasons": dict(s.rejected_reasons.most_common(5)),
        "requests_ok": dict(sorted(s.outcomes.items())),
        "retries_429_503": dict(s.retries),
        "errors": errors,
        "error_kinds": dict(s.errors.most_common(10)),
        "errors_after_idle_s": sorted(s.error_idle_s)[:50],
        "ms": {
            "batch": spread(batches),
            "batch_small": spread(s.ms["batch_small"]),
            "batch_large": spread(s.ms["batch_large"]),
            "enrol": spread(s.ms["enrol"]),
            "heartbeat": spread(s.ms["heartbeat"]),
            "config": spread(s.ms["config"]),
            "schedule_lag": spread(s.lag_ms),
        },
        "dashboard_ms": {phase: pages_summary(s.pages[phase]) for phase in s.pages},
        "dashboard_errors": dict(s.page_errors),
        "load_average_1min": spread(s.load_average),
        "cpu_cores_used": {
            "bench": round(bench_cpu / wall, 2),
            "hq": round(hq_cpu / wall, 2),
            "postgresql": round(pg_cpu / wall, 2) if pg is not None else None,
        },
    }
    summary["goals"] = {
        "no_errors": errors == 0 and not s.page_errors,
        "none_lost": checked["lost"] == 0 and summary["answers"]["unsent_at_end"] == 0,
        "none_duplicated": checked["duplicated_rows"] == 0 and checked["stored_not_sent"] == 0,
        "batch_p99_under_500ms": bool(batches) and spread(batches)["p99"] < 500,
        "dashboard_under_300ms": bool(all_pages) and max(all_pages) < 300,
        "dashboard_p95_under_300ms": bool(all_pages) and spread(all_pages)["p95"] < 300,
    }
    if errors and args.log is None:
        summary["hq_log_tail"] = hq_stderr[-3000:]
    return summary


def pages_summary(pages: dict[str, list[tuple[float, float, int]]]) -> dict[str, Any]:
    """Wall-clock ms of every page and of each, with the server's own (Server-Timing) and the
    page's size."""
    every = [t for times in pages.values() for t in times]
    out: dict[str, Any] = {
        "all_pages": spread([w for w, _, _ in every]),
        "all_pages_server_timing": spread([sv for _, sv, _ in every if not math.isnan(sv)]),
    }
    for page, times in pages.items():
        out[page] = {
            **spread([w for w, _, _ in times]),
            "server_p50": spread([sv for _, sv, _ in times if not math.isnan(sv)]).get("p50"),
            "kib": round(statistics.median([b for _, _, b in times]) / 1024) if times else None,
        }
    return out


def backlog_range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kiosks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="ces-hq serve --workers N")
    parser.add_argument("--seconds", type=float, default=300, help="how long shoppers answer")
    parser.add_argument("--ramp", type=float, default=60, help="kiosks enrol over these seconds")
    parser.add_argument(
        "--answer-every", type=float, default=60, help="mean seconds between a kiosk's answers"
    )
    parser.add_argument("--offline-share", type=float, default=0.05)
    parser.add_argument(
        "--backlog", type=backlog_range, default=(1000, 5000), help="LOW-HIGH answers queued"
    )
    parser.add_argument("--dashboard-every", type=float, default=5.0)
    parser.add_argument(
        "--quiet-rounds", type=int, default=5, help="rounds of the pages after the run, quiet"
    )
    parser.add_argument("--threads", type=int, default=48, help="client threads for all kiosks")
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("EFFORTLESS_TEST_PG_URL", DEFAULT_PG))
    parser.add_argument(
        "--database-url", help="use this (empty) database as it is and keep it (the smoke test)"
    )
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--log", type=Path, help="keep ces-hq serve's log in this file")
    parser.add_argument("--out", type=Path, help="also write the JSON summary here")
    args = parser.parse_args()
    if args.ramp > args.seconds:
        parser.error("--ramp must not be longer than --seconds")
    if args.database_url:
        summary = run(args, args.database_url)
    elif args.database == "postgresql":
        database_url, name = fresh_pg_database(args.pg_url)
        try:
            summary = run(args, database_url)
        finally:
            drop_pg_database(args.pg_url, name)
    else:
        with tempfile.TemporaryDirectory() as data:
            summary = run(args, sqlite_url(Path(data)))
    text = json.dumps(summary, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    goals = summary["goals"]
    if not (goals["no_errors"] and goals["none_lost"] and goals["none_duplicated"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
