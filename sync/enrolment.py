"""Enrolling a kiosk with HQ: one function for the command line and the setup screen."""

from __future__ import annotations

import math

from ces.keys import (
    HQ_URL,
    INSECURE,
    KIOSK_ID,
    LAST_ERROR,
    LAST_PROBLEM,
    NOT_AUTHORISED,
    STORE_ID,
    TOKEN,
    TOUCHPOINT,
)
from sync import problems
from sync.client import (
    Enrolment,
    HQClient,
    HQError,
    InsecureURLError,
    RefusedError,
    RetryableError,
)
from sync.outbox import Outbox
from sync.problems import Problem
from sync.settings import Settings

# HQ's refusal codes (docs/protocol.md), with what to do, for the command line.
HINTS = {
    "code_expired": "code expired — ask HQ for a new one",
    "code_used": "this code was already used — ask HQ for a new one",
    "unknown_code": "HQ does not know this code — check it, or ask HQ for a new one",
    "kiosk_revoked": "HQ revoked this kiosk — ask HQ for a new code",
}
# The same for the kiosk's screens (sync.problems).
_HINT_KINDS = {
    "code_expired": problems.CODE_EXPIRED,
    "code_used": problems.CODE_USED,
    "unknown_code": problems.UNKNOWN_CODE,
    "kiosk_revoked": problems.KIOSK_REVOKED,
}


class EnrolmentError(Exception):
    """Enrolment failed; the message says what to do (in English, for the command line),
    ``problem`` says it for the setup screen to word in the manager's language."""

    def __init__(self, message: str, problem: Problem, *, bad_address: bool = False) -> None:
        super().__init__(message)
        self.problem = problem
        # The address itself was refused before anything was sent.
        self.bad_address = bad_address


def enrol(url: str, code: str, *, allow_insecure_http: bool = False) -> tuple[str, Enrolment]:
    """Exchange a code for a token; returns HQ's normalised address and the enrolment."""
    try:
        client = HQClient(url, allow_insecure_http=allow_insecure_http)
    except InsecureURLError as exc:
        raise EnrolmentError(str(exc), exc.problem, bad_address=True) from exc
    try:
        return client.base_url, client.enroll(code.strip())
    except RefusedError as exc:
        kind = _HINT_KINDS.get(exc.code)
        if kind is None:
            raise EnrolmentError(str(exc), exc.problem) from exc
        raise EnrolmentError(HINTS[exc.code], Problem(kind)) from exc
    except RetryableError as exc:
        if exc.status == 429:
            wait = math.ceil(exc.retry_after_s or 60)
            raise EnrolmentError(
                f"HQ refuses further codes from this address for now — try again in {wait} s",
                Problem(problems.ENROL_THROTTLED, {"seconds": str(wait)}),
            ) from exc
        raise EnrolmentError(f"{exc} — check the address and the network", exc.problem) from exc
    except HQError as exc:
        raise EnrolmentError(f"{exc} — check the address and the network", exc.problem) from exc
    finally:
        client.close()


def remember(
    settings: Settings,
    outbox: Outbox | None,
    base_url: str,
    enrolment: Enrolment,
    allow_insecure_http: bool,
) -> None:
    """Lock the kiosk to HQ's store and touchpoint and keep the token (one atomic write
    of the settings), then clear the old token's sync trouble from the outbox."""
    settings.update(
        {
            HQ_URL: base_url,
            TOKEN: enrolment.token,
            INSECURE: "1" if allow_insecure_http else "0",
            KIOSK_ID: enrolment.kiosk_id,
            STORE_ID: enrolment.store,
            TOUCHPOINT: enrolment.touchpoint,
        }
    )
    if outbox is not None:
        for key in (NOT_AUTHORISED, LAST_ERROR, LAST_PROBLEM):
            outbox.delete_meta(key)
