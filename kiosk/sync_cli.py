"""ces-kiosk enroll / sync / status: thin commands over sync.client and sync.worker.

No Qt here: these run on a kiosk over SSH, in scripts and in tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from sync.enrolment import EnrolmentError, enrol, remember
from sync.outbox import DB_FILENAME, Outbox, OutboxError
from sync.worker import HQ_URL, NOT_AUTHORISED, TOKEN, SyncWorker, read_status


def _outbox(data_dir: object) -> Outbox:
    from pathlib import Path

    path = Path(str(data_dir))
    # A running kiosk has the database open: attach, so its open session is left alone.
    if (path / DB_FILENAME).is_file():
        return Outbox.attach(path)
    return Outbox.open(path)


def _fail(command: str, message: str, code: int = 1) -> int:
    print(f"ces-kiosk {command}: {message}", file=sys.stderr)
    return code


def enroll(args: argparse.Namespace) -> int:
    try:
        base_url, enrolment = enrol(
            args.hq, args.code, allow_insecure_http=args.allow_insecure_http
        )
    except EnrolmentError as exc:
        return _fail("enroll", str(exc), 2 if exc.bad_address else 1)
    try:
        outbox = _outbox(args.data_dir)
    except OutboxError as exc:
        return _fail("enroll", str(exc))
    try:
        remember(outbox, base_url, enrolment, args.allow_insecure_http)
    finally:
        outbox.close()
    print(
        f"enrolled: kiosk {enrolment.kiosk_id}, store {enrolment.store}, "
        f"touchpoint {enrolment.touchpoint}"
    )
    return 0


def sync(args: argparse.Namespace) -> int:
    try:
        outbox = _outbox(args.data_dir)
    except OutboxError as exc:
        return _fail("sync", str(exc))
    try:
        if not outbox.meta(TOKEN):
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


def status(args: argparse.Namespace) -> int:
    try:
        outbox = _outbox(args.data_dir)
    except OutboxError as exc:
        return _fail("status", str(exc))
    try:
        current = read_status(outbox)
        hq = outbox.meta(HQ_URL)
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
