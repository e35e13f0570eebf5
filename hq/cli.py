"""ces-hq: run the HQ service and manage its kiosks.

    ces-hq serve [--host 127.0.0.1] [--port 8080] [--database-url URL | --data-dir D] [--surveys DIR]
                 [--max-connections N] [--header-timeout 10] [--body-timeout 30]
                 [--comment-retention-days 365] [--answer-retention-days N]
                 [--smtp-url URL] [--public-url URL] [--digest-at "mon 07:00"]
                 [--digest-language en|nl] [--jobs-interval SECONDS]
                 [--log-level info] [--log-format text|json]
                 (every option also from EFFORTLESS_HQ_<OPTION>, hq.serve_env)
    ces-hq kiosk add --store STORE --touchpoint TP [--json] [--surveys DIR]
    ces-hq kiosk list [--json]
    ces-hq kiosk revoke ID
    ces-hq kiosk move ID TOUCHPOINT
    ces-hq user add NAME [--role ROLE] [--stores S1,S2] [--email ADDR] [--password-stdin]
        [--replace] | user set NAME [--role ..] [--stores ..] [--email ..] | user list [--json]
        | user remove NAME
    ces-hq store set STORE [--name NAME] [--region REGION] [--time-zone ZONE] [--hours TEXT]
    ces-hq store list [--json]
    ces-hq export --format csv|json [--from DATE] [--to DATE] [--store S] [--region R]
                  [--touchpoint T] [--survey S [--version N]] [--rapid include|exclude]
                  [--timeouts include|exclude] [--minimised] [--output FILE]
    ces-hq db check
    ces-hq answers delete (--id ID... | --ids-from FILE | --store S --from DATE --to DATE
                           --comment-contains TEXT) [--comment-only] [--dry-run] [--yes]
    ces-hq audit [--limit N]
    ces-hq retention run [--dry-run] [--comment-retention-days 365] [--answer-retention-days N]
    ces-hq demo [--json]
    ces-hq survey export ID [--version N] | survey import FILE
    ces-hq journey list | add | set | remove | touchpoint add|set|remove|move ... (hq.journey_cli)
    ces-hq alert rule add|list|enable|disable|remove ... | alert check | alert list (hq.alert_cli)
    ces-hq digest preview [--user NAME] [--week 2026-W48] [--format text|html] | digest send
                  --smtp-url URL [--week 2026-W48]                                 (hq.digest_cli)
    ces-hq footfall import FILE.csv [--dry-run]                                  (hq.footfall_cli)
    ces-hq action list [--json] | set ID [--status S] [--owner NAME] [--factor F] (hq.action_cli)
    ces-hq backup --to FILE [--force] | restore --from FILE                       (hq.backup_cli)

Every failure the operator can fix is one line on stderr and exit status 1 (2 for a
command line argparse refuses), never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import signal
import socket
import sys
import uuid
from collections.abc import Mapping, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ces import __version__, extras

# The console script imports this module before it calls main(): on a machine without the
# HQ extra, say which install is missing before the imports below fail with a traceback.
extras.require("ces-hq", "hq", extras.HQ_MODULES)

from platformdirs import user_data_dir
from sqlalchemy.exc import SQLAlchemyError

from ces.answer import ID_RE
from ces.timestamps import iso_utc
from hq import (
    action_cli,
    actions,
    alert_cli,
    backup,
    backup_cli,
    digest_cli,
    digest_sending,
    erasure,
    footfall_cli,
    jobs,
    journey_cli,
    journeys,
    kiosk_moves,
    logformat,
    retention,
    roles,
    serve_env,
    storeinfo,
    survey_files,
    survey_versions,
    user_cli,
    users,
    workers,
)
from hq.alerts.rules import RuleError
from hq.assignment import is_served, served_touchpoints
from hq.dashboard import export, filters, insights, webtexts
from hq.db.database import (
    HQDatabase,
    HQDatabaseError,
    KioskInfo,
    describe_error,
    parse_url,
    sqlite_url,
)
from hq.digest import DigestError
from hq.footfall import FootfallError
from hq.mail import Mailer, MailError
from hq.scheduled import Outgoing, scheduled_jobs
from hq.server_settings import (
    DEFAULT_BODY_TIMEOUT_S,
    DEFAULT_HEADER_TIMEOUT_S,
    ServerSettings,
    default_max_connections,
    fits_file_limit,
    raise_file_limit,
)
from hq.storeinfo import STORE_ID_RE
from hq.surveys import SurveyCatalog, SurveyFolderError, default_folder, load_surveys

log = logging.getLogger("effortless.hq.cli")

DATABASE_URL_ENV = "EFFORTLESS_HQ_DATABASE_URL"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
# Each worker holds its own database connections (hq.db.database POOL_SIZE and more).
MAX_WORKERS = 64


class CliError(Exception):
    """A problem the operator can fix; printed as one line."""


def default_data_dir() -> Path:
    return Path(user_data_dir("effortless-hq", appauthor=False))


# --- argument types -------------------------------------------------------------------


def _store_name(text: str) -> str:
    if not STORE_ID_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a store id (1 to 64 letters, digits, '_' or '-', "
            "starting with a letter or digit)"
        )
    return text


def _digest_at(text: str) -> digest_sending.DigestAt:
    try:
        return digest_sending.parse_digest_at(text)
    except digest_sending.DigestAtError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _touchpoint(text: str) -> str:
    # Touchpoints are matched against the surveys' "touchpoint", so they follow survey ids.
    if not ID_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a touchpoint id (1 to 64 lowercase letters, digits, '_' or '-', "
            "starting with a letter or digit)"
        )
    return text


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 0..65535 (0: any free port)")
    return port


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _worker_count(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_WORKERS}: {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 3600: {text!r}")
    return value


def _whole_days(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None


def _comment_days(text: str) -> int:
    try:
        days = retention.check_days(_whole_days(text), forever_allowed=False)
    except retention.RetentionError as e:
        raise argparse.ArgumentTypeError(f"comments: {e}") from None
    assert days is not None
    return days


def _answer_days(text: str) -> int | None:
    try:
        return retention.check_days(_whole_days(text), forever_allowed=True)
    except retention.RetentionError as e:
        raise argparse.ArgumentTypeError(f"answers: {e}") from None


def _answer_id(text: str) -> str:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an answer id (a UUID)") from None


def _kiosk_id(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a kiosk id (a UUID)") from None


# --- the parser -------------------------------------------------------------------------


def _database_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--database-url",
        metavar="URL",
        help=(
            "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE "
            f"(default: ${DATABASE_URL_ENV}, else hq.db in the data dir)"
        ),
    )
    where.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"folder for the SQLite database hq.db (default: {default_data_dir()})",
    )


def _retention_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--comment-retention-days",
        type=_comment_days,
        default=retention.DEFAULT_COMMENT_DAYS,
        metavar="N",
        help="remove a comment's text (the answer and its score stay) once its answer is "
        f"N whole UTC days old (1 to {retention.MAX_DAYS}; {retention.DEFAULT_COMMENT_DAYS})",
    )
    parser.add_argument(
        "--answer-retention-days",
        type=_answer_days,
        default=None,
        metavar="N",
        help="delete answers once they are N whole UTC days old "
        "(0 or absent: answers are kept for ever)",
    )


def _retention_policy(args: argparse.Namespace) -> retention.Policy:
    return retention.Policy(args.comment_retention_days, args.answer_retention_days)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ces-hq", description="Effortless HQ: collects the answers of CES kiosks."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_serve_command(commands)
    _add_kiosk_command(commands)
    _add_user_command(commands)
    _add_store_command(commands)
    _add_export_command(commands)
    _add_answers_command(commands)
    _add_audit_command(commands)
    _add_db_command(commands)
    _add_retention_command(commands)
    _add_demo_command(commands)
    _add_survey_command(commands)
    journey_cli.add_journey_command(commands, _journey_options)
    digest_cli.add_digest_command(commands, _database_options)
    footfall_cli.add_footfall_command(commands, _database_options)
    action_cli.add_action_command(commands, _journey_options)
    alert_cli.add_alert_command(commands, _database_options)
    backup_cli.add_backup_commands(commands, _database_options)
    return parser


def _add_serve_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the HTTP API and the dashboard",
        epilog=f"Every option can also come from the environment: {serve_env.PREFIX} and the "
        "option's name in capitals, e.g. EFFORTLESS_HQ_MAX_CONNECTIONS for --max-connections. "
        "The command line wins.",
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on ({DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}; 0: a free one)"
    )
    _database_options(serve)
    serve.add_argument(
        "--surveys",
        type=Path,
        metavar="DIR",
        help="folder of survey files HQ accepts answers to (default: the kiosk's own surveys)",
    )
    serve.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    serve.add_argument(
        "--log-format",
        default="text",
        choices=logformat.FORMATS,
        help="text: one readable line per event; json: one JSON object per line, for log "
        "collectors (text)",
    )
    serve.add_argument(
        "--max-connections",
        type=_positive_int,
        metavar="N",
        help="connections served at once; more get 503 + Retry-After "
        "(default: from the open-file limit, which is raised to its hard limit at start)",
    )
    serve.add_argument(
        "--header-timeout",
        type=_seconds,
        default=DEFAULT_HEADER_TIMEOUT_S,
        metavar="SECONDS",
        help="close a connection whose request line and headers are not complete within "
        f"this ({DEFAULT_HEADER_TIMEOUT_S:g})",
    )
    serve.add_argument(
        "--body-timeout",
        type=_seconds,
        default=DEFAULT_BODY_TIMEOUT_S,
        metavar="SECONDS",
        help="answer 408 and close when a request body stops arriving for this long "
        f"({DEFAULT_BODY_TIMEOUT_S:g})",
    )
    _retention_options(serve)
    serve.add_argument(
        "--smtp-url",
        metavar="URL",
        help="send alert and digest e-mail through this SMTP server: smtp://HOST[:PORT], "
        "smtp+starttls://USER:PASSWORD@HOST, smtps://...; ?from=ADDRESS sets the sender "
        "(default: no e-mail; alerts still reach the dashboard's inbox and webhooks)",
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the dashboard's address as its users reach it, for links in e-mails and "
        "webhooks (default: the address HQ listens on)",
    )
    serve.add_argument(
        "--digest-at",
        type=_digest_at,
        default=digest_sending.DigestAt(),
        metavar="'DAY HH:MM'",
        help="when the weekly digest of the week before is mailed, in the chain's time zone "
        "(default: 'mon 07:00'; needs --smtp-url)",
    )
    serve.add_argument(
        "--digest-language",
        choices=webtexts.LANGUAGES,
        default="en",
        help="the weekly digest's language (en)",
    )
    serve.add_argument(
        "--jobs-interval",
        type=_seconds,
        default=jobs.CHECK_INTERVAL_S,
        metavar="SECONDS",
        help="how often scheduled work (the digest, alerts) is looked for "
        f"({jobs.CHECK_INTERVAL_S:g})",
    )
    serve.add_argument(
        "--workers",
        type=_worker_count,
        default=1,
        metavar="N",
        help="processes that serve requests on the one address (1; more needs PostgreSQL); "
        "one of them does the background work (retention, alerts, digests)",
    )
    serve.add_argument(
        "--metrics-token-file",
        type=Path,
        metavar="FILE",
        help="serve /metrics (Prometheus) to 'Authorization: Bearer TOKEN' with the token in "
        "this file, so it is not on the command line (default: no /metrics)",
    )


def _add_kiosk_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kiosk = commands.add_parser("kiosk", help="add, list or revoke kiosks")
    actions = kiosk.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="create a kiosk and print its one-time enrolment code")
    add.add_argument("--store", required=True, type=_store_name, help="store id, e.g. s042")
    add.add_argument(
        "--touchpoint", required=True, type=_touchpoint, help="touchpoint id, e.g. returns_desk"
    )
    add.add_argument("--json", action="store_true", help="print JSON instead of text")
    add.add_argument(
        "--surveys",
        type=Path,
        metavar="DIR",
        help="the survey folder HQ serves (as for serve; default: the kiosk's own surveys): "
        "the touchpoint must be one a survey there is for",
    )
    _database_options(add)
    listing = actions.add_parser("list", help="every kiosk with its latest heartbeat")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _database_options(listing)
    revoke = actions.add_parser("revoke", help="stop a kiosk's token (and unused code) working")
    revoke.add_argument("kiosk_id", type=_kiosk_id, metavar="ID")
    _database_options(revoke)
    move = actions.add_parser(
        "move",
        help="move a kiosk to another touchpoint (from its next config; answers it gave "
        "before stay filed under the touchpoint they were given at)",
    )
    move.add_argument("kiosk_id", type=_kiosk_id, metavar="ID")
    move.add_argument("touchpoint", type=_touchpoint, metavar="TOUCHPOINT")
    _database_options(move)


def _add_user_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = commands.add_parser("user", help="HQ users who log in to the dashboard")
    user_actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    user_add = user_actions.add_parser(
        "add", help="create a dashboard user (asks for the password twice)"
    )
    user_add.add_argument("name", metavar="NAME")
    user_add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of asking",
    )
    user_add.add_argument(
        "--replace", action="store_true", help="set a new password for an existing user"
    )
    user_cli.add_role_options(user_add)
    _database_options(user_add)
    user_set = user_actions.add_parser(
        "set", help="change a user's role, stores or e-mail address (the rest is kept)"
    )
    user_set.add_argument("name", metavar="NAME")
    user_cli.add_role_options(user_set)
    _database_options(user_set)
    user_list = user_actions.add_parser("list", help="the dashboard users, roles and stores")
    user_list.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _database_options(user_list)
    user_remove = user_actions.add_parser("remove", help="delete a user and end their sessions")
    user_remove.add_argument("name", metavar="NAME")
    _database_options(user_remove)


def _add_store_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    shop = commands.add_parser("store", help="name stores, put them in regions, set time zones")
    store_actions = shop.add_subparsers(dest="action", required=True, metavar="ACTION")
    store_set = store_actions.add_parser(
        "set", help="set a store's name, region, time zone and/or opening hours"
    )
    store_set.add_argument("store_id", type=_store_name, metavar="STORE")
    store_set.add_argument("--name", help="shown beside the id in the dashboard ('' clears it)")
    store_set.add_argument("--region", help="region id, e.g. north ('' clears it)")
    store_set.add_argument(
        "--time-zone",
        metavar="ZONE",
        help="the store's IANA time zone, e.g. Europe/Brussels, if not the chain's ('' clears it)",
    )
    store_set.add_argument(
        "--hours",
        metavar="TEXT",
        help="weekly opening hours in the store's time zone, e.g. "
        "'mon-fri 09:00-21:00; sat 09:00-18:00' ('' clears them: always open)",
    )
    _database_options(store_set)
    store_zone = store_actions.add_parser(
        "time-zone",
        help="show or set the chain's time zone (days and weeks are cut in it)",
    )
    store_zone.add_argument(
        "zone", nargs="?", metavar="ZONE", help="an IANA time zone, e.g. Europe/Amsterdam"
    )
    _database_options(store_zone)
    store_list = store_actions.add_parser("list", help="stores with a name or region")
    store_list.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _database_options(store_list)


def _add_export_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export", help="write the answers (filtered as in the dashboard) as CSV or JSON"
    )
    export.add_argument("--format", required=True, choices=("csv", "json"), help="file format")
    export.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="first day, YYYY-MM-DD (a local day of each store; default: 83 days before --to)",
    )
    export.add_argument("--to", dest="end", metavar="DATE", help="last day (default: today)")
    export.add_argument("--store", metavar="STORE", help="only this store")
    export.add_argument("--region", metavar="REGION", help="only stores in this region")
    export.add_argument("--touchpoint", metavar="TP", help="only this touchpoint")
    export.add_argument("--survey", metavar="SURVEY", help="only this survey id")
    export.add_argument(
        "--version",
        metavar="N",
        help="only answers to version N (1 or more) of --survey, as the dashboard's version=N",
    )
    export.add_argument(
        "--rapid",
        choices=("include", "exclude"),
        default="exclude",
        help="answers flagged rapid, left out by default as on the dashboard",
    )
    export.add_argument(
        "--timeouts",
        choices=("include", "exclude"),
        default="include",
        help="timeouts (a score, then the shopper walked away), counted by default",
    )
    # Full by default here, unlike the dashboard: IT's scripts were written against the full
    # columns, and the command line is for those who run HQ, not for passing files around.
    export.add_argument(
        "--minimised",
        action="store_true",
        help="leave out kiosk_id and round every time down to the hour, as the dashboard's "
        "export does by default (default here: the full export)",
    )
    export.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write here (default: stdout)"
    )
    export.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on stderr (auto: when stderr is a terminal)",
    )
    _database_options(export)


def _add_answers_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    answers = commands.add_parser("answers", help="erasure requests: delete answers or comments")
    answer_actions = answers.add_subparsers(dest="action", required=True, metavar="ACTION")
    delete = answer_actions.add_parser(
        "delete",
        help="delete answers (or only their comments) by id, or by comment text within a "
        "store and a date range; audit-logged",
        description="Delete answers, chosen by id (--id, --ids-from) or by what their comment "
        "says (--store, --from, --to and --comment-contains, all four). Lists what it found "
        "and asks before it deletes; every erasure is written to the audit log (ces-hq "
        "audit): who, when, how many, never the text.",
    )
    delete.add_argument(
        "--id",
        dest="ids",
        action="append",
        default=[],
        type=_answer_id,
        metavar="ID",
        help="an answer's id (a UUID); repeat for more",
    )
    delete.add_argument(
        "--ids-from",
        type=Path,
        metavar="FILE",
        help="a file of answer ids, one a line ('-': stdin; blank lines and # lines skipped)",
    )
    delete.add_argument("--store", type=_store_name, metavar="STORE", help="the store, e.g. s042")
    delete.add_argument(
        "--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD (the store's local day)"
    )
    delete.add_argument(
        "--to", dest="end", metavar="DATE", help="last day, included (the store's local day)"
    )
    delete.add_argument(
        "--comment-contains",
        metavar="TEXT",
        help="answers whose comment contains TEXT (ignoring case; no wildcards)",
    )
    delete.add_argument(
        "--comment-only",
        action="store_true",
        help="erase only the comment's text: the answer and its score stay in the figures",
    )
    delete.add_argument(
        "--dry-run", action="store_true", help="only list what would be deleted; change nothing"
    )
    delete.add_argument("--yes", action="store_true", help="do not ask before deleting")
    _database_options(delete)


def _add_audit_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser(
        "audit", help="the audit log: erasures and retention runs, newest first"
    )
    audit.add_argument(
        "--limit", type=_positive_int, default=50, metavar="N", help="show N lines (50)"
    )
    _database_options(audit)


def _add_db_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="look after HQ's database")
    db_actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_check = db_actions.add_parser(
        "check",
        help=(
            "run SQLite's integrity check or PostgreSQL's amcheck "
            "(exit 0: fine, 1: damaged, 2: could not check)"
        ),
    )
    _database_options(db_check)


def _add_retention_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kept = commands.add_parser(
        "retention", help="remove comments and answers older than their retention period"
    )
    kept_actions = kept.add_subparsers(dest="action", required=True, metavar="ACTION")
    kept_run = kept_actions.add_parser(
        "run",
        help="today's retention run, as `ces-hq serve` does it daily (nothing if it ran "
        "today already); for cron or a one-off",
    )
    kept_run.add_argument(
        "--dry-run", action="store_true", help="only say what would be removed; change nothing"
    )
    _retention_options(kept_run)
    _database_options(kept_run)


def _add_demo_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="load 12 weeks of sample answers, stores and an action into an empty database "
        "(once), and print a dashboard login (user demo, a new password each run)",
    )
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")
    _database_options(demo)


def _add_survey_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    survey = commands.add_parser(
        "survey", help="survey versions in and out of HQ's database (for version control)"
    )
    survey_actions = survey.add_subparsers(dest="action", required=True, metavar="ACTION")
    folder_help = (
        "the survey folder HQ's database is seeded from at its first start (as for serve; "
        "default: the kiosk's own surveys)"
    )
    survey_export = survey_actions.add_parser(
        "export", help="print a survey version as canonical JSON (sorted keys)"
    )
    survey_export.add_argument("survey_id", metavar="ID", help="the survey's id")
    survey_export.add_argument(
        "--version",
        type=_positive_int,
        metavar="N",
        help="this version (default: the newest published one)",
    )
    survey_export.add_argument("--surveys", type=Path, metavar="DIR", help=folder_help)
    _database_options(survey_export)
    survey_import = survey_actions.add_parser(
        "import",
        help="check a survey file as the kiosk does and store it as a published version "
        "(a new survey, or a higher version of one; a published version never changes)",
    )
    survey_import.add_argument("file", type=Path, metavar="FILE")
    survey_import.add_argument("--surveys", type=Path, metavar="DIR", help=folder_help)
    _database_options(survey_import)


def _journey_options(parser: argparse.ArgumentParser) -> None:
    _database_options(parser)
    parser.add_argument(
        "--surveys",
        type=Path,
        metavar="DIR",
        help="the survey folder HQ serves (as for serve; default: the kiosk's own surveys)",
    )


def _database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return str(args.database_url)
    if args.data_dir is None and os.environ.get(DATABASE_URL_ENV):
        return os.environ[DATABASE_URL_ENV]
    data_dir: Path = args.data_dir or default_data_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CliError(f"cannot create the data dir {data_dir}: {e.strerror or e}") from None
    return sqlite_url(data_dir)


def _open_database(args: argparse.Namespace) -> HQDatabase:
    try:
        return HQDatabase.open(_database_url(args))
    except HQDatabaseError as e:
        raise CliError(str(e)) from None


# --- serve ----------------------------------------------------------------------------------


def _listen(host: str, port: int) -> socket.socket:
    """Bind the listening socket here, so the printed URL has the real port (even for 0)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as e:
        raise CliError(f"cannot listen on {host!r}: {e.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as e:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.set_inheritable(True)
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _server_settings(args: argparse.Namespace) -> ServerSettings:
    files = raise_file_limit()
    settings = ServerSettings(
        max_connections=args.max_connections or default_max_connections(files),
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
    )
    log.info(
        "at most %d connections (open-file limit %s); request head within %g s, "
        "body stalls up to %g s",
        settings.max_connections,
        "unknown" if files is None else files,
        settings.header_timeout,
        settings.body_timeout,
    )
    if not fits_file_limit(settings, files):
        log.warning(
            "--max-connections %d is more than the open-file limit of %s allows: with "
            "that many clients HQ will run out of files",
            settings.max_connections,
            files,
        )
    return settings


def serve(args: argparse.Namespace) -> int:
    from hq.app import create_app
    from hq.server import make_server

    logformat.configure(args.log_level, args.log_format)
    taken = getattr(args, "from_environment", {})
    if taken:
        # Names only: a value may hold a password.
        log.info("settings from the environment: %s", ", ".join(sorted(taken.values())))
    try:
        surveys = load_surveys(args.surveys or default_folder())
    except SurveyFolderError as e:
        raise CliError(f"survey folder: {e}") from None
    try:
        mailer = Mailer.from_url(args.smtp_url) if args.smtp_url else None
    except MailError as e:
        where = getattr(args, "from_environment", {}).get("smtp_url", "--smtp-url")
        raise CliError(f"{where}: {e}") from None
    metrics_token = None
    if args.metrics_token_file is not None:
        from hq.metrics import TokenError, read_token

        try:
            metrics_token = read_token(args.metrics_token_file)
        except TokenError as e:
            raise CliError(f"--metrics-token-file: {e}") from None
    worker = workers.inherited()
    if worker is None and args.workers > 1:
        return _supervise(args, surveys)
    if worker is not None:
        workers.end_with_supervisor(worker.supervisor)
    with closing(_open_database(args)) as db:
        sock = worker.sock if worker is not None else _listen(args.host, args.port)
        outgoing = Outgoing(mailer, args.public_url or _url(sock))
        app = create_app(
            db,
            surveys,
            retention=retention.Schedule(_retention_policy(args)),
            jobs=scheduled_jobs(
                outgoing,
                digest_at=args.digest_at,
                chain_zone=lambda: storeinfo.chain_zone(db),
                digest_language=args.digest_language,
            ),
            outgoing=outgoing,
            jobs_interval=args.jobs_interval,
            metrics_token=metrics_token,
        )
        server = make_server(app, _server_settings(args))
        if worker is None:
            print(
                f"ces-hq {__version__} listening on {_url(sock)} "
                f"(database {db.describe()}, {len(surveys.by_id)} surveys from {surveys.folder})",
                flush=True,
            )
        else:
            log.info("worker %d serving (pid %d)", worker.index, os.getpid())
        # uvicorn stops gracefully on SIGTERM/SIGINT and then raises the signal again with
        # the handler it found; these make that second delivery a no-op, so a stop by
        # signal ends with status 0 instead of a KeyboardInterrupt traceback.
        signal.signal(signal.SIGTERM, lambda *_: None)
        signal.signal(signal.SIGINT, lambda *_: None)
        server.run(sockets=[sock])
        sock.close()
    log.info("ces-hq stopped")
    return 0


def _supervise(args: argparse.Namespace, surveys: SurveyCatalog) -> int:
    """`serve --workers N`: check the database, then run N workers (hq.workers)."""
    with closing(_open_database(args)) as db:
        if db.is_sqlite:
            raise CliError(
                f"--workers {args.workers} needs PostgreSQL (--database-url "
                "postgresql+psycopg://...): an SQLite file takes writes from one process; "
                "use one worker with SQLite"
            )
        # Once here, not by N workers at the same moment.
        try:
            survey_versions.seed(db, surveys)
            journeys.seed(db, surveys)
        except SQLAlchemyError as e:
            raise CliError(f"cannot seed the published surveys: {describe_error(e)}") from None
        described = db.describe()
    sock = _listen(args.host, args.port)
    print(
        f"ces-hq {__version__} listening on {_url(sock)} with {args.workers} worker processes "
        f"(database {described}, {len(surveys.by_id)} surveys from {surveys.folder})",
        flush=True,
    )
    command = [sys.executable, "-m", "hq.cli", *args.argv]
    try:
        return workers.Supervisor(command, sock, args.workers).run()
    finally:
        sock.close()
        log.info("ces-hq stopped")


# --- kiosks ---------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _kiosk_json(k: KioskInfo) -> dict[str, Any]:
    def stamp(m: datetime | None) -> str | None:
        return None if m is None else iso_utc(m)

    return {
        "id": k.id,
        "store": k.store,
        "touchpoint": k.touchpoint,
        "status": k.status,
        "created_at": stamp(k.created_at),
        "enrolled_at": stamp(k.enrolled_at),
        "revoked_at": stamp(k.revoked_at),
        "last_seen_at": stamp(k.last_seen_at),
        "queue_depth": k.queue_depth,
        "oldest_unsent_at": stamp(k.oldest_unsent_at),
        "app_version": k.app_version,
        "survey_id": k.survey_id,
        "survey_version": k.survey_version,
        "kiosk_time": stamp(k.kiosk_time),
        "last_sync_error": k.last_sync_error,
        "heartbeat_at": stamp(k.heartbeat_at),
        "redacted_comments": k.redacted_comments,
        "rejected_answers": k.rejected_answers,
    }


def _check_touchpoint(touchpoint: str, folder: Path | None, args: argparse.Namespace) -> None:
    """A kiosk for a touchpoint no survey is for would run a survey HQ files elsewhere."""
    try:
        surveys = load_surveys(folder or default_folder())
    except SurveyFolderError as e:
        raise CliError(f"survey folder: {e}") from None
    if is_served(surveys, touchpoint):
        return
    # Published at HQ (the survey editor, `ces-hq survey import`) or a journey's touchpoint;
    # a database not made yet has neither, and is not made for a refusal.
    try:
        url = parse_url(_database_url(args))
    except HQDatabaseError as e:
        raise CliError(str(e)) from None
    if url.drivername != "sqlite" or (url.database and Path(url.database).exists()):
        with closing(_open_database(args)) as db:
            if touchpoint in kiosk_moves.touchpoints(db):
                return
    if not is_served(surveys, touchpoint):
        served = ", ".join(served_touchpoints(surveys))
        raise CliError(
            f"no survey is for touchpoint {touchpoint!r}; the touchpoints there are: {served} "
            f"(surveys in {surveys.folder}; another folder with --surveys DIR)"
        )


def kiosk_add(args: argparse.Namespace) -> int:
    _check_touchpoint(args.touchpoint, args.surveys, args)
    db = _open_database(args)
    try:
        new = db.add_kiosk(args.store, args.touchpoint)
        _audit(db, "kiosk_added", f"kiosk {new.id} at {new.store}: {new.touchpoint}")
    except HQDatabaseError as e:
        raise CliError(str(e)) from None
    finally:
        db.close()
    if args.json:
        print(
            json.dumps(
                {
                    "kiosk_id": new.id,
                    "store": new.store,
                    "touchpoint": new.touchpoint,
                    "code": new.code,
                    "code_expires_at": iso_utc(new.code_expires_at),
                }
            )
        )
        return 0
    print(f"kiosk id:        {new.id}")
    print(f"store:           {new.store}")
    print(f"touchpoint:      {new.touchpoint}")
    print(f"enrolment code:  {new.code}")
    print(f"code expires:    {_when(new.code_expires_at)} (works once)")
    return 0


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def kiosk_list(args: argparse.Namespace) -> int:
    with closing(_open_database(args)) as db:
        found = db.kiosks()
    if args.json:
        print(json.dumps([_kiosk_json(k) for k in found], indent=2))
        return 0
    if not found:
        print("no kiosks yet; add one with: ces-hq kiosk add --store STORE --touchpoint TP")
        return 0
    # SCRUBBED: comments HQ had to scrub because the kiosk had not (it runs old software).
    rows = [
        ["ID", "STORE", "TOUCHPOINT", "STATUS", "LAST SEEN", "QUEUE", "APP VERSION", "SCRUBBED"]
    ]
    rows += [
        [
            k.id,
            k.store,
            k.touchpoint,
            k.status,
            _when(k.last_seen_at),
            "-" if k.queue_depth is None else str(k.queue_depth),
            k.app_version or "-",
            str(k.redacted_comments),
        ]
        for k in found
    ]
    print(_table(rows))
    return 0


def kiosk_revoke(args: argparse.Namespace) -> int:
    db = _open_database(args)
    try:
        changed = db.revoke(args.kiosk_id)
        if changed:
            _audit(db, "kiosk_revoked", f"kiosk {args.kiosk_id}")
    except HQDatabaseError as e:
        raise CliError(str(e)) from None
    finally:
        db.close()
    if changed:
        print(f"kiosk {args.kiosk_id} revoked: its token and enrolment code no longer work")
    else:
        print(f"kiosk {args.kiosk_id} was already revoked")
    return 0


def kiosk_move(args: argparse.Namespace) -> int:
    with closing(_open_database(args)) as db:
        try:
            was = kiosk_moves.move(db, args.kiosk_id, args.touchpoint, f"cli:{_os_user()}")
        except kiosk_moves.MoveError as e:
            raise CliError(str(e)) from None
        _audit(db, "kiosk_moved", f"kiosk {args.kiosk_id}: {was} to {args.touchpoint}")
    print(
        f"kiosk {args.kiosk_id} moved from {was} to {args.touchpoint}: it gets the new "
        "touchpoint's survey with its next config"
    )
    return 0


# --- users ----------------------------------------------------------------------------------


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass(f"password for {args.name}: ")
    users.check_password(first)
    if getpass.getpass("again: ") != first:
        raise CliError("the two passwords differ; nothing was changed")
    return first


def user_add(args: argparse.Namespace) -> int:
    roled = args.role is not None or args.stores is not None or args.email is not None
    try:
        users.check_name(args.name)
        user_cli.check_options(args)
        password = _read_password(args)
        with closing(_open_database(args)) as db:
            new = users.add_user(db, args.name, password, replace=args.replace)
            if new or roled:
                member = user_cli.apply(db, args.name, args, f"cli:{_os_user()}", new=new)
    except (users.UserError, roles.RoleError) as e:
        raise CliError(str(e)) from None
    if new:
        print(f"user {args.name} added as {member.role}: log in to the dashboard (ces-hq serve)")
    else:
        print(f"user {args.name}: new password set; their sessions were ended")
    return 0


def user_set(args: argparse.Namespace) -> int:
    try:
        users.check_name(args.name)
        with closing(_open_database(args)) as db:
            member = user_cli.apply(db, args.name, args, f"cli:{_os_user()}", new=False)
    except (users.UserError, roles.RoleError) as e:
        raise CliError(str(e)) from None
    stores = "every store" if member.stores is None else ", ".join(sorted(member.stores))
    print(f"user {args.name}: {member.role} ({stores or 'no store'})")
    return 0


def user_list(args: argparse.Namespace) -> int:
    with closing(_open_database(args)) as db:
        print(user_cli.listing(db, args.json))
    return 0


def user_remove(args: argparse.Namespace) -> int:
    with closing(_open_database(args)) as db:
        try:
            removed = users.remove_user(db, args.name)
        except users.UserError as e:
            raise CliError(str(e)) from None
        if removed:
            erasure.record(db, f"cli:{_os_user()}", "user_removed", 1, args.name)
    if not removed:
        raise CliError(f"no user {args.name!r}")
    print(f"user {args.name} removed")
    return 0


# --- stores ---------------------------------------------------------------------------------


def store_set(args: argparse.Namespace) -> int:
    if args.name is None and args.region is None and args.time_zone is None and args.hours is None:
        raise CliError("say what to set: --name, --region, --time-zone and/or --hours")
    db = _open_database(args)
    try:
        storeinfo.set_store(
            db,
            args.store_id,
            name=args.name,
            region=args.region,
            time_zone=args.time_zone,
            opening_hours=args.hours,
        )
        given = [
            n
            for n, v in (
                ("name", args.name),
                ("region", args.region),
                ("time_zone", args.time_zone),
                ("opening_hours", args.hours),
            )
            if v is not None
        ]
        _audit(db, "store_set", f"{args.store_id}: {', '.join(given)}")
    except storeinfo.StoreInfoError as e:
        raise CliError(str(e)) from None
    finally:
        db.close()
    print(f"store {args.store_id} updated")
    return 0


def store_list(args: argparse.Namespace) -> int:
    with closing(_open_database(args)) as db:
        found = storeinfo.store_list(db)
        chain = storeinfo.chain_zone(db)
    if args.json:
        print(
            json.dumps(
                {
                    "chain_time_zone": chain,
                    "stores": [
                        {
                            "store": s.id,
                            "name": s.name,
                            "region": s.region,
                            "time_zone": s.time_zone,
                            "opening_hours": s.opening_hours,
                        }
                        for s in found
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not found:
        print("no store has a name or region yet; set one with: ces-hq store set STORE --region R")
        return 0
    rows = [["STORE", "NAME", "REGION", "TIME ZONE", "OPENING HOURS"]]
    rows += [
        [s.id, s.name or "-", s.region or "-", s.time_zone or "-", s.opening_hours or "-"]
        for s in found
    ]
    print(_table(rows))
    print(f"stores without a time zone ('-') use the chain's: {chain}")
    print("stores without opening hours ('-') count as always open")
    return 0


def store_time_zone(args: argparse.Namespace) -> int:
    db = _open_database(args)
    try:
        if args.zone is None:
            print(storeinfo.chain_zone(db))
            return 0
        moved = storeinfo.set_chain_zone(db, args.zone)
    except storeinfo.StoreInfoError as e:
        raise CliError(str(e)) from None
    finally:
        db.close()
    print(
        f"the chain's time zone is {args.zone}; "
        f"the days of {moved} store(s) without a zone of their own were counted again"
    )
    return 0


# --- export ---------------------------------------------------------------------------------


def export_answers(args: argparse.Namespace) -> int:
    params = {
        "from": args.start or "",
        "to": args.end or "",
        "store": args.store or "",
        "region": args.region or "",
        "touchpoint": args.touchpoint or "",
        "survey": args.survey or "",
        "version": args.version or "",
        "rapid": args.rapid,
        "timeouts": args.timeouts,
    }
    # A blank --version would read as no version (all of them): refused, not widened.
    if args.version is not None and not args.version.strip():
        raise CliError("--version: expected a version number (1 or more)")
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    with closing(_open_database(args)) as db:
        try:
            # Today as the dashboard has it: in the chain's time zone.
            chosen = filters.parse_filters(params, filters.today(storeinfo.chain_zone(db)))
        except filters.FilterError as e:
            raise CliError(f"--{e.field}: {e.problem}") from None
        total = export.count(db, chosen) if show else 0
        bar = Progress(total, sys.stderr) if show else None
        rows = export.rows(db, chosen, args.minimised)
        counted = _counting(rows, bar)
        try:
            out = args.output.open("wb") if args.output else sys.stdout.buffer
        except OSError as e:
            raise CliError(f"cannot write {args.output}: {e.strerror or e}") from None
        try:
            for chunk in export.encode(counted, args.format, args.minimised):
                out.write(chunk)
        except BrokenPipeError:
            # The reader stopped (| head): not an error. Further writes to stdout would
            # raise again at exit, so it goes to /dev/null.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        finally:
            if args.output:
                out.close()
            else:
                out.flush()
        if bar is not None:
            bar.finish()
    return 0


def _counting(rows: Any, bar: Progress | None) -> Any:
    for row in rows:
        if bar is not None:
            bar.advance()
        yield row


class Progress:
    """A one-line progress bar on a terminal, redrawn at most every 1%."""

    WIDTH = 30

    def __init__(self, total: int, stream: Any) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self._shown = -1
        self._draw()

    def advance(self) -> None:
        self.done += 1
        if self.total and self.done * 100 // self.total != self._shown:
            self._draw()

    def _draw(self) -> None:
        percent = 100 if not self.total else min(100, self.done * 100 // self.total)
        self._shown = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\rexport [{bar}] {percent:3d}% {self.done:,}/{self.total:,} answers")
        self.stream.flush()

    def finish(self) -> None:
        self._draw()
        self.stream.write("\n")
        self.stream.flush()


# --- erasure requests -----------------------------------------------------------------------

# Ids one --ids-from file may hold, and the longest line read from it (a UUID is 36).
MAX_IDS = 1_000_000
MAX_ID_LINE = 200
# Comment text shown per answer when listing what an erasure would remove.
SHOWN_COMMENT_CHARS = 40
# Answers listed before asking; --dry-run lists them all.
LISTED_BEFORE_ASKING = 20


def _read_ids(source: Path) -> list[str]:
    """The answer ids in a file (or stdin for '-'), one a line; errors name the line."""
    shown = "stdin" if str(source) == "-" else str(source)
    ids: list[str] = []
    try:
        stream = sys.stdin if str(source) == "-" else source.open(encoding="utf-8")
        with nullcontext() if stream is sys.stdin else stream:
            for number, line in enumerate(iter(lambda: stream.readline(MAX_ID_LINE), ""), 1):
                if len(line) == MAX_ID_LINE and not line.endswith("\n"):
                    raise CliError(f"{shown} line {number}: too long for an answer id")
                text = line.strip()
                if not text or text.startswith("#"):
                    continue
                try:
                    ids.append(str(uuid.UUID(text)))
                except ValueError:
                    raise CliError(
                        f"{shown} line {number}: {text[:60]!r} is not an answer id (a UUID); "
                        "nothing was deleted"
                    ) from None
                if len(ids) > MAX_IDS:
                    raise CliError(f"{shown}: more than {MAX_IDS:,} ids; split the file")
    except OSError as e:
        raise CliError(f"cannot read {shown}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise CliError(f"{shown} is not UTF-8 text") from None
    return ids


@dataclass(frozen=True)
class _Erasure:
    """What an answers delete command chose: the answers, and the audit log's summary."""

    found: list[erasure.Found]
    detail: str


def _chosen_by_id(args: argparse.Namespace, db: HQDatabase) -> _Erasure:
    given = list(args.ids)
    if args.ids_from is not None:
        given += _read_ids(args.ids_from)
    if not given:
        raise CliError(f"{args.ids_from} holds no answer ids; nothing was deleted")
    wanted = set(given)
    found = erasure.answers_with_ids(db, wanted)
    missing = sorted(wanted - {f.id for f in found})
    if missing:
        listed = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        raise CliError(
            f"{len(missing)} of {len(wanted)} answer ids not found ({listed}); nothing was deleted"
        )
    return _Erasure(found, f"by id: {len(wanted)} ids")


def _chosen_by_comment(args: argparse.Namespace, db: HQDatabase) -> _Erasure:
    needed = {"--store": args.store, "--from": args.start, "--to": args.end}
    absent = [name for name, value in needed.items() if value is None]
    if args.comment_contains is None or absent:
        raise CliError(
            "say which answers: --id ID, --ids-from FILE, or --store, --from, --to and "
            "--comment-contains together"
            + (f" (missing: {', '.join(absent)})" if args.comment_contains is not None else "")
        )
    text = args.comment_contains.strip()
    if not text:
        raise CliError("--comment-contains is empty: it would match every comment")
    try:
        chosen = filters.parse_filters(
            {"from": args.start, "to": args.end, "store": args.store},
            filters.today(storeinfo.chain_zone(db)),
        )
    except filters.FilterError as e:
        raise CliError(f"--{e.field}: {e.problem}") from None
    # The days are the store's own (in its time zone), as on the dashboard.
    start, end_before = insights.local_bounds(db, args.store, chosen)
    found = erasure.comments_containing(db, args.store, start, end_before, text)
    # The search text is what the shopper wrote, so it stays out of the log.
    detail = (
        f"store {args.store}, {chosen.start.isoformat()} .. {chosen.end.isoformat()} "
        "(the store's local days), "
        f"comment contains a text of {len(text)} characters (not recorded)"
    )
    return _Erasure(found, detail)


def _shown_comment(comment: str | None) -> str:
    if comment is None:
        return "-"
    # Shoppers' text on the operator's terminal: no escape sequences, one line.
    flat = "".join(c if c.isprintable() else " " for c in comment)
    flat = " ".join(flat.split())
    if len(flat) > SHOWN_COMMENT_CHARS:
        return flat[: SHOWN_COMMENT_CHARS - 1].rstrip() + "…"
    return flat


def _listing(found: list[erasure.Found]) -> str:
    rows = [["ID", "STORE", "ANSWERED AT (UTC)", "COMMENT"]]
    rows += [
        [f.id, f.store_id, f.answered_at.strftime("%Y-%m-%d %H:%M:%S"), _shown_comment(f.comment)]
        for f in found
    ]
    return _table(rows)


def _audit(db: HQDatabase, action: str, detail: str) -> None:
    """An operator's change in the audit log (ces-hq audit, the dashboard's Audit log)."""
    erasure.record(db, f"cli:{_os_user()}", action, 1, detail)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def answers_delete(args: argparse.Namespace) -> int:
    by_id = bool(args.ids) or args.ids_from is not None
    criteria = (args.store, args.start, args.end, args.comment_contains)
    if by_id and any(c is not None for c in criteria):
        raise CliError(
            "choose answers either by id (--id, --ids-from) or by comment (--store, --from, "
            "--to, --comment-contains), not both"
        )
    only = args.comment_only
    verb = "erase the comments of" if only else "delete"
    with closing(_open_database(args)) as db:
        try:
            chosen = _chosen_by_id(args, db) if by_id else _chosen_by_comment(args, db)
        except SQLAlchemyError as e:
            raise CliError(f"cannot read the answers: {describe_error(e)}") from None
        found = chosen.found
        if only:
            found = [f for f in found if f.comment is not None]
        if not found:
            print(
                "none of these answers has a comment: nothing to erase"
                if only and chosen.found
                else "no answers match: nothing to delete"
            )
            return 0
        many = _answers(len(found))
        if args.dry_run:
            print(_listing(found))
            print(f"dry run: would {verb} {many}; nothing was changed")
            return 0
        if not args.yes:
            _confirm(found, f"{verb} {many}")
        actor = f"cli:{_os_user()}"
        ids = [f.id for f in found]
        try:
            if only:
                done = erasure.erase_comments(db, ids, actor=actor, detail=chosen.detail)
            else:
                done = erasure.delete_answers(db, ids, actor=actor, detail=chosen.detail)
        except HQDatabaseError as e:
            raise CliError(str(e)) from None
        except SQLAlchemyError as e:
            raise CliError(
                f"erasure failed: {describe_error(e)} (any part done before the error is in "
                "ces-hq audit)"
            ) from None
    if only:
        print(f"erased the comments of {_answers(done)}; the answers and their scores stay")
    else:
        print(f"deleted {_answers(done)}")
    if done != len(found):
        print(f"({len(found) - done:,} had gone meanwhile)")
    return 0


def _answers(n: int) -> str:
    return f"{n:,} answer{'' if n == 1 else 's'}"


def _confirm(found: list[erasure.Found], what: str) -> None:
    if not sys.stdin.isatty():
        raise CliError(f"would {what}: no terminal to ask; add --yes (look first with --dry-run)")
    print(_listing(found[:LISTED_BEFORE_ASKING]))
    if len(found) > LISTED_BEFORE_ASKING:
        print(f"... and {len(found) - LISTED_BEFORE_ASKING:,} more (all of them: --dry-run)")
    try:
        answer = input(f"{what}? This cannot be undone. Type yes to go on: ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise CliError("not confirmed; nothing was deleted")


def audit(args: argparse.Namespace) -> int:
    with closing(_open_database(args)) as db:
        entries = erasure.audit_entries(db, args.limit)
    if not entries:
        print("the audit log is empty: nothing has been erased yet")
        return 0
    rows = [["AT (UTC)", "ACTOR", "ACTION", "COUNT", "DETAIL"]]
    rows += [
        [
            e["at"].strftime("%Y-%m-%d %H:%M:%S"),
            e["actor"],
            e["action"],
            str(e["count"]),
            e["detail"] or "-",
        ]
        for e in entries
    ]
    print(_table(rows))
    return 0


# --- the database ---------------------------------------------------------------------------


def db_check(args: argparse.Namespace) -> int:
    from hq.db import check as dbcheck

    try:
        url = _database_url(args)
    except CliError as e:
        print(f"ces-hq: could not check: {e}", file=sys.stderr)
        return dbcheck.NOT_CHECKED
    finding = dbcheck.check(url)
    out = sys.stdout if finding.status != dbcheck.NOT_CHECKED else sys.stderr
    prefix = "ces-hq: could not check: " if finding.status == dbcheck.NOT_CHECKED else ""
    for i, line in enumerate(finding.lines):
        print((prefix if i == 0 else "") + line, file=out)
    return finding.status


# --- retention ------------------------------------------------------------------------------


def retention_run(args: argparse.Namespace) -> int:
    with closing(_open_database(args)) as db:
        try:
            outcome = retention.run(db, _retention_policy(args), dry_run=args.dry_run)
        except HQDatabaseError as e:
            raise CliError(str(e)) from None
        except SQLAlchemyError as e:
            raise CliError(f"retention failed: {describe_error(e)}") from None
    print(outcome.describe())
    return 0


# --- demo data ------------------------------------------------------------------------------


def demo(args: argparse.Namespace) -> int:
    from hq import demo as sample

    try:
        surveys = load_surveys(default_folder())
    except SurveyFolderError as e:
        raise CliError(f"survey folder: {e}") from None
    with closing(_open_database(args)) as db:
        try:
            loaded = sample.load(db, surveys)
        except sample.DemoError as e:
            raise CliError(str(e)) from None
    if args.json:
        print(json.dumps(sample.summary_json(loaded)))
        return 0
    if loaded.already:
        print(f"the demo data is in this database already ({loaded.last_day}); nothing added")
    else:
        print(
            f"demo data loaded: {loaded.answers:,} answers from {loaded.first_day} to "
            f"{loaded.last_day}, {loaded.stores} stores, surveys {', '.join(loaded.surveys)}, "
            f"an action on {loaded.action_on}"
        )
    print(f"dashboard user:  {loaded.user}")
    print(f"password:        {loaded.password}")
    return 0


def _survey_catalog(folder: Path | None) -> SurveyCatalog:
    try:
        return load_surveys(folder or default_folder())
    except SurveyFolderError as e:
        raise CliError(f"survey folder: {e}") from None


def _survey_database(args: argparse.Namespace) -> HQDatabase:
    """HQ's database, with the folder's surveys in it if HQ has not started on it yet."""
    catalog = _survey_catalog(args.surveys)
    db = _open_database(args)
    try:
        survey_versions.seed(db, catalog)
    except BaseException:
        db.close()
        raise
    return db


def _journey_database(args: argparse.Namespace) -> HQDatabase:
    """HQ's database with its surveys and journeys seeded as at serve's first start, so
    that a digest of a database HQ has not served yet has its touchpoints' targets."""
    catalog = _survey_catalog(getattr(args, "surveys", None))
    db = _open_database(args)
    try:
        survey_versions.seed(db, catalog)
        journeys.seed(db, catalog)
    except BaseException:
        db.close()
        raise
    return db


def survey_export(args: argparse.Namespace) -> int:
    with closing(_survey_database(args)) as db:
        try:
            text = survey_versions.exported(db, args.survey_id, args.version)
        except survey_files.SurveyFileError as e:
            raise CliError(str(e)) from None
    # Bytes, not print(): the file is UTF-8 whatever the terminal's locale says.
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


def survey_import(args: argparse.Namespace) -> int:
    # Check the file before touching the database.
    try:
        survey_files.read_survey(args.file)
    except survey_files.SurveyFileError as e:
        raise CliError(str(e)) from None
    with closing(_survey_database(args)) as db:
        try:
            done = survey_versions.import_file(db, args.file, f"cli:{_os_user()}")
        except survey_files.SurveyFileError as e:
            raise CliError(str(e)) from None
    name = f"survey {done.survey.id!r} version {done.survey.version}"
    if done.unchanged:
        print(f"{name} is in HQ's database already; nothing changed")
        return 0
    was = "new survey" if done.replaced is None else f"newest published was version {done.replaced}"
    # Published: kiosks whose touchpoint pins no version get it with their next config.
    print(
        f"imported {name} as a published version ({was}); publish it to touchpoints in the "
        "dashboard's survey editor to run it there"
    )
    return 0


def journey(args: argparse.Namespace) -> int:
    catalog = _survey_catalog(args.surveys)
    with closing(_open_database(args)) as db:
        try:
            return journey_cli.run(args, db, catalog)
        except (journeys.JourneyError, journey_cli.JourneyCliError) as e:
            raise CliError(str(e)) from None


def action(args: argparse.Namespace) -> int:
    with closing(_survey_database(args)) as db:
        catalog = survey_versions.published_catalog(db, _survey_catalog(args.surveys))
        try:
            return action_cli.run(args, db, catalog)
        except (actions.ActionError, action_cli.ActionCliError) as e:
            raise CliError(str(e)) from None


def footfall(args: argparse.Namespace) -> int:
    try:
        return footfall_cli.run(args, lambda: _open_database(args))
    except FootfallError as e:
        raise CliError(str(e)) from None


def alert(args: argparse.Namespace) -> int:
    with closing(_open_database(args)) as db:
        try:
            return alert_cli.run(args, db, f"cli:{_os_user()}")
        except (RuleError, alert_cli.AlertCliError) as e:
            raise CliError(str(e)) from None


def digest(args: argparse.Namespace) -> int:
    try:
        return digest_cli.run(args, lambda: _journey_database(args))
    except (digest_cli.DigestCliError, DigestError) as e:
        raise CliError(str(e)) from None


# --- entry point ----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None, environ: Mapping[str, str]) -> argparse.Namespace:
    """The command line, and for `serve` the options it leaves out from ``environ``
    (EFFORTLESS_HQ_..., hq.serve_env); a bad variable exits as a bad option does."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else list(argv)
    if args.command == "serve":
        given = serve_env.given_dests(
            build_parser(), "serve", sys.argv[1:] if argv is None else list(argv)
        )
        serve = serve_env.subcommand(parser, "serve")
        try:
            args.from_environment = serve_env.apply(serve, args, given, environ)
        except serve_env.SettingError as e:
            serve.error(str(e))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, os.environ)
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "export":
            return export_answers(args)
        if args.command == "demo":
            return demo(args)
        if args.command == "audit":
            return audit(args)
        if args.command == "footfall":
            return footfall(args)
        if args.command == "journey":
            return journey(args)
        if args.command == "digest":
            return digest(args)
        if args.command == "action":
            return action(args)
        if args.command == "alert":
            return alert(args)
        if args.command in ("backup", "restore"):
            try:
                return backup_cli.run(args, lambda: _database_url(args))
            except (backup.BackupError, HQDatabaseError) as e:
                raise CliError(str(e)) from None
        handlers = {
            ("kiosk", "add"): kiosk_add,
            ("kiosk", "list"): kiosk_list,
            ("kiosk", "revoke"): kiosk_revoke,
            ("kiosk", "move"): kiosk_move,
            ("user", "add"): user_add,
            ("user", "list"): user_list,
            ("user", "set"): user_set,
            ("user", "remove"): user_remove,
            ("store", "set"): store_set,
            ("store", "list"): store_list,
            ("store", "time-zone"): store_time_zone,
            ("db", "check"): db_check,
            ("answers", "delete"): answers_delete,
            ("retention", "run"): retention_run,
            ("survey", "export"): survey_export,
            ("survey", "import"): survey_import,
        }
        return handlers[(args.command, args.action)](args)
    except CliError as e:
        if logformat.is_json():
            # `serve --log-format json`: its stderr stays JSON to the last line.
            log.error("%s", e)
        else:
            print(f"ces-hq: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
