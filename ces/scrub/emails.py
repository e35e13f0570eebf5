"""E-mail addresses, found from their "@" (or a spelled-out "at") outwards.

Forms caught: plain addresses with letters of any script in the local part and the
domain (``zoë@example.nl``, ``jürgen@müller.de``, ``иван@почта.рф``); addresses without a
top-level domain (``jan@localhost``); and the obfuscated forms shoppers type so a robot
will not read them: ``jan (at) example (dot) nl``, ``jan[at]example[dot]nl``,
``jan at gmail dot com``, ``jan apenstaartje ziggo punt nl``, ``marie arobase free point fr``,
``anna małpa wp kropka pl``, ``ali et gmail nokta com``.

A bare word ("at", "et", "apenstaartje" ...) is an "@" only when a domain with a known
top-level domain follows it, so "we were at the store. Nice" and "bon et rapide point de
vue" stay as they are. Every candidate looks at most a bounded number of characters to
either side of its "@", so the stage is linear in the length of the text.
"""

from __future__ import annotations

import re
from collections import Counter

from ces.scrub.marks import EMAIL_MARK
from ces.scrub.words import any_of, ascii_forms

# What stands for "@" and "." in the kiosk's and the corpus's languages (nl, en, de, fr,
# tr, pl, ar) and a few neighbours. "et" is Turkish for "@" but French for "and": it only
# counts before a real "." or "nokta", never before "point".
_AT_WORDS = (
    "at|ät|et|apenstaartje|apestaart|arobase|arrobase|arroba|a commercial"
    "|klammeraffe|affenschwanz|małpa|malpa|kuyruklu a|آت|ات"
)
_DOT_WORDS = "dot|punt|point|punkt|kropka|nokta|nokt|نقطة|دوت"
_OPEN = r"[(\[{<]"
_CLOSE = r"[)\]}>]"
_BRACKETED_AT = rf"{_OPEN}[ \t]{{0,3}}(?:@|{_AT_WORDS})[ \t]{{0,3}}{_CLOSE}"
_BRACKETED_DOT = rf"{_OPEN}[ \t]{{0,3}}(?:\.|{_DOT_WORDS})[ \t]{{0,3}}{_CLOSE}"

# group "b": bracketed, group "w": a bare word between spaces; otherwise a plain "@".
_AT = re.compile(
    rf"(?P<b>{_BRACKETED_AT})|@|(?<!\S)(?P<w>{_AT_WORDS})(?!\S)",
    re.IGNORECASE,
)
# A label: letters and digits of any script and inner hyphens, at most 63 characters.
_LABEL = r"[^\W_](?:[^\W_]|-){0,62}+"
_SEP = (
    rf"[ \t]{{0,3}}{_BRACKETED_DOT}[ \t]{{0,3}}"  # (dot)
    r"|\.(?=[^\W_])"  # a real dot, tight
    r"|[ \t]{1,3}\.[ \t]{0,3}|\.[ \t]{1,3}"  # a real dot with a space beside it
    rf"|[ \t]{{1,3}}(?:{_DOT_WORDS})[ \t]{{1,3}}"  # dot, punt, Punkt ... between spaces
)
_BRACKET = re.compile(_OPEN)
_MAX_LABELS = 10
_DOMAIN = re.compile(
    rf"{_LABEL}(?:(?:{_SEP}){_LABEL}){{0,{_MAX_LABELS - 1}}}+(?![^\W_])", re.IGNORECASE
)
_SPLIT = re.compile(rf"({_SEP})", re.IGNORECASE)
# A spelled-out dot inside a local part: "jan dot jansen at ...", "jan(punt)jansen@...".
_LOCAL_ANY_DOT_TAIL = re.compile(
    rf"(?<![\w.%+'’-])[\w%+'’-][\w.%+'’-]{{0,63}}+(?:{_SEP})\Z", re.IGNORECASE
)
_LOCAL_BRACKETED_DOT_TAIL = re.compile(
    rf"(?<![\w.%+'’-])[\w%+'’-][\w.%+'’-]{{0,63}}+[ \t]{{0,3}}{_BRACKETED_DOT}[ \t]{{0,3}}\Z",
    re.IGNORECASE,
)
_LOCAL_EXTRA = frozenset("._%+-'’")
_LOCAL_EDGE = "._%+-'’"
_MAX_LOCAL = 64
_MAX_GAP = 3
_MAX_LOCAL_DOTS = 3
_LOCAL_WINDOW = _MAX_LOCAL + 40

# Top-level domains accepted after a bare-word "at" (where a real "@" accepts any).
_TLDS = """
    com net org info biz edu gov int mil eu nl be de fr uk co tr pl at ch lu es it pt ie dk
    se no fi is us ca au nz io me tv app dev shop online store email mail site xyz club
    web cloud tech nu cz sk hu ro bg gr hr si rs ua ru by lt lv ee ma dz tn eg sa ae qa kw
    om bh jo lb sy iq ir il in pk cn jp kr br ar mx za ng ke su amsterdam brussels berlin
    paris vlaanderen frl nrw bayern istanbul gmbh
"""
KNOWN_TLDS = frozenset(_TLDS.split())

# _AT matches only at an "@", at an opening bracket, or at a word between spaces that is an
# at-word's first word ("a" of "a commercial"): a text with none of these has no address.
_AT_FIRST_WORDS = [words.split(" ")[0] for words in _AT_WORDS.split("|")]
_MAY_BE_AT = re.compile(rf"@|{_OPEN}|(?<!\S)(?:{any_of(_AT_FIRST_WORDS)})(?!\S)", re.IGNORECASE)
# An ASCII text (most comments) is looked up word by word, lowered, instead.
_AT_SIGN_OR_OPEN = re.compile(rf"@|{_OPEN}")
_AT_FIRST_WORDS_IN_ASCII = ascii_forms(_AT_FIRST_WORDS)


def _may_hold_address(text: str) -> bool:
    if not text.isascii():
        return _MAY_BE_AT.search(text) is not None
    if _AT_SIGN_OR_OPEN.search(text) is not None:
        return True
    return not _AT_FIRST_WORDS_IN_ASCII.isdisjoint(text.lower().split())


def _local_start(text: str, at: int, done: int) -> tuple[int, int] | None:
    """Where the local part before position ``at`` begins, and the spaces before ``at``."""
    start = at
    while start > done and at - start < _MAX_GAP and text[start - 1] in " \t":
        start -= 1
    gap = at - start
    local_end = start
    while start > done and local_end - start < _MAX_LOCAL:
        ch = text[start - 1]
        if not (ch.isalnum() or ch == "_" or ch in _LOCAL_EXTRA):
            break
        start -= 1
    while start < local_end and text[start] in _LOCAL_EDGE:
        start += 1
    if not any(ch.isalnum() for ch in text[start:local_end]):
        return None
    return start, gap


def _extend_over_spelled_dots(text: str, start: int, done: int, tail: re.Pattern[str]) -> int:
    for _ in range(_MAX_LOCAL_DOTS):
        found = tail.search(text, max(done, start - _LOCAL_WINDOW), start)
        if found is None:
            break
        start = found.start()
    return start


def _domain_end(text: str, begin: int, bare_word: str | None, bare_ok: bool) -> int | None:
    """Where the domain starting at ``begin`` ends, or None if it is not a domain.

    ``bare_ok``: a domain without a top-level domain ("jan@localhost") counts.
    """
    match = _DOMAIN.match(text, begin)
    if match is None:
        return None
    pieces = _SPLIT.split(match.group(0))
    labels, seps = pieces[0::2], pieces[1::2]
    # A spelled-out or spaced dot may have run into the sentence ("... punt uit", "... . Dank"):
    # drop what follows it unless it is a top-level domain.
    while seps and _loose(seps[-1]) and not _top_level(labels[-1]):
        labels.pop()
        seps.pop()
    tld = labels[-1].casefold()
    if bare_word is not None:
        if not seps or tld not in KNOWN_TLDS:
            return None
        if bare_word.casefold() == "et" and not any(
            s == "." or "nokta" in s.casefold() for s in seps
        ):
            return None
    elif seps:
        numeric = all(label.isdecimal() for label in labels)
        if not any(ch.isalpha() for ch in tld) and not (numeric and len(labels) == 4):
            return None
    elif not (bare_ok and labels[0][0].isalpha() and len(labels[0]) >= 2):
        return None
    return begin + sum(map(len, labels)) + sum(map(len, seps))


def _loose(sep: str) -> bool:
    """A separator that could be ordinary prose: a spaced "." or a spelled-out dot word."""
    return sep != "." and _BRACKET.search(sep) is None


def _top_level(label: str) -> bool:
    """A known top-level domain, not the next sentence's first word ("... .nl. In de ...")."""
    return label.casefold() in KNOWN_TLDS and not (label[0].isupper() and not label.isupper())


def scrub_emails(text: str, found: Counter[str]) -> str:
    if not _may_hold_address(text):
        return text
    parts: list[str] = []
    done = 0
    for at in _AT.finditer(text):
        if at.start() < done:
            continue
        local = _local_start(text, at.start(), done)
        if local is None:
            continue
        start, gap_before = local
        bare_word = at.group("w")
        if bare_word is not None and gap_before == 0:
            continue
        after = at.end()
        while after - at.end() < _MAX_GAP and after < len(text) and text[after] in " \t":
            after += 1
        bracketed = at.group("b") is not None
        # Without a top-level domain only when written tight or bracketed, so a mention
        # like "a question @kassa" stays.
        bare_ok = bracketed or (gap_before == 0 and after == at.end())
        end = _domain_end(text, after, bare_word, bare_ok)
        if end is None:
            continue
        # With a real "@" only a bracketed dot joins the local part: "the point jan@x.nl"
        # must not take "the" with it.
        tail = _LOCAL_ANY_DOT_TAIL if bare_word or bracketed else _LOCAL_BRACKETED_DOT_TAIL
        start = _extend_over_spelled_dots(text, start, done, tail)
        parts.append(text[done:start])
        parts.append(EMAIL_MARK)
        found["e-mail"] += 1
        done = end
    parts.append(text[done:])
    return "".join(parts)
