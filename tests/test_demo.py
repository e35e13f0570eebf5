"""scripts/demo as a newcomer runs it: HQ with sample data and an enrolled kiosk, one command.

Run without the install step (this venv has both programs) and with the kiosk offscreen;
the printed address and login are used as printed, and every process the demo started is
checked to be gone after Ctrl+C, or after the kiosk ends as when its window is closed.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import requests

from ces.keys import HQ_URL
from kiosk.flow.setup import needs_setup
from sync.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scripts" / "demo"
BANNER_END = "stops both"
DASHBOARD = re.compile(r"dashboard\s+(http://127\.0\.0\.1:\d+)/\s+user: (\S+)\s+password: (\S+)")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo") / "effortless-demo"


@dataclass
class Demo:
    process: subprocess.Popen[bytes]
    printed: str
    url: str
    user: str
    password: str
    children: list[psutil.Process]

    def child(self, program: str) -> psutil.Process:
        return next(c for c in self.children if program in " ".join(c.cmdline()))


def _read_banner(process: subprocess.Popen[bytes], timeout: float) -> str:
    out = process.stdout
    assert out is not None
    text = b""
    deadline = time.monotonic() + timeout
    while BANNER_END.encode() not in text:
        left = deadline - time.monotonic()
        assert left > 0, f"scripts/demo printed no banner in {timeout:g} s: {text!r}"
        if select.select([out], [], [], left)[0]:
            chunk = os.read(out.fileno(), 4096)
            assert chunk, f"scripts/demo ended early (status {process.wait()}): {text!r}"
            text += chunk
    return text.decode()


@pytest.fixture
def demo(demo_dir: Path, tmp_path: Path) -> Iterator[Demo]:
    env = {
        **os.environ,
        "EFFORTLESS_DEMO_DIR": str(demo_dir),
        "QT_QPA_PLATFORM": "offscreen",
        "VENV": str(Path(sys.executable).parent.parent),
    }
    with (tmp_path / "demo.err").open("wb") as err:
        # Its own process group, so whatever happens the test can end all it started.
        process = subprocess.Popen(
            [str(DEMO), "--no-install", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            start_new_session=True,
        )
    try:
        printed = _read_banner(process, timeout=60)
        found = DASHBOARD.search(printed)
        assert found, printed
        children = psutil.Process(process.pid).children(recursive=True)
        url, user, password = found.groups()
        yield Demo(process, printed, url, user, password, children)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def _assert_all_stopped(demo: Demo) -> None:
    assert demo.process.wait(timeout=40) == 0
    _, alive = psutil.wait_procs(demo.children, timeout=10)
    assert alive == []


def test_the_printed_login_opens_the_dashboard_and_ctrl_c_stops_both(
    demo: Demo, demo_dir: Path
) -> None:
    assert requests.get(f"{demo.url}/healthz", timeout=10).status_code == 200
    session = requests.Session()
    reply = session.post(
        f"{demo.url}/login",
        data={"user": demo.user, "password": demo.password, "next": "/actions"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303, reply.text
    assert "Extra till" in session.get(f"{demo.url}/actions", timeout=30).text
    # The kiosk runs set up (the attract screen, not setup) and enrolled to this HQ.
    assert demo.child("ces-kiosk").is_running()
    assert demo.child("ces-hq").is_running()
    kiosk = Settings.open(demo_dir / "kiosk")
    assert not needs_setup(kiosk)
    assert kiosk.get(HQ_URL) == demo.url
    assert "PIN 1234" in demo.printed
    demo.process.send_signal(signal.SIGINT)
    _assert_all_stopped(demo)


def test_a_second_run_starts_afresh_and_ends_with_the_kiosk(demo: Demo) -> None:
    """The kiosk ending (as when its window is closed) stops HQ and the demo too."""
    session = requests.Session()
    reply = session.post(
        f"{demo.url}/login",
        data={"user": demo.user, "password": demo.password, "next": "/"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303, reply.text
    demo.child("ces-kiosk").terminate()
    _assert_all_stopped(demo)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{demo.url}/healthz", timeout=5)
