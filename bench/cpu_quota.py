"""Runs a command as on a cheap store tablet: 30% of one CPU, by default.

    sudo .venv/bin/python bench/cpu_quota.py -- .venv/bin/python bench/startup.py --runs 10

As root, makes a cgroup for the command (v2: ``cpu.max = "3000 10000"`` and
``cpuset.cpus = 0``; v1: ``cpu.cfs_quota_us = 3000`` per ``cpu.cfs_period_us = 10000`` and
a cpuset of CPU 0), starts the command inside it (its children inherit it), and removes the
cgroup when the command has ended. Prints how often the command was throttled, so a run
that was not really limited shows as such. Without root, or where the cgroup files cannot
be written (some containers), it runs nothing and says how else to get the same profile.
``--check`` only says whether it can.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PERCENT = 30
PERIOD_US = 10_000
CPUS = "0"

ELSEWHERE = """\
Other ways to get the same profile (30% of one CPU):
  systemd-run --scope -p CPUQuota=30% -p AllowedCPUs=0 -- COMMAND
      (as root, or with --user where the user's cgroups have the cpu controller delegated)
  docker run --cpus=0.3 --cpuset-cpus=0 ...   (the kiosk in a container)
  taskset -c 0 COMMAND & cpulimit -l 30 -p $!
      (rougher: cpulimit stops and continues the process by signals, in much longer slices
      than the kernel's 10 ms period, so latencies come out worse than on the tablet)
  a VM with one vCPU capped at 30% (libvirt: <cputune><quota>3000</quota><period>10000</period>)
This script needs root and a writable cgroup hierarchy with the cpu controller: cgroup v2 at
/sys/fs/cgroup (cpu enabled in cgroup.subtree_control) or cgroup v1's cpu (and cpuset)
hierarchies."""


class QuotaUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Group:
    """One cgroup made for the command: a directory per hierarchy (one on v2)."""

    version: int
    dirs: tuple[Path, ...]

    @property
    def cpu_dir(self) -> Path:
        return self.dirs[0]


def _mounts() -> dict[str, Path]:
    """Mount points by hierarchy: 'unified' for cgroup2, else each v1 controller's name."""
    found: dict[str, Path] = {}
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        before, _, after = line.partition(" - ")
        fields, extra = before.split(), after.split()
        if not extra or not extra[0].startswith("cgroup"):
            continue
        mount = Path(fields[4])
        if extra[0] == "cgroup2":
            found.setdefault("unified", mount)
            continue
        for option in extra[2].split(","):
            found.setdefault(option, mount)
    return found


def _own_path(controller: str) -> str:
    """This process's cgroup in a hierarchy ('' for v2), from /proc/self/cgroup."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(",") or (controller == "" and controllers == ""):
            return path.lstrip("/")
    return ""


def _parent_dir(mount: Path, controller: str) -> Path:
    # Under this process's own cgroup where the mount shows it; a container often mounts
    # its own cgroup as the root, where that path does not exist.
    own = mount / _own_path(controller)
    return own if own.is_dir() else mount


def _write(path: Path, value: str) -> None:
    try:
        path.write_text(value)
    except OSError as exc:
        raise QuotaUnavailable(f"cannot write {value!r} to {path}: {exc.strerror}") from exc


def _v2_group(mount: Path, name: str, quota_us: int, period_us: int, cpus: str) -> Group:
    parent = _parent_dir(mount, "")
    available = (parent / "cgroup.controllers").read_text().split()
    if "cpu" not in available:
        raise QuotaUnavailable(
            f"cgroup v2 at {parent} does not offer the cpu controller (it offers: "
            f"{' '.join(available) or 'none'}); it is not delegated to this container"
        )
    enabled = (parent / "cgroup.subtree_control").read_text().split()
    wanted = [c for c in ("cpu", "cpuset") if c in available and c not in enabled]
    for controller in wanted:
        try:
            (parent / "cgroup.subtree_control").write_text(f"+{controller}")
        except OSError as exc:
            if controller == "cpu":
                hint = (
                    " (processes sit in that cgroup itself; v2 lets only a cgroup without "
                    "processes hand controllers down)"
                    if exc.errno == errno.EBUSY
                    else ""
                )
                raise QuotaUnavailable(
                    f"cannot enable cpu in {parent}/cgroup.subtree_control: {exc.strerror}{hint}"
                ) from exc
    group = parent / name
    group.mkdir()
    made = Group(2, (group,))
    try:
        _write(group / "cpu.max", f"{quota_us} {period_us}")
        if (group / "cpuset.cpus").exists():
            _write(group / "cpuset.cpus", cpus)
    except QuotaUnavailable:
        _remove(made)
        raise
    return made


def _v1_group(
    mounts: dict[str, Path], name: str, quota_us: int, period_us: int, cpus: str
) -> Group:
    cpu_dir = _parent_dir(mounts["cpu"], "cpu") / name
    cpu_dir.mkdir()
    dirs = [cpu_dir]
    made = Group(1, (cpu_dir,))
    try:
        _write(cpu_dir / "cpu.cfs_period_us", str(period_us))
        _write(cpu_dir / "cpu.cfs_quota_us", str(quota_us))
        if "cpuset" in mounts:
            cpuset_dir = _parent_dir(mounts["cpuset"], "cpuset") / name
            cpuset_dir.mkdir()
            dirs.append(cpuset_dir)
            made = Group(1, tuple(dirs))
            # A new v1 cpuset starts empty; it needs its memory nodes before any task.
            mems = (cpuset_dir.parent / "cpuset.mems").read_text().strip()
            _write(cpuset_dir / "cpuset.mems", mems)
            _write(cpuset_dir / "cpuset.cpus", cpus)
    except (QuotaUnavailable, OSError) as exc:
        _remove(made)
        if isinstance(exc, QuotaUnavailable):
            raise
        raise QuotaUnavailable(f"cannot make a cpuset: {exc}") from exc
    return made


def make_group(name: str, percent: float, period_us: int, cpus: str) -> Group:
    if os.geteuid() != 0:
        raise QuotaUnavailable("not root: only root may make cgroups here")
    quota_us = round(period_us * percent / 100)
    mounts = _mounts()
    unified = mounts.get("unified")
    try:
        # cgroup v2 only where it holds the cpu controller: on a hybrid system (v1's cpu
        # hierarchy mounted too) the v2 tree has no controllers.
        if "cpu" in mounts:
            return _v1_group(mounts, name, quota_us, period_us, cpus)
        if unified is not None:
            return _v2_group(unified, name, quota_us, period_us, cpus)
    except OSError as exc:
        raise QuotaUnavailable(f"cannot make a cgroup: {exc}") from exc
    raise QuotaUnavailable("no cgroup hierarchy with the cpu controller is mounted")


def _procs(directory: Path) -> list[str]:
    try:
        return (directory / "cgroup.procs").read_text().split()
    except OSError:
        return []


def _remove(group: Group) -> None:
    for directory in group.dirs:
        # Whatever the command left running goes back to the parent, so the group can go.
        for pid in _procs(directory):
            with contextlib.suppress(OSError):
                (directory.parent / "cgroup.procs").write_text(pid)
        try:
            directory.rmdir()
        except OSError as exc:
            print(f"cpu_quota: could not remove {directory}: {exc.strerror}", file=sys.stderr)


def throttling(group: Group) -> str:
    stat = dict(
        line.split(maxsplit=1)
        for line in (group.cpu_dir / "cpu.stat").read_text().splitlines()
        if " " in line
    )
    if group.version == 2:
        periods, throttled = int(stat.get("nr_periods", 0)), int(stat.get("nr_throttled", 0))
        waited_ms = int(stat.get("throttled_usec", 0)) / 1000
    else:
        periods, throttled = int(stat.get("nr_periods", 0)), int(stat.get("nr_throttled", 0))
        waited_ms = int(stat.get("throttled_time", 0)) / 1e6
    return (
        f"cpu_quota: throttled in {throttled} of {periods} periods, "
        f"{waited_ms / 1000:.1f} s held back"
    )


@contextlib.contextmanager
def quota(
    percent: float = PERCENT, period_us: int = PERIOD_US, cpus: str = CPUS
) -> Iterator[Group]:
    group = make_group(f"effortless-bench-{os.getpid()}", percent, period_us, cpus)
    try:
        yield group
    finally:
        _remove(group)


def run(command: list[str], group: Group, cpus: str) -> int:
    def enter() -> None:
        # In the child before exec: the command never runs a moment outside the quota.
        pid = str(os.getpid())
        for directory in group.dirs:
            (directory / "cgroup.procs").write_text(pid)
        os.sched_setaffinity(0, {int(c) for c in cpus.split(",")})

    # preexec_fn is unsafe only with threads in this process; there are none.
    child = subprocess.Popen(command, preexec_fn=enter)
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        return child.wait()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--percent", type=float, default=PERCENT, help="of one CPU (30)")
    parser.add_argument("--period-us", type=int, default=PERIOD_US, help="CFS period (10000)")
    parser.add_argument("--cpus", default=CPUS, help="CPUs to run on, comma-separated (0)")
    parser.add_argument("--check", action="store_true", help="only say whether it can")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command and not args.check:
        parser.error("give the command to run after --")
    try:
        with quota(args.percent, args.period_us, args.cpus) as group:
            where = ", ".join(str(d) for d in group.dirs)
            print(
                f"cpu_quota: {args.percent:g}% of CPU {args.cpus} "
                f"(period {args.period_us} us, cgroup v{group.version}: {where})",
                file=sys.stderr,
                flush=True,
            )
            if args.check:
                return 0
            code = run(command, group, args.cpus)
            print(throttling(group), file=sys.stderr)
            return code
    except QuotaUnavailable as exc:
        print(f"cpu_quota: {exc}\n\n{ELSEWHERE}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
