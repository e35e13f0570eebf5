"""``ces-hq journey ...``: journeys and their touchpoints for scripts.

    ces-hq journey list [--json]
    ces-hq journey add ID --name en=TEXT --name nl=TEXT [--name LOC=TEXT ...]
    ces-hq journey set ID --name LOC=TEXT [...]            ('' removes an optional language)
    ces-hq journey remove ID
    ces-hq journey touchpoint add JOURNEY TP --survey ID [--target 80] --name en=.. --name nl=..
    ces-hq journey touchpoint set JOURNEY TP [--survey ID] [--target N] [--name LOC=TEXT ...]
    ces-hq journey touchpoint remove JOURNEY TP
    ces-hq journey touchpoint move JOURNEY TP --to N        (1: first)

Each also takes the database options and --surveys DIR (the folder HQ serves, whose survey
ids a touchpoint may run). Every error is one line and exit status 1 (2 for a command line
that cannot be read).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from hq import journeys
from hq.db.database import HQDatabase
from hq.surveys import SurveyCatalog


class JourneyCliError(Exception):
    """A command line the journey commands cannot use; one line."""


class OneLineParser(argparse.ArgumentParser):
    """Says what is wrong with a command line in one line, without the usage block."""

    def error(self, message: str) -> NoReturn:
        print(f"ces-hq: error: {self.prog}: {message}", file=sys.stderr)
        sys.exit(2)


def add_journey_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``options`` adds the database and survey folder options to a command."""
    journey = commands.add_parser(
        "journey", help="customer journeys: their touchpoints, surveys and targets"
    )
    journey.error = OneLineParser.error.__get__(journey)  # type: ignore[method-assign]
    actions = journey.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    listing = actions.add_parser("list", help="every journey with its touchpoints in order")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    options(listing)
    add = actions.add_parser("add", help="add a journey (names in en and nl at least)")
    add.add_argument("journey_id", metavar="ID")
    _name_option(add)
    options(add)
    change = actions.add_parser("set", help="rename a journey")
    change.add_argument("journey_id", metavar="ID")
    _name_option(change)
    options(change)
    remove = actions.add_parser("remove", help="remove a journey and its touchpoints")
    remove.add_argument("journey_id", metavar="ID")
    options(remove)

    touchpoint = actions.add_parser("touchpoint", help="a journey's touchpoints")
    tp_actions = touchpoint.add_subparsers(
        dest="tp_action", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    tp_add = tp_actions.add_parser("add", help="add a touchpoint at the end of a journey")
    _touchpoint_args(tp_add)
    tp_add.add_argument("--survey", metavar="ID", help="the survey it runs (required)")
    tp_add.add_argument(
        "--target",
        default=str(journeys.DEFAULT_TARGET),
        metavar="N",
        help=f"target %% easy, 1-100 (default {journeys.DEFAULT_TARGET})",
    )
    _name_option(tp_add)
    options(tp_add)
    tp_set = tp_actions.add_parser("set", help="change a touchpoint's survey, target or names")
    _touchpoint_args(tp_set)
    tp_set.add_argument("--survey", metavar="ID", help="the survey it runs")
    tp_set.add_argument("--target", metavar="N", help="target %% easy, 1-100")
    _name_option(tp_set)
    options(tp_set)
    tp_remove = tp_actions.add_parser("remove", help="remove a touchpoint from its journey")
    _touchpoint_args(tp_remove)
    options(tp_remove)
    tp_move = tp_actions.add_parser("move", help="move a touchpoint within its journey")
    _touchpoint_args(tp_move)
    tp_move.add_argument("--to", metavar="N", help="its new position (1: first)")
    options(tp_move)


def _touchpoint_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("journey_id", metavar="JOURNEY")
    parser.add_argument("touchpoint", metavar="TP", help="the touchpoint's id (kiosks')")


def _name_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="LOC=TEXT",
        help="a name in one language, e.g. nl='Winkelen in de winkel' (repeat per language)",
    )


def _names(given: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for item in given:
        locale, sep, text = item.partition("=")
        if not sep:
            raise JourneyCliError(f"--name {item[:40]!r}: expected LOC=TEXT, e.g. en=Returns")
        names[locale.strip()] = text
    return names


def run(args: argparse.Namespace, db: HQDatabase, catalog: SurveyCatalog) -> int:
    """One journey command; JourneyError and JourneyCliError are the caller's to print."""
    journeys.seed(db, catalog)
    action = args.action if args.action != "touchpoint" else f"touchpoint {args.tp_action}"
    if action == "list":
        return _list(db, args.json)
    if action == "add":
        journeys.add_journey(db, args.journey_id, _names(args.name))
        print(f"journey {args.journey_id} added")
    elif action == "set":
        if not args.name:
            raise JourneyCliError("say what to set: --name LOC=TEXT")
        journeys.rename_journey(db, args.journey_id, _names(args.name))
        print(f"journey {args.journey_id} renamed")
    elif action == "remove":
        journeys.remove_journey(db, args.journey_id)
        print(f"journey {args.journey_id} removed, with its touchpoints")
    elif action == "touchpoint add":
        if args.survey is None:
            raise JourneyCliError("say which survey the touchpoint runs: --survey ID")
        journeys.add_touchpoint(
            db,
            args.journey_id,
            args.touchpoint,
            names=_names(args.name),
            survey=args.survey,
            target=args.target,
            surveys=catalog.by_id,
        )
        print(f"touchpoint {args.touchpoint} added to journey {args.journey_id}")
    elif action == "touchpoint set":
        if args.survey is None and args.target is None and not args.name:
            raise JourneyCliError("say what to set: --survey, --target and/or --name")
        journeys.set_touchpoint(
            db,
            args.journey_id,
            args.touchpoint,
            surveys=catalog.by_id,
            names=_names(args.name),
            survey=args.survey,
            target=args.target,
        )
        print(f"touchpoint {args.touchpoint} updated")
    elif action == "touchpoint remove":
        journeys.remove_touchpoint(db, args.journey_id, args.touchpoint)
        print(f"touchpoint {args.touchpoint} removed from journey {args.journey_id}")
    elif action == "touchpoint move":
        if args.to is None:
            raise JourneyCliError("say where to: --to N (1: first)")
        journeys.move_touchpoint(db, args.journey_id, args.touchpoint, args.to)
        print(f"touchpoint {args.touchpoint} moved to position {int(args.to)}")
    return 0


def _list(db: HQDatabase, as_json: bool) -> int:
    found = journeys.all_journeys(db)
    if as_json:
        print(json.dumps([_as_json(j) for j in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("no journeys; add one with: ces-hq journey add ID --name en=TEXT --name nl=TEXT")
        return 0
    rows = [["JOURNEY", "#", "TOUCHPOINT", "SURVEY", "TARGET", "NAME (en)"]]
    for j in found:
        rows.append([j.id, "", "", "", "", j.name("en")])
        rows += [
            ["", str(i), tp.id, tp.survey, f"{tp.target}%", tp.name("en")]
            for i, tp in enumerate(j.touchpoints, 1)
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _as_json(j: journeys.Journey) -> dict[str, Any]:
    return {
        "id": j.id,
        "names": j.names,
        "touchpoints": [
            {"id": tp.id, "names": tp.names, "survey": tp.survey, "target": tp.target}
            for tp in j.touchpoints
        ],
    }
