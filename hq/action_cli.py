"""``ces-hq action ...``: recorded actions for scripts.

    ces-hq action list [--json]
    ces-hq action set ID [--status planned|in_progress|done] [--owner NAME] [--factor F]

``--owner ''`` and ``--factor ''`` clear them. A factor must be one of the surveys answered
at the action's touchpoint. Each also takes the database options and --surveys DIR. Every
error is one line and exit status 1 (2 for a command line that cannot be read).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from hq import actions, storeinfo
from hq.dashboard.filters import today
from hq.db.database import HQDatabase
from hq.did import Group
from hq.journey_cli import OneLineParser
from hq.surveys import SurveyCatalog


class ActionCliError(Exception):
    """A command line the action commands cannot use; one line."""


def add_action_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``options`` adds the database and survey folder options to a command."""
    action = commands.add_parser(
        "action", help="recorded actions: their status, owner, factor and effect"
    )
    action.error = OneLineParser.error.__get__(action)  # type: ignore[method-assign]
    sub = action.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    listing = sub.add_parser(
        "list", help="every action, newest first, with its effect against comparable stores"
    )
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    options(listing)
    setting = sub.add_parser("set", help="change an action's status, owner or factor")
    setting.add_argument("action_id", metavar="ID", type=_action_id)
    setting.add_argument("--status", choices=actions.STATUSES)
    setting.add_argument("--owner", metavar="NAME", help="who answers for it ('' clears)")
    setting.add_argument(
        "--factor", metavar="F", help="the survey factor it addresses, by id ('' clears)"
    )
    options(setting)


def _action_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 9:
        raise argparse.ArgumentTypeError(f"{raw[:20]!r} is not an action id (see: action list)")
    return int(raw)


def run(args: argparse.Namespace, db: HQDatabase, catalog: SurveyCatalog) -> int:
    if args.action == "list":
        return _list(args, db)
    if args.status is None and args.owner is None and args.factor is None:
        raise ActionCliError("say what to change: --status, --owner or --factor")
    found = actions.find(db, args.action_id)
    if found is None:
        raise ActionCliError(f"no action {args.action_id} (see: ces-hq action list)")
    actions.update(
        db,
        found.id,
        status=args.status,
        owner=args.owner,
        factor=args.factor,
        factors=actions.factor_ids(catalog, found.touchpoint),
    )
    changed = actions.find(db, found.id)
    assert changed is not None
    print(_line(changed))
    return 0


def _list(args: argparse.Namespace, db: HQDatabase) -> int:
    day = today(storeinfo.chain_zone(db))
    found = actions.all_actions(db)
    effects = [actions.effect(db, a, day, found) for a in found]
    if args.json:
        print(json.dumps([_as_json(e) for e in effects], ensure_ascii=False, indent=2))
        return 0
    if not effects:
        print("no actions")
    for e in effects:
        print(_line(e.action))
        for line in _effect_lines(e):
            print(f"    {line}")
    return 0


def _line(a: actions.Action) -> str:
    stores = ",".join(a.stores) or "every store"
    return (
        f"{a.id}  {a.started_on.isoformat()}  {a.status}  owner={a.owner or '-'}  "
        f"factor={a.factor or '-'}  {a.touchpoint or 'every touchpoint'}  {stores}  {a.title}"
    )


def _effect_lines(e: actions.Effect) -> list[str]:
    if e.after is None:
        return ["not started yet"]
    out = []
    for c in e.changes:
        before = "-" if c.before.pct_easy is None else f"{c.before.pct_easy:.1f}%"
        after = "-" if c.after.pct_easy is None else f"{c.after.pct_easy:.1f}%"
        text = f"{c.scale}: % easy {before} (n={c.before.n}) -> {after} (n={c.after.n})"
        d = e.did_for(c.scale)
        if d is not None:
            relative = "" if d.relative is None else f", % easy {d.relative * 100:+.1f}%"
            text += (
                f"; against {d.control_stores} comparable stores {d.points:+.1f} pp "
                f"[{d.low:.1f} to {d.high:.1f}]{relative}"
            )
        elif not e.action.stores:
            text += "; every store has this action: none to compare with"
        else:
            text += "; no comparable stores"
        out.append(f"{text}; {verdict(e, c.scale)}")
    return out


def verdict(e: actions.Effect, scale: str) -> str:
    """The DiD's verdict in words (the page's, in English)."""
    if e.after is None:
        return "not started yet"
    if e.running:
        return f"still running (day {e.after_day} of {actions.WINDOW_DAYS})"
    d = e.did_for(scale)
    if d is None:
        return "every store has this action" if not e.action.stores else "no comparable stores"
    if d.too_few:
        return "too few answers to tell"
    if d.significant:
        return "better, more than noise" if d.points > 0 else "worse, more than noise"
    return "no change beyond noise"


def _as_json(e: actions.Effect) -> dict[str, Any]:
    a = e.action
    scales = []
    for c in e.changes:
        d = e.did_for(c.scale)
        scales.append(
            {
                "scale": c.scale,
                "before": {"pct_easy": c.before.pct_easy, "n": c.before.n},
                "after": {"pct_easy": c.after.pct_easy, "n": c.after.n} if e.after else None,
                "change_points": c.change,
                "did": None
                if d is None
                else {
                    "points": d.points,
                    "low": d.low,
                    "high": d.high,
                    "relative": d.relative,
                    "treated_stores": d.treated_stores,
                    "control_stores": d.control_stores,
                    "treated": [_group(d.treated_before), _group(d.treated_after)],
                    "control": [_group(d.control_before), _group(d.control_after)],
                },
                "verdict": verdict(e, c.scale),
            }
        )
    return {
        "id": a.id,
        "title": a.title,
        "started_on": a.started_on.isoformat(),
        "stores": list(a.stores),
        "touchpoint": a.touchpoint,
        "owner": a.owner,
        "factor": a.factor,
        "status": a.status,
        "before": [d.isoformat() for d in e.before],
        "after": [d.isoformat() for d in e.after] if e.after else None,
        "running": e.running,
        "effect": scales,
    }


def _group(g: Group) -> dict[str, Any]:
    return {"easy": g.easy, "n": g.n, "pct_easy": g.pct_easy}
