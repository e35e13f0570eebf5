"""Numbers written with digits alone: phone numbers, payment cards and Dutch citizen numbers (BSN).

The text is cut into groups of digits; groups joined by what people type inside a phone or
card number (a space, a dash, a dot, a slash, brackets) form a chain. Each chain is read
left to right: dates, times and ranges of hours are passed over, then the longest phone
number, card or BSN that starts at the group is taken. A card needs its Luhn digit and a
BSN its 11-test; a phone number needs the shape of one (a "+" or "00" and a country code,
a trunk "0" and the length of a national number, or the grouping of a Polish, Turkish or
US number). What has none of these stays: prices, years, product codes (a valid EAN is a
product unless the words before it say card, phone or BSN), quantities.

Digits are any decimal digits (Arabic-Indic ones too: NFKC does not map them to 0-9).
Every step looks at a bounded number of groups ahead, so the whole is linear in the text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from ces.scrub.checksums import ascii_digits, bsn_ok, gtin_ok, luhn_ok
from ces.scrub.marks import CARD_MARK, ID_MARK, PHONE_MARK
from ces.scrub.skips import has_decimals

_GROUP = re.compile(r"\d+")
# Characters that may stand between two groups of one number, at most _MAX_GAP of them,
# at most one dash, dot or slash (a date range "01.11.-15.11." is two numbers).
_SPACES = frozenset(" \t\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2212")
_PUNCT = _DASHES | frozenset("./")
_MAX_GAP = 5
_MAX_AHEAD = 8  # groups one number may have ("+33 (0)6 12 34 56 78" has seven)
_CONTEXT = 40

# Digits in the national significant number after a country code, where it is fixed.
_NATIONAL_LENGTHS: dict[str, tuple[int, ...]] = {
    "1": (10,), "7": (10,), "20": (9, 10), "27": (9,), "30": (10,), "31": (9,), "32": (8, 9),
    "33": (9,), "34": (9,), "36": (8, 9), "40": (9,), "41": (9,), "44": (9, 10), "45": (8,),
    "47": (8,), "48": (9,), "90": (10,), "212": (9,), "213": (8, 9), "216": (8,),
    "351": (9,), "380": (9,), "420": (9,), "421": (9,), "966": (9,), "971": (8, 9),
}  # fmt: skip
# Grouping of numbers written without a trunk 0 or country code (US, Poland, Turkey).
_BARE_GROUPINGS = {(3, 3, 4), (1, 3, 3, 4), (3, 3, 3), (2, 3, 2, 2), (3, 3, 2, 2)}
_BARE_PREFIXES = {shape[:n] for shape in _BARE_GROUPINGS | {(3, 7)} for n in range(1, len(shape))}
_BARE_FIRST = {1, 2, 3, 9, 10}  # how long the first group of a bare phone number can be
_BSN_GROUPINGS = {(9,), (8,), (4, 2, 3), (3, 3, 3), (2, 2, 2, 3)}
_BSN_FIRST = {shape[0] for shape in _BSN_GROUPINGS}
# How far a phone number can reach, by how it starts ("+"/"00", trunk 0, neither).
_LONGEST = {"international": 17, "national": 12, "bare": 11}
_MAX_GROUPS = {"international": _MAX_AHEAD, "national": 6, "bare": 4}
_MIN_INTERNATIONAL = 8  # digits after "+", country code included
_MAX_INTERNATIONAL = 15  # E.164
_MIN_NATIONAL = 9
_MAX_NATIONAL = 12
_SUBSCRIBER = 7  # a group this long ends a phone number
_LONGEST_CODE = 19  # longer than any card, phone or product code
_CARD_FIRST = {4, *range(13, _LONGEST_CODE + 1)}
_MAX_UNEXPLAINED = 3  # more long numbers that are nothing known: a dump, not a comment
# No find has fewer digits: an 8-digit phone number with a word that says so, a BSN that
# lost its leading 0, a long number that is nothing known.
_FEWEST_DIGITS = 8


class _Hint(Enum):
    PRODUCT = "product"
    BSN = "bsn"
    CARD = "card"
    PHONE = "phone"


# The word closest before a number says what it is when its digits leave a choice. "(?<!\[)"
# keeps a placeholder ("[phone]", "[card]") from counting, so scrubbing twice changes nothing.
_HINT_WORDS = re.compile(
    r"(?<!\[)(?<![^\W_])(?:"
    r"(?P<product>ean|gtin|upc|bar\s?code|streepjes|artikel|art\.|product|produkt|produit|sku|"
    r"code|r[ée]f|item|ürün|barkod|kod|strich|باركود|منتج|رمز|"
    # a receipt, a batch: a number, but nobody's
    r"kassabon|bonnetje|bonnummer|bon(?![^\W\d_])|receipt|beleg|kassenbon|ticket|fi[şs]|"
    r"paragon|إيصال|serie|serial|batch|lot(?![^\W\d_])|charge)"
    r"|(?P<bsn>bsn|burger\s?service|sofi|citizen|bürger)"
    r"|(?P<card>card|kaart|karte|carte|kart|بطاقة|visa|master|amex|maestro|pinpas|betaalpas|"
    r"credit|debit|kredi|banka)"
    r"|(?P<phone>tel|phone|bel|terug\s?bel|call|ruf|anruf|handy|mobi|gsm|sms|whats\s?app|"
    r"appel|portable|nummer|number|num[ée]ro|numara|ara|numer|zadzwo|dzwo|kom[óo]rk|fax|"
    r"contact|bereikbaar|erreichbar|joignable|ula[şs]|هاتف|اتصل|جوال|واتساب|رقم)"
    r")[^\W\d_]*",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Group:
    start: int
    end: int
    digits: str  # ASCII
    sep: str  # the dash, dot or slash in the gap before it ("" if none)
    spaced: bool  # whitespace in the gap before it
    opens: bool  # "(" in the gap before it
    closes_after: bool  # ")" right after it
    plus: bool  # a "+" right before it
    # Part of a word ("SKU123456789", "18u", "2x") or of a time ("14:05"): never part of a
    # number, so a mark never lands inside a word (which would make a new word boundary).
    inert: bool


@dataclass(frozen=True, slots=True)
class _Find:
    start: int
    end: int
    kind: str


def _gap(gap: str) -> tuple[bool, str, bool, bool, bool]:
    """Whether a gap joins two groups, and its separator, whitespace, "(" and ")"."""
    if len(gap) > _MAX_GAP:
        return False, "", False, False, False
    sep = ""
    spaced = opens = closes = False
    for ch in gap:
        if ch in _SPACES:
            spaced = True
        elif ch in _PUNCT and not sep:
            sep = ch
        elif ch == "(" and not opens:
            opens = True
        elif ch == ")" and not closes:
            closes = True
        else:
            return False, "", False, False, False
    return True, sep, spaced, opens, closes


def _chains(text: str) -> list[list[_Group]]:
    chains: list[list[_Group]] = []
    chain: list[_Group] = []
    previous_end = -1
    for match in _GROUP.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        plus = before == "+" or (before in _SPACES and start >= 2 and text[start - 2] == "+")
        inert = (
            _in_word(before)
            or _in_word(after)
            or (end - start <= 2 and after == ":" and _digit_or_mark(text[end + 1 : end + 2]))
            or (end - start == 2 and before == ":" and _digit_or_mark(text[start - 2 : start - 1]))
        )
        joined = False
        sep, spaced, opens, closes = "", False, False, False
        if chain and not plus:
            joined, sep, spaced, opens, closes = _gap(text[previous_end:start])
        if not joined:
            if chain:
                chains.append(chain)
            chain = []
            opens = before == "(" or (before in _SPACES and start >= 2 and text[start - 2] == "(")
            sep, spaced = "", False
        elif closes and chain:
            chain[-1].closes_after = True
        chain.append(
            _Group(
                start, end, ascii_digits(match.group(0)), sep, spaced, opens, False, plus, inert
            )
        )  # fmt: skip
        previous_end = end
    if chain:
        chains.append(chain)
    return chains


def _in_word(ch: str) -> bool:
    return ch.isalpha() or ch == "_"


def _digit_or_mark(ch: str) -> bool:
    # a placeholder stands where digits were: "[phone]:05" reads as "0612345678:05" did
    return ch.isdecimal() or ch in "[]"


def _hint(text: str, start: int) -> _Hint | None:
    """The kind named by the last keyword before `start`, since the previous number."""
    begin = max(0, start - _CONTEXT)
    for pos in range(start - 1, begin - 1, -1):
        if text[pos].isdecimal() or text[pos] == "]":
            begin = pos + 1
            break
    said = None
    for word in _HINT_WORDS.finditer(text, begin, start):
        said = word.lastgroup
    return None if said is None else _Hint(said)


def _date_length(chain: list[_Group], i: int) -> int:
    """3 when groups i..i+2 are a date (15-11-2024, 2024-11-15, 15.11.24), else 0."""
    if i + 2 >= len(chain):
        return 0
    a, b, c = chain[i], chain[i + 1], chain[i + 2]
    sep = b.sep
    if not sep or c.sep != sep or b.spaced or c.spaced:
        return 0
    if i + 3 < len(chain) and chain[i + 3].sep == sep and not chain[i + 3].spaced:
        return 0  # 06-12-34-56-78 goes on: a phone number
    if i > 0 and a.sep == sep and not a.spaced:
        return 0
    x, y, z = a.digits, b.digits, c.digits
    if len(x) <= 2 and len(y) <= 2 and len(z) in (2, 4):
        day_month = 1 <= int(x) <= 31 and 1 <= int(y) <= 12
        month_day = 1 <= int(x) <= 12 and 1 <= int(y) <= 31
        return 3 if day_month or month_day else 0
    if len(x) == 4 and len(y) <= 2 and len(z) <= 2:
        return 3 if 1 <= int(y) <= 12 and 1 <= int(z) <= 31 else 0
    return 0


def _is_time(chain: list[_Group], i: int) -> bool:
    """Groups i, i+1 are "14.05": an hour, a dot and two digits of minutes."""
    if i + 1 >= len(chain):
        return False
    hour, minutes = chain[i], chain[i + 1]
    return (
        len(hour.digits) <= 2
        and int(hour.digits) <= 24
        and minutes.sep == "."
        and not minutes.spaced
        and len(minutes.digits) == 2
        and int(minutes.digits) <= 59
    )


def _time_range_length(chain: list[_Group], i: int) -> int:
    """4 when groups i..i+3 are opening hours such as 09.00-21.00, else 0."""
    ranged = i + 3 < len(chain) and chain[i + 2].sep in _DASHES and chain[i + 2].sep != ""
    return 4 if ranged and _is_time(chain, i) and _is_time(chain, i + 2) else 0


def _country_lengths(digits: str) -> tuple[int, tuple[int, ...]] | None:
    for size in (1, 2, 3):
        lengths = _NATIONAL_LENGTHS.get(digits[:size])
        if lengths is not None:
            return size, lengths
    return None


def _phone_end(
    chain: list[_Group], i: int, hint: Callable[[], _Hint | None]
) -> tuple[int, bool] | None:
    """The last group of the phone number that starts at group i, and whether it is weak
    (nothing but its length says it is a phone number)."""
    first = chain[i]
    d = first.digits
    if first.plus or (d.startswith("00") and (len(d) == 2 or d[2] != "0")):
        mode = "international"
    elif d[0] == "0" and len(d) >= 2 and d[1] != "0":
        mode = "national"
    elif d == "0" and i + 1 < len(chain) and chain[i + 1].digits[0] != "0":
        mode = "national"  # Turkish: "0 (212) 345 67 89"
    elif len(d) not in _BARE_FIRST or (len(d) == 1 and d != "1"):
        return None
    else:
        mode = "bare"
    digits = ""
    lengths: list[int] = []
    best: tuple[int, bool] | None = None
    complete = False  # best has the length of a whole number, not only a plausible one
    for j in range(i, min(len(chain), i + _MAX_AHEAD)):
        group = chain[j]
        if group.inert or (j > i and group.plus):
            break
        trunk = (
            mode == "international" and group.digits == "0" and group.opens and group.closes_after
        )
        if complete and group.digits[0] == "0" and len(group.digits) >= 3:
            break  # the next number starts: "020 123 4567 / 06 12345678"
        if complete and len(digits) >= 10 and len(group.digits) < 3:
            break  # "06 12 34 56 78 2" is a phone number and a 2
        if not trunk:
            digits += group.digits
            lengths.append(len(group.digits))
        if len(digits) > _LONGEST[mode] or len(lengths) > _MAX_GROUPS[mode]:
            break
        shape = tuple(lengths)
        found = _phone_shape(mode, digits, shape, first.opens, hint)
        if found is not None and not (complete and found):
            best, complete = (j, found), not found
        if mode == "bare" and shape not in _BARE_PREFIXES:
            break
        if len(group.digits) >= _SUBSCRIBER and not (j == i and len(digits) <= 4):
            break
    return best


def _phone_shape(
    mode: str, digits: str, lengths: tuple[int, ...], opens: bool, hint: Callable[[], _Hint | None]
) -> bool | None:
    """None if `digits` grouped as `lengths` is no phone number, else whether it is weak."""
    if mode == "international":
        number = digits[2:] if digits.startswith("00") else digits
        if not number or number[0] == "0":
            return None
        country = _country_lengths(number)
        if country is not None and len(number) - country[0] in country[1]:
            return False
        # any other length E.164 allows: weak, so an exact one further on wins
        return True if _MIN_INTERNATIONAL <= len(number) <= _MAX_INTERNATIONAL else None
    if mode == "national":
        if _MIN_NATIONAL <= len(digits) <= _MAX_NATIONAL:
            return False
        # 0800-1234 and short German numbers: only where a word says it is a phone number
        if len(digits) == 8 and len(lengths) == 2 and hint() is _Hint.PHONE:
            return False
        return None
    if lengths in _BARE_GROUPINGS or (opens and lengths in {(3, 3, 4), (3, 7)}):
        if lengths[0] == 1 and digits[0] != "1":
            return None
        if lengths == (3, 3, 2, 2) and digits[0] != "5":
            return None  # Turkish mobile numbers without their 0
        return False
    if len(lengths) == 1 and len(digits) in (9, 10):
        return True  # Polish or US digits written together: weak
    return None


def _card_end(chain: list[_Group], i: int) -> int | None:
    """The last group of a payment card number starting at group i (Luhn, 13-19 digits)."""
    first = chain[i]
    if first.plus or first.digits[0] == "0" or len(first.digits) not in _CARD_FIRST:
        return None
    digits = ""
    lengths: list[int] = []
    best = None
    for j in range(i, min(len(chain), i + 6)):
        group = chain[j]
        if group.inert or (j > i and group.plus):
            break
        digits += group.digits
        lengths.append(len(group.digits))
        if len(digits) > _LONGEST_CODE:
            break
        if len(digits) >= 13 and _card_grouping(lengths) and luhn_ok(digits):
            best = j
    return best


def _card_grouping(lengths: list[int]) -> bool:
    if len(lengths) == 1 or lengths in ([4, 6, 5], [4, 6, 4], [4, 4, 4, 4, 3]):
        return True  # written together; American Express, Diners Club; 19 digits
    # groups of four, the last one shorter; after 16 digits only the 19-digit form above,
    # so "4111 1111 1111 1111 12/26" is a card and an expiry date
    return len(lengths) <= 4 and all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4


def _bsn_end(chain: list[_Group], i: int) -> int | None:
    first = chain[i]
    if first.plus or len(first.digits) not in _BSN_FIRST:
        return None
    digits = ""
    lengths: list[int] = []
    for j in range(i, min(len(chain), i + 4)):
        group = chain[j]
        if group.inert:
            return None
        digits += group.digits
        lengths.append(len(group.digits))
        if len(digits) >= 9 or (len(digits) == 8 and j == i):
            if tuple(lengths) in _BSN_GROUPINGS and bsn_ok(digits):
                return j
            if len(digits) >= 9:
                return None
    return None


def _classify(text: str, chain: list[_Group], i: int) -> tuple[int, str | None] | None:
    """What starts at group i: (its last group, its kind or None for a product code)."""
    first = chain[i]
    single = first.digits
    product = gtin_ok(single)
    hint: _Hint | None = None
    hinted = False

    def context() -> _Hint | None:
        nonlocal hint, hinted
        if not hinted:
            hint, hinted = _hint(text, first.start), True
        return hint

    card = _card_end(chain, i)
    if card is not None:
        if not (product and card == i) or context() is _Hint.CARD:
            return card, "card"
        return i, None
    bsn = _bsn_end(chain, i)
    if bsn is not None:
        said = context()
        if said is _Hint.PHONE:
            phone = _phone_end(chain, i, context)
            if phone is not None:
                return phone[0], "phone"
        if said is not _Hint.BSN and (product or said is _Hint.PRODUCT):
            return i, None
        return bsn, "id"
    phone = _phone_end(chain, i, context)
    if phone is not None:
        end, weak = phone
        strong_prefix = first.plus or single.startswith("00")
        if strong_prefix and not (product and end == i and context() is _Hint.PRODUCT):
            return end, "phone"
        said = context()
        if (weak or (product and end == i)) and said in (_Hint.PRODUCT, _Hint.CARD):
            return i, None
        if product and end == i and said is not _Hint.PHONE:
            return i, None
        return end, "phone"
    if product:
        return i, None
    return None


def _finds(text: str) -> list[_Find]:
    finds: list[_Find] = []
    unexplained: list[_Group] = []
    for chain in _chains(text):
        i = 0
        while i < len(chain):
            group = chain[i]
            if group.inert:
                if len(group.digits) >= 8:
                    unexplained.append(group)
                i += 1
                continue
            skip = _date_length(chain, i) or _time_range_length(chain, i)
            if skip:
                i += skip
                continue
            found = _classify(text, chain, i)
            if found is not None:
                end, kind = found
                if kind is not None:
                    finds.append(_Find(_start_of(text, chain[i]), chain[end].end, kind))
                elif len(group.digits) >= 8:
                    unexplained.append(group)  # a product code, as long as there are few
                i = end + 1
                continue
            if _is_time(chain, i):
                i += 2
                continue
            if len(group.digits) >= 8:
                unexplained.append(group)
            i += 1
    # A few long numbers that are product codes or nothing known stay; a text made of them,
    # or one longer than any code, is a dump that could hold anything: they go.
    many = len(unexplained) > _MAX_UNEXPLAINED
    covered = 0
    for group in unexplained:
        if group.start >= covered and (many or len(group.digits) > _LONGEST_CODE):
            # the whole word it is part of, so no new word boundary appears ("x[id]y")
            start, covered = group.start, group.end
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                start -= 1
            while covered < len(text) and (text[covered].isalnum() or text[covered] == "_"):
                covered += 1
            finds.append(_Find(start, covered, "id"))
    finds.sort(key=lambda find: find.start)
    return finds


def _start_of(text: str, group: _Group) -> int:
    """Where a number starts: its "+" or "(" too."""
    start = group.start
    if group.plus or group.opens:
        start -= 1
        while text[start] in _SPACES:
            start -= 1
    return start


_MARKS = {"phone": PHONE_MARK, "card": CARD_MARK, "id": ID_MARK}


def scrub_numbers(text: str, found: Counter[str]) -> str:
    if not has_decimals(text, _FEWEST_DIGITS):
        return text
    parts: list[str] = []
    done = 0
    for find in _finds(text):
        if find.start < done:
            continue
        parts.append(text[done : find.start])
        parts.append(_MARKS[find.kind])
        found[find.kind] += 1
        done = find.end
    parts.append(text[done:])
    return "".join(parts)
