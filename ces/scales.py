"""The answer scales a survey can use, and how their points fall into effort bands.

Bands make scales comparable without averaging them: every scale maps each point onto
easy / neutral / difficult, in its own direction (CES 1.0 runs the other way).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Band(StrEnum):
    EASY = "easy"
    NEUTRAL = "neutral"
    DIFFICULT = "difficult"


@dataclass(frozen=True)
class Scale:
    id: str
    points: tuple[int, ...]
    bands: dict[int, Band]
    # One label per point, per locale: used as the button's accessible name, and the
    # first and last are written out under the end buttons.
    labels: dict[str, tuple[str, ...]]
    # Smiley scales show an icon per point (relative to assets/icons).
    icons: tuple[str, ...] = ()

    def band(self, score: int) -> Band:
        return self.bands[score]

    def is_valid(self, score: object) -> bool:
        return isinstance(score, int) and not isinstance(score, bool) and score in self.points


def _bands(easy: range, neutral: range, difficult: range) -> dict[int, Band]:
    out: dict[int, Band] = {}
    for band, points in ((Band.EASY, easy), (Band.NEUTRAL, neutral), (Band.DIFFICULT, difficult)):
        out.update(dict.fromkeys(points, band))
    return out


CES7 = Scale(
    id="ces7",
    points=(1, 2, 3, 4, 5, 6, 7),
    bands=_bands(easy=range(5, 8), neutral=range(4, 5), difficult=range(1, 4)),
    labels={
        "nl": (
            "Helemaal mee oneens",
            "Mee oneens",
            "Een beetje mee oneens",
            "Neutraal",
            "Een beetje mee eens",
            "Mee eens",
            "Helemaal mee eens",
        ),
        "en": (
            "Strongly disagree",
            "Disagree",
            "Somewhat disagree",
            "Neutral",
            "Somewhat agree",
            "Agree",
            "Strongly agree",
        ),
        "de": (
            "Stimme überhaupt nicht zu",
            "Stimme nicht zu",
            "Stimme eher nicht zu",
            "Neutral",
            "Stimme eher zu",
            "Stimme zu",
            "Stimme voll und ganz zu",
        ),
        "fr": (
            "Pas du tout d'accord",
            "Pas d'accord",
            "Plutôt pas d'accord",
            "Neutre",
            "Plutôt d'accord",
            "D'accord",
            "Tout à fait d'accord",
        ),
        "tr": (
            "Kesinlikle katılmıyorum",
            "Katılmıyorum",
            "Kısmen katılmıyorum",
            "Kararsızım",
            "Kısmen katılıyorum",
            "Katılıyorum",
            "Kesinlikle katılıyorum",
        ),
        "pl": (
            "Zdecydowanie się nie zgadzam",
            "Nie zgadzam się",
            "Raczej się nie zgadzam",
            "Ani tak, ani nie",
            "Raczej się zgadzam",
            "Zgadzam się",
            "Zdecydowanie się zgadzam",
        ),
        "ar": (
            "لا أوافق إطلاقًا",
            "لا أوافق",
            "لا أوافق إلى حدٍّ ما",
            "محايد",
            "أوافق إلى حدٍّ ما",
            "أوافق",
            "أوافق تمامًا",
        ),
    },
)

# CES 1.0: 1 = very low effort ... 5 = very high effort, so a low score is the good one.
CES5 = Scale(
    id="ces5",
    points=(1, 2, 3, 4, 5),
    bands=_bands(easy=range(1, 3), neutral=range(3, 4), difficult=range(4, 6)),
    labels={
        "nl": (
            "Heel weinig moeite",
            "Weinig moeite",
            "Gemiddeld",
            "Veel moeite",
            "Heel veel moeite",
        ),
        "en": (
            "Very low effort",
            "Low effort",
            "Moderate effort",
            "High effort",
            "Very high effort",
        ),
        "de": (
            "Sehr geringer Aufwand",
            "Geringer Aufwand",
            "Mittlerer Aufwand",
            "Hoher Aufwand",
            "Sehr hoher Aufwand",
        ),
        "fr": (
            "Très peu d'effort",
            "Peu d'effort",
            "Effort moyen",
            "Beaucoup d'effort",
            "Énormément d'effort",
        ),
        "tr": (
            "Çok az çaba",
            "Az çaba",
            "Orta düzeyde çaba",
            "Çok çaba",
            "Çok fazla çaba",
        ),
        "pl": (
            "Bardzo mały wysiłek",
            "Mały wysiłek",
            "Umiarkowany wysiłek",
            "Duży wysiłek",
            "Bardzo duży wysiłek",
        ),
        "ar": (
            "جهد قليل جدًا",
            "جهد قليل",
            "جهد متوسط",
            "جهد كبير",
            "جهد كبير جدًا",
        ),
    },
)

SMILEY5 = Scale(
    id="smiley5",
    points=(1, 2, 3, 4, 5),
    bands=_bands(easy=range(4, 6), neutral=range(3, 4), difficult=range(1, 3)),
    labels={
        "nl": ("Heel moeilijk", "Moeilijk", "Neutraal", "Makkelijk", "Heel makkelijk"),
        "en": ("Very difficult", "Difficult", "Neutral", "Easy", "Very easy"),
        "de": ("Sehr schwer", "Schwer", "Neutral", "Leicht", "Sehr leicht"),
        "fr": ("Très difficile", "Difficile", "Neutre", "Facile", "Très facile"),
        "tr": ("Çok zor", "Zor", "Ne zor ne kolay", "Kolay", "Çok kolay"),
        "pl": ("Bardzo trudno", "Trudno", "Ani trudno, ani łatwo", "Łatwo", "Bardzo łatwo"),
        "ar": ("صعب جدًا", "صعب", "محايد", "سهل", "سهل جدًا"),
    },
    icons=tuple(f"smiley/{n}.svg" for n in range(1, 6)),
)

SCALES: dict[str, Scale] = {s.id: s for s in (CES7, CES5, SMILEY5)}
DEFAULT_SCALE = CES7.id
