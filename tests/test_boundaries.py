"""Architecture rules, checked on the source tree as it is.

- The layers (what may import what, and Qt only in kiosk.ui) are import-linter contracts in
  pyproject.toml, which scripts/lint checks; the tests here prove each contract notices the
  import it forbids, and that the kiosk.flow contract names every other kiosk module;
- only ces/assets.py knows where the shipped assets live.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ces", "kiosk", "sync", "hq")
ASSETS_MODULE = ROOT / "ces" / "assets.py"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
_CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS: dict[str, dict[str, object]] = {
    contract["name"]: contract for contract in _CONFIG["tool"]["importlinter"]["contracts"]
}


def python_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)


# -- the import-linter contracts ---------------------------------------------------------


def lint_imports(root: Path) -> dict[str, str]:
    """Run lint-imports on the tree at ``root``: each contract's name -> KEPT or BROKEN."""
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=root,  # lint-imports puts its working directory first on sys.path
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    verdicts = dict(re.findall(r"^(.+) (KEPT|BROKEN)\b", result.stdout, re.MULTILINE))
    assert set(verdicts) == set(CONTRACTS), result.stdout + result.stderr
    assert result.returncode == (1 if "BROKEN" in verdicts.values() else 0), result.stderr
    return verdicts


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the four packages and pyproject.toml, to add forbidden imports to."""
    root = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", root)
    return root


def test_the_source_tree_keeps_every_contract() -> None:
    assert set(lint_imports(ROOT).values()) == {"KEPT"}


CES = "ces is the shared contract: it imports none of kiosk, sync, hq"
SYNC = "sync imports only ces (not kiosk, not hq)"
HQ = "hq imports only ces (not kiosk, not sync)"
KIOSK = "kiosk never imports hq"
FLOW = "kiosk.flow imports only ces and itself"
QT = "no PySide6 (or shiboken6) outside kiosk.ui"

# A forbidden import for each contract, added to a module of the copy, and every contract it
# breaks: they follow chains, so hq importing ces importing sync breaks hq's too. Some sit
# in a function or behind TYPE_CHECKING: the contracts see every import, not only the top.
BREAKS = {
    CES: ("ces/answer.py", "def later() -> None:\n    import sync.outbox\n", {CES, HQ, FLOW}),
    SYNC: ("sync/client.py", "from kiosk import cli\n", {SYNC}),
    HQ: ("hq/cli.py", "import sync.outbox\n", {HQ}),
    KIOSK: ("kiosk/cli.py", "import hq.cli\n", {KIOSK}),
    FLOW: (
        "kiosk/flow/machine.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kiosk.preset import x\n",
        {FLOW},
    ),
    QT: ("kiosk/preset.py", "def later() -> None:\n    from PySide6.QtCore import QTimer\n", {QT}),
}


def test_every_contract_has_a_break_to_prove_it() -> None:
    assert set(BREAKS) == set(CONTRACTS)


@pytest.mark.parametrize("contract", sorted(BREAKS))
def test_each_contract_notices_the_import_it_forbids(tree_copy: Path, contract: str) -> None:
    module, added, broken = BREAKS[contract]
    path = tree_copy / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n\n" + added, encoding="utf-8")
    try:
        verdicts = lint_imports(tree_copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert {name for name, verdict in verdicts.items() if verdict == "BROKEN"} == broken


def test_the_flow_contract_names_every_other_kiosk_module() -> None:
    # kiosk.flow's contract lists what it may not import; a new kiosk module must be added.
    others = {
        f"kiosk.{path.stem}"
        for path in (ROOT / "kiosk").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists() and path.name != "flow")
    }
    assert {"kiosk.cli", "kiosk.ui"} <= others
    forbidden = CONTRACTS[FLOW]["forbidden_modules"]
    assert isinstance(forbidden, list)
    assert others <= set(forbidden)


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


def test_only_ces_assets_builds_paths_to_the_assets() -> None:
    files = [
        path
        for package in PACKAGES
        for path in python_files(ROOT / package)
        if path != ASSETS_MODULE
    ]
    assert ROOT / "ces" / "survey.py" in files
    offending = [
        hit
        for path in files
        for hit in asset_paths_built(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert offending == []


def test_qml_and_scripts_do_not_reach_into_the_assets_folder() -> None:
    others = [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*"))
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
