"""ces-kiosk enroll / sync / status: thin commands over sync.client and sync.worker.

No Qt here: these run on a kiosk over SSH, in scripts and in tests.
"""

from __future__ import annotations

import argparse
import functools
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ces.keys import HQ_URL, NOT_AUTHORISED, TOKEN
from sync.enrolment import CAFileError, EnrolmentError, enrol, read_ca_file, remember
from sync.outbox import DB_FILENAME, Outbox, OutboxError, OutboxUnavailable, describe
from sync.settings import Settings, SettingsDamaged
from sync.worker import SyncWorker, read_status


def _outbox(data_dir: object) -> Outbox:
    path = Path(str(data_dir))
    # A running kiosk has the database open: attach, so its open session is left alone.
    if (path / DB_FILENAME).is_file():
        try:
            return Outbox.attach(path)
        except sqlite3.Error as exc:
            raise OutboxUnavailable(path / DB_FILENAME, describe(exc, path)) from None
    return Outbox.open(path)


def plain_errors(command: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """A database or settings file that cannot be used now gives one line, not a traceback."""

    def wrap(handler: Callable[..., int]) -> Callable[..., int]:
        @functools.wraps(handler)
        def run(args: argparse.Namespace) -> int:
            try:
                return handler(args)
            except (OutboxError, SettingsDamaged) as exc:
                return _fail(command, str(exc))
            except (sqlite3.Error, OSError) as exc:
                return _fail(command, describe(exc, Path(str(args.data_dir))))

        return run

    return wrap


def _fail(command: str, message: str, code: int = 1) -> int:
    print(f"ces-kiosk {command}: {message}", file=sys.stderr)
    return code


@plain_errors("enroll")
def enroll(args: argparse.Namespace) -> int:
    ca_file: Path | None = args.hq_ca
    try:
        ca = read_ca_file(ca_file) if ca_file is not None else None
    except CAFileError as exc:
        return _fail("enroll", f"--hq-ca: {exc}", 2)
    try:
        base_url, enrolment = enrol(
            args.hq, args.code, allow_insecure_http=args.allow_insecure_http, ca_file=ca_file
        )
    except EnrolmentError as exc:
        return _fail("enroll", str(exc), 2 if exc.bad_address else 1)
    outbox = _outbox(args.data_dir)
    try:
        settings = Settings(Path(str(args.data_dir)))
        # A new code from HQ is what may replace a damaged settings file (kept aside).
        settings.replace_damaged()
        remember(settings, outbox, base_url, enrolment, args.allow_insecure_http, ca)
    finally:
        outbox.close()
    print(
        f"enrolled: kiosk {enrolment.kiosk_id}, store {enrolment.store}, "
        f"touchpoint {enrolment.touchpoint}"
    )
    return 0


@plain_errors("sync")
def sync(args: argparse.Namespace) -> int:
    outbox = _outbox(args.data_dir)
    try:
        if not Settings.open(Path(str(args.data_dir))).get(TOKEN):
            return _fail("sync", "this kiosk is not enrolled: run ces-kiosk enroll first", 2)
        # Asking by hand is a reason to try again after "not authorised".
        outbox.delete_meta(NOT_AUTHORISED)
    finally:
        outbox.close()
    worker = SyncWorker(args.data_dir)
    worker.start()
    worker.wake()
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    try:
        while True:
            remaining = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
            if remaining <= 0:
                return _fail("sync", f"gave up after {args.timeout:g} s", 1)
            if worker.wait_until_idle(remaining) and args.until_empty:
                break
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
    outbox = Outbox.attach(args.data_dir)
    try:
        status = read_status(outbox)
    finally:
        outbox.close()
    if not status.authorised:
        return _fail("sync", "kiosk not authorised by HQ; the answers stay queued", 3)
    if status.pending:
        return _fail("sync", f"{status.pending} answers still queued", 1)
    print(f"HQ has every answer ({status.rejected} rejected and kept aside)")
    return 0


@plain_errors("status")
def status(args: argparse.Namespace) -> int:
    outbox = _outbox(args.data_dir)
    try:
        current = read_status(outbox)
        hq = outbox.settings.get(HQ_URL)
    finally:
        outbox.close()
    if args.json:
        print(json.dumps({**current.as_dict(), "hq": hq}, indent=2))
        return 0
    state = (
        "not enrolled"
        if not current.enrolled
        else ("syncing" if current.authorised else "kiosk not authorised")
    )
    print(f"HQ:               {hq or '-'} ({state})")
    print(f"queued answers:   {current.pending}")
    print(f"oldest unsent:    {current.oldest_unsent_at or '-'}")
    print(f"rejected by HQ:   {current.rejected}")
    print(f"last sync:        {current.last_sync_at or 'never'}")
    print(f"last error:       {current.last_error or '-'}")
    return 0


@plain_errors("recover")
def recover(args: argparse.Namespace) -> int:
    from sync.recover import RecoverError, recover_into

    source = Path(args.file)
    try:
        outbox = _outbox(args.data_dir)
    except OutboxError as exc:
        return _fail("recover", str(exc))
    try:
        if source.resolve() == outbox.path.resolve():
            return _fail("recover", f"{source} is this kiosk's own database")
        result = recover_into(outbox, source)
    except RecoverError as exc:
        return _fail("recover", str(exc))
    finally:
        outbox.close()
    print(
        f"recovered {result.added} answers ({result.present} already present, "
        f"{result.unreadable} unreadable)"
    )
    return 0
