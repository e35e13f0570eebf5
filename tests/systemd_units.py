"""Reading Effortless's systemd units, and `systemd-analyze verify` on them.

The units run /opt/effortless/current/bin/...; verify fails on a command that does not
exist, and its --root does not move that check. So a unit is verified as a copy whose
/opt/effortless is moved under a test's root, where a release (or a link) put the program.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

PREFIX = "/opt/effortless"


def settings(unit: Path) -> dict[str, list[str]]:
    """Key -> every value it is given in the unit (all sections; comments left out)."""
    found: dict[str, list[str]] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


def exec_start(unit: Path) -> list[str]:
    (command,) = settings(unit)["ExecStart"]
    return command.split()


def verify(unit: Path, root: Path, *, user: bool, work: Path) -> str:
    """`systemd-analyze verify` on a copy of ``unit`` with /opt/effortless under ``root``;
    returns what it printed (empty when systemd accepts the unit; verify exits 0 on a
    setting it ignores, so its output counts too)."""
    text = unit.read_text(encoding="utf-8")
    assert PREFIX in text, f"{unit} runs nothing from {PREFIX}"
    # The copy keeps the unit's name: verify checks the name's type (.service).
    copy = work / "units" / unit.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(text.replace(PREFIX, f"{root}{PREFIX}"), encoding="utf-8")
    env = dict(os.environ)
    command = ["systemd-analyze", "verify", str(copy)]
    if user:
        runtime = work / "run"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(runtime)
        command.insert(1, "--user")
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return f"exit status {result.returncode}\n{result.stdout}{result.stderr}".removeprefix(
        "exit status 0\n"
    )
