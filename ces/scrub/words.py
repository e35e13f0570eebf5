"""Words as the address stage reads them, and what it shares with the name stage.

A word is letters and digits of any script, joined by inner hyphens and apostrophes
("Jean-Pierre", "O'Brien", "l'Église", "12-ABC-3"), with a trailing dot kept
("Hauptstr.", "Gr."). A placeholder of an earlier stage is one word that is never a
name, a street or a number, so scrubbing scrubbed text finds nothing new. Each word is
at most a bounded number of characters, so tokenising is linear in any input.
"""

from __future__ import annotations

import re
from typing import NamedTuple

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


def words_of(text: str) -> list[Word]:
    return [
        Word(
            m.start(),
            m.end(),
            m.group(0),
            m.group("mark") is not None,
            fold(m.group(0).rstrip(".")),
        )
        for m in _WORD.finditer(text)
    ]


def fold(word: str) -> str:
    """Casefolded, with a Turkish capital İ folded to a plain i ("İstanbul", "İbrahim")."""
    return word.casefold().replace("i\u0307", "i")


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
