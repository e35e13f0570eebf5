"""Cheap tests that let a stage pass over a text it cannot find anything in.

Most comments hold no personal data, and many hold few digits or none. A stage whose every
find needs digits (an IBAN, a plate, a house number, a phone number) answers such a text at
once, instead of running its patterns over every character of it.
"""

from __future__ import annotations

import functools
import re


def has_decimals(text: str, count: int = 1) -> bool:
    """At least ``count`` decimal digits of any script (what ``\\d`` matches) in the text."""
    return _decimals(count).match(text) is not None


def has_digits(text: str, count: int = 1) -> bool:
    """At least ``count`` characters ``str.isdigit`` counts: decimal, superscript, circled."""
    if has_decimals(text, count):
        return True
    return not text.isascii() and sum(map(str.isdigit, text)) >= count


@functools.cache
def _decimals(count: int) -> re.Pattern[str]:
    return re.compile(rf"(?:\D*+\d){{{count}}}")
