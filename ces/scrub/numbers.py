"""Phone numbers (and, to come, numbers with a checksum: IBAN, payment cards, BSN)."""

from __future__ import annotations

import re
from collections import Counter

from ces.scrub.marks import PHONE_MARK

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


def scrub_phones(text: str, found: Counter[str]) -> str:
    def phone_or_keep(match: re.Match[str]) -> str:
        run = match.group(0)
        if sum(ch.isdigit() for ch in run) < _MIN_PHONE_DIGITS:
            return run
        body = run.rstrip(_RUN_TAIL)
        if _DATE.fullmatch(body):
            return run
        found["phone"] += 1
        return PHONE_MARK + run[len(body) :]

    return _PHONE_RUN.sub(phone_or_keep, text)
