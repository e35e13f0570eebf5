"""Architecture rules, checked on the source tree as it is.

- kiosk/flow/ and all of sync/ import no PySide6 (the flow is tested and the outbox and
  sync run without Qt);
- only ces/assets.py knows where the shipped assets live.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT_FREE = (ROOT / "kiosk" / "flow", ROOT / "sync")
QT_PACKAGES = ("PySide6", "shiboken6")
ASSETS_MODULE = ROOT / "kiosk" / "assets.py"


def python_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)


def module_names(directory: Path, root: Path = ROOT) -> list[str]:
    """Every importable module under ``directory``, found on disk."""
    names = []
    for path in python_files(directory):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def is_qt(name: str) -> bool:
    return name.startswith(QT_PACKAGES)


# -- PySide6 stays out of the flow and the sync ------------------------------------------

_IMPORT_ALL = textwrap.dedent(
    """
    import importlib, json, sys
    for name in sys.argv[1:]:
        importlib.import_module(name)
    print(json.dumps(sorted(sys.modules)))
    """
)


def modules_loaded_by_importing(names: list[str], path: Path = ROOT) -> list[str]:
    """Import ``names`` in a fresh interpreter; every module that ends up loaded."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(path), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *names],
        cwd=path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_importing_the_flow_and_the_sync_loads_no_qt() -> None:
    names = [name for directory in QT_FREE for name in module_names(directory)]
    # The discovery found the real packages (a broken discovery would pass vacuously).
    assert {"kiosk.flow", "kiosk.flow.machine", "kiosk.flow.scrub", "sync", "sync.outbox"} <= set(
        names
    )

    loaded = modules_loaded_by_importing(names)
    assert set(names) <= set(loaded)
    assert [m for m in loaded if is_qt(m)] == []


def test_the_import_check_notices_a_module_that_loads_qt(tmp_path: Path) -> None:
    package = tmp_path / "fakeflow"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "clean.py").write_text("import json\n")
    (package / "sneaky.py").write_text("from PySide6 import QtCore  # noqa\n")

    names = module_names(package, root=tmp_path)
    assert sorted(names) == ["fakeflow", "fakeflow.clean", "fakeflow.sneaky"]
    loaded = modules_loaded_by_importing(names, path=tmp_path)
    assert "PySide6.QtCore" in [m for m in loaded if is_qt(m)]


def qt_imports(source: str, filename: str = "<source>") -> list[str]:
    """Every import of Qt in the source, wherever it is (module level, function, branch)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                called in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                names = [first.value]
        found += [f"{filename}:{node.lineno}: {n}" for n in names if n.split(".")[0] in QT_PACKAGES]
    return found


def test_no_file_in_the_flow_or_the_sync_imports_qt_anywhere() -> None:
    files = [path for directory in QT_FREE for path in python_files(directory)]
    assert ROOT / "sync" / "outbox.py" in files
    offending = [
        hit
        for path in files
        for hit in qt_imports(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert offending == []


@pytest.mark.parametrize(
    "source",
    [
        "import PySide6",
        "import PySide6.QtCore as core",
        "from PySide6.QtCore import QObject",
        "from shiboken6 import Shiboken",
        "def later():\n    from PySide6.QtGui import QGuiApplication\n    return QGuiApplication",
        "class A:\n    def m(self):\n        if True:\n            import shiboken6",
        "import importlib\nqt = importlib.import_module('PySide6.QtQml')",
        "qt = __import__('PySide6')",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from PySide6.QtCore import QTimer",
    ],
)
def test_the_source_scan_catches_every_way_of_importing_qt(source: str) -> None:
    assert len(qt_imports(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        '"""Runs without PySide6."""\nimport sqlite3',
        "from .PySide6 import helpers",  # a sibling module that merely shares the name
        "import PySide6ish",
        "name = 'PySide6.QtCore'",
    ],
)
def test_the_source_scan_leaves_other_code_alone(source: str) -> None:
    assert qt_imports(source) == []


# -- only ces/assets.py builds paths to the assets --------------------------------------

_ASSETS_NAME = re.compile(r"^(?:\.{0,2}[/\\])*_?assets$")
_ASSETS_PATH = re.compile(r"(?:^|[/\\])_?assets[/\\]")
# Calls that make or open a path from a string.
_PATH_CALLS = frozenset(
    {
        "Path",
        "PurePath",
        "PurePosixPath",
        "PureWindowsPath",
        "PosixPath",
        "WindowsPath",
        "joinpath",
        "join",
        "open",
        "files",
        "fromLocalFile",
        "QUrl",
        "addApplicationFont",
        "addImportPath",
        "load",
    }
)


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def asset_paths_built(source: str, filename: str = "<source>") -> list[str]:
    """String literals that build a path into the assets folder.

    A bare "assets" is flagged wherever it appears; "assets/..." where it is used to make a
    path: with / or +, in a call that makes or opens a path, in an f-string, or assigned to a
    name. A mention in a message or comment ("relative to assets/icons") is not a path.
    """
    tree = ast.parse(source, filename)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        parent = parents.get(node)
        if _ASSETS_NAME.match(text):
            flagged = True
        elif _ASSETS_PATH.search(text):
            flagged = (
                (isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Div | ast.Add))
                or (isinstance(parent, ast.Call) and _called_name(parent) in _PATH_CALLS)
                or isinstance(parent, ast.JoinedStr | ast.Assign | ast.AnnAssign)
            )
        else:
            flagged = False
        if flagged:
            found.append(f"{filename}:{node.lineno}: {text!r}")
    return found


def test_only_kiosk_assets_builds_paths_to_the_assets() -> None:
    files = [
        path
        for directory in (ROOT / "kiosk", ROOT / "sync")
        for path in python_files(directory)
        if path != ASSETS_MODULE
    ]
    assert ROOT / "kiosk" / "flow" / "survey.py" in files
    offending = [
        hit
        for path in files
        for hit in asset_paths_built(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert offending == []


def test_qml_and_scripts_do_not_reach_into_the_assets_folder() -> None:
    others = [
        path
        for directory in (ROOT / "kiosk", ROOT / "sync")
        for path in sorted(directory.rglob("*"))
        if path.suffix in (".qml", ".js", ".mjs")
    ]
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in others
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _ASSETS_PATH.search(line) or re.search(r"[\"']_?assets[\"']", line)
    ]
    assert offending == []


def test_the_assets_module_itself_is_found_by_the_scan() -> None:
    # ces/assets.py does build the path, so the scan would flag it if it were not exempt.
    assert asset_paths_built(ASSETS_MODULE.read_text(encoding="utf-8")) != []


@pytest.mark.parametrize(
    "source",
    [
        'ICONS = Path(__file__).parent.parent / "assets" / "icons"',
        'ICONS = Path(__file__).parent.parent / "assets/icons"',
        'ICONS = Path("assets/icons/smiley.svg")',
        'ICONS = Path("../assets/icons")',
        'ICONS = os.path.join(ROOT, "assets", "icons")',
        'ICONS = ROOT.joinpath("assets/icons")',
        'ICONS = ROOT + "/assets/icons"',
        'ICONS = f"{ROOT}/assets/icons"',
        'ICONS: str = "assets/icons"',
        'FONTS = "_assets/fonts"',
        'engine.load("assets/qml/Main.qml")',
        'def icon(name):\n    return open("assets/icons/" + name)',
        'names = ["assets", "icons"]',
    ],
)
def test_the_assets_scan_catches_paths_built_elsewhere(source: str) -> None:
    assert asset_paths_built(source) != []


@pytest.mark.parametrize(
    "source",
    [
        'checker = _Checker(source, icons_dir(), "assets/icons")',
        'raise SurveyError(source, "icon", "not found in assets/icons")',
        "icon: str  # relative to assets/icons",
        '"""Icons are looked up under the kiosk\'s own assets/icons."""',
        'log.info("loaded %d assets", n)',
        "from ces.assets import icons_dir\nICONS = icons_dir()",
    ],
)
def test_the_assets_scan_leaves_mentions_alone(source: str) -> None:
    assert asset_paths_built(source) == []
