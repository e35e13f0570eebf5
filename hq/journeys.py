"""Customer journeys: each an ordered list of touchpoints, each touchpoint running one survey
against a target (% easy).

Managed from the dashboard's journeys page and ``ces-hq journey ...``; both take text from
people, so every value is checked here and a bad one is refused with a JourneyError naming
the field (in English for the command line, in the reader's language on the dashboard).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ces.answer import ID_RE
from ces.locales import SUPPORTED_LOCALES
from hq.dashboard import webtexts
from hq.db.database import HQDatabase
from hq.db.tables import journey_touchpoints, journeys, meta
from hq.moments import stamp, utcnow
from hq.survey_versions import bump_generation
from hq.surveys import SurveyCatalog

log = logging.getLogger("effortless.hq.journeys")

# Every journey and touchpoint is named in the dashboard's languages; the other languages
# surveys may speak (ces.locales) are optional.
REQUIRED_LOCALES: tuple[str, ...] = webtexts.LANGUAGES
MAX_NAME_CHARS = 80
MAX_JOURNEYS = 50
MAX_TOUCHPOINTS = 30
DEFAULT_TARGET = 80
# hq_meta: the shipped journeys were seeded once, so removing them all does not bring
# them back at the next start.
SEEDED_KEY = "journeys_seeded"


class JourneyError(ValueError):
    """A value refused: ``field`` names it, ``key`` its words in webtexts (j_err_<key>)."""

    def __init__(self, field: str, key: str, **values: Any) -> None:
        self.field = field
        self.key = key
        self.values = {k: str(v) for k, v in values.items()}
        super().__init__(f"{field}: {self.words(webtexts.EN)}")

    def words(self, t: Mapping[str, str]) -> str:
        """The problem in the language of ``t`` (a webtexts catalog)."""
        return t[f"j_err_{self.key}"].format_map(self.values)


@dataclass(frozen=True)
class Touchpoint:
    id: str
    names: dict[str, str]
    survey: str
    target: int

    def name(self, lang: str) -> str:
        return _name_in(self.names, lang)


@dataclass(frozen=True)
class Journey:
    id: str
    names: dict[str, str]
    touchpoints: tuple[Touchpoint, ...]

    def name(self, lang: str) -> str:
        return _name_in(self.names, lang)


def _name_in(names: Mapping[str, str], lang: str) -> str:
    return names.get(lang) or names.get("en") or next(iter(names.values()), "")


# --- reading ----------------------------------------------------------------------------------


def all_journeys(db: HQDatabase) -> list[Journey]:
    """Every journey in order, each with its touchpoints in order."""
    with db.reading() as conn:
        rows = list(conn.execute(select(journeys).order_by(journeys.c.position, journeys.c.id)))
        points = list(
            conn.execute(
                select(journey_touchpoints).order_by(
                    journey_touchpoints.c.journey_id, journey_touchpoints.c.position
                )
            )
        )
    per_journey: dict[str, list[Touchpoint]] = {}
    for p in points:
        per_journey.setdefault(p.journey_id, []).append(
            Touchpoint(p.touchpoint, json.loads(p.names), p.survey_id, int(p.target))
        )
    return [Journey(r.id, json.loads(r.names), tuple(per_journey.get(r.id, ()))) for r in rows]


def journey(db: HQDatabase, journey_id: str) -> Journey:
    found = next((j for j in all_journeys(db) if j.id == journey_id), None)
    if found is None:
        raise JourneyError("journey", "no_journey", id=journey_id[:70])
    return found


# --- checks -----------------------------------------------------------------------------------


def check_id(raw: str, field: str) -> str:
    if not isinstance(raw, str) or not ID_RE.fullmatch(raw):
        raise JourneyError(field, "bad_id", value=str(raw)[:70])
    return raw


def check_names(
    given: Mapping[str, str], field: str, before: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Names per locale: ``given`` over ``before`` ('' removes an optional one). Whitespace
    is collapsed; each required locale must end up with a name."""
    names = dict(before or {})
    for locale, raw in given.items():
        if locale not in SUPPORTED_LOCALES:
            raise JourneyError(field, "bad_locale", locale=str(locale)[:10])
        text = " ".join(str(raw).split())
        if len(text) > MAX_NAME_CHARS:
            raise JourneyError(f"{field}_{locale}", "name_long", max=MAX_NAME_CHARS)
        if not text.isprintable():
            raise JourneyError(f"{field}_{locale}", "name_unprintable")
        if text:
            names[locale] = text
        else:
            names.pop(locale, None)
    for locale in REQUIRED_LOCALES:
        if not names.get(locale):
            raise JourneyError(f"{field}_{locale}", "name_missing")
    return {loc: names[loc] for loc in SUPPORTED_LOCALES if loc in names}


def check_target(raw: int | str) -> int:
    """A target as a whole % easy from 1 to 100 (text from a form or a command line too)."""
    if isinstance(raw, str):
        text = raw.strip().removesuffix("%").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 3):
            raise JourneyError("target", "bad_target")
        raw = int(text)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 100:
        raise JourneyError("target", "bad_target")
    return raw


def check_survey(raw: str, surveys: Collection[str]) -> str:
    if raw not in surveys:
        raise JourneyError(
            "survey", "no_survey", id=str(raw)[:70], known=", ".join(sorted(surveys))
        )
    return raw


# --- journeys ---------------------------------------------------------------------------------


def add_journey(db: HQDatabase, journey_id: str, names: Mapping[str, str]) -> None:
    check_id(journey_id, "id")
    checked = check_names(names, "name")
    with _refusing_duplicates("id", journey_id), db.writing() as conn:
        if conn.execute(select(journeys.c.id).where(journeys.c.id == journey_id)).first():
            raise JourneyError("id", "journey_exists", id=journey_id)
        count = conn.execute(select(func.count()).select_from(journeys)).scalar_one()
        if count >= MAX_JOURNEYS:
            raise JourneyError("id", "too_many_journeys", max=MAX_JOURNEYS)
        _insert_journey(conn, journey_id, checked, int(count) + 1)


@contextmanager
def _refusing_duplicates(field: str, given: str) -> Iterator[None]:
    """Another writer (a second ces-hq on PostgreSQL) added the same id since our check."""
    try:
        yield
    except IntegrityError:
        raise JourneyError(field, "taken", id=given) from None


def _insert_journey(conn: Connection, journey_id: str, names: dict[str, str], at: int) -> None:
    conn.execute(
        insert(journeys).values(
            id=journey_id,
            names=_dumped(names),
            position=at,
            created_at=stamp(utcnow()),
        )
    )


def rename_journey(db: HQDatabase, journey_id: str, names: Mapping[str, str]) -> None:
    """Set the names given ('' removes an optional language's); the others stay."""
    with db.writing() as conn:
        row = _locked_journey(conn, journey_id)
        checked = check_names(names, "name", json.loads(row.names))
        conn.execute(
            update(journeys).where(journeys.c.id == journey_id).values(names=_dumped(checked))
        )


def remove_journey(db: HQDatabase, journey_id: str) -> None:
    with db.writing() as conn:
        _locked_journey(conn, journey_id)
        conn.execute(
            delete(journey_touchpoints).where(journey_touchpoints.c.journey_id == journey_id)
        )
        conn.execute(delete(journeys).where(journeys.c.id == journey_id))
        # What its touchpoints' kiosks are offered changes (hq.survey_versions).
        bump_generation(conn)
        _renumber(conn, journeys, journeys.c.id, list(conn.scalars(_journey_order())))


def _journey_order() -> Any:
    return select(journeys.c.id).order_by(journeys.c.position, journeys.c.id)


def _locked_journey(conn: Connection, journey_id: str) -> Any:
    # FOR UPDATE on PostgreSQL: changes to one journey's touchpoints take turns, so their
    # positions stay 1..n (SQLite's write transaction holds the whole database already).
    row = conn.execute(
        select(journeys).where(journeys.c.id == journey_id).with_for_update()
    ).first()
    if row is None:
        raise JourneyError("journey", "no_journey", id=str(journey_id)[:70])
    return row


# --- touchpoints ------------------------------------------------------------------------------


def add_touchpoint(
    db: HQDatabase,
    journey_id: str,
    touchpoint: str,
    *,
    names: Mapping[str, str],
    survey: str,
    target: int | str,
    surveys: Collection[str],
) -> None:
    """Append a touchpoint to a journey; ``surveys``: the ids of the surveys HQ serves."""
    check_id(touchpoint, "touchpoint")
    check_survey(survey, surveys)
    goal = check_target(target)
    checked = check_names(names, "tp_name")
    with _refusing_duplicates("touchpoint", touchpoint), db.writing() as conn:
        _locked_journey(conn, journey_id)
        owner = conn.execute(
            select(journey_touchpoints.c.journey_id).where(
                journey_touchpoints.c.touchpoint == touchpoint
            )
        ).scalar()
        if owner is not None:
            raise JourneyError("touchpoint", "touchpoint_exists", id=touchpoint, journey=owner)
        order = _touchpoint_order(conn, journey_id)
        if len(order) >= MAX_TOUCHPOINTS:
            raise JourneyError("touchpoint", "too_many_touchpoints", max=MAX_TOUCHPOINTS)
        conn.execute(
            insert(journey_touchpoints).values(
                touchpoint=touchpoint,
                journey_id=journey_id,
                position=len(order) + 1,
                names=_dumped(checked),
                survey_id=survey,
                target=goal,
            )
        )
        bump_generation(conn)


def set_touchpoint(
    db: HQDatabase,
    journey_id: str,
    touchpoint: str,
    *,
    surveys: Collection[str],
    names: Mapping[str, str] | None = None,
    survey: str | None = None,
    target: int | str | None = None,
) -> None:
    """Change a touchpoint's names, survey and/or target (None leaves one as it is)."""
    values: dict[str, Any] = {}
    if survey is not None:
        values["survey_id"] = check_survey(survey, surveys)
        # Its newest published version, until one is published to the touchpoint.
        values["survey_version"] = None
    if target is not None:
        values["target"] = check_target(target)
    with db.writing() as conn:
        _locked_journey(conn, journey_id)
        row = _touchpoint_row(conn, journey_id, touchpoint)
        if names:
            values["names"] = _dumped(check_names(names, "tp_name", json.loads(row.names)))
        if values:
            conn.execute(
                update(journey_touchpoints)
                .where(journey_touchpoints.c.touchpoint == touchpoint)
                .values(**values)
            )
            if survey is not None:
                bump_generation(conn)


def remove_touchpoint(db: HQDatabase, journey_id: str, touchpoint: str) -> None:
    with db.writing() as conn:
        _locked_journey(conn, journey_id)
        _touchpoint_row(conn, journey_id, touchpoint)
        conn.execute(
            delete(journey_touchpoints).where(journey_touchpoints.c.touchpoint == touchpoint)
        )
        _renumber_touchpoints(conn, _touchpoint_order(conn, journey_id))
        bump_generation(conn)


def move_touchpoint(db: HQDatabase, journey_id: str, touchpoint: str, position: int | str) -> None:
    """Move a touchpoint to ``position`` (1: first) of its journey; the others close up."""
    with db.writing() as conn:
        _locked_journey(conn, journey_id)
        _touchpoint_row(conn, journey_id, touchpoint)
        order = _touchpoint_order(conn, journey_id)
        at = _position(position, len(order))
        order.remove(touchpoint)
        order.insert(at - 1, touchpoint)
        _renumber_touchpoints(conn, order)


def _position(raw: int | str, count: int) -> int:
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not 1 <= int(text) <= count:
        raise JourneyError("position", "bad_position", count=count)
    return int(text)


def _touchpoint_row(conn: Connection, journey_id: str, touchpoint: str) -> Any:
    row = conn.execute(
        select(journey_touchpoints).where(
            journey_touchpoints.c.touchpoint == touchpoint,
            journey_touchpoints.c.journey_id == journey_id,
        )
    ).first()
    if row is None:
        raise JourneyError(
            "touchpoint", "no_touchpoint", id=str(touchpoint)[:70], journey=journey_id
        )
    return row


def _touchpoint_order(conn: Connection, journey_id: str) -> list[str]:
    return list(
        conn.scalars(
            select(journey_touchpoints.c.touchpoint)
            .where(journey_touchpoints.c.journey_id == journey_id)
            .order_by(journey_touchpoints.c.position)
        )
    )


def _renumber_touchpoints(conn: Connection, order: list[str]) -> None:
    _renumber(conn, journey_touchpoints, journey_touchpoints.c.touchpoint, order)


def _renumber(conn: Connection, table: Any, key: Any, order: list[str]) -> None:
    for at, one in enumerate(order, 1):
        conn.execute(update(table).where(key == one).values(position=at))


def _dumped(names: dict[str, str]) -> str:
    return json.dumps(names, ensure_ascii=False, sort_keys=True)


# --- the shipped journeys ---------------------------------------------------------------------

# The journeys the shipped surveys (assets/surveys) belong to, by survey id: the journey's
# id and names, and the touchpoint's names. The touchpoint is the survey's own.
SHIPPED: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    "in_store_purchase": (
        "shopping",
        {"en": "Shopping in the store", "nl": "Winkelen in de winkel"},
        {"en": "Buying in the store", "nl": "Kopen in de winkel"},
    ),
    "returns_desk": (
        "returns",
        {"en": "Returning an item", "nl": "Een artikel terugbrengen"},
        {"en": "Returns desk", "nl": "Retourbalie"},
    ),
}


def seed(db: HQDatabase, catalog: SurveyCatalog) -> list[str]:
    """At HQ's first start, the journeys of the shipped surveys HQ serves; never again
    (hq_meta remembers), so journeys the analyst removed stay removed. Returns the ids
    of the journeys made."""
    try:
        made = _seed(db, catalog)
    except IntegrityError:
        return []  # another ces-hq starting at the same time seeded them
    if made:
        log.info("made the journeys of the shipped surveys: %s", ", ".join(made))
    return made


def _seed(db: HQDatabase, catalog: SurveyCatalog) -> list[str]:
    with db.writing() as conn:
        done = conn.execute(select(meta.c.value).where(meta.c.key == SEEDED_KEY)).scalar()
        if done is not None:
            return []
        made: list[str] = []
        if conn.execute(select(func.count()).select_from(journeys)).scalar_one() == 0:
            for survey_id, (journey_id, names, tp_names) in SHIPPED.items():
                survey = catalog.by_id.get(survey_id)
                if survey is None:
                    continue
                _insert_journey(conn, journey_id, names, len(made) + 1)
                conn.execute(
                    insert(journey_touchpoints).values(
                        touchpoint=survey.served_touchpoint,
                        journey_id=journey_id,
                        position=1,
                        names=_dumped(tp_names),
                        survey_id=survey.id,
                        target=DEFAULT_TARGET,
                    )
                )
                made.append(journey_id)
        conn.execute(insert(meta).values(key=SEEDED_KEY, value=stamp(utcnow())))
        if made:
            bump_generation(conn)
    return made
