"""The installed `ces-kiosk`, run once as an administrator at a shell runs it (offscreen:
the commands that show a window need no display), with what it printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CES_KIOSK = str(Path(sys.executable).parent / "ces-kiosk")


def ces_kiosk(
    *args: str, timeout: float = 180, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``env``: variables added to this process's own."""
    return subprocess.run(
        [CES_KIOSK, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )
