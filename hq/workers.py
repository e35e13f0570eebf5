"""`ces-hq serve --workers N`: N processes serving one listening socket.

The supervisor (the process started as `ces-hq serve`) binds the socket, then starts N
workers: each is `ces-hq serve` again, with the same options, that inherits the socket
(its descriptor in ``WORKER_ENV``) instead of binding one. The kernel hands each new
connection to one of them. The supervisor serves nothing itself: it starts a new worker
when one ends (waiting longer each time one ends soon after its start), and on SIGTERM or
SIGINT stops them all gracefully, killing any that does not end in time.

Workers share the database, so this needs PostgreSQL; one of them does the background
work (hq.leader). Their counters for /metrics are added up through prometheus-client's
multiprocess mode, in a folder the supervisor makes and removes (hq.metrics).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import FrameType

log = logging.getLogger("effortless.hq.workers")

# "FD:INDEX:SUPERVISOR_PID"; set by the supervisor for its workers only.
WORKER_ENV = "_EFFORTLESS_HQ_WORKER"
METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"  # as hq.metrics reads it
# A worker that ends within this of its start counts as failing at start: the next one
# waits longer (doubling from RESTART_DELAY_S up to MAX_RESTART_DELAY_S).
SHORT_LIFE_S = 10.0
RESTART_DELAY_S = 0.5
MAX_RESTART_DELAY_S = 30.0
# uvicorn's graceful shutdown (10 s, hq.server) and the lifespan's end fit in this.
STOP_TIMEOUT_S = 20.0
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Inherited:
    """What a worker got from its supervisor."""

    sock: socket.socket
    index: int
    supervisor: int


def inherited(environ: Mapping[str, str] = os.environ) -> Inherited | None:
    """The listening socket and this worker's number, if this process is a worker."""
    value = environ.get(WORKER_ENV)
    if not value:
        return None
    fd, index, supervisor = (int(part) for part in value.split(":"))
    return Inherited(socket.socket(fileno=fd), index, supervisor)


def end_with_supervisor(supervisor: int) -> None:
    """Ask Linux for SIGTERM when the supervisor dies (even by kill -9), so no worker goes
    on serving unsupervised; elsewhere the service manager stops the workers."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != supervisor:
        # It died before the request above took effect.
        os.kill(os.getpid(), signal.SIGTERM)


@dataclass
class _Worker:
    index: int
    process: subprocess.Popen[bytes]
    started: float


class Supervisor:
    """Runs ``count`` workers, each ``command`` with the socket, until told to stop."""

    def __init__(self, command: Sequence[str], sock: socket.socket, count: int) -> None:
        self.command = list(command)
        self.sock = sock
        self.count = count
        self._workers: dict[int, _Worker] = {}
        self._delays: dict[int, float] = {}
        self._due: dict[int, float] = {}
        self._stopping = False
        self._metrics_dir: str | None = None

    def run(self) -> int:
        """Serve until SIGTERM or SIGINT; 0 once every worker has ended."""
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        old_wakeup = signal.set_wakeup_fd(wake_write)
        handlers = {
            sig: signal.signal(sig, self._on_signal)
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD)
        }
        try:
            self._metrics_dir = tempfile.mkdtemp(prefix="effortless-hq-metrics-")
            for index in range(1, self.count + 1):
                self._start(index)
            while not self._stopping:
                self._reap()
                self._start_due()
                timeout = self._next_due_in()
                with contextlib.suppress(InterruptedError):
                    readable, _, _ = select.select([wake_read], [], [], timeout)
                    if readable:
                        os.read(wake_read, 512)
            self._stop_all()
        finally:
            signal.set_wakeup_fd(old_wakeup)
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            os.close(wake_read)
            os.close(wake_write)
            if self._metrics_dir is not None:
                shutil.rmtree(self._metrics_dir, ignore_errors=True)
        return 0

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if signum != signal.SIGCHLD:
            self._stopping = True

    def _start(self, index: int) -> None:
        env = dict(os.environ)
        env[WORKER_ENV] = f"{self.sock.fileno()}:{index}:{os.getpid()}"
        assert self._metrics_dir is not None
        env[METRICS_DIR_ENV] = self._metrics_dir
        process = subprocess.Popen(self.command, env=env, pass_fds=[self.sock.fileno()])
        self._workers[index] = _Worker(index, process, time.monotonic())
        log.info("worker %d started (pid %d)", index, process.pid)

    def _reap(self) -> None:
        now = time.monotonic()
        for index, worker in list(self._workers.items()):
            status = worker.process.poll()
            if status is None:
                continue
            del self._workers[index]
            lived = now - worker.started
            delay = RESTART_DELAY_S
            if lived < SHORT_LIFE_S:
                delay = min(MAX_RESTART_DELAY_S, self._delays.get(index, RESTART_DELAY_S / 2) * 2)
            self._delays[index] = delay
            self._due[index] = now + delay
            log.error(
                "worker %d (pid %d) ended %s after %.0f s; starting another in %g s",
                index,
                worker.process.pid,
                _described(status),
                lived,
                delay,
            )

    def _start_due(self) -> None:
        now = time.monotonic()
        for index, due in list(self._due.items()):
            if due <= now:
                del self._due[index]
                self._start(index)

    def _next_due_in(self) -> float:
        # Also a periodic look, in case a wake-up was missed.
        if not self._due:
            return 1.0
        return max(0.0, min(1.0, min(self._due.values()) - time.monotonic()))

    def _stop_all(self) -> None:
        workers = list(self._workers.values())
        log.info("stopping %d workers", len(workers))
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                worker.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for worker in workers:
            try:
                worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error(
                    "worker %d (pid %d) did not stop within %g s: killed",
                    worker.index,
                    worker.process.pid,
                    STOP_TIMEOUT_S,
                )
                worker.process.kill()
                worker.process.wait()


def _described(status: int) -> str:
    if status < 0:
        try:
            return f"by {signal.Signals(-status).name}"
        except ValueError:
            return f"by signal {-status}"
    return f"with status {status}"
