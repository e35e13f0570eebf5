"""Issue 15 at a chain's scale: alert checks, weekly digests, pages by role, footfall import.

The database is ``bench/dashboard.py``'s (500 stores, two kiosks each, a year of answers:
see its docstring), found kept or filled by its own code (``--keep DIR`` for SQLite,
``--keep-pg`` for PostgreSQL; ``--stores``, ``--answers``). On it this bench adds what issue
15 brings: one store manager per store (``mgr-s001`` ...), five analysts, and one store
manager of two stores (``sm2``: s042 and s043), all with an e-mail address (made with
hq.users.add_user and hq.roles.set_member; found again on a kept database), and a year of
footfall (the file of part 4). Then, each part on its own (``--part``):

1. ``footfall``: ``ces-hq footfall import`` of a CSV of every store's opening hours (09-21,
   13 hours) over ``--footfall-days`` days (365: ~2.4M rows). Above the import's file cap
   (hq.footfall.MAX_FILE_BYTES, 32 MiB) the CLI refuses it: that is shown, and then the
   biggest whole-day file under the cap is imported. Timed in a subprocess under
   ``/usr/bin/time -v`` (wall time, peak RSS), once into hours not loaded before and once
   again (every row replaced), and in-process split into reading the file and storing it.
2. ``alerts``: ``hq.alerts.inbox.evaluate`` with one chain-scope rule of each kind at its
   default settings, and all five together: a dry run (nothing written, so every run finds
   the same), ``--runs`` times, the median and the findings. The job runs every 5 minutes.
3. ``digest``: ``hq.digest.build`` and ``hq.digest_render.mail`` (text and HTML) of last
   complete week for an analyst (one section of every store) and for ``sm2`` (two
   sections), ``--runs`` times each; then every recipient of the chain once (506), built
   and rendered; with ``--send`` also mailed by ``hq.digest_sending.send_week`` to a local
   SMTP server (aiosmtpd, tests/hq/smtp_inbox.py; the week's digest_sends rows are deleted
   afterwards so a later run sends again).
4. ``pages``: ``ces-hq serve`` (one uvicorn worker), logged in as an analyst and as ``sm2``;
   the main pages' Server-Timing, ``--repeat`` requests each after one warm-up, measured as
   ``bench/dashboard.py`` does (its ``fetch`` and ``Timing``).

``--database both`` runs SQLite then PostgreSQL. PostgreSQL's kept database is
dashboard.py's (``effortless_bench_dashboard``); ``--drop-pg`` drops it at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

import psutil
import requests
from dashboard import (
    DEFAULT_STORES,
    FILL,
    KEPT_PG_DATABASE,
    RECOUNT,
    Timing,
    describe_machine,
    drop_pg_database,
    fetch,
    fill,
    pg_database,
    recount,
    reusable,
    store_ids,
)
from from_tests import CES_HQ, HQService
from sqlalchemy import delete, select

from hq import digest, digest_render, digest_sending, footfall, roles, users
from hq.alerts.inbox import evaluate
from hq.alerts.rules import KINDS, check_rule
from hq.db.database import DB_FILENAME, HQDatabase, sqlite_url
from hq.db.tables import digest_sends
from hq.db.tables import footfall as footfall_table
from hq.db.tables import users as users_table
from hq.mail import Mailer
from hq.moments import utcnow

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_ANSWERS = 2_000_000
PASSWORD = "bench-close-the-loop"
ANALYSTS = 5
SM2, SM2_STORES = "sm2", ("s042", "s043")
ALERT_PERIOD_S = 300.0
OPEN_HOURS = range(9, 22)  # 13 hours
PUBLIC_URL = "https://hq.example.org"
PARTS = ("footfall", "alerts", "digest", "pages")
T = TypeVar("T")


def log(line: str) -> None:
    print(line, flush=True)


def load_note() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def median_of(work: Callable[[], T], runs: int) -> tuple[float, list[float], T]:
    """(median s, every run's s, the last run's result)."""
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        took.append(time.perf_counter() - started)
    return statistics.median(took), took, result


# --- the database and its users ---------------------------------------------------------------


def ready(url: str, answers: int, stores: int, seed: int) -> None:
    """dashboard.py's database: reused if kept, else filled (or its counts made again)."""
    kept = reusable(url, answers, stores)
    if kept == FILL:
        log(f"filling: {answers:,} answers over {stores} stores (dashboard.py's fill)")
        took = fill(url, answers, stores, seed)
        log(f"filled in {sum(took.values()):.0f} s")
    elif kept == RECOUNT:
        log(f"counted again in {recount(url):.0f} s")
    else:
        log("reusing the kept database")


def ensure_user(db: HQDatabase, name: str, role: str, stores: Sequence[str]) -> bool:
    with db.reading() as conn:
        found = conn.execute(select(users_table.c.name).where(users_table.c.name == name)).first()
    if found is None:
        users.add_user(db, name, PASSWORD)
    roles.set_member(db, name, role=role, stores=stores, email=f"{name}@example.org")
    return found is None


def set_up_people(db: HQDatabase, stores: int) -> None:
    started = time.perf_counter()
    made = 0
    for store in store_ids(stores):
        made += ensure_user(db, f"mgr-{store}", roles.STORE_MANAGER, [store])
    for i in range(1, ANALYSTS + 1):
        made += ensure_user(db, f"analyst{i}", roles.ANALYST, [])
    made += ensure_user(db, SM2, roles.STORE_MANAGER, SM2_STORES)
    log(f"people: {made} users made, {time.perf_counter() - started:.0f} s")


# --- 1. footfall ---------------------------------------------------------------------------------


def footfall_rows(stores: int, days: int, today: date) -> list[str]:
    first = today - timedelta(days=days)
    lines = ["store,date,hour,visitors"]
    for s, store in enumerate(store_ids(stores)):
        for d in range(days):
            day = (first + timedelta(days=d)).isoformat()
            for hour in OPEN_HOURS:
                lines.append(f"{store},{day},{hour},{40 + (s * 7 + d * 3 + hour * 11) % 160}")
    return lines


def write_csv(path: Path, lines: Sequence[str]) -> int:
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(data)
    return len(data)


def timed_cli(args: Sequence[str]) -> tuple[int, float, int, str]:
    """(exit code, wall s, peak RSS KiB, the command's own output) under /usr/bin/time -v."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", *args], capture_output=True, text=True, check=False
    )
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    seconds = 0.0
    if wall:
        seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    own = re.split(r"Command exited with|\tCommand being timed", done.stderr)[0]
    said = (done.stdout + own).strip()
    return done.returncode, seconds, int(rss.group(1)) if rss else 0, said


def part_footfall(url: str, stores: int, days: int, tmp: Path) -> None:
    today = utcnow().date()
    lines = footfall_rows(stores, days, today)
    asked = tmp / "footfall-year.csv"
    size = write_csv(asked, lines)
    rows = len(lines) - 1
    log(f"\nfootfall: {rows:,} rows ({stores} stores x {days} days x 13 h), {size / 2**20:.1f} MiB")
    where = ["--database-url", url]
    one = tmp / "one-row.csv"
    write_csv(one, lines[:2])
    _, wall, rss, _ = timed_cli([CES_HQ, "footfall", "import", str(one), *where])
    log(f"  a one-row file (the command's start): {wall:.2f} s, peak RSS {rss / 1024:.0f} MiB")
    db = HQDatabase.open(url)
    try:
        with db.writing() as conn:
            conn.execute(delete(footfall_table))
    finally:
        db.close()

    def timed_import(label: str) -> int:
        code, wall, rss, said = timed_cli([CES_HQ, "footfall", "import", str(asked), *where])
        log(
            f"  ces-hq footfall import ({label}): exit {code}, {wall:.1f} s, "
            f"{rows / wall if code == 0 else 0:,.0f} rows/s, peak RSS {rss / 1024:.0f} MiB ({load_note()}): {said}"
        )
        return code

    if timed_import("the whole file, new hours") != 0:
        # The biggest file of whole days (every store) the cap allows.
        fit = int(footfall.MAX_FILE_BYTES / (size / days))
        while fit > 0:
            lines = footfall_rows(stores, fit, today)
            size = write_csv(asked, lines)
            if size <= footfall.MAX_FILE_BYTES:
                break
            fit -= 1
        rows = len(lines) - 1
        log(
            f"  the biggest whole-day file under the cap: {fit} days, {rows:,} rows, "
            f"{size / 2**20:.1f} MiB"
        )
        timed_import("new hours")
    timed_import("again: every row replaced")
    started = time.perf_counter()
    parsed = footfall.read_file(asked)
    read_s = time.perf_counter() - started
    db = HQDatabase.open(url)
    try:
        started = time.perf_counter()
        footfall.load(db, parsed)
        store_s = time.perf_counter() - started
    finally:
        db.close()
    log(
        f"  in-process: read and check {read_s:.1f} s ({rows / read_s:,.0f} rows/s), "
        f"store {store_s:.1f} s ({rows / store_s:,.0f} rows/s) ({load_note()})"
    )


# --- 2. alerts ------------------------------------------------------------------------------------


def part_alerts(db: HQDatabase, runs: int) -> None:
    now = utcnow()
    log(f"\nalerts: evaluate(dry run), chain scope, default settings, median of {runs}")
    log(f"{'rule':<22} {'median s':>9} {'min':>7} {'max':>7} {'of 5 min':>9} {'findings':>9}")
    rules = [check_rule(kind=kind, scope="chain") for kind in KINDS]
    for name, chosen in [*((r.kind, [r]) for r in rules), ("all five", rules)]:
        med, took, done = median_of(partial(evaluate, db, now, dry_run=True, rules=chosen), runs)
        found = len(done.opened) + len(done.repeated) + len(done.cooling)
        log(
            f"{name:<22} {med:9.3f} {min(took):7.3f} {max(took):7.3f} "
            f"{med / ALERT_PERIOD_S:9.2%} {found:9} ({load_note()})"
        )


# --- 3. digests -----------------------------------------------------------------------------------


def part_digest(db: HQDatabase, runs: int, send: bool) -> None:
    week = digest.last_complete_week(utcnow().date())
    everyone = roles.members(db)
    by_name = {m.name: m for m in everyone}
    log(f"\ndigest of {week.label}: build + render (text and HTML), median of {runs}")
    for who in ("analyst1", SM2):
        member = by_name[who]
        built = median_of(partial(digest.build, db, member, week), runs)
        d = built[2]
        rendered = median_of(partial(digest_render.mail, d, PUBLIC_URL), runs)
        mail = rendered[2]
        log(
            f"  {who} ({member.role}, {len(d.sections)} section(s)): build {built[0]:.3f} s "
            f"(min {min(built[1]):.3f}), render {rendered[0]:.3f} s, "
            f"{len(mail.html or '') / 1024:.0f} KiB HTML ({load_note()})"
        )
    waiting = digest.recipients(everyone)
    started = time.perf_counter()
    slowest = 0.0
    for member in waiting:
        one = time.perf_counter()
        digest_render.mail(digest.build(db, member, week), PUBLIC_URL)
        slowest = max(slowest, time.perf_counter() - one)
    total = time.perf_counter() - started
    log(
        f"  every recipient ({len(waiting)}): {total:.1f} s built and rendered, "
        f"{total / len(waiting) * 1000:.0f} ms each, slowest {slowest:.2f} s ({load_note()})"
    )
    if send:
        from smtp_inbox import start_inbox  # type: ignore[import-not-found]  # tests/hq

        inbox, controller = start_inbox()
        try:
            with db.writing() as conn:
                conn.execute(delete(digest_sends).where(digest_sends.c.week == week.label))
            started = time.perf_counter()
            outcome = digest_sending.send_week(
                db, Mailer.from_url(inbox.url), week, public_url=PUBLIC_URL
            )
            took = time.perf_counter() - started
            log(
                f"  send_week to a local SMTP server: {len(outcome.sent)} mailed, "
                f"{len(inbox.messages)} arrived, {took:.1f} s ({load_note()})"
            )
        finally:
            controller.stop()
            with db.writing() as conn:
                conn.execute(delete(digest_sends).where(digest_sends.c.week == week.label))


# --- 4. pages by role -------------------------------------------------------------------------


def page_urls(today: date) -> list[str]:
    year = f"from={(today - timedelta(days=364)).isoformat()}"
    return [
        "/",
        "/factors",
        "/priorities",
        "/trend",
        "/trend?split=store",
        "/compare",
        "/actions",
        "/fleet",
        "/comments",
        "/alerts",
        "/participation",
        f"/?{year}",
        f"/trend?{year}",
        f"/compare?{year}",
        f"/comments?{year}",
    ]


def measure_as(url: str, who: str, repeat: int, today: date) -> list[Timing | str]:
    """Each page's Timing, or why it was not shown to ``who``."""
    with tempfile.TemporaryDirectory() as tmp, HQService(Path(tmp), url) as hq:
        session = requests.Session()
        reply = session.post(
            f"{hq.url}/login",
            data={"user": who, "password": PASSWORD, "next": "/"},
            allow_redirects=False,
            timeout=30,
        )
        if reply.status_code != 303:
            raise SystemExit(f"login as {who} failed: HTTP {reply.status_code}")
        out: list[Timing | str] = []
        timings = []
        for page in page_urls(today):
            first = session.get(hq.url + page, timeout=300, allow_redirects=False)
            if first.status_code != 200:
                out.append(f"{page}: HTTP {first.status_code}")
                continue
            t = Timing(page)
            t.first_ms, _, t.bytes = fetch(session, hq.url, page)
            timings.append(t)
            out.append(t)
        assert hq.process is not None
        server = psutil.Process(hq.process.pid)
        for _ in range(repeat):
            for t in timings:
                before = sum(server.cpu_times()[:2])
                ms, wall, _ = fetch(session, hq.url, t.url)
                t.cpu_s += sum(server.cpu_times()[:2]) - before
                t.server_ms.append(ms)
                t.wall_ms.append(wall)
        return out


def part_pages(url: str, repeat: int) -> None:
    today = utcnow().date()
    year = f"from={(today - timedelta(days=364)).isoformat()}"
    before = load_note()
    found = {who: measure_as(url, who, repeat, today) for who in ("analyst1", SM2)}
    log(f"\npages: Server-Timing ms, {repeat} requests each ({before} before, {load_note()} after)")
    log(f"{'page':<24} {'analyst med':>11} {'p95':>7} {'sm2 med':>8} {'p95':>7} {'KiB a/sm2':>10}")
    for a, s in zip(found["analyst1"], found[SM2], strict=True):
        name = (a.url if isinstance(a, Timing) else a.split(":")[0]).replace(year, "from=-364d")

        def cell(t: Timing | str) -> str:
            return f"{t.median:11.1f} {t.p95:7.1f}" if isinstance(t, Timing) else f"{t:>19}"

        sizes = "/".join(f"{t.bytes / 1024:.0f}" for t in (a, s) if isinstance(t, Timing))
        log(f"{name:<24} {cell(a)} {cell(s)} {sizes:>10}")


# --- running -------------------------------------------------------------------------------------


def run(url: str, kind: str, args: argparse.Namespace) -> None:
    log(f"\n== {kind}: {args.answers:,} answers, {args.stores} stores")
    ready(url, args.answers, args.stores, args.seed)
    db = HQDatabase.open(url)
    try:
        set_up_people(db, args.stores)
    finally:
        db.close()
    parts = args.part or list(PARTS)
    if "footfall" in parts:
        with tempfile.TemporaryDirectory() as tmp:
            part_footfall(url, args.stores, args.footfall_days, Path(tmp))
    db = HQDatabase.open(url)
    try:
        if "alerts" in parts:
            part_alerts(db, args.runs)
        if "digest" in parts:
            part_digest(db, args.runs, args.send)
    finally:
        db.close()
    if "pages" in parts:
        part_pages(url, args.repeat)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--answers", type=int, default=DEFAULT_ANSWERS)
    parser.add_argument("--stores", type=int, default=DEFAULT_STORES)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--part", action="append", choices=PARTS, help="only this part (again)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of an alert check/digest")
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page")
    parser.add_argument("--footfall-days", type=int, default=365)
    parser.add_argument("--send", action="store_true", help="also mail every digest (aiosmtpd)")
    parser.add_argument("--pg-url", default=os.environ.get("EFFORTLESS_TEST_PG_URL", DEFAULT_PG))
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep/reuse SQLite's hq.db here")
    parser.add_argument("--keep-pg", action="store_true", help=f"reuse {KEPT_PG_DATABASE}")
    parser.add_argument("--drop-pg", action="store_true", help=f"drop {KEPT_PG_DATABASE} after")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    log(describe_machine(args.pg_url, kinds))
    for kind in kinds:
        if kind == "sqlite":
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                if reusable(sqlite_url(args.keep), args.answers, args.stores) == FILL:
                    for suffix in ("", "-wal", "-shm"):
                        (args.keep / f"{DB_FILENAME}{suffix}").unlink(missing_ok=True)
                run(sqlite_url(args.keep), kind, args)
            else:
                with tempfile.TemporaryDirectory() as data:
                    run(sqlite_url(Path(data)), kind, args)
        else:
            url = pg_database(args.pg_url, KEPT_PG_DATABASE, create=False)
            if not args.keep_pg or reusable(url, args.answers, args.stores) == FILL:
                url = pg_database(args.pg_url, KEPT_PG_DATABASE, create=True)
            try:
                run(url, kind, args)
            finally:
                if args.drop_pg or not args.keep_pg:
                    drop_pg_database(args.pg_url, KEPT_PG_DATABASE)


sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "hq"))

if __name__ == "__main__":
    main()
