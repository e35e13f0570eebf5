"""``ces-hq backup --to FILE [--force]`` and ``ces-hq restore --from FILE`` (hq.backup).

On PostgreSQL both explain the pg_dump / pg_restore command lines and exit with status 2:
PostgreSQL's own tools do that job better than a copy of them would.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from hq import backup
from hq.db.database import parse_url
from hq.db.tables import SCHEMA_VERSION

NOT_FOR_POSTGRESQL = 2
# As a nightly job's priority: the backup waits for the CPU, kiosks' batches do not.
BACKUP_NICENESS = 10


def add_backup_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``options`` adds the database options to a command."""
    taking = commands.add_parser(
        "backup",
        help="copy the SQLite database to FILE while HQ serves (PostgreSQL: prints the "
        "pg_dump command)",
    )
    taking.add_argument("--to", type=Path, required=True, metavar="FILE", dest="to_file")
    taking.add_argument("--force", action="store_true", help="replace FILE if it exists")
    options(taking)
    putting = commands.add_parser(
        "restore",
        help="put a backup in place of the SQLite database (stop HQ first); the current "
        "database is kept beside it, renamed",
    )
    putting.add_argument("--from", type=Path, required=True, metavar="FILE", dest="from_file")
    options(putting)


def run(args: argparse.Namespace, database_url: Callable[[], str]) -> int:
    """Raises backup.BackupError or HQDatabaseError for what the operator can fix."""
    url = parse_url(database_url())
    if url.drivername != "sqlite":
        file = str(args.to_file if args.command == "backup" else args.from_file)
        trgm = backup.has_pg_trgm(url)
        pg = backup.pg_commands(url, file, with_trgm=trgm is not False)
        shown = url.render_as_string(hide_password=True)
        print(
            f"ces-hq: {args.command} works on SQLite only; {shown} is PostgreSQL, whose own "
            "tools do it (docs/deployment.md, 'HQ: backups and restore'):\n"
            f"  back up:  {pg.dump}\n"
            f"  restore:  {pg.create}\n"
            f"            {pg.restore}\n"
            f"then stop HQ and start it with {pg.restored_database} in --database-url (the "
            "current database stays as it is).\n"
            "The password comes from PGPASSWORD or ~/.pgpass, never the command line."
            + (
                f"\n(could not reach {shown} to see whether pg_trgm is installed: if it is "
                "not, leave --extension=pg_trgm out)"
                if trgm is None and "--extension" in pg.dump
                else ""
            ),
            file=sys.stderr,
        )
        return NOT_FOR_POSTGRESQL
    assert url.database is not None
    database = Path(url.database)
    if args.command == "backup":
        # Copying and checking a large file is CPU work beside a serving HQ: HQ comes first.
        os.nice(BACKUP_NICENESS)
        facts = backup.backup_sqlite(database, args.to_file, force=args.force)
        print(
            f"wrote {facts.path}: {_size(facts.size)}, {facts.answers} answers, "
            f"schema version {facts.schema_version} (integrity check: ok)"
        )
        return 0
    done = backup.restore_sqlite(args.from_file, database)
    kept = (
        f"; the database it replaced is kept as {done.kept_as}" if done.kept_as is not None else ""
    )
    upgrade = (
        f" (ces-hq serve upgrades it to schema {SCHEMA_VERSION} on start)"
        if done.facts.schema_version < SCHEMA_VERSION
        else ""
    )
    print(
        f"restored {done.facts.path} into {done.target}: {done.facts.answers} answers, "
        f"schema version {done.facts.schema_version}{upgrade}{kept}"
    )
    return 0


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    size = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024 or unit == "GiB":
            break
    return f"{size:.1f} {unit}"
