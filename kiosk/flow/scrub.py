"""Removes e-mail addresses and phone numbers from free text before it is stored.

The kiosk asks for no personal data; what a shopper types anyway is scrubbed on the
device, so it never reaches the disk, the sync queue or HQ.

Both run in linear time on any input, a hostile one included: possessive quantifiers
never give characters back, a phone run once started always matches (and is consumed),
and each e-mail is looked for around one "@" within bounded lengths, so no text is
scanned again and again.
"""

from __future__ import annotations

import re
import unicodedata

EMAIL_MARK = "[e-mail]"
PHONE_MARK = "[phone]"

# E-mail addresses are found from their "@" (or "(at)" / "[at]") outwards: the local
# part is at most 64 characters to the left, the domain is matched to the right.
_AT = re.compile(r"(?:@|\(at\)|\[at\])\s*+", re.IGNORECASE)
_DOMAIN = re.compile(
    r"[A-Za-z0-9\-]{1,63}+(?:\s*+(?:\.|\(dot\)|\[dot\])\s*+[A-Za-z0-9\-]{1,63}+)++", re.IGNORECASE
)
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_MAX_LOCAL = 64
_MAX_GAP = 3

# A run of digits and the separators people type in phone numbers. Eight digits or
# more in one run is a phone number in NL/BE/DE/FR/UK; shorter runs (prices, times,
# years, house numbers) stay.
_PHONE_RUN = re.compile(r"\+?+[\d(][\d\s\-./()]*+")
_MIN_PHONE_DIGITS = 8
# Dates and year ranges have eight digits too, but are not phone numbers.
_DATE = re.compile(
    r"\d{1,2}([-/.])\d{1,2}\1\d{4}|\d{4}([-/.])\d{1,2}\2\d{1,2}|\d{4}\s?[-/]\s?\d{4}"
)
_RUN_TAIL = " \t\r\n-./("
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _scrub_emails(text: str) -> str:
    parts: list[str] = []
    done = 0
    for at in _AT.finditer(text):
        if at.start() < done:
            continue
        start = at.start()
        while start > done and at.start() - start < _MAX_GAP and text[start - 1] in " \t":
            start -= 1
        local_end = start
        while start > done and local_end - start < _MAX_LOCAL and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        if start == local_end:
            continue
        domain = _DOMAIN.match(text, at.end())
        if domain is None:
            continue
        parts.append(text[done:start])
        parts.append(EMAIL_MARK)
        done = domain.end()
    parts.append(text[done:])
    return "".join(parts)


def _phone_or_keep(match: re.Match[str]) -> str:
    run = match.group(0)
    if sum(ch.isdigit() for ch in run) < _MIN_PHONE_DIGITS:
        return run
    body = run.rstrip(_RUN_TAIL)
    if _DATE.fullmatch(body):
        return run
    return PHONE_MARK + run[len(body) :]


def scrub(text: str) -> str:
    # NFKC first, so full-width digits or a look-alike "@" cannot slip past the patterns.
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = _CONTROL.sub("", cleaned)
    cleaned = _scrub_emails(cleaned)
    cleaned = _PHONE_RUN.sub(_phone_or_keep, cleaned)
    return cleaned.strip()


def clean_comment(text: str, max_length: int) -> str | None:
    """The text as it may be stored: scrubbed, within max_length, None if nothing is left."""
    cleaned = scrub(text)[:max_length].strip()
    return cleaned or None
