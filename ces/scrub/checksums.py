"""The check digits that tell a real IBAN, payment card, BSN or product code from any number.

Every function takes ASCII digits (``ascii_digits`` turns Arabic-Indic and other decimal
digits into them, which NFKC does not) and answers in time linear in its input.
"""

from __future__ import annotations

import unicodedata


def ascii_digits(digits: str) -> str:
    """The same decimal digits written 0-9 (NFKC leaves Arabic-Indic digits as they are)."""
    if digits.isascii():
        return digits
    return "".join(str(unicodedata.decimal(ch)) for ch in digits)


def luhn_ok(digits: str) -> bool:
    """Payment cards: every second digit from the right doubled, the sum a multiple of 10."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = ord(ch) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return bool(digits) and total % 10 == 0


def gtin_ok(digits: str) -> bool:
    """EAN-8, UPC-A, EAN-13 and GTIN-14: weights 3 and 1 from the right, the check digit last."""
    if len(digits) not in (8, 12, 13, 14):
        return False
    total = sum(
        (ord(ch) - 48) * (3 if position % 2 else 1) for position, ch in enumerate(reversed(digits))
    )
    return total % 10 == 0


def bsn_ok(digits: str) -> bool:
    """Dutch citizen number: the 11-test (weights 9..2 and -1); 8 digits lost their leading 0."""
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(
        (ord(ch) - 48) * weight for ch, weight in zip(digits[:8], range(9, 1, -1), strict=True)
    )
    total -= ord(digits[8]) - 48
    return total % 11 == 0


def iban_ok(iban: str) -> bool:
    """ISO 13616 mod-97 on an upper-case IBAN without spaces: letters count as 10..35."""
    if len(iban) < 15 or not iban.isascii() or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    remainder = 0
    for ch in rearranged:
        value = ord(ch) - 48 if ch.isdecimal() else ord(ch) - 55
        remainder = (remainder * (100 if value > 9 else 10) + value) % 97
    return remainder == 1
