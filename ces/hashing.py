"""Salted scrypt hashes of secrets (the manager PIN, HQ users' passwords), self-describing:
``scrypt$N$r$p$salt$digest``, so the cost can rise later without breaking stored hashes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import NamedTuple

# About 50 ms and 16 MiB of memory per guess: the kiosk's manager PIN. HQ passwords ask
# more (hq.users.PASSWORD_COST).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

# What a stored hash may ask for before it is refused unchecked: its parameters come from
# a file or a database, and a damaged or planted one must not take all memory or minutes of
# CPU. 512 MiB is 4 times OWASP's N=2^17, r=8; p=16 at that cost is seconds of CPU.
MAX_SCRYPT_MEMORY = 512 * 1024**2
MAX_SCRYPT_P = 16
SALT_BYTES = (8, 64)
DIGEST_BYTES = (16, 64)


class ScryptCost(NamedTuple):
    n: int
    r: int
    p: int

    @property
    def memory(self) -> int:
        """The bytes scrypt's large array takes (128 * r * N)."""
        return 128 * self.r * self.n


DEFAULT_COST = ScryptCost(SCRYPT_N, SCRYPT_R, SCRYPT_P)


class _Stored(NamedTuple):
    cost: ScryptCost
    salt: bytes
    digest: bytes


def hash_secret(secret: str, salt: bytes | None = None, cost: ScryptCost = DEFAULT_COST) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(secret, salt, cost, 32)
    b64 = base64.b64encode
    return f"scrypt${cost.n}${cost.r}${cost.p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    """True if ``stored`` is a hash of ``secret``; False for a wrong secret and for a
    malformed hash or one that asks too much, without computing it."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    try:
        digest = _scrypt(secret, parsed.salt, parsed.cost, len(parsed.digest))
    except ValueError:  # a secret that is no text (lone surrogates), or too little memory
        return False
    return hmac.compare_digest(digest, parsed.digest)


def stored_cost(stored: str) -> ScryptCost | None:
    """The parameters a stored hash was made with; None if it is not one this module checks."""
    parsed = _parse(stored)
    return None if parsed is None else parsed.cost


def _scrypt(secret: str, salt: bytes, cost: ScryptCost, length: int) -> bytes:
    # OpenSSL refuses more than 32 MiB unless told: room for the array and its overhead.
    return hashlib.scrypt(
        secret.encode("utf-8"),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        dklen=length,
        maxmem=cost.memory + 2 * 1024**2 + 128 * cost.r * cost.p,
    )


def _parse(stored: str) -> _Stored | None:
    if not isinstance(stored, str) or len(stored) > 512 or not stored.isascii():
        return None
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    numbers = parts[1:4]
    if not all(x.isdigit() and len(x) <= 10 for x in numbers):
        return None
    cost = ScryptCost(*(int(x) for x in numbers))
    if cost.n < 2 or cost.n & (cost.n - 1) or not 1 <= cost.r <= 64:
        return None
    if not 1 <= cost.p <= MAX_SCRYPT_P or cost.memory > MAX_SCRYPT_MEMORY:
        return None
    try:
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (binascii.Error, ValueError):
        return None
    if not SALT_BYTES[0] <= len(salt) <= SALT_BYTES[1]:
        return None
    if not DIGEST_BYTES[0] <= len(digest) <= DIGEST_BYTES[1]:
        return None
    return _Stored(cost, salt, digest)
