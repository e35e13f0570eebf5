"""Start to an interactive attract screen: a new process each run, timed by this parent
from the spawn (interpreter start, imports, Qt, QML, database) to the child's report of
its first frame on screen."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import sys
from pathlib import Path
from kiosk.preset import preconfigure
from kiosk.ui.app import Kiosk, KioskOptions, application
preconfigure(Path(sys.argv[1]))
app = application()
kiosk = Kiosk(KioskOptions(data_dir=Path(sys.argv[1]), windowed=True))
def first_frame():
    assert kiosk.flow.state.screen.value == "attract"
    print("first-frame", flush=True)
    app.quit()
kiosk.window.frameSwapped.connect(first_frame)
app.exec()
kiosk.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    # A kiosk writes its modules' bytecode on its first start and reads it on every start
    # after; without it each start compiles the kiosk's own modules again (12% more work).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times: list[float] = []
    with tempfile.TemporaryDirectory() as data:
        # The first run creates the database (and the bytecode); the kiosk starts on an
        # existing one after.
        for _ in range(args.runs + 1):
            started = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, data],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
            )
            assert child.stdout is not None
            line = child.stdout.readline()
            times.append(time.perf_counter() - started)
            child.wait(timeout=30)
            if line.strip() != "first-frame":
                raise SystemExit(f"the kiosk did not start: {line!r}")
    first, rest = times[0], times[1:]
    print(f"first start (new database): {first * 1000:.0f} ms")
    print(
        f"start to interactive attract screen over {len(rest)} runs: "
        f"median {statistics.median(rest) * 1000:.0f} ms, max {max(rest) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
