"""The weekly digest: what a store manager (their stores) or an analyst (the chain) reads
about the last complete week, Monday to Sunday.

Every figure is the dashboard's own (hq.dashboard.insights, headlines, journeyview), per
scale with its n: nothing here counts or averages again. A store manager's digest has a
section per store of theirs; an analyst's one section for every store. Comments are
shoppers' words: kept as plain text here (whitespace folded, cut to COMMENT_CHARS), escaped
by whoever renders them (hq.digest_render).

Actions in progress and their effect against comparable stores are hq.actions.in_progress's;
participation (answers per 100 visitors, and whether it is too low to trust) is
hq.footfall's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from ces.scales import Band
from hq import actions, footfall, journeys, survey_versions
from hq.dashboard import headlines, insights, journeyview, stats
from hq.dashboard.filters import Filters
from hq.db.database import HQDatabase
from hq.roles import ANALYST, STORE_MANAGER, Member
from hq.storeinfo import store_list
from hq.surveys import SurveyCatalog, SurveyFolderError, load_surveys

# Who gets a digest: admins manage HQ and get none (give an admin who reads the figures
# an analyst's account).
DIGEST_ROLES = (ANALYST, STORE_MANAGER)
# The newest difficult comments a section shows.
COMMENTS_SHOWN = 5
# A comment longer than this is cut (with "…"): the digest points to the comments page.
COMMENT_CHARS = 300
# Stores an analyst's participation list names at most (those too low first).
PARTICIPATION_SHOWN = 10

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})", re.ASCII)


class DigestError(ValueError):
    """A week or user HQ cannot make a digest for; ``str(e)`` says why."""


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week: Monday to Sunday."""

    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    def previous(self) -> Week:
        return Week.of(self.start - timedelta(days=7))

    def following(self) -> Week:
        return Week.of(self.start + timedelta(days=7))

    @classmethod
    def of(cls, day: date) -> Week:
        year, number, _ = day.isocalendar()
        return cls(year, number)


def parse_week(text: str) -> Week:
    """``2026-W48`` as a Week; DigestError if it is not one."""
    found = _WEEK.fullmatch(text.strip())
    if found is None:
        raise DigestError(f"{text[:20]!r} is not a week: expected YYYY-Www, e.g. 2026-W48")
    year, number = int(found.group(1)), int(found.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise DigestError(f"{year} has no week {number}") from None
    if year < 2000:
        raise DigestError("weeks before 2000 hold no answers")
    return Week(year, number)


def last_complete_week(today: date) -> Week:
    """The Monday-to-Sunday week that ended before ``today``'s week began."""
    return Week.of(today - timedelta(days=today.weekday() + 1))


def recipients(everyone: Iterable[Member]) -> list[Member]:
    """The users a digest is mailed to: analysts and store managers of at least one store,
    with an e-mail address."""
    return [
        m for m in everyone if m.email and m.role in DIGEST_ROLES and (m.stores is None or m.stores)
    ]


# --- what a digest holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    store_id: str
    touchpoint: str
    scale: str
    score: int
    factor: str | None
    text: str  # plain: folded and cut, never markup
    day: date  # the store's local day


@dataclass(frozen=True)
class TopFactor:
    scale: str
    priority: stats.Priority  # the first of the difficult answers' factors
    unexplained: int  # difficult answers that named no factor


@dataclass(frozen=True)
class Section:
    """The figures of one store (a store manager's) or of every store (store None)."""

    store: str | None
    label: str
    headlines: list[headlines.Headline]  # the week against the week before, per scale
    touchpoints: list[journeyview.Stop]  # each against its target, those with answers
    top_factors: list[TopFactor]
    comments: list[Comment]
    comments_total: int
    query: str  # the dashboard's filters for this section (for links)


@dataclass(frozen=True)
class ActionLine:
    """An action in progress and its effect so far (hq.actions.in_progress)."""

    title: str
    stores: tuple[str, ...]  # empty: every store
    running: bool
    scale: str | None  # of the comparison (the action's scale with the most answers)
    points: float | None  # against comparable stores, in % easy points
    low: float | None
    high: float | None
    relative: float | None  # the relative change, in percent


@dataclass(frozen=True)
class ParticipationLine:
    store_id: str
    answers: int
    visitors: int
    per_100: float | None
    too_low: bool


@dataclass(frozen=True)
class Digest:
    recipient: Member
    week: Week
    sections: list[Section]
    actions: list[ActionLine]
    participation: list[ParticipationLine]  # stores with visitor counts that week
    participation_stores: int  # stores with footfall figures, of which ``participation`` shows some
    factor_labels: dict[str, dict[str, str]]  # factor id -> language -> label

    def factor(self, factor_id: str, lang: str) -> str:
        labels = self.factor_labels.get(factor_id, {})
        return labels.get(lang) or labels.get("en") or factor_id


def build(db: HQDatabase, recipient: Member, week: Week) -> Digest:
    """The digest of ``week`` as ``recipient`` may read it: their stores only (a store
    manager), every store (anyone else)."""
    catalog = survey_versions.published_catalog(db, _shipped_surveys())
    every_journey = journeys.all_journeys(db)
    names = {s.id: s.name for s in store_list(db)}
    scopes: list[str | None] = [None]
    if recipient.stores is not None:
        scopes = [*sorted(recipient.stores)]
    sections = [_section(db, week, scope, names, every_journey, catalog) for scope in scopes]
    participation, stores_counted = _participation(db, recipient.stores, week)
    return Digest(
        recipient=recipient,
        week=week,
        sections=sections,
        actions=_actions(db, recipient.stores, week),
        participation=participation,
        participation_stores=stores_counted,
        factor_labels=factor_labels(catalog),
    )


def _section(
    db: HQDatabase,
    week: Week,
    store: str | None,
    names: dict[str, str | None],
    every_journey: list[journeys.Journey],
    catalog: SurveyCatalog,
) -> Section:
    f = Filters(start=week.start, end=week.end, store=store)
    now = insights.overview(db, f)
    before = insights.overview(db, headlines.previous_period(f))
    stops = [
        stop
        for figures in journeyview.figures(db, f, every_journey, catalog)
        for stop in figures.stops
        if stop.summary is not None
    ]
    top = []
    for view in insights.factors(db, f):
        if view.priorities:
            top.append(
                TopFactor(view.summary.scale, view.priorities[0], view.difficult_unexplained)
            )
    found, total = insights.comments(db, f, band=Band.DIFFICULT.value)
    comments = [
        Comment(
            c.store_id,
            c.touchpoint,
            c.scale,
            c.score,
            c.factor,
            plain_comment(c.text),
            c.answered_at.date(),
        )
        for c in found[:COMMENTS_SHOWN]
    ]
    label = insights.store_label(store, names.get(store)) if store is not None else ""
    return Section(
        store=store,
        label=label,
        headlines=headlines.headlines(now, before),
        touchpoints=stops,
        top_factors=top,
        comments=comments,
        comments_total=total,
        query=urlencode(f.query()),
    )


def _shipped_surveys() -> SurveyCatalog | None:
    """The shipped survey folder, for a database HQ has not published surveys in yet."""
    try:
        return load_surveys()
    except SurveyFolderError:
        return None


def plain_comment(text: str) -> str:
    """A shopper's comment as one line of plain text: whitespace (line breaks too) folded,
    characters that are not printable dropped, and cut at COMMENT_CHARS."""
    kept = "".join(c if c.isprintable() else " " for c in text)
    folded = " ".join(kept.split())
    if len(folded) > COMMENT_CHARS:
        return folded[: COMMENT_CHARS - 1].rstrip() + "…"
    return folded


def factor_labels(catalog: SurveyCatalog) -> dict[str, dict[str, str]]:
    """Each factor's label per language, the newest survey versions' words first."""
    labels: dict[str, dict[str, str]] = {}
    older = sorted(catalog.versions.items(), key=lambda item: -item[0][1])
    for survey in [*catalog.by_id.values(), *(s for _, s in older)]:
        for factor in survey.factors:
            labels.setdefault(factor.id, dict(factor.label))
    return labels


# --- actions and participation ---------------------------------------------------------------


def _actions(db: HQDatabase, stores: frozenset[str] | None, week: Week) -> list[ActionLine]:
    out = []
    # Measured up to the week's last day: the digest speaks of that week.
    for effect in actions.in_progress(db, week.end, stores):
        did = effect.did
        out.append(
            ActionLine(
                title=effect.action.title,
                stores=tuple(effect.action.stores),
                running=effect.running,
                scale=did.scale if did is not None else None,
                points=did.points if did is not None else None,
                low=did.low if did is not None else None,
                high=did.high if did is not None else None,
                relative=did.relative * 100
                if did is not None and did.relative is not None
                else None,
            )
        )
    return out


def _participation(
    db: HQDatabase, stores: frozenset[str] | None, week: Week
) -> tuple[list[ParticipationLine], int]:
    rows = [
        ParticipationLine(r.store, r.answers, r.visitors, r.per_100, r.too_low)
        for r in footfall.participation_totals(db, stores, week.start, week.end)
    ]
    rows.sort(key=lambda r: (not r.too_low, r.store_id))
    shown = rows if stores is not None else rows[:PARTICIPATION_SHOWN]
    return shown, len(rows)
