"""The one way tests and benchmarks start HQ: `ces-hq serve` on 127.0.0.1, waited for.

``HQService`` runs the installed `ces-hq serve` in a subprocess on a free loopback port,
its stderr in a log file, and returns once ``/healthz`` answers 200. If the server exits
first or does not answer in time, it raises ``HQStartError`` with the server's stderr, so
a failed start says why. ``wait_until_healthy`` is the same wait for a server started some
other way (the HQ tests' in-process ``serving()``).

This lives in tests/ because the tests are its main users and CI runs them. The
benchmarks (bench/, run by hand as scripts) reach it through bench/from_tests.py, the one
place that puts tests/ on their import path, so both start HQ exactly the same way.
"""

from __future__ import annotations

import os
import re
import resource
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import requests

# The installed console script, as an HQ operator runs it.
CES_HQ = str(Path(sys.executable).parent / "ces-hq")
# Not inside the kiosk id: a UUID's digit-only groups ("...-4884-8888-...") look like a code.
CODE = re.compile(r"(?<![\w-])[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}(?![\w-])")
# The first line `ces-hq serve` prints, naming where it listens (used with port 0).
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:(\d+)) ")
# Like systemd: SIGTERM, then SIGKILL if HQ has not stopped after this long.
STOP_GRACE_S = 30


class HQStartError(RuntimeError):
    """`ces-hq serve` died or did not answer /healthz in time; the message has its stderr."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ces_hq(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed `ces-hq` once (not serve) and collect what it printed. The
    database comes from the arguments, never from a stray EFFORTLESS_HQ_DATABASE_URL."""
    return subprocess.run(
        [CES_HQ, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "EFFORTLESS_HQ_DATABASE_URL": "", **(env or {})},
    )


def wait_until_healthy(
    url: str,
    alive: Callable[[], bool],
    timeout: float = 30,
    stderr: Callable[[], str] = lambda: "",
) -> None:
    """Poll ``url``/healthz until it answers 200; raise HQStartError (with ``stderr()``)
    if ``alive()`` turns false first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if not alive():
            raise HQStartError(f"HQ at {url} stopped before it answered /healthz\n{stderr()}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        # A server still starting on a loaded machine may take the connection and answer
        # late: a read timeout is "not yet", like a refused connection.
        except (requests.ConnectionError, requests.Timeout):
            pass
        if time.monotonic() > deadline:
            raise HQStartError(
                f"HQ at {url} did not answer /healthz within {timeout:g} s\n{stderr()}"
            )
        time.sleep(0.02)  # ok-sleep: polling a server that is starting, with a deadline


@dataclass
class HQService:
    """`ces-hq serve` in a subprocess on 127.0.0.1; ``start()`` waits until it is healthy.

    ``data_dir`` holds the log (and the database, unless ``database_url`` names one).
    ``port`` is chosen once, so a restarted service is at the same URL; with ``port=0``
    HQ picks one and ``start()`` reads it from the line HQ prints. ``options`` are more
    `ces-hq serve` options; ``file_limit`` lowers its open-file limit (soft and hard, so
    it cannot raise it back); ``cpus`` pins it to those CPUs; ``command``, ``env`` and
    ``cwd`` run another `ces-hq` (e.g. another copy of the code).
    """

    data_dir: Path
    database_url: str | None = None
    port: int = field(default_factory=free_port)
    options: Sequence[str] = ()
    file_limit: int | None = None
    cpus: set[int] | None = None
    command: Sequence[str] = (CES_HQ,)
    env: Mapping[str, str] | None = None
    cwd: Path | None = None
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        if self.log_path is None:
            self.log_path = self.data_dir / "ces-hq-serve.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        assert self.log_path is not None
        return self.log_path

    def stderr(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def where(self) -> list[str]:
        """The database options every `ces-hq` command for this service takes."""
        if self.database_url:
            return ["--database-url", self.database_url]
        return ["--data-dir", str(self.data_dir)]

    def start(self, timeout: float = 30) -> HQService:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # stderr goes to a file: an unread pipe fills up after ~64 KiB of log (some 600
        # requests) and then blocks the server.
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.command, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 *self.where(), *self.options],
                stdout=subprocess.PIPE if self.port == 0 else subprocess.DEVNULL,
                stderr=log,
                env=None if self.env is None else dict(self.env),
                cwd=self.cwd,
                preexec_fn=self._limit if self.file_limit or self.cpus else None,
            )  # fmt: skip
        try:
            if self.port == 0:
                self.port = self._announced_port(time.monotonic() + timeout)
            wait_until_healthy(self.url, self.running, timeout, self._exit_and_stderr)
        except HQStartError:
            self.stop()  # one that hangs is not left running behind the error
            raise
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_GRACE_S, as systemd stops it."""
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> HQService:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Another `ces-hq` command on this service's database, run as the server is."""
        return subprocess.run(
            [*self.command, *args, *self.where()],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=None if self.env is None else dict(self.env),
            cwd=self.cwd,
        )

    def add_kiosk(self, store: str = "s042", touchpoint: str = "in_store_purchase") -> str:
        """A new kiosk at HQ; returns its enrolment code."""
        result = self.run("kiosk", "add", "--store", store, "--touchpoint", touchpoint)
        match = CODE.search(result.stdout)
        if result.returncode != 0 or match is None:
            raise RuntimeError(f"ces-hq kiosk add failed: {result.stdout}{result.stderr}")
        return match.group(0)

    def revoke(self, kiosk_id: str) -> None:
        result = self.run("kiosk", "revoke", kiosk_id)
        if result.returncode != 0:
            raise RuntimeError(f"ces-hq kiosk revoke failed: {result.stderr}")

    def _limit(self) -> None:
        # Runs in the child before exec: the limits hold from HQ's first line on.
        if self.file_limit:
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.file_limit, self.file_limit))
        if self.cpus:
            os.sched_setaffinity(0, self.cpus)

    def _exit_and_stderr(self) -> str:
        status = None if self.process is None else self.process.poll()
        exited = "" if status is None else f"(exit status {status}) "
        return f"{exited}ces-hq serve's stderr ({self.log}):\n{self.stderr()}"

    def _announced_port(self, deadline: float) -> int:
        assert self.process is not None
        out = self.process.stdout
        assert out is not None
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([out], [], [], left)[0]:
                raise HQStartError(f"ces-hq serve printed no address\n{self._exit_and_stderr()}")
            chunk = os.read(out.fileno(), 4096)
            if not chunk:
                self.process.wait(timeout=STOP_GRACE_S)
                raise HQStartError(
                    f"ces-hq serve exited before it listened\n{self._exit_and_stderr()}"
                )
            line += chunk
        found = LISTENING.search(line.decode(errors="replace"))
        if found is None:
            raise HQStartError(f"ces-hq serve printed {line!r}\n{self._exit_and_stderr()}")
        return int(found.group(2))
