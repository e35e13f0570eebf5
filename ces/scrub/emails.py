"""E-mail addresses, found from their "@" (or a spelled-out "at") outwards."""

from __future__ import annotations

import re
from collections import Counter

from ces.scrub.marks import EMAIL_MARK

# The local part is at most 64 characters to the left, the domain is matched to the right.
_AT = re.compile(r"(?:@|\(at\)|\[at\])\s*+", re.IGNORECASE)
_DOMAIN = re.compile(
    r"[A-Za-z0-9\-]{1,63}+(?:\s*+(?:\.|\(dot\)|\[dot\])\s*+[A-Za-z0-9\-]{1,63}+)++", re.IGNORECASE
)
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_MAX_LOCAL = 64
_MAX_GAP = 3


def scrub_emails(text: str, found: Counter[str]) -> str:
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
        found["e-mail"] += 1
        done = domain.end()
    parts.append(text[done:])
    return "".join(parts)
