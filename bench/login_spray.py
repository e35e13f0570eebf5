"""Kiosk batches while someone guesses: passwords at /login, codes at /api/v1/enroll.

One `ces-hq serve` (one uvicorn worker, SQLite) on 127.0.0.1. A kiosk sends a batch of
--batch answers every 100 ms, one at a time, and the median and p95 of its batches are
taken in each phase (--seconds each):

- quiet: the kiosk alone;
- login spray, many addresses: --rate wrong passwords a second, for unknown user names (each
  costs a full scrypt check, as a real user's would until the lockout), each guess from
  the next of 200 loopback addresses (127.0.0.2 ...), so the per-address throttle lets them
  through: the load a distributed guesser puts on HQ's CPU;
- the same at --overload-rate, more checks a second than the CPUs can do (as 18/s is on a
  slower or busier machine);
- login spray, one address: --rate from 127.0.0.1 (the throttle answers 429);
- enrolment guesses, many addresses / one address: --enrol-rate wrong codes a second;
- control: as many requests a second for a page that does not exist (404): what any flood
  of requests costs the one uvicorn worker (and the client, on the same cores).

Besides the batches' times, the CPU seconds the HQ process used in each phase, which other
load on the machine disturbs much less. Loopback only; bounded by --seconds per phase. The
numbers go to docs/performance.md.

Another copy of the code (e.g. the commit before) is measured from outside the work tree,
since `python -m` puts the current folder first on the path:
    git archive HEAD sync kiosk assets | tar -x -C /tmp/before
    cd /tmp && PYTHONPATH=/tmp/before /work/main/.venv/bin/python /work/main/bench/login_spray.py
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import requests
from from_tests import HQService, make_answer
from requests.adapters import HTTPAdapter

from ces.timestamps import iso_utc
from hq import users
from hq.db.database import HQDatabase, sqlite_url

ADDRESSES = [f"127.0.0.{i}" for i in range(2, 202)]


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


class Clients:
    """A requests.Session per (thread, source address)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self, address: str | None) -> requests.Session:
        sessions: dict[str | None, requests.Session] = self._local.__dict__.setdefault("s", {})
        found = sessions.get(address)
        if found is None:
            found = requests.Session()
            if address is not None:
                found.mount("http://", _FromAddress(address))
            sessions[address] = found
        return found


def answer(seq: int) -> dict[str, object]:
    started = datetime(2026, 11, 22, 9, seq // 60 % 60, seq % 60, tzinfo=UTC)
    return make_answer(
        at=started + timedelta(milliseconds=250),
        seq=seq,
        score=1 + seq % 7,
        factor=("price", "ease", "service", "reputation", None)[seq % 5],
        started_at=iso_utc(started),
        finished_at=iso_utc(started + timedelta(milliseconds=900)),
    )


def kiosk_batches(url: str, token: str, size: int, seconds: float, seq: itertools.count) -> list[float]:  # fmt: skip
    """Milliseconds per batch, one batch every 100 ms (or right after the last if slower)."""
    times: list[float] = []
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        body = {"responses": [answer(next(seq)) for _ in range(size)]}
        started = time.perf_counter()
        reply = session.post(f"{url}/api/v1/responses", json=body, headers=headers, timeout=60)
        times.append((time.perf_counter() - started) * 1000)
        reply.raise_for_status()
        time.sleep(max(0.0, 0.1 - times[-1] / 1000))
    return times


def spray(
    send: Callable[[int], int], rate: float | None, threads: int, seconds: float
) -> tuple[Counter[int], int]:
    """``send(i)`` at ``rate`` a second (None: as fast as ``threads`` clients go)."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    numbers = itertools.count()

    def one(i: int) -> None:
        try:
            status = send(i)
        except requests.RequestException:
            status = 0
        with lock:
            statuses[status] += 1

    with ThreadPoolExecutor(threads) as pool:
        if rate is None:

            def loop() -> None:
                while time.monotonic() < stop:
                    one(next(numbers))

            for _ in range(threads):
                pool.submit(loop)
        else:
            start = time.monotonic()
            for i in itertools.count():
                due = start + i / rate
                if due >= stop:
                    break
                time.sleep(max(0.0, due - time.monotonic()))
                pool.submit(one, i)
    return statuses, sum(statuses.values())


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered):6.1f} ms, p95 {p95:6.1f} ms, n={len(ordered)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (max 60)")
    parser.add_argument("--rate", type=float, default=18.0, help="password guesses a second")
    parser.add_argument(
        "--overload-rate", type=float, default=60.0, help="guesses a second beyond the CPUs"
    )
    parser.add_argument("--batch", type=int, default=20, help="answers per kiosk batch")
    parser.add_argument("--enrol-rate", type=float, default=400.0, help="code guesses a second")
    parser.add_argument("--threads", type=int, default=8, help="clients sending code guesses")
    args = parser.parse_args()
    seconds = min(args.seconds, 60.0)
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    print(f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        database_url = sqlite_url(work)
        db = HQDatabase.open(database_url)
        try:
            users.add_user(db, "anna", "correct horse battery")
            code = db.add_kiosk("s001", "in_store_purchase").code
        finally:
            db.close()
        with HQService(work, database_url) as hq:
            url = hq.url
            assert hq.process is not None
            proc = hq.process
            reply = requests.post(f"{url}/api/v1/enroll", json={"code": code}, timeout=10)
            reply.raise_for_status()
            token = reply.json()["token"]
            seq = itertools.count(1)
            kiosk_batches(url, token, args.batch, 2, seq)  # warm up
            clients = Clients()

            def guess_password(i: int, many: bool) -> int:
                address = ADDRESSES[i % len(ADDRESSES)] if many else None
                form = {"user": f"nobody{i}", "password": f"wrong guess {i}"}
                r = clients.get(address).post(
                    f"{url}/login", data=form, allow_redirects=False, timeout=60
                )
                return r.status_code

            def guess_code(i: int, many: bool) -> int:
                address = ADDRESSES[i % len(ADDRESSES)] if many else None
                wrong = "".join("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[(i >> (5 * k)) % 32] for k in range(8))  # fmt: skip
                r = clients.get(address).post(
                    f"{url}/api/v1/enroll", json={"code": wrong}, timeout=60
                )
                return r.status_code

            def nothing(i: int) -> int:
                return clients.get(None).get(f"{url}/no-such-page", timeout=60).status_code

            phases: list[tuple[str, Callable[[], tuple[Counter[int], int]] | None]] = [
                ("quiet", None),
                (
                    f"login spray {args.rate:g}/s, 200 addresses",
                    lambda: spray(lambda i: guess_password(i, True), args.rate, 16, seconds),
                ),
                (
                    f"login spray {args.overload_rate:g}/s, 200 addresses",
                    lambda: spray(
                        lambda i: guess_password(i, True), args.overload_rate, 64, seconds
                    ),
                ),
                (
                    f"login spray {args.rate:g}/s, one address",
                    lambda: spray(lambda i: guess_password(i, False), args.rate, 16, seconds),
                ),
                (
                    f"enrolment guesses {args.enrol_rate:g}/s, 200 addresses",
                    lambda: spray(
                        lambda i: guess_code(i, True), args.enrol_rate, args.threads, seconds
                    ),
                ),
                (
                    f"enrolment guesses {args.enrol_rate:g}/s, one address",
                    lambda: spray(
                        lambda i: guess_code(i, False), args.enrol_rate, args.threads, seconds
                    ),
                ),
                (
                    f"control: GET /no-such-page {args.enrol_rate:g}/s",
                    lambda: spray(lambda i: nothing(i), args.enrol_rate, args.threads, seconds),
                ),
            ]
            server = psutil.Process(proc.pid)
            for name, load in phases:
                result: dict[str, tuple[Counter[int], int]] = {}
                cpu_before = sum(server.cpu_times()[:2])
                loader = None
                if load is not None:
                    loader = threading.Thread(
                        target=lambda run=load, into=result: into.update(r=run())
                    )
                    loader.start()
                times = kiosk_batches(url, token, args.batch, seconds, seq)
                if loader is not None:
                    loader.join()
                cpu = sum(server.cpu_times()[:2]) - cpu_before
                line = f"{name:44s} batches of {args.batch}: {summary(times)}; HQ CPU {cpu:5.2f} s"
                if "r" in result:
                    statuses, sent = result["r"]
                    shown = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
                    line += f"; guesses {sent} ({sent / seconds:.0f}/s) answered {shown}"
                print(line, flush=True)
                time.sleep(1)


if __name__ == "__main__":
    main()
