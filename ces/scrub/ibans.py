"""Bank account numbers (IBAN): found from a country code and two check digits, kept by mod-97."""

from __future__ import annotations

import re
from collections import Counter

from ces.scrub.checksums import iban_ok
from ces.scrub.marks import IBAN_MARK
from ces.scrub.skips import has_decimals

# Length of the IBAN per country (the SWIFT IBAN registry, and the countries that use the
# format without being in it, such as Morocco and Algeria).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AO": 25, "AT": 20, "AZ": 28, "BA": 20, "BE": 16,
    "BF": 28, "BG": 22, "BH": 22, "BI": 27, "BJ": 28, "BR": 29, "BY": 28, "CF": 27,
    "CG": 27, "CH": 21, "CI": 28, "CM": 27, "CR": 22, "CV": 25, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "DZ": 26, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GA": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GQ": 27, "GR": 27, "GT": 28, "GW": 25, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IR": 26, "IS": 26, "IT": 27, "JO": 30, "KM": 27,
    "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MA": 28, "MC": 27, "MD": 24, "ME": 22, "MG": 27, "MK": 19, "ML": 28,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "MZ": 25, "NE": 28, "NI": 28, "NL": 18,
    "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24,
    "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "SN": 28, "SO": 23, "ST": 25, "SV": 28, "TD": 27, "TG": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

# A country code and check digits at the start of a word, in either case.
_START = re.compile(r"(?<![^\W_])[A-Za-z]{2}\d{2}")
# Words that say a bank account follows: an IBAN with a typo in it is still someone's.
_ACCOUNT_WORDS = re.compile(
    r"iban|rekening|account|konto|compte|\brib\b|hesap|rachun|حساب|bank", re.IGNORECASE
)
_CONTEXT = 40
# Between groups people type a space (or two) or a dash.
_SEPARATORS = frozenset(" -")
_MAX_GAP = 2
# The shortest IBAN has 15 characters, at least half of them digits (scrub_ibans).
_FEWEST_DIGITS = 8


def _take(text: str, start: int, length: int) -> tuple[str, int] | None:
    """The first `length` letters and digits from `start`, spaces between them skipped."""
    compact: list[str] = []
    pos = start
    end = start
    gap = 0
    while pos < len(text) and len(compact) < length:
        ch = text[pos]
        if ch.isascii() and ch.isalnum():
            compact.append(ch)
            gap = 0
            end = pos + 1
        elif ch in _SEPARATORS and gap < _MAX_GAP:
            gap += 1
        else:
            break
        pos += 1
    if len(compact) < length:
        return None
    return "".join(compact).upper(), end


def scrub_ibans(text: str, found: Counter[str]) -> str:
    if not has_decimals(text, _FEWEST_DIGITS):
        return text
    parts: list[str] = []
    done = 0
    for match in _START.finditer(text):
        start = match.start()
        if start < done:
            continue
        length = IBAN_LENGTHS.get(text[start : start + 2].upper())
        if length is None:
            continue
        taken = _take(text, start, length)
        if taken is None:
            continue
        iban, end = taken
        if sum(ch.isdecimal() for ch in iban) * 2 < len(iban):
            continue  # mostly letters: words that happen to follow "ab12", not an account
        if end < len(text) and text[end].isascii() and text[end].isalnum():
            continue  # runs on into a longer word: a product code, not an account
        if not iban_ok(iban) and not _ACCOUNT_WORDS.search(text, max(0, start - _CONTEXT), start):
            continue
        parts.append(text[done:start])
        parts.append(IBAN_MARK)
        found["iban"] += 1
        done = end
    parts.append(text[done:])
    return "".join(parts)
