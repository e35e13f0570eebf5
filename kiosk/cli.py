"""ces-kiosk: the command line, a thin layer over kiosk.ui and kiosk.flow."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from ces import __version__, extras

log = logging.getLogger("effortless.cli")

COMMANDS = ("simulate", "screenshots", "enroll", "sync", "status", "recover")
QT_PLATFORM = "QT_QPA_PLATFORM"
NO_DISPLAY = (
    "no display (DISPLAY and WAYLAND_DISPLAY are unset); run it in the kiosk's graphical "
    "session, or set QT_QPA_PLATFORM"
)


def default_data_dir() -> Path:
    # Imported here: main() first says which install is missing when platformdirs is.
    from platformdirs import user_data_dir

    return Path(user_data_dir("effortless", appauthor=False))


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, not {text!r}") from None
    if not (320 <= width <= 7680 and 320 <= height <= 7680):
        raise argparse.ArgumentTypeError(f"size {text} is outside 320..7680 pixels")
    return width, height


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("expected a number of at least 1")
    return value


def _days(text: str) -> int:
    days = _positive(text)
    if days > 3660:
        raise argparse.ArgumentTypeError("expected at most 3660 days (ten years)")
    return days


def _common(parser: argparse.ArgumentParser, *, data_dir_help: str | None) -> None:
    if data_dir_help is not None:
        parser.add_argument("--data-dir", type=Path, help=data_dir_help)
    parser.add_argument(
        "--survey",
        type=Path,
        metavar="FILE",
        help="survey JSON file (default: the in-store purchase survey)",
    )
    parser.add_argument(
        "--size",
        type=_size,
        default=(1280, 800),
        metavar="WxH",
        help="window size (default 1280x800)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")


def run_parser() -> argparse.ArgumentParser:
    from sync.worker import CONFIG_POLL_S, HEARTBEAT_S

    parser = argparse.ArgumentParser(
        prog="ces-kiosk",
        description="The Effortless CES kiosk. Starts fullscreen; see the subcommands below.",
        epilog=(
            "subcommands: simulate, screenshots, enroll, sync, status, recover "
            "(ces-kiosk SUBCOMMAND --help)"
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, data_dir_help=f"where answers are kept (default: {default_data_dir()})")
    parser.add_argument("--windowed", action="store_true", help="run in a window (development)")
    parser.add_argument(
        "--lang", metavar="LOCALE", help="language each shopper starts in (e.g. nl, en)"
    )
    parser.add_argument("--show-cursor", action="store_true", help="keep the mouse cursor visible")
    parser.add_argument(
        "--config-poll",
        type=_seconds,
        default=CONFIG_POLL_S,
        metavar="SECONDS",
        help=f"how often an enrolled kiosk asks HQ for its config: a survey version published "
        f"to its touchpoint, messages (default {CONFIG_POLL_S:.0f}; 1 to 86400)",
    )
    parser.add_argument(
        "--heartbeat",
        type=_seconds,
        default=HEARTBEAT_S,
        metavar="SECONDS",
        help=f"how often an enrolled kiosk tells HQ how it is (default {HEARTBEAT_S:.0f}; "
        "1 to 86400)",
    )
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 1 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"must be 1 to 86400 seconds, not {text}")
    return value


def simulate_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ces-kiosk simulate",
        description="Drive the real UI offscreen with synthetic shoppers and print a JSON summary.",
    )
    _common(parser, data_dir_help="where to write (default: a new temporary folder)")
    parser.add_argument(
        "--responses", type=_positive, required=True, metavar="N", help="number of shoppers"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument(
        "--days",
        type=_days,
        metavar="N",
        help=(
            "spread the shoppers over the last N days, ending now (default: a week, or "
            "more when there are over one a minute)"
        ),
    )
    parser.add_argument(
        "--allow-upload",
        action="store_true",
        help="simulate into an enrolled kiosk's data dir: its sync sends the answers to HQ",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    return parser


def screenshots_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ces-kiosk screenshots", description="Render every screen of a survey to PNG files."
    )
    _common(parser, data_dir_help=None)
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for the PNG files"
    )
    parser.add_argument(
        "--accessible",
        action="store_true",
        help="the shopper's screens in the accessibility mode instead",
    )
    parser.add_argument(
        "--language",
        metavar="LOCALE",
        help="the shopper's and manager's screens in this language of the survey (e.g. ar)",
    )
    return parser


def enroll_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ces-kiosk enroll",
        description="Enrol this kiosk with HQ using a code from `ces-hq kiosk add`, then exit.",
    )
    parser.add_argument(
        "--hq", required=True, metavar="URL", help="HQ address, e.g. https://hq.example"
    )
    parser.add_argument("--code", required=True, help="the one-time enrolment code")
    parser.add_argument(
        "--data-dir", type=Path, help=f"the kiosk's data dir (default: {default_data_dir()})"
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow plain http to an HQ that is not on this machine (not for production)",
    )
    parser.add_argument(
        "--hq-ca",
        type=Path,
        metavar="FILE",
        help="trust HQ's certificate only if it comes from this CA (PEM; a company's own); "
        "kept in the data dir",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    return parser


def sync_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ces-kiosk sync", description="Run the sync worker in the foreground."
    )
    parser.add_argument(
        "--data-dir", type=Path, help=f"the kiosk's data dir (default: {default_data_dir()})"
    )
    parser.add_argument(
        "--until-empty", action="store_true", help="exit 0 as soon as HQ has every answer"
    )
    parser.add_argument(
        "--timeout", type=float, metavar="S", help="give up after S seconds (exit 1)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    return parser


def status_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ces-kiosk status", description="Show the sync queue and the last sync."
    )
    parser.add_argument(
        "--data-dir", type=Path, help=f"the kiosk's data dir (default: {default_data_dir()})"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def recover_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ces-kiosk recover",
        description=(
            "Read every answer still readable in FILE (a damaged or old kiosk database, "
            "e.g. kiosk.db.corrupt-...) into this kiosk's outbox, ids kept; an answer "
            "already there is not added twice."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the database to read")
    parser.add_argument(
        "--data-dir", type=Path, help=f"the kiosk's data dir (default: {default_data_dir()})"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    return parser


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        logging.getLogger("qt").setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = args_list[0] if args_list and args_list[0] in COMMANDS else "run"
    qt_free = command in ("enroll", "sync", "status", "recover")
    needed = extras.KIOSK_SYNC_MODULES if qt_free else extras.KIOSK_MODULES
    extras.require("ces-kiosk", "kiosk", needed)
    if command == "simulate":
        args = simulate_parser().parse_args(args_list[1:])
        _offscreen()
        return _simulate(args)
    if command == "screenshots":
        args = screenshots_parser().parse_args(args_list[1:])
        _offscreen()
        return _screenshots(args)
    if qt_free:
        from kiosk import sync_cli

        parser = {
            "enroll": enroll_parser,
            "sync": sync_parser,
            "status": status_parser,
            "recover": recover_parser,
        }[command]()
        args = parser.parse_args(args_list[1:])
        if command != "status":
            _logging(args.verbose)
        args.data_dir = args.data_dir or default_data_dir()
        handler = {
            "enroll": sync_cli.enroll,
            "sync": sync_cli.sync,
            "status": sync_cli.status,
            "recover": sync_cli.recover,
        }
        return handler[command](args)
    args = run_parser().parse_args(args_list)
    return _run(args)


def _offscreen() -> None:
    """simulate and screenshots never show a window: without a display Qt would abort, and
    with one simulate would draw over the kiosk running there. An explicit choice stands."""
    if not os.environ.get(QT_PLATFORM):
        os.environ[QT_PLATFORM] = "offscreen"


def has_display() -> bool:
    """Whether Qt can find a screen on its own. Only Linux and the BSDs need a display
    server for it; an explicit QT_QPA_PLATFORM (offscreen, eglfs, linuxfb) is taken as is.
    """
    if sys.platform in ("win32", "darwin") or os.environ.get(QT_PLATFORM):
        return True
    if any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET")):
        return True
    # Wayland clients connect to wayland-0 when WAYLAND_DISPLAY is unset.
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return runtime is not None and runtime != "" and Path(runtime, "wayland-0").exists()


def _run(args: argparse.Namespace) -> int:
    if not has_display():
        # Qt would abort (exit 134) suggesting a reinstall, which is not the cause.
        print(f"ces-kiosk: {NO_DISPLAY}", file=sys.stderr)
        return 1
    _logging(args.verbose)
    from kiosk.flow.texts import SUPPORTED_LOCALES

    if args.lang is not None and args.lang not in SUPPORTED_LOCALES:
        run_parser().error(
            f"unknown language {args.lang!r} (supported: {', '.join(SUPPORTED_LOCALES)})"
        )
    from kiosk.ui.app import RESTART_EXIT_CODE, Kiosk, KioskOptions, KioskStartError, application
    from kiosk.ui.signals import exit_on_signals
    from kiosk.ui.watchdog import start_watchdog

    app = application()
    exit_on_signals(app)
    try:
        kiosk = Kiosk(
            KioskOptions(
                data_dir=args.data_dir or default_data_dir(),
                survey_path=args.survey,
                lang=args.lang,
                windowed=args.windowed,
                size=args.size,
                show_cursor=args.show_cursor,
                config_poll_s=args.config_poll,
                heartbeat_s=args.heartbeat,
            )
        )
    except KioskStartError as exc:
        print(f"ces-kiosk: {exc}", file=sys.stderr)
        return 1
    kiosk.quit_with = app.exit
    if kiosk.survey_problem:
        print(f"ces-kiosk: survey refused: {kiosk.survey_problem}", file=sys.stderr)
    survey = kiosk.flow.survey
    if args.lang is not None and survey is not None and args.lang not in survey.locales:
        log.warning(
            "survey %s has no %r; shoppers start in %s", survey.id, args.lang, survey.default_locale
        )
    log.info("kiosk started; answers go to %s", kiosk.options.data_dir)
    start_watchdog(app)  # under systemd: READY=1, then pings from this event loop
    code = app.exec()
    kiosk.close()
    if code == RESTART_EXIT_CODE and not os.environ.get("INVOCATION_ID"):
        # Asked for by the manager; under systemd (INVOCATION_ID set) Restart=always does it.
        log.info("kiosk restarting")
        os.execv(sys.executable, [sys.executable, "-m", "kiosk", *sys.argv[1:]])
    log.info("kiosk stopped")
    return code


def _enrolled_hq(data_dir: Path | None) -> str | None:
    """The HQ an existing data dir's kiosk is enrolled with ("" if unnamed), else None."""
    if data_dir is None:
        return None
    from ces.keys import HQ_URL, TOKEN
    from sync.settings import Settings, SettingsDamaged

    try:
        values = Settings(data_dir).load()
    except SettingsDamaged:
        # The kiosk would be out of order; simulate says so.
        return None
    if not values.get(TOKEN):
        return None
    return values.get(HQ_URL) or ""


def _simulate(args: argparse.Namespace) -> int:
    hq = _enrolled_hq(args.data_dir)
    if hq is not None and not args.allow_upload:
        where = f" ({hq})" if hq else ""
        print(
            f"ces-kiosk simulate: {args.data_dir} is an enrolled kiosk's data dir: its simulated "
            f"answers would be sent to HQ{where}; use another --data-dir, or --allow-upload",
            file=sys.stderr,
        )
        return 2
    _logging(args.verbose)
    logging.getLogger("effortless").setLevel(logging.WARNING)
    from kiosk.ui.simulate import SimulationError, simulate

    try:
        summary = simulate(
            responses=args.responses,
            seed=args.seed,
            data_dir=args.data_dir,
            survey_path=args.survey,
            size=args.size,
            keep=args.keep,
            days=args.days,
        )
    except SimulationError as exc:
        print(f"ces-kiosk simulate: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary, indent=2))
    return 0


def _screenshots(args: argparse.Namespace) -> int:
    _logging(args.verbose)
    from kiosk.ui.screenshots import ScreenshotError, render_accessible, render_screens

    try:
        if args.accessible:
            written = render_accessible(
                args.out, survey_path=args.survey, size=args.size, lang=args.language
            )
        else:
            written = render_screens(
                args.out, survey_path=args.survey, size=args.size, lang=args.language
            )
    except (ScreenshotError, OSError) as exc:
        print(f"ces-kiosk screenshots: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
