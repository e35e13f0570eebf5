"""What went wrong (between the kiosk and HQ, with the kiosk's database, its settings or
its survey), as a kind and its values, not as a sentence.

Sync speaks English in its logs and on the command line; the kiosk's screens speak the
store's language. So every error sync can put in front of a person carries a kind from
``KINDS`` and the values its words need, and the kiosk's catalog (kiosk/flow/texts.py,
key ``sync_<kind>``) words it: the manager's and setup screens' sync messages, and the
out-of-order screen's reason (``OutboxError.problem`` in sync/outbox.py). The last sync
problem is kept in kiosk.db for the manager screen beside the English ``last_sync_error``
that the heartbeat sends to HQ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from ces.keys import LAST_PROBLEM

# The HQ address
NOT_HQ_ADDRESS = "not_hq_address"
PLAIN_HTTP = "plain_http"
# Talking to HQ
HQ_TIMEOUT = "hq_timeout"
HQ_UNREACHABLE = "hq_unreachable"
HQ_UNTRUSTED = "hq_untrusted"
HQ_FAILED = "hq_failed"
HQ_STATUS = "hq_status"
HQ_BAD_ANSWER = "hq_bad_answer"
HQ_REFUSED = "hq_refused"
NOT_AUTHORISED = "not_authorised"
# Enrolment
CODE_EXPIRED = "code_expired"
CODE_USED = "code_used"
UNKNOWN_CODE = "unknown_code"
KIOSK_REVOKED = "kiosk_revoked"
ENROL_THROTTLED = "enrol_throttled"
# The kiosk's database (sync/outbox.py: OutboxError.problem)
DB_LOCKED = "db_locked"
DB_READ_ONLY = "db_read_only"
DISK_FULL = "disk_full"
DISK_IO = "disk_io"
DB_CANNOT_OPEN = "db_cannot_open"
DB_DAMAGED = "db_damaged"
DB_TOO_NEW = "db_too_new"
# Any other database error: its English words go to the log, not to a screen.
DB_FAILED = "db_failed"
# What else keeps a kiosk out of order: no usable settings (sync/settings.py), no survey.
SETTINGS_LOST = "settings_lost"
NO_SURVEY = "no_survey"

# Each kind with the names of the values its words use.
KINDS: dict[str, frozenset[str]] = {
    NOT_HQ_ADDRESS: frozenset({"address"}),
    PLAIN_HTTP: frozenset({"host"}),
    HQ_TIMEOUT: frozenset({"url"}),
    HQ_UNREACHABLE: frozenset({"url"}),
    HQ_UNTRUSTED: frozenset({"url"}),
    HQ_FAILED: frozenset({"error"}),
    HQ_STATUS: frozenset({"status"}),
    HQ_BAD_ANSWER: frozenset(),
    HQ_REFUSED: frozenset({"status"}),
    NOT_AUTHORISED: frozenset(),
    CODE_EXPIRED: frozenset(),
    CODE_USED: frozenset(),
    UNKNOWN_CODE: frozenset(),
    KIOSK_REVOKED: frozenset(),
    ENROL_THROTTLED: frozenset({"seconds"}),
    DB_LOCKED: frozenset(),
    DB_READ_ONLY: frozenset(),
    DISK_FULL: frozenset(),
    DISK_IO: frozenset(),
    DB_CANNOT_OPEN: frozenset(),
    DB_DAMAGED: frozenset(),
    DB_TOO_NEW: frozenset(),
    DB_FAILED: frozenset(),
    SETTINGS_LOST: frozenset(),
    NO_SURVEY: frozenset(),
}


@dataclass(frozen=True)
class Problem:
    """A kind from KINDS with its values; ``retry_in_s`` when sync tries again by itself."""

    kind: str
    values: dict[str, str] = field(default_factory=dict)
    retry_in_s: int | None = None

    def __post_init__(self) -> None:
        # A kind without words, or words without their values, would reach a screen as
        # a key or a KeyError: refuse it where it is made.
        if KINDS.get(self.kind) != frozenset(self.values):
            raise ValueError(f"problem {self.kind!r} with values {sorted(self.values)}")


class _Meta(Protocol):
    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def delete_meta(self, key: str) -> None: ...


def keep(outbox: _Meta, problem: Problem | None) -> None:
    """Remember the last problem for the manager screen (None: there is none now)."""
    if problem is None:
        outbox.delete_meta(LAST_PROBLEM)
        return
    body: dict[str, Any] = {"kind": problem.kind, "values": problem.values}
    if problem.retry_in_s is not None:
        body["retry_in_s"] = problem.retry_in_s
    outbox.set_meta(LAST_PROBLEM, json.dumps(body, ensure_ascii=False))


def last(outbox: _Meta) -> Problem | None:
    """The problem ``keep`` remembered; None when there is none or it cannot be read (an
    older kiosk's, say: the English last error is still shown then)."""
    raw = outbox.meta(LAST_PROBLEM)
    if raw is None:
        return None
    try:
        body = json.loads(raw)
        retry = body.get("retry_in_s")
        return Problem(
            str(body["kind"]),
            {str(k): str(v) for k, v in body["values"].items()},
            int(retry) if retry is not None else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
