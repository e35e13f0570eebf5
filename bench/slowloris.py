"""Kiosk POSTs while slow clients hold connections to `ces-hq serve` (issue 9 item 7).

Starts a real `ces-hq serve` (SQLite, loopback) with its open-file limit lowered (1,024 by
default), opens N connections that each send a partial request head and one more header
line every few seconds (re-opening any HQ closes, as an attacker would), then times
kiosk POSTs of 10 answers through one requests.Session with a timeout. Reports the
median and p95 of the POSTs, how they ended, and how much HQ logged.

    .venv/bin/python bench/slowloris.py                        # this work tree
    .venv/bin/python bench/slowloris.py --tree /tmp/hq-before  # another copy of the code

Bounded: the POSTs time out after --timeout s, and there are --posts of them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import selectors
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
from from_tests import HQService, make_answers

ROOT = Path(__file__).resolve().parent.parent


class Slowloris(threading.Thread):
    """N connections, each sending a header line every ``pace`` seconds; re-opened when
    HQ closes one. Counts how many HQ closed."""

    def __init__(self, host: str, port: int, count: int, pace: float) -> None:
        super().__init__(daemon=True)
        self.address = (host, port)
        self.count = count
        self.pace = pace
        self.closed_by_hq = 0
        self.open_failures = 0
        self.stop = threading.Event()
        self.opened = threading.Event()
        self.sel = selectors.DefaultSelector()

    def _open(self) -> None:
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(self.address)
            s.sendall(b"POST /api/v1/responses HTTP/1.1\r\nHost: hq\r\n")
        except OSError:
            self.open_failures += 1
            s.close()
            return
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ)

    def _drop(self, s: socket.socket) -> None:
        self.sel.unregister(s)
        s.close()
        self.closed_by_hq += 1

    def run(self) -> None:
        for _ in range(self.count):
            self._open()
        self.opened.set()
        next_line = time.monotonic() + self.pace
        while not self.stop.is_set():
            for key, _ in self.sel.select(timeout=0.2):
                s = key.fileobj
                assert isinstance(s, socket.socket)
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    self._drop(s)
            missing = self.count - len(self.sel.get_map())
            for _ in range(missing):
                self._open()
            if time.monotonic() >= next_line:
                next_line += self.pace
                for key in list(self.sel.get_map().values()):
                    s = key.fileobj
                    assert isinstance(s, socket.socket)
                    try:
                        s.send(b"X-Slow: 1\r\n")
                    except OSError:
                        self._drop(s)
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]


def start(tree: Path, data: Path, file_limit: int, extra: list[str], log: Path) -> HQService:
    """`ces-hq serve` from ``tree`` with a lowered open-file limit; started and healthy."""
    hq = HQService(
        data,
        options=extra,
        file_limit=file_limit,
        command=(sys.executable, "-m", "hq.cli"),
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=tree,
        log_path=log,
    )
    return hq.start()


def enrol(hq: HQService) -> str:
    code = hq.add_kiosk("s042")
    reply = requests.post(f"{hq.url}/api/v1/enroll", json={"code": code}, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["token"])


def kiosk_posts(
    url: str, token: str, count: int, timeout: float, interval: float
) -> dict[str, Any]:
    session = requests.Session()
    times: list[float] = []
    outcomes: dict[str, int] = {}
    for _ in range(count):
        started = time.perf_counter()
        try:
            reply = session.post(
                f"{url}/api/v1/responses",
                json={"responses": make_answers(10)},
                headers={"Authorization": f"Bearer {token}"},
                timeout=timeout,
            )
            outcome = str(reply.status_code)
            if reply.status_code == 503:
                outcome += f" (Retry-After {reply.headers.get('Retry-After')})"
        except requests.Timeout:
            outcome = "timeout"
        except requests.ConnectionError as e:
            outcome = f"connection error: {type(e).__name__}"
        elapsed = (time.perf_counter() - started) * 1000
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome == "200":
            times.append(elapsed)
        # Spread over the slow clients' timeouts and reconnections (not timed).
        time.sleep(interval)
    result: dict[str, Any] = {"outcomes": outcomes}
    if times:
        times.sort()
        result["median_ms"] = round(statistics.median(times), 1)
        result["p95_ms"] = round(times[min(len(times) - 1, int(len(times) * 0.95))], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="the code to run HQ from")
    parser.add_argument("--slow", type=int, default=1100, help="slow connections (1100)")
    parser.add_argument("--pace", type=float, default=5.0, help="s between header lines (5)")
    parser.add_argument("--file-limit", type=int, default=1024, help="HQ's RLIMIT_NOFILE")
    parser.add_argument("--posts", type=int, default=20, help="timed kiosk POSTs (20)")
    parser.add_argument("--timeout", type=float, default=5.0, help="POST timeout in s (5)")
    parser.add_argument("--interval", type=float, default=1.0, help="s between POSTs (1)")
    parser.add_argument(
        "--settle", type=float, default=2.0, help="s after the slow clients connected (2)"
    )
    parser.add_argument("--keep-log", type=Path, help="copy HQ's log (stderr) here")
    parser.add_argument("serve_args", nargs="*", help="more `ces-hq serve` options (after --)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-slowloris-") as tmp:
        log = Path(tmp) / "serve.log"
        hq = start(args.tree.resolve(), Path(tmp) / "data", args.file_limit, args.serve_args, log)
        try:
            url, token = hq.url, enrol(hq)
            quiet = kiosk_posts(url, token, args.posts, args.timeout, 0.1)
            host, port = url.removeprefix("http://").rsplit(":", 1)
            attack = Slowloris(host, int(port), args.slow, args.pace)
            attack.start()
            attack.opened.wait(timeout=120)
            time.sleep(args.settle)
            loaded = kiosk_posts(url, token, args.posts, args.timeout, args.interval)
            attack.stop.set()
            attack.join(timeout=30)
        finally:
            hq.stop()
        text = log.read_text(errors="replace")
        if args.keep_log:
            args.keep_log.write_text(text)
        report = {
            "tree": str(args.tree),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d"),
            "slow_connections": args.slow,
            "pace_s": args.pace,
            "serve_args": args.serve_args,
            "posts": args.posts,
            "post_interval_s": args.interval,
            "hq_file_limit": args.file_limit,
            "without_slow_clients": quiet,
            "with_slow_clients": loaded,
            "slow_connections_closed_by_hq": attack.closed_by_hq,
            "slow_connections_not_opened": attack.open_failures,
            "hq_log_bytes": len(text.encode()),
            "hq_log_lines": text.count("\n"),
            "hq_log_tracebacks": text.count("Traceback"),
        }
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
