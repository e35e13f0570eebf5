"""``ces-hq footfall import FILE.csv [--dry-run]``: visitors per store and hour from door
counters (hq.footfall), checked whole before anything is stored."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from hq import footfall
from hq.db.database import HQDatabase


def add_footfall_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``options`` adds the database options to a command."""
    command = commands.add_parser(
        "footfall", help="visitors per store and hour from door counters (for participation)"
    )
    actions = command.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = actions.add_parser(
        "import",
        help="load a CSV file with the columns store, date, hour, visitors (the store's "
        "local date and hour 0-23); hours loaded before are replaced; all or nothing",
    )
    load.add_argument("file", type=Path, metavar="FILE.csv")
    load.add_argument(
        "--dry-run", action="store_true", help="check the file and say what would be loaded"
    )
    options(load)


def run(args: argparse.Namespace, open_database: Callable[[], HQDatabase]) -> int:
    """Raises footfall.FootfallError for a file that cannot be loaded (nothing is)."""
    # The whole file is checked before the database is opened.
    rows = footfall.read_file(args.file)
    with closing(open_database()) as db:
        summary = footfall.load(db, rows, dry_run=args.dry_run)
    print(describe(summary, args.dry_run))
    return 0


def describe(s: footfall.Summary, dry_run: bool = False) -> str:
    span = f" ({s.first} .. {s.last})" if s.first and s.first != s.last else f" ({s.first})"
    replaced = (
        f"; {s.replaced} of them replace{'' if dry_run else 'd'} hours loaded before"
        if s.replaced
        else ""
    )
    what = (
        f"{_n(s.rows, 'row')} of footfall: {_n(s.stores, 'store')}, {_n(s.days, 'day')}"
        f"{span}{replaced}"
    )
    return f"would load {what}; nothing was changed (--dry-run)" if dry_run else f"loaded {what}"


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
