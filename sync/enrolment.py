"""Enrolling a kiosk with HQ: one function for the command line and the setup screen."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from pathlib import Path

from ces.keys import (
    HQ_CA,
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
from sync.settings import Settings, SettingsDamaged, write_atomically

# The copy of the CA `ces-kiosk enroll --hq-ca FILE` was given, in the kiosk's data dir: the
# kiosk keeps trusting HQ if the original is moved or removed.
CA_FILENAME = "hq-ca.pem"
_MAX_CA_BYTES = 1024 * 1024

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


class CAFileError(ValueError):
    """The file given as HQ's CA holds no certificate that can be used."""


def read_ca_file(path: Path) -> bytes:
    """The PEM certificate(s) in ``path``, checked the way TLS will load them."""
    import ssl  # only here: the kiosk's start does not need it

    try:
        data = path.read_bytes()[: _MAX_CA_BYTES + 1]
    except OSError as exc:
        raise CAFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > _MAX_CA_BYTES or b"-----BEGIN CERTIFICATE-----" not in data:
        raise CAFileError(f"{path} is not a PEM certificate file (-----BEGIN CERTIFICATE-----)")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cadata=data.decode("ascii"))
    except (ssl.SSLError, UnicodeDecodeError, ValueError) as exc:
        raise CAFileError(f"{path} holds no usable certificate") from exc
    return data


def trusted_ca(data_dir: Path, settings: Mapping[str, str]) -> Path | None:
    """The CA file this kiosk checks HQ's certificate against; None: requests' default."""
    name = settings.get(HQ_CA)
    return data_dir / name if name else None


def kept_ca(settings: Settings) -> bytes | None:
    """The CA an enrolled kiosk trusts HQ with, for a new enrolment from the setup screen
    (which cannot choose one); None without one, or if it cannot be read."""
    try:
        path = trusted_ca(settings.data_dir, settings.load())
        return read_ca_file(path) if path is not None else None
    except (SettingsDamaged, CAFileError):
        return None


def enrol(
    url: str, code: str, *, allow_insecure_http: bool = False, ca_file: Path | None = None
) -> tuple[str, Enrolment]:
    """Exchange a code for a token; returns HQ's normalised address and the enrolment.
    ``ca_file``: HQ's certificate must come from this CA (a company's own)."""
    try:
        client = HQClient(url, allow_insecure_http=allow_insecure_http, ca_file=ca_file)
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
        if exc.problem.kind == problems.HQ_UNTRUSTED:
            hint = "check the address; for a certificate from your company's CA, give --hq-ca FILE"
            raise EnrolmentError(f"{exc} — {hint}", exc.problem) from exc
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
    ca: bytes | None = None,
) -> None:
    """Lock the kiosk to HQ's store and touchpoint and keep the token (one atomic write
    of the settings), then clear the old token's sync trouble from the outbox. ``ca``: the
    CA certificate(s) HQ was enrolled with (read_ca_file); None: requests' default."""
    ca_path = settings.data_dir / CA_FILENAME
    if ca is not None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(ca_path, ca)
    settings.update(
        {
            HQ_URL: base_url,
            HQ_CA: CA_FILENAME if ca is not None else None,
            TOKEN: enrolment.token,
            INSECURE: "1" if allow_insecure_http else "0",
            KIOSK_ID: enrolment.kiosk_id,
            STORE_ID: enrolment.store,
            TOUCHPOINT: enrolment.touchpoint,
        }
    )
    if ca is None:
        with contextlib.suppress(FileNotFoundError):
            ca_path.unlink()
    if outbox is not None:
        for key in (NOT_AUTHORISED, LAST_ERROR, LAST_PROBLEM):
            outbox.delete_meta(key)
