"""Removes personal data from free text before it is stored: one scrubber for the kiosk and HQ.

The kiosk asks for no personal data; what a shopper types anyway is scrubbed on the
device, so it never reaches the disk, the sync queue or HQ. HQ runs the same scrubber on
every comment it receives (an old kiosk, a hostile client) and counts what it had to redact.

Each kind of personal data has its own placeholder (``ces.scrub.marks``). Every stage runs
in linear time on any input, a hostile one included, and leaves placeholders alone, so
scrubbing scrubbed text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ces.scrub.emails import scrub_emails
from ces.scrub.ibans import scrub_ibans
from ces.scrub.ids import scrub_ids
from ces.scrub.marks import (
    ADDRESS_MARK,
    CARD_MARK,
    EMAIL_MARK,
    IBAN_MARK,
    ID_MARK,
    MARKS,
    NAME_MARK,
    PHONE_MARK,
    PLATE_MARK,
)
from ces.scrub.names import scrub_names
from ces.scrub.numbers import scrub_numbers
from ces.scrub.places import scrub_addresses, scrub_plates

__all__ = [
    "ADDRESS_MARK",
    "CARD_MARK",
    "EMAIL_MARK",
    "IBAN_MARK",
    "ID_MARK",
    "MARKS",
    "NAME_MARK",
    "PHONE_MARK",
    "PLATE_MARK",
    "Scrubbed",
    "clean_comment",
    "scrub",
    "scrub_report",
]

Stage = Callable[[str, Counter[str]], str]

# In this order: what has a clear shape (an "@", a checksum) goes before what is found by
# its surroundings, so a later stage never sees the digits of an earlier one's find.
# IBANs before ids and numbers (their digits would be taken for a phone number); ids before
# numbers, since the word in front says what a number is ("klantenkaart 2620 1234 5678 9").
# Plates and addresses before numbers, so "1234 AB 12" or a house number is not half taken
# for a phone number; names last, found by the words around them.
STAGES: tuple[Stage, ...] = (
    scrub_emails,
    scrub_ibans,
    scrub_ids,
    scrub_plates,
    scrub_addresses,
    scrub_numbers,
    scrub_names,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Scrubbed:
    text: str
    # kind (a key of MARKS) -> how many were replaced
    found: dict[str, int] = field(default_factory=dict)

    @property
    def redactions(self) -> int:
        return sum(self.found.values())


def scrub_report(text: str) -> Scrubbed:
    # NFKC first, so full-width digits or a look-alike "@" cannot slip past the patterns.
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = _CONTROL.sub("", cleaned)
    found: Counter[str] = Counter()
    for stage in STAGES:
        cleaned = stage(cleaned, found)
    return Scrubbed(cleaned.strip(), {kind: n for kind, n in found.items() if n})


def scrub(text: str) -> str:
    return scrub_report(text).text


def clean_comment(text: str, max_length: int) -> str | None:
    """The text as it may be stored: scrubbed, within max_length, None if nothing is left."""
    cleaned = scrub(text)[:max_length].strip()
    return cleaned or None
