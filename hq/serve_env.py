"""Every `ces-hq serve` option from an environment variable too, for systemd units and
containers: ``--max-connections`` from ``EFFORTLESS_HQ_MAX_CONNECTIONS``, and so on.

The variable's name is derived from the option's, for every option of the serve parser,
so a new option has its variable without more code (tests/hq/test_hq_serve_env.py checks
that docs/deployment.md lists it). What the command line gives wins; an empty variable
counts as unset. A bad value is refused as argparse refuses it on the command line,
naming the variable. Values of options that may carry a secret (a URL with a password, a
token) are never repeated in a message.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

PREFIX = "EFFORTLESS_HQ_"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
# Words in an option's name that mark a value not to be shown (URLs may hold a password).
_SECRET_WORDS = ("url", "password", "secret", "token", "key")
# Of a refused value, so much is shown.
_SHOWN_CHARS = 300


class SettingError(ValueError):
    """A variable's value the option refuses; one line, naming the variable."""


def options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The parser's options that take a variable (all but --help)."""
    return [
        a
        for a in parser._actions
        if a.option_strings and not isinstance(a, argparse._HelpAction | argparse._VersionAction)
    ]


def long_option(action: argparse.Action) -> str:
    return next(s for s in action.option_strings if s.startswith("--"))


def variable(action: argparse.Action) -> str:
    """--max-connections -> EFFORTLESS_HQ_MAX_CONNECTIONS."""
    return PREFIX + long_option(action)[2:].upper().replace("-", "_")


def is_secret(action: argparse.Action) -> bool:
    return any(word in long_option(action) for word in _SECRET_WORDS)


def given_dests(parser: argparse.ArgumentParser, command: str, argv: list[str]) -> set[str]:
    """The options of ``command`` that ``argv`` gives. ``parser`` is a fresh copy of the
    program's parser: its defaults for ``command`` are suppressed to tell them apart."""
    sub = subcommand(parser, command)
    for action in sub._actions:
        action.default = argparse.SUPPRESS
    found = vars(parser.parse_args(argv))
    return {a.dest for a in options(sub) if a.dest in found}


def subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise LookupError(name)


def apply(
    parser: argparse.ArgumentParser,
    args: argparse.Namespace,
    given: set[str],
    environ: Mapping[str, str],
) -> dict[str, str]:
    """Set the options of ``parser`` the command line left out (not in ``given``) from
    their variables in ``environ``; returns {dest: variable} for those taken."""
    # Options of a mutually exclusive group: one given on the command line silences the
    # variables of all; two variables of one group are a contradiction.
    silenced: set[str] = set()
    for group in parser._mutually_exclusive_groups:
        members = group._group_actions
        if any(a.dest in given for a in members):
            silenced.update(a.dest for a in members)
            continue
        set_ones = [variable(a) for a in members if environ.get(variable(a))]
        if len(set_ones) > 1:
            raise SettingError(f"{' and '.join(set_ones)} are both set: set only one of them")
    taken: dict[str, str] = {}
    for action in options(parser):
        name = variable(action)
        raw = environ.get(name, "")
        if not raw or action.dest in given or action.dest in silenced:
            continue
        setattr(args, action.dest, _value(action, name, raw))
        taken[action.dest] = name
    return taken


def _value(action: argparse.Action, name: str, raw: str) -> object:
    where = f"{name} (for {long_option(action)})"
    shown = "its value" if is_secret(action) else repr(raw[:200])
    if action.nargs == 0:  # a flag: store_true, store_const
        word = raw.strip().lower()
        if word in _TRUE:
            return action.const
        if word in _FALSE:
            return action.default
        raise SettingError(f"{where}: expected 1, true, yes, on or 0, false, no, off, not {shown}")
    if action.nargs is not None and action.nargs != "?":
        raise SettingError(f"{where}: an option of several values cannot come from a variable")
    convert = action.type
    try:
        value: object = raw if convert is None else convert(raw)  # type: ignore[operator]
    except argparse.ArgumentTypeError as e:
        # The type's message may quote the value.
        why = "not a valid value (not shown: it may hold a secret)" if is_secret(action) else str(e)
        raise SettingError(f"{where}: {_cut(why)}") from None
    except (TypeError, ValueError):
        kind = getattr(convert, "__name__", "value")
        raise SettingError(f"{where}: invalid {kind} value: {shown}") from None
    if action.choices is not None and value not in action.choices:
        choices = ", ".join(map(repr, action.choices))
        raise SettingError(f"{where}: invalid choice: {shown} (choose from {choices})")
    return value


def _cut(message: str) -> str:
    """A type's message quotes the whole value, which may be long: cut it to a line."""
    return message if len(message) <= _SHOWN_CHARS else message[:_SHOWN_CHARS] + "..."
