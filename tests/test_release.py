"""A release installed for real: scripts/release builds the wheel and its folder, and that
folder's own install-release (run from there, outside this clone) installs it into a root-owned
venv under /opt/effortless of a temporary root, from the real locks.

Then the programs run from there and from a working directory outside the clone (so they
find their assets inside the installed package, not here): `ces-hq serve` as its unit starts
it answers /livez with its database in the unit's state directory, the kiosk renders its
screens, the openbox session finds the installed kiosk, the files are writable by root only,
the units name programs that exist and pass `systemd-analyze verify`, and an update to a
second version and a rollback switch the `current` link (and nothing else on a bad input).

pip installs the locks from the package index (or this machine's caches): some 20 s a side.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import systemd_units
from hqserver import free_port, wait_until_healthy
from requests import Session

import ces

ROOT = Path(__file__).resolve().parent.parent
VERSION = ces.__version__
# What the wheel must carry for a kiosk or HQ installed without a clone.
IN_THE_WHEEL = (
    "ces/_assets/systemd/effortless-kiosk.service",
    "ces/_assets/systemd/effortless-hq.service",
    "ces/_assets/openbox/session",
    "ces/_assets/surveys/in_store_purchase.json",
    "ces/_assets/hq/templates/digest.html",
    "kiosk/ui/qml/Effortless/Kiosk/AttractScreen.qml",
)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the test venv's: nothing points back into the clone."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
    )
    return {**env, **extra}


def run(
    command: list[str | Path], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def build_release(source: Path, out: Path) -> Path:
    """scripts/release of ``source``: the release folder it printed."""
    built = run(
        [source / "scripts/release"],
        cwd=out.parent,
        env=clean_env(OUT=str(out), PYTHON=sys.executable),
    )
    assert built.returncode == 0, built.stderr
    return Path(built.stdout.strip().splitlines()[-1])


def install_release(
    release: Path, root: Path, *args: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """The release folder's own install-release, under ``root`` (the venv's Python is this one)."""
    return run(
        [release / "install-release", *args, "--root", str(root)],
        cwd=cwd,
        env=clean_env(PYTHON=sys.executable),
    )


@dataclass
class Installed:
    root: Path
    side: str

    @property
    def prefix(self) -> Path:
        return self.root / "opt/effortless"

    @property
    def current(self) -> Path:
        return self.prefix / "current"

    def unit(self) -> Path:
        if self.side == "hq":
            return self.root / "etc/systemd/system/effortless-hq.service"
        return self.root / "etc/systemd/user/effortless-kiosk.service"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_release(ROOT, tmp_path_factory.mktemp("dist") / "dist")


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory that is not the clone."""
    return tmp_path_factory.mktemp("elsewhere")


def install(
    release: Path, side: str, tmp_path_factory: pytest.TempPathFactory, outside: Path
) -> Installed:
    root = tmp_path_factory.mktemp(f"{side}-root")
    done = install_release(release, root, f"--{side}", cwd=outside)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"/opt/effortless/current is now {VERSION} ({side})" in done.stdout
    return Installed(root, side)


@pytest.fixture(scope="module")
def hq_install(release: Path, tmp_path_factory: pytest.TempPathFactory, outside: Path) -> Installed:
    return install(release, "hq", tmp_path_factory, outside)


@pytest.fixture(scope="module")
def kiosk_install(
    release: Path, tmp_path_factory: pytest.TempPathFactory, outside: Path
) -> Installed:
    return install(release, "kiosk", tmp_path_factory, outside)


# -- the release folder --------------------------------------------------------------------


def test_the_release_holds_the_wheel_the_locks_the_installer_and_their_checksums(
    release: Path,
) -> None:
    wheel = f"effortless-{VERSION}-py3-none-any.whl"
    assert release.name == f"effortless-{VERSION}"
    assert sorted(p.name for p in release.iterdir()) == sorted(
        [wheel, "kiosk.lock", "hq.lock", "install-release", "system-deps", "SHA256SUMS"]
    )
    for side in ("kiosk", "hq"):
        assert (release / f"{side}.lock").read_bytes() == (
            ROOT / f"requirements/{side}.lock"
        ).read_bytes()
    checked = run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=release)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == 5
    with zipfile.ZipFile(release / wheel) as zipped:
        names = set(zipped.namelist())
    assert [n for n in IN_THE_WHEEL if n not in names] == []
    assert not [n for n in names if n.startswith(("tests/", "bench/")) or "__pycache__" in n]


# -- HQ ------------------------------------------------------------------------------------


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as systemd's EnvironmentFile= reads the simple ones."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip()
    return found


def test_hq_from_the_release_serves_as_its_unit_starts_it(
    hq_install: Installed, outside: Path, tmp_path: Path
) -> None:
    ces_hq = hq_install.current / "bin/ces-hq"
    assert run([ces_hq, "--version"], cwd=outside).stdout.strip() == f"ces-hq {VERSION}"
    # The unit's command and environment, with the settings file the install wrote (on a
    # free port), and /var/lib moved to a temporary one.
    unit = systemd_units.settings(hq_install.unit())
    command = systemd_units.exec_start(hq_install.unit())
    assert command == ["/opt/effortless/current/bin/ces-hq", "serve"]
    assert unit["EnvironmentFile"] == ["-/etc/effortless/hq.env"]
    settings = env_file(hq_install.root / "etc/effortless/hq.env")
    assert settings["EFFORTLESS_HQ_HOST"] == "127.0.0.1"
    var_lib = tmp_path / "var/lib"
    env = clean_env(**{**settings, "EFFORTLESS_HQ_PORT": str(free_port())})
    for assignment in unit["Environment"]:
        key, _, value = assignment.partition("=")
        env[key] = value.replace("/var/lib", str(var_lib))
    (state := var_lib / unit["StateDirectory"][0]).mkdir(parents=True)
    url = f"http://127.0.0.1:{env['EFFORTLESS_HQ_PORT']}"
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        server = subprocess.Popen(
            [str(hq_install.root) + command[0], *command[1:]],
            cwd=outside,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_until_healthy(url, lambda: server.poll() is None, 60, log.read_text)
        with Session() as session:
            assert session.get(f"{url}/livez", timeout=10).status_code == 200
            assert session.head(f"{url}/livez", timeout=10).status_code == 200
            assert session.get(f"{url}/readyz", timeout=10).status_code == 200
    finally:
        server.terminate()
        assert server.wait(timeout=30) == 0, log.read_text()
    # the database is in the unit's state directory, and nowhere near the clone
    assert (state / "hq.db").is_file(), sorted(var_lib.rglob("*"))
    where = run(
        [
            hq_install.current / "bin/python",
            "-c",
            "import hq, ces.assets; print(hq.__file__); print(ces.assets.assets_dir())",
        ],
        cwd=outside,
    )
    assert where.returncode == 0, where.stderr
    for path in where.stdout.split():
        assert Path(path).resolve().is_relative_to(hq_install.prefix.resolve() / VERSION), path


# -- the kiosk -----------------------------------------------------------------------------


def test_the_kiosk_from_the_release_renders_its_screens_outside_the_clone(
    kiosk_install: Installed, outside: Path, tmp_path: Path
) -> None:
    ces_kiosk = kiosk_install.current / "bin/ces-kiosk"
    assert run([ces_kiosk, "--version"], cwd=outside).stdout.strip() == f"ces-kiosk {VERSION}"
    where = run(
        [
            kiosk_install.current / "bin/python",
            "-c",
            "import ces.assets; print(ces.assets.assets_dir())",
        ],
        cwd=outside,
    )
    assets = Path(where.stdout.strip())
    assert assets.name == "_assets", where.stdout + where.stderr
    assert assets.resolve() == (kiosk_install.current / "share/effortless").resolve()
    shots = tmp_path / "shots"
    rendered = run(
        [ces_kiosk, "screenshots", "--out", shots],
        cwd=outside,
        env=clean_env(QT_QPA_PLATFORM="offscreen"),
    )
    assert rendered.returncode == 0, rendered.stderr
    names = {p.name for p in shots.glob("*.png")}
    assert {
        "in_store_purchase-1280x800-1-attract.png",
        "in_store_purchase-1280x800-3-why.png",
        "manager-1280x800-1-pin.png",
    } <= names, names


def test_the_openbox_session_of_the_release_starts_the_installed_kiosk(
    kiosk_install: Installed, outside: Path, tmp_path: Path
) -> None:
    # An openbox that ends at once: what is checked is which ces-kiosk the session runs.
    stubs = tmp_path / "bin"
    stubs.mkdir()
    (stubs / "openbox").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (stubs / "openbox").chmod(0o755)
    env = clean_env()
    env["PATH"] = f"{stubs}{os.pathsep}{env['PATH']}"
    env.pop("CES_KIOSK", None)
    session = kiosk_install.current / "share/effortless/openbox/session"
    started = run([session, "--version"], cwd=outside, env=env)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == f"ces-kiosk {VERSION}"


# -- both ----------------------------------------------------------------------------------


@pytest.fixture(params=["kiosk", "hq"])
def installed(request: pytest.FixtureRequest) -> Installed:
    found: Installed = request.getfixturevalue(f"{request.param}_install")
    return found


def test_the_installed_files_are_writable_by_root_only(installed: Installed) -> None:
    version_dir = installed.prefix / VERSION
    assert os.readlink(installed.current) == VERSION
    checked = 0
    for folder, dirs, files in os.walk(version_dir):
        for name in dirs + files:
            info = (Path(folder) / name).lstat()
            if stat.S_ISLNK(info.st_mode):
                continue
            checked += 1
            assert not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH), Path(folder) / name
            if os.geteuid() == 0:
                assert (info.st_uid, info.st_gid) == (0, 0), Path(folder) / name
    assert checked > 1000, "the walk saw the venv"
    assert stat.S_IMODE(installed.unit().stat().st_mode) == 0o644
    if installed.side == "hq":
        # it may hold the database password
        assert stat.S_IMODE((installed.root / "etc/effortless/hq.env").stat().st_mode) == 0o600


def test_the_units_are_the_shipped_ones_and_run_installed_programs(installed: Installed) -> None:
    unit = installed.unit()
    assert unit.read_bytes() == (ROOT / "assets/systemd" / unit.name).read_bytes()
    program = systemd_units.exec_start(unit)[0]
    assert program == f"/opt/effortless/current/bin/ces-{installed.side}"
    assert os.access(str(installed.root) + program, os.X_OK)


def test_the_hq_unit_runs_as_its_own_user_with_little_it_may_touch(
    hq_install: Installed,
) -> None:
    unit = systemd_units.settings(hq_install.unit())
    assert unit["User"] == ["effortless-hq"]
    assert unit["StateDirectory"] == ["effortless-hq"]
    for setting, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "Restart": "on-failure",
    }.items():
        assert unit[setting] == [value], setting
    # ProtectSystem=strict leaves only the state directory writable
    assert "ReadWritePaths" not in unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_installed_units(installed: Installed, tmp_path: Path) -> None:
    output = systemd_units.verify(
        installed.unit(), installed.root, user=installed.side == "kiosk", work=tmp_path
    )
    assert output == ""


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_rates_the_hq_unit_as_well_sandboxed(hq_install: Installed) -> None:
    rated = run(
        ["systemd-analyze", "security", "--offline=true", hq_install.unit()], cwd=hq_install.root
    )
    found = re.search(
        r"Overall exposure level for effortless-hq\.service: (\d+\.\d+)", rated.stdout
    )
    assert found is not None, rated.stdout + rated.stderr
    # 0 is locked down, 10 unprotected; systemd calls up to 3.9 "OK" (docs/deployment.md)
    assert float(found.group(1)) <= 2.5, rated.stdout


# -- updates and rollbacks -----------------------------------------------------------------


@pytest.fixture(scope="module")
def second_release(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The same code under the next version number, built from a copy of the clone."""
    source = tmp_path_factory.mktemp("next") / "effortless"
    source.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "kiosk.qmltypes")
    for name in ("ces", "kiosk", "sync", "hq", "assets", "requirements", "scripts"):
        shutil.copytree(ROOT / name, source / name, ignore=skip, symlinks=True)
    for name in ("pyproject.toml", "README.md", "LICENSE", ".gitignore"):
        shutil.copy2(ROOT / name, source / name)
    version = f"{VERSION}.post1"
    init = source / "ces/__init__.py"
    text = init.read_text(encoding="utf-8")
    assert f'__version__ = "{VERSION}"' in text
    init.write_text(text.replace(f'__version__ = "{VERSION}"', f'__version__ = "{version}"'))
    return version, build_release(source, tmp_path_factory.mktemp("dist2") / "dist")


def test_an_update_and_a_rollback_switch_the_current_link(
    release: Path, second_release: tuple[str, Path], tmp_path: Path, outside: Path
) -> None:
    root = tmp_path / "root"
    current = root / "opt/effortless/current"
    unit = root / "etc/systemd/system/effortless-hq.service"

    def version_run() -> str:
        return run([current / "bin/ces-hq", "--version"], cwd=outside).stdout.strip()

    assert install_release(release, root, "--hq", cwd=outside).returncode == 0
    assert version_run() == f"ces-hq {VERSION}"
    settings = root / "etc/effortless/hq.env"
    settings.write_text("EFFORTLESS_HQ_PORT=9999\n", encoding="utf-8")

    new_version, new_release = second_release
    updated = install_release(new_release, root, "--hq", cwd=outside)
    assert updated.returncode == 0, updated.stderr
    assert os.readlink(current) == new_version
    assert version_run() == f"ces-hq {new_version}"
    assert (root / f"opt/effortless/{VERSION}/bin/ces-hq").exists(), "the old one stays"
    assert settings.read_text(encoding="utf-8") == "EFFORTLESS_HQ_PORT=9999\n", "kept"

    # the same version again: refused, pointing at --switch
    again = install_release(release, root, "--hq", cwd=outside)
    assert again.returncode == 1
    assert f"--switch {VERSION}" in again.stderr
    assert os.readlink(current) == new_version

    # a rollback brings the old version's unit back with it
    unit.write_text("changed by the new version\n", encoding="utf-8")
    back = install_release(release, root, "--switch", VERSION, cwd=outside)
    assert back.returncode == 0, back.stderr
    assert os.readlink(current) == VERSION
    assert version_run() == f"ces-hq {VERSION}"
    assert unit.read_bytes() == (ROOT / "assets/systemd/effortless-hq.service").read_bytes()
    assert not list((root / "opt/effortless").glob(".current*")), "no link left half made"

    # a version that is not there: refused, nothing changes
    missing = install_release(release, root, "--switch", "9.9.9", cwd=outside)
    assert missing.returncode == 1
    assert "version 9.9.9 is not installed" in missing.stderr
    assert new_version in missing.stderr, "it names the versions that are there"
    assert os.readlink(current) == VERSION


def test_a_changed_release_file_is_refused_before_anything_is_installed(
    release: Path, tmp_path: Path, outside: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    with (copy / "hq.lock").open("a", encoding="utf-8") as lock:
        lock.write("evil-package==1.0\n")
    root = tmp_path / "root"
    refused = install_release(copy, root, "--hq", cwd=outside)
    assert refused.returncode == 1
    assert "hq.lock does not match its checksum" in refused.stderr
    assert not (root / "opt").exists()
    assert not (root / "etc").exists()


def test_install_release_says_how_to_call_it(release: Path, tmp_path: Path) -> None:
    for args in ([], ["--kiosk", "one-file"], ["--bogus"]):
        result = install_release(release, tmp_path / "root", *args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert "usage: install-release --kiosk|--hq" in result.stderr
    not_a_wheel = tmp_path / "effortless.zip"
    not_a_wheel.write_bytes(b"")
    result = install_release(
        release, tmp_path / "root", "--hq", str(not_a_wheel), str(release / "hq.lock"), cwd=tmp_path
    )
    assert result.returncode == 1
    assert "is not an Effortless wheel" in result.stderr
    missing = tmp_path / "effortless-1.0-py3-none-any.whl"
    result = install_release(
        release, tmp_path / "root", "--hq", str(missing), str(release / "hq.lock"), cwd=tmp_path
    )
    assert result.returncode == 1
    assert f"no wheel at {missing}" in result.stderr
    result = install_release(release, tmp_path / "root", "--switch", "../etc", cwd=tmp_path)
    assert result.returncode == 1
    assert "not a version: ../etc" in result.stderr
    assert not (tmp_path / "root").exists(), "a refused call creates nothing"
