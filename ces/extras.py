"""Which install each program needs: the extras of pyproject.toml and the packages they bring.

A kiosk tablet installs ``effortless[kiosk]``, an HQ server ``effortless[hq]``; the other
program's packages are absent there. Its command then says in one line what to install,
instead of failing with a traceback from deep inside an import.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Sequence

# The import names of what each extra brings (pyproject.toml's [project.optional-dependencies]);
# tests/test_packaging.py checks that these and the extras agree.
# ces-kiosk's commands that read the outbox and talk to HQ (enroll, sync, status, recover);
# the screens, simulate and screenshots also need Qt.
KIOSK_SYNC_MODULES = ("sqlite_utils", "requests", "platformdirs")
KIOSK_MODULES = (*KIOSK_SYNC_MODULES, "PySide6", "psutil")
HQ_MODULES = (
    "fastapi",
    "starlette",
    "pydantic",
    "anyio",
    "uvicorn",
    "h11",
    "sqlalchemy",
    "psycopg",
    "jinja2",
    "platformdirs",
    "requests",
    "prometheus_client",
)

_LABELS = {"kiosk": "kiosk", "hq": "HQ"}


def missing_modules(modules: Iterable[str]) -> list[str]:
    """The top-level modules of ``modules`` that cannot be imported here, without importing any."""
    return [name for name in modules if importlib.util.find_spec(name) is None]


def install_hint(program: str, extra: str, missing: Sequence[str]) -> str:
    """One line, ending in the command to run so that it can be copied as it stands."""
    named = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return (
        f"{program} needs the {_LABELS[extra]} extra ({named} not installed): "
        f"pip install 'effortless[{extra}]'"
    )


def require(program: str, extra: str, modules: Iterable[str]) -> None:
    """Exit with status 1 and one line on stderr when any of ``modules`` is not installed."""
    missing = missing_modules(modules)
    if missing:
        print(install_hint(program, extra, missing), file=sys.stderr)
        raise SystemExit(1)
