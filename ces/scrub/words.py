"""Words as the address stage reads them, and what it shares with the name stage.

A word is letters and digits of any script, joined by inner hyphens and apostrophes
("Jean-Pierre", "O'Brien", "l'Église", "12-ABC-3"), with a trailing dot kept
("Hauptstr.", "Gr."). A placeholder of an earlier stage is one word that is never a
name, a street or a number, so scrubbing scrubbed text finds nothing new. Each word is
at most a bounded number of characters, so tokenising is linear in any input.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from ces.scrub.marks import MARKS

_MAX_PART = 60
_MARK = "|".join(re.escape(mark) for mark in MARKS.values())
_WORD = re.compile(
    rf"(?P<mark>{_MARK})|[^\W_]{{1,{_MAX_PART}}}+(?:['’-][^\W_]{{1,{_MAX_PART}}}+){{0,4}}+\.?"
)


class Word(NamedTuple):
    start: int
    end: int
    text: str
    mark: bool
    # The word without its trailing dot, folded: what word lists are checked with.
    bare: str


# Word's own __new__ is Python code; the address stage makes a Word of every word it reads.
_new_word = tuple.__new__


def words_of(text: str) -> list[Word]:
    words = []
    for m in _WORD.finditer(text):
        word = m.group()
        start, end = m.span()
        mark = m.group("mark") is not None
        words.append(_new_word(Word, (start, end, word, mark, fold(word.rstrip(".")))))
    return words


def word_texts(text: str) -> list[str]:
    """The words words_of finds, as they are written."""
    return [m.group() for m in _WORD.finditer(text)]


def fold(word: str) -> str:
    """Casefolded, with a Turkish capital İ folded to a plain i ("İstanbul", "İbrahim")."""
    return word.casefold().replace("i\u0307", "i")


def any_of(words: Iterable[str]) -> str:
    """A pattern for exactly these words, their common beginnings factored out.

    Matching a word against it costs a few steps rather than one per word in the list.
    """
    tree: dict[str, dict[str, Any]] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, dict[str, Any]]) -> str:
        branches = [re.escape(ch) + pattern(rest) for ch, rest in sorted(node.items()) if ch]
        if not branches:
            return ""
        if "" in node:
            return f"(?:{'|'.join(branches)})?"
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(tree)


def ascii_forms(words: Iterable[str]) -> frozenset[str]:
    """Each way of typing one of these words in ASCII that a case-blind pattern of it matches,
    in lower case: "ik" for "ik", "adim" for "adım" ("I" matches "ı"), none for "małpa".

    For an ASCII text, whether one of its words lowered is in this set is what the pattern
    would say, at the cost of a set lookup.
    """
    forms: set[str] = set()
    for word in words:
        for form in itertools.product(*map(_ascii_matches, word)):
            forms.add("".join(form))
    return frozenset(forms)


@functools.cache
def _ascii_matches(ch: str) -> str:
    """The ASCII characters, in lower case, that ``ch`` in a case-blind pattern matches."""
    same = re.compile(re.escape(ch), re.IGNORECASE)
    return "".join(sorted({c.lower() for c in map(chr, range(128)) if same.fullmatch(c)}))


def word_list(text: str) -> frozenset[str]:
    """A word list written as words between spaces, folded."""
    return frozenset(fold(w) for w in text.split())


def is_capitalised(word: str) -> bool:
    """Starts with a capital, also after a French elision: "Jan", "ÉMILE", "l'Église"."""
    if len(word) > 2 and word[1] in "'’" and word[0] in "lLdD":
        word = word[2:]
    return word[:1].isupper()


def is_caseless(word: str) -> bool:
    """Written in a script without capitals (Arabic): a name cannot be told by its case."""
    return any(ch.isalpha() for ch in word) and not any(ch.isupper() or ch.islower() for ch in word)


# Days and months: capitalised in several languages, never a name, a street or a city.
CALENDAR_WORDS = word_list(
    """
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag monday tuesday wednesday
    thursday friday saturday sunday montag dienstag mittwoch donnerstag freitag samstag
    sonntag lundi mardi mercredi jeudi vendredi samedi dimanche pazartesi salı çarşamba
    perşembe cuma cumartesi pazar poniedziałek wtorek środa czwartek piątek sobota
    niedziela
    januari februari maart april mei juni juli augustus september oktober november
    december january february march may june july august october januar februar märz
    juni juli oktober dezember janvier février mars avril mai juin juillet août septembre
    octobre novembre décembre ocak şubat mart nisan mayıs haziran temmuz ağustos eylül
    ekim kasım aralık styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień
    październik listopad grudzień
    """
)
