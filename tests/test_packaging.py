"""Separate installs with reproducible versions.

- pyproject.toml declares every third-party package that our code imports, in the extra of
  the program that imports it (`ces` needs none);
- the lock files in requirements/ (scripts/lock) pin every requirement of their extra, with
  everything those need, on Python 3.11 and 3.13; PySide6 stays below 6.12 only on 3.11;
- a CLI whose extra is not installed says in one line which `pip install` to run (checked
  in a real virtual environment that has only the project itself);
- the licence texts are there.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from ces import extras

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXTRAS: dict[str, list[str]] = PROJECT["optional-dependencies"]
LOCKS = ROOT / "requirements"
# The Pythons the project supports and CI runs; the locks must serve each.
PYTHONS = ("3.11", "3.13")
# Which extra brings the packages that each of our packages imports.
EXTRA_OF_PACKAGE = {"ces": None, "sync": "kiosk", "kiosk": "kiosk", "hq": "hq"}


def marker_env(python: str, extra: str = "") -> dict[str, str]:
    return {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "platform_python_implementation": "CPython",
        "implementation_name": "cpython",
        "os_name": "posix",
        "extra": extra,
    }


def requirements_of(extra: str, python: str) -> list[Requirement]:
    """The extra's requirements that apply on ``python``, with `effortless[...]` expanded."""
    found: list[Requirement] = []
    for line in EXTRAS[extra]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(marker_env(python)):
            continue
        if canonicalize_name(requirement.name) == "effortless":
            for inner in sorted(requirement.extras):
                found += requirements_of(inner, python)
        else:
            found.append(requirement)
    return found


def locked(side: str, python: str) -> dict[str, Version]:
    """Package -> version of requirements/SIDE.lock, as pip installs it on ``python``."""
    versions: dict[str, Version] = {}
    for line in (LOCKS / f"{side}.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().removesuffix("\\").strip()
        if not line or line.startswith("--hash="):
            continue
        pin, _, marker = line.partition(";")
        if marker.strip() and not Marker(marker).evaluate(marker_env(python)):
            continue
        name, _, version = pin.partition("==")
        assert version, f"{side}.lock: {line!r} is not pinned to one version"
        assert canonicalize_name(name) not in versions, f"{side}.lock pins {name} twice"
        versions[canonicalize_name(name)] = Version(version.strip())
    return versions


# -- what our code imports is declared --------------------------------------------------


def imported_top_level(folder: str) -> set[str]:
    """The third-party modules that the Python files under ``folder`` import."""
    paths = list((ROOT / folder).rglob("*.py"))
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    # tests/ and bench/ import their own helper modules by name (bench those of tests/ too)
    local = {path.stem for where in ("tests", "bench") for path in (ROOT / where).rglob("*.py")}
    return names - set(sys.stdlib_module_names) - set(EXTRA_OF_PACKAGE) - local - {"__future__"}


def distributions_of(modules: Iterable[str]) -> set[str]:
    providers = metadata.packages_distributions()
    found: set[str] = set()
    for module in modules:
        assert module in providers, f"{module} is imported but installed by no package here"
        found.update(canonicalize_name(d) for d in providers[module])
    return found


def declared(extra: str) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in EXTRAS[extra]}


@pytest.mark.parametrize("package", sorted(EXTRA_OF_PACKAGE))
def test_every_package_our_code_imports_is_declared_in_its_programs_extra(package: str) -> None:
    imported = distributions_of(imported_top_level(package))
    extra = EXTRA_OF_PACKAGE[package]
    if extra is None:
        assert imported == set(), f"{package} is the stdlib-only contract"
        assert PROJECT["dependencies"] == [], "the base install is ces: stdlib only"
        return
    assert imported, f"{package} imports no third-party package: the check would prove nothing"
    assert sorted(imported - declared(extra)) == []


@pytest.mark.parametrize("folder", ["tests", "bench"])
def test_every_package_the_tests_and_benches_import_is_declared_for_the_tests(folder: str) -> None:
    imported = distributions_of(imported_top_level(folder))
    assert "pytest" in imported or folder == "bench"
    assert sorted(imported - declared("test") - declared("kiosk") - declared("hq")) == []


@pytest.mark.parametrize(
    ("extra", "modules"),
    [("kiosk", extras.KIOSK_MODULES), ("hq", extras.HQ_MODULES)],
)
def test_the_clis_extra_check_looks_for_what_the_extra_installs(
    extra: str, modules: tuple[str, ...]
) -> None:
    # psycopg[binary] brings psycopg-binary through psycopg; PySide6's modules come from both
    # Essentials and Addons.
    assert distributions_of(modules) == declared(extra)


def test_the_sync_commands_of_ces_kiosk_need_no_qt() -> None:
    assert set(extras.KIOSK_SYNC_MODULES) < set(extras.KIOSK_MODULES)
    assert distributions_of(imported_top_level("sync")) <= distributions_of(
        extras.KIOSK_SYNC_MODULES
    )
    assert "PySide6" not in extras.KIOSK_SYNC_MODULES


# -- the lock files ----------------------------------------------------------------------


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("side", ["test", "kiosk", "hq"])
def test_each_lock_pins_every_requirement_of_its_extra(side: str, python: str) -> None:
    """Fails when pyproject.toml gained or changed a requirement without `scripts/lock`."""
    versions = locked(side, python)
    wrong = [
        f"{r} (locked: {versions.get(canonicalize_name(r.name), 'nothing')})"
        for r in requirements_of(side, python)
        if canonicalize_name(r.name) not in versions
        or not r.specifier.contains(versions[canonicalize_name(r.name)], prereleases=True)
    ]
    assert wrong == [], f"requirements/{side}.lock is stale: run scripts/lock"


def closure(requirements: Iterable[Requirement], python: str) -> set[str]:
    """Every package that ``requirements`` need, by the installed packages' own metadata."""
    done: set[tuple[str, frozenset[str]]] = set()
    todo = [(canonicalize_name(r.name), frozenset(r.extras)) for r in requirements]
    while todo:
        name, wanted = todo.pop()
        if (name, wanted) in done:
            continue
        done.add((name, wanted))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} is not installed here: run scripts/install --test")
        for line in dist.requires or []:
            inner = Requirement(line)
            # a line under `extra == "x"` counts only when x was asked of this package
            if any(
                inner.marker is None or inner.marker.evaluate(marker_env(python, extra))
                for extra in ["", *wanted]
            ):
                todo.append((canonicalize_name(inner.name), frozenset(inner.extras)))
    return {name for name, _ in done}


def test_the_test_lock_holds_everything_the_requirements_need_on_this_python() -> None:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    needed = closure(requirements_of("test", python), python)
    assert sorted(needed - set(locked("test", python))) == [], "run scripts/lock"


@pytest.mark.parametrize("side", ["kiosk", "hq"])
def test_a_programs_lock_has_the_versions_the_tests_ran(side: str) -> None:
    for python in PYTHONS:
        tested = locked("test", python)
        mismatched = {
            name: str(version)
            for name, version in locked(side, python).items()
            if tested.get(name) != version
        }
        assert mismatched == {}, f"{side}.lock and test.lock disagree on {python}"


def test_the_hq_install_has_no_qt_and_the_kiosk_install_no_web_stack() -> None:
    for python in PYTHONS:
        assert not {n for n in locked("hq", python) if n.startswith(("pyside6", "shiboken"))}
        kiosk = set(locked("kiosk", python))
        assert not kiosk & {"fastapi", "starlette", "uvicorn", "sqlalchemy", "psycopg"}


def test_pyside6_612_is_kept_out_only_where_it_breaks_the_kiosk() -> None:
    """6.12.0 releases None once per read of a map property, which crashes the kiosk on
    3.11 (tests/kiosk/test_qt_layer.py); from 3.12 on None is immortal."""
    for package in ("pyside6-essentials", "pyside6-addons"):
        assert locked("kiosk", "3.11")[package] < Version("6.12")
        caps = [
            Requirement(line)
            for line in EXTRAS["kiosk"]
            if canonicalize_name(Requirement(line).name) == package
        ]
        for python, capped in (("3.11", True), ("3.12", False), ("3.13", False)):
            applying = [
                r for r in caps if r.marker is None or r.marker.evaluate(marker_env(python))
            ]
            assert len(applying) == 1, f"{package} on {python}: {applying}"
            assert (Version("6.12.0") not in applying[0].specifier) == capped, python


# -- a CLI without its extra -------------------------------------------------------------


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=env, check=False
    )


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the project installed and none of its extras."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    # Without --system-site-packages: none of the packages installed beside this Python
    # are visible there.
    made = run([sys.executable, "-m", "venv", str(venv)])
    assert made.returncode == 0, made.stderr
    installed = run(
        [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(ROOT)]
    )
    assert installed.returncode == 0, installed.stderr
    return venv


def one_line_hint(result: subprocess.CompletedProcess[str], program: str, extra: str) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    label = "HQ" if extra == "hq" else extra
    assert re.fullmatch(
        rf"{program} needs the {label} extra \(.+ not installed\): "
        rf"pip install 'effortless\[{extra}\]'",
        lines[0],
    ), lines[0]
    return lines[0]


def test_ces_hq_without_the_hq_extra_names_the_install(bare_venv: Path) -> None:
    for args in (["serve"], ["kiosk", "list"], ["--help"]):
        line = one_line_hint(run([str(bare_venv / "bin/ces-hq"), *args]), "ces-hq", "hq")
        assert "fastapi" in line
    # the module form, which tests/hq and bench start HQ with, says the same
    module = run([str(bare_venv / "bin/python"), "-m", "hq.cli", "serve"])
    one_line_hint(module, "ces-hq", "hq")


def test_ces_kiosk_without_the_kiosk_extra_names_the_install_and_syncs_without_qt(
    bare_venv: Path, tmp_path: Path
) -> None:
    ces_kiosk = str(bare_venv / "bin/ces-kiosk")
    data_dir = str(tmp_path / "data")
    for args in ([], ["--windowed"], ["status", "--data-dir", data_dir]):
        one_line_hint(run([ces_kiosk, *args]), "ces-kiosk", "kiosk")
    # With the packages the outbox and the sender need, but still no Qt: the commands that
    # only read the outbox and talk to HQ work, and the screens ask for the whole extra.
    # The kiosk's lock without Qt: its pins with their hashes (pip checks them all).
    without_qt = tmp_path / "kiosk-without-qt.lock"
    blocks = re.split(r"\n(?=\S)", (LOCKS / "kiosk.lock").read_text(encoding="utf-8"))
    qt = re.compile(r"(pyside6|shiboken6)\S*==", re.I)
    without_qt.write_text("\n".join(b for b in blocks if not qt.match(b)) + "\n", encoding="utf-8")
    pip = [str(bare_venv / "bin/python"), "-m", "pip", "install", "--quiet"]
    installed = run([*pip, "-r", str(without_qt)])
    assert installed.returncode == 0, installed.stderr
    assert run([str(bare_venv / "bin/python"), "-c", "import PySide6"]).returncode != 0
    status = run([ces_kiosk, "status", "--data-dir", data_dir])
    assert status.returncode == 0, status.stderr
    assert "queued answers:   0" in status.stdout
    for args in ([], ["simulate", "--responses", "1"], ["screenshots", "--out", data_dir]):
        line = one_line_hint(run([ces_kiosk, *args]), "ces-kiosk", "kiosk")
        assert "PySide6" in line


# -- licences ----------------------------------------------------------------------------

# The SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt, as projects ship it.
APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"


def test_the_licence_is_the_unmodified_apache_2_text() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    assert hashlib.sha256((ROOT / "LICENSE").read_bytes()).hexdigest() == APACHE_2_SHA256


def test_the_icons_and_the_font_name_their_licences() -> None:
    icons = (ROOT / "assets/icons/LICENSE.md").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in icons
    assert (ROOT / "assets/fonts/LICENSE-Inter.txt").exists()
    # Every shipped font file is covered by a licence file beside it.
    noto = (ROOT / "assets/fonts/LICENSE-NotoSansArabic.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in noto
    assert "Reserved Font Name" in noto or "PREAMBLE" in noto
    for font in (ROOT / "assets/fonts").glob("*.[ot]tf"):
        family = font.stem.split("-")[0]
        assert (ROOT / f"assets/fonts/LICENSE-{family}.txt").exists(), font.name


@pytest.mark.parametrize("side", ["kiosk", "hq", "test"])
def test_every_locked_package_carries_the_hashes_of_its_files(side: str) -> None:
    # pip's hash-checking mode needs them all: one without would stop every install.
    text = (LOCKS / f"{side}.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^(\S+)==\S+.*?\\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)", text, re.M)
    pinned = [line for line in text.splitlines() if "==" in line and not line.startswith("#")]
    assert pinned
    assert len(pins) == len(pinned), f"{side}.lock: a pin without --hash lines"
