"""The one place that knows where the shipped assets live.

Nothing else builds asset paths, so the kiosk works from any working directory and
from an installed wheel as well as from a source checkout.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# A source checkout or editable install keeps assets/ beside the package; a wheel
# carries them inside it (see [tool.hatch] in pyproject.toml).
_CANDIDATES = (_PACKAGE_DIR.parent / "assets", _PACKAGE_DIR / "_assets")


def assets_dir() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / "surveys").is_dir():
            return candidate
    raise FileNotFoundError(
        "Effortless's assets folder is missing; looked in " + ", ".join(str(c) for c in _CANDIDATES)
    )


def asset(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)


def icons_dir() -> Path:
    return asset("icons")


def surveys_dir() -> Path:
    return asset("surveys")


def fonts_dir() -> Path:
    return asset("fonts")


def sounds_dir() -> Path:
    return asset("sounds")


def keyboard_layouts_dir() -> Path:
    """The on-screen keyboard's portrait layouts (Qt Virtual Keyboard's layout folder)."""
    return asset("keyboard-layouts")


def default_survey_path() -> Path:
    return surveys_dir() / "in_store_purchase.json"


def hq_templates_dir() -> Path:
    return asset("hq", "templates")


def hq_static_dir() -> Path:
    return asset("hq", "static")
