"""The real HQ service for tests: `ces-hq serve` in a subprocess on 127.0.0.1."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

# Not inside the kiosk id: a UUID's digit-only groups ("...-4884-8888-...") look like a code.
CODE = re.compile(r"(?<![\w-])[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}(?![\w-])")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The installed console script, as an HQ operator runs it.
CES_HQ = str(Path(sys.executable).parent / "ces-hq")


def ces_hq(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CES_HQ, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class HQService:
    data_dir: Path
    database_url: str | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _where(self) -> list[str]:
        if self.database_url:
            return ["--database-url", self.database_url]
        return ["--data-dir", str(self.data_dir)]

    @property
    def log_path(self) -> Path:
        return self.data_dir / "ces-hq-serve.log"

    def start(self, timeout: float = 30) -> HQService:
        # stderr goes to a file: an unread pipe fills up after ~64 KiB of log (some 600
        # requests) and then blocks the server.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    CES_HQ,
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    *self._where(),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                text=True,
                env={**os.environ},
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"ces-hq serve exited: {self.log_path.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("ces-hq serve did not become healthy")
            time.sleep(0.05)  # ok-sleep: polling another process

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()

    def add_kiosk(self, store: str = "s042", touchpoint: str = "in_store_purchase") -> str:
        """A new kiosk at HQ; returns its enrolment code."""
        result = ces_hq(
            "kiosk", "add", "--store", store, "--touchpoint", touchpoint, *self._where()
        )
        match = CODE.search(result.stdout)
        if result.returncode != 0 or match is None:
            raise RuntimeError(f"ces-hq kiosk add failed: {result.stdout}{result.stderr}")
        return match.group(0)

    def revoke(self, kiosk_id: str) -> None:
        result = ces_hq("kiosk", "revoke", kiosk_id, *self._where())
        if result.returncode != 0:
            raise RuntimeError(f"ces-hq kiosk revoke failed: {result.stderr}")
