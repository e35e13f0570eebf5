"""Removes e-mail addresses and phone numbers from free text before it is stored.

The kiosk asks for no personal data; what a shopper types anyway is scrubbed on the
device, so it never reaches the disk, the sync queue or HQ.
"""

from __future__ import annotations

import re
import unicodedata

EMAIL_MARK = "[e-mail]"
PHONE_MARK = "[phone]"

_LOCAL = r"[A-Za-z0-9._%+\-]"
# A local part starts where its run of characters starts, or (right after another
# address) at most 64 characters before the "@": trying every start inside a long run
# without an "@" made scrubbing take quadratic time on hostile input.
_EMAIL = re.compile(
    rf"(?:(?<!{_LOCAL}){_LOCAL}+|{_LOCAL}{{1,64}})\s*(?:@|\(at\)|\[at\])\s*[A-Za-z0-9\-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[A-Za-z0-9\-]+)+",
    re.IGNORECASE,
)
# Runs of digits with the separators people type in phone numbers. Eight digits or
# more is a phone number in NL/BE/DE/FR/UK; shorter runs (prices, times, years) stay.
_PHONE = re.compile(r"(?<![\w])(?:\+|00)?(?:\(?\d[\d\s\-./()]{6,}\d)(?![\w])")
_MIN_PHONE_DIGITS = 8
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _phone_or_keep(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    return PHONE_MARK if digits >= _MIN_PHONE_DIGITS else text


def scrub(text: str) -> str:
    # NFKC first, so full-width digits or a look-alike "@" cannot slip past the patterns.
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = _CONTROL.sub("", cleaned)
    cleaned = _EMAIL.sub(EMAIL_MARK, cleaned)
    cleaned = _PHONE.sub(_phone_or_keep, cleaned)
    return cleaned.strip()


def clean_comment(text: str, max_length: int) -> str | None:
    """The text as it may be stored: scrubbed, within max_length, None if nothing is left."""
    cleaned = scrub(text)[:max_length].strip()
    return cleaned or None
