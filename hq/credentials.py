"""Enrolment codes and kiosk tokens: how they are made, normalised and hashed.

Only hashes are stored, so a copy of the HQ database lets nobody enrol a kiosk or write
as one.
"""

from __future__ import annotations

import hashlib
import secrets

# No I, O, 0 or 1: a code is read off a screen and typed on a touch keyboard.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_VALID_HOURS = 72
# 32 bytes: 256 random bits, well over the protocol's minimum of 128.
TOKEN_BYTES = 32


def new_code() -> str:
    """A fresh enrolment code, shown as XXXX-XXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(typed: str) -> str | None:
    """The code as stored (upper case, no spaces or dashes), or None if it cannot be one."""
    code = typed.upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def code_hash(normalised: str) -> str:
    return hashlib.sha256(b"effortless-code:" + normalised.encode("ascii")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    # surrogatepass: a hostile header may carry anything; hashing must never raise.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
