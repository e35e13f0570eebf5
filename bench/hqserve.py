"""Starting a real `ces-hq serve` for the benchmarks, on a free port, and waiting for it."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import requests

CES_HQ = [sys.executable, "-m", "hq.cli"]


def start_server(database_url: str, workdir: Path) -> tuple[subprocess.Popen[str], str]:
    log = (workdir / "serve.log").open("w")
    proc = subprocess.Popen(
        [*CES_HQ, "serve", "--port", "0", "--database-url", database_url],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"http://\S+", line)
    if not found:
        proc.wait(10)
        raise SystemExit(f"ces-hq serve did not start: {(workdir / 'serve.log').read_text()}")
    url = found.group(0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("ces-hq serve did not answer /healthz")
