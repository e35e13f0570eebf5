"""Sample data for a demo (`ces-hq demo`, scripts/demo): a small chain's last twelve weeks.

Six stores in two regions, a kiosk at each store's tills (in_store_purchase, ces7) and at
three returns desks (returns_desk, smiley5), answering every day up to today. The data
tells a story the dashboard can show: "ease of shopping" (the queue at the tills) stands out
among the reasons for a difficult visit, Maastricht is worse than the other stores, and an
action recorded five weeks ago in the three western stores (an extra till at the busiest
hours) lifted % easy at their tills, with a "you said, we did" message still running on
their kiosks. Every store's tills got a little easier from that day too (quieter autumn
weeks), so before/after overstates the action, and the comparison with the southern
stores, which had no action, shows its own share.

Everything goes in through HQ's own code, so the demo shows what HQ makes of real answers:
kiosks are added and enrolled as `ces-hq kiosk add` and a kiosk do it, answers are checked
and stored by the function behind POST /api/v1/responses, stores are named as `ces-hq store
set` names them, the action is recorded as the dashboard's form records it. Answers are
built from the contract (ces.answer, ces.timestamps). The chain's time zone is
Europe/Amsterdam (`ces-hq store time-zone`): days, opening hours and "today" are Dutch.

The data goes only into a database without answers, once: a second run adds nothing (it
sets a new password for the demo user, so a login can always be printed).
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from ces.answer import ANSWER_FIELDS, COMPLETED, TIMEOUT, new_answer_id
from ces.scales import Band, Scale
from ces.timestamps import iso_utc
from hq import actions, storeinfo, users
from hq.context import HQContext
from hq.db.database import EnrolledKiosk, HQDatabase
from hq.db.tables import meta
from hq.moments import utcnow
from hq.surveys import SurveyCatalog
from hq.throttle import Limits
from hq.validate import MAX_ANSWERS

DEMO_USER = "demo"
DEMO_DAYS = 12 * 7
# The meta row that says a database holds the demo data (and since which day).
MARKER_KEY = "demo_loaded_on"
# One story every day: the same shape, on dates ending today.
SEED = 11

IN_STORE = "in_store_purchase"
RETURNS = "returns_desk"
ACTION_DAYS_AGO = 35
ACTION_TITLE = "Extra till open at the busiest hours"
ACTION_MESSAGE = {
    "nl": "Bij drukte gaat er nu een extra kassa open.",
    "en": "When it is busy, an extra till now opens.",
}
# How much more likely an easy visit at the action's stores' tills is from its date on ...
ACTION_LIFT = 0.15
ACTION_STORES = ("s001", "s002", "s003")
ACTION_OWNER = "Sanne Bakker"
ACTION_FACTOR = "ease"
# ... and at every store's tills (the season), which the action must not be credited with.
SEASON_LIFT = 0.06
# The chain's time zone, and its shops' opening hours there.
ZONE = "Europe/Amsterdam"
OPENS, CLOSES = time(9), time(21)


class DemoError(ValueError):
    """The demo data cannot go into this database; ``str(e)`` says why."""


@dataclass(frozen=True)
class DemoStore:
    id: str
    name: str
    region: str
    easy: float  # the chance that a visit at the tills is easy, before the action
    returns_desk: bool


STORES = (
    DemoStore("s001", "Amsterdam Centrum", "west", 0.62, True),
    DemoStore("s002", "Haarlem", "west", 0.66, False),
    DemoStore("s003", "Utrecht", "west", 0.63, True),
    DemoStore("s101", "Eindhoven", "south", 0.64, False),
    DemoStore("s102", "Maastricht", "south", 0.42, True),  # the store that is worse
    DemoStore("s103", "Breda", "south", 0.65, False),
)

# Why a visit was difficult or easy, per survey: (factor, weight).
_IN_STORE_HARD_BEFORE = (("ease", 55), ("price", 20), ("service", 15), ("reputation", 10))
_IN_STORE_HARD_AFTER = (("ease", 30), ("price", 30), ("service", 25), ("reputation", 15))
_IN_STORE_EASY = (("service", 40), ("ease", 25), ("price", 20), ("reputation", 15))
_RETURNS_HARD = (("waiting", 50), ("procedure", 25), ("refund", 15), ("staff", 10))
_RETURNS_EASY = (("staff", 45), ("refund", 25), ("procedure", 20), ("waiting", 10))

# What shoppers typed, by how their visit went (comments: in-store survey only).
_COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "hard": {
        "nl": (
            "De rij bij de kassa was veel te lang.",
            "Maar één kassa open op zaterdag.",
            "Lang moeten wachten bij het afrekenen.",
            "Kon de glutenvrije producten niet vinden.",
            "Prijzen op het schap klopten niet met de kassa.",
        ),
        "en": (
            "The queue at the till was far too long.",
            "Only one till open, and a long wait.",
            "Could not find anyone to help me.",
        ),
    },
    "easy": {
        "nl": (
            "Vriendelijk personeel, snel geholpen.",
            "Alles makkelijk te vinden.",
            "Fijn dat er nu een extra kassa is.",
        ),
        "en": ("Friendly staff, quick checkout.", "Easy to find everything."),
    },
}


@dataclass(frozen=True)
class Loaded:
    """What `ces-hq demo` did, for its summary."""

    user: str
    password: str
    answers: int  # stored now (0 when the data was there already)
    first_day: date
    last_day: date
    stores: int
    surveys: tuple[str, ...]
    action_on: date
    already: bool


def load(
    db: HQDatabase, surveys: SurveyCatalog, now: datetime | None = None, password: str = ""
) -> Loaded:
    """Put the demo data into ``db`` (once) and (re)set the demo user's password."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(ZONE)).date()
    first = today - timedelta(days=DEMO_DAYS - 1)
    password = password or secrets.token_urlsafe(9)
    survey_ids = tuple(s for s in (IN_STORE, RETURNS) if s in surveys.by_id)
    if len(survey_ids) < 2:
        raise DemoError(f"the demo needs the surveys {IN_STORE} and {RETURNS} in HQ's folder")
    loaded_on = _loaded_on(db)
    stored = 0
    if loaded_on is None:
        if db.count_answers():
            raise DemoError(
                "this database has answers already; the demo data goes only into a new one "
                "(give ces-hq demo an empty --data-dir)"
            )
        stored = _load_answers(db, surveys, now)
        _record_action(db, surveys, today)
        _mark(db, today)
    users.add_user(db, DEMO_USER, password, replace=True)
    loaded = loaded_on or today
    return Loaded(
        user=DEMO_USER,
        password=password,
        answers=stored,
        first_day=first if loaded_on is None else loaded - timedelta(days=DEMO_DAYS - 1),
        last_day=loaded,
        stores=len(STORES),
        surveys=survey_ids,
        action_on=loaded - timedelta(days=ACTION_DAYS_AGO),
        already=loaded_on is not None,
    )


def summary_json(loaded: Loaded) -> dict[str, Any]:
    return {
        "user": loaded.user,
        "password": loaded.password,
        "answers": loaded.answers,
        "from": loaded.first_day.isoformat(),
        "to": loaded.last_day.isoformat(),
        "stores": loaded.stores,
        "surveys": list(loaded.surveys),
        "action_on": loaded.action_on.isoformat(),
        "already_loaded": loaded.already,
    }


# --- the marker --------------------------------------------------------------------------


def _loaded_on(db: HQDatabase) -> date | None:
    with db.reading() as conn:
        found = conn.execute(select(meta.c.value).where(meta.c.key == MARKER_KEY)).scalar()
    return None if found is None else date.fromisoformat(str(found))


def _mark(db: HQDatabase, today: date) -> None:
    with db.writing() as conn:
        conn.execute(insert(meta).values(key=MARKER_KEY, value=today.isoformat()))


# --- answers --------------------------------------------------------------------------------


def _load_answers(db: HQDatabase, surveys: SurveyCatalog, now: datetime) -> int:
    from hq.api.routes.responses import ingest

    rng = random.Random(SEED)
    context = HQContext.create(db, surveys, Limits())
    storeinfo.set_chain_zone(db, ZONE)
    zone = ZoneInfo(ZONE)
    today = now.astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=DEMO_DAYS - 1), time(), zone)
    action_day = today - timedelta(days=ACTION_DAYS_AGO)
    stored = 0
    for store in STORES:
        storeinfo.set_store(db, store.id, name=store.name, region=store.region)
        places = [IN_STORE, RETURNS] if store.returns_desk else [IN_STORE]
        for touchpoint in places:
            kiosk = _enrolled_kiosk(db, store.id, touchpoint, start)
            answers = _kiosk_answers(rng, surveys, store, touchpoint, now, action_day)
            for i in range(0, len(answers), MAX_ANSWERS):
                batch = answers[i : i + MAX_ANSWERS]
                body = json.dumps({"responses": batch}).encode()
                _, new, _, rejected, error = ingest(context, kiosk, body)
                if rejected:
                    raise AssertionError(f"HQ refused demo answers: {error}")
                stored += new
    return stored


def _enrolled_kiosk(db: HQDatabase, store: str, touchpoint: str, at: datetime) -> EnrolledKiosk:
    new = db.add_kiosk(store, touchpoint, now=at)
    enrolled = db.enrol(new.code, now=at)
    return EnrolledKiosk(enrolled.kiosk_id, enrolled.store, enrolled.touchpoint)


def _visits_per_day(rng: random.Random, touchpoint: str, day: date) -> int:
    busy = {5: 1.7, 6: 0.6}.get(day.weekday(), 1.0)  # Saturday busy, Sunday quiet
    usual = (11 if touchpoint == IN_STORE else 4) * busy
    return max(1, round(usual * rng.uniform(0.7, 1.3)))


def _moments(rng: random.Random, day: date, n: int, now: datetime) -> list[datetime]:
    """n moments in the day's opening hours (local); today only up to a minute ago."""
    zone = ZoneInfo(ZONE)
    opens = datetime.combine(day, OPENS, zone)
    closes = min(datetime.combine(day, CLOSES, zone), now - timedelta(minutes=1))
    if closes - opens < timedelta(hours=1):
        # Before opening time today: a few early answers, so today is never empty.
        opens = datetime.combine(day, time(), zone)
        closes = max(opens + timedelta(seconds=3), now - timedelta(seconds=40))
        n = 3
    elif day == now.astimezone(zone).date():
        n = max(3, round(n * (closes - opens) / (datetime.combine(day, CLOSES, zone) - opens)))
    span = (closes - opens).total_seconds()
    return sorted(opens + timedelta(seconds=rng.uniform(0, span)) for _ in range(n))


def _kiosk_answers(
    rng: random.Random,
    surveys: SurveyCatalog,
    store: DemoStore,
    touchpoint: str,
    now: datetime,
    action_day: date,
) -> list[dict[str, Any]]:
    survey = surveys.by_id[touchpoint]
    out: list[dict[str, Any]] = []
    for offset in range(DEMO_DAYS - 1, -1, -1):
        day = now.astimezone(ZoneInfo(ZONE)).date() - timedelta(days=offset)
        for at in _moments(rng, day, _visits_per_day(rng, touchpoint, day), now):
            values = _visit(rng, store, touchpoint, survey.scale, day >= action_day)
            locale = "nl" if rng.random() < 0.8 else "en"
            comment = None
            if values["comment_band"] and touchpoint == IN_STORE and rng.random() < 0.12:
                texts = _COMMENTS[values["comment_band"]][locale]
                comment = rng.choice(texts)
            # A walk-away ends after the idle timeout (20 s) and "still there?" (8 s).
            took = 28 if values["outcome"] == TIMEOUT else rng.uniform(3, 20)
            answer: dict[str, Any] = {
                "id": new_answer_id(),
                "seq": len(out) + 1,
                "survey_id": survey.id,
                "survey_version": survey.version,
                "locale": locale,
                "scale": survey.scale.id,
                "score": values["score"],
                "factor": values["factor"],
                "comment": comment if values["outcome"] == COMPLETED else None,
                "outcome": values["outcome"],
                "flags": [],
                "started_at": iso_utc(at - timedelta(seconds=rng.uniform(2, 8))),
                "answered_at": iso_utc(at),
                "finished_at": iso_utc(at + timedelta(seconds=took)),
            }
            out.append({name: answer[name] for name in ANSWER_FIELDS})
    return out


def _visit(
    rng: random.Random, store: DemoStore, touchpoint: str, scale: Scale, after: bool
) -> dict[str, Any]:
    """Score, factor and outcome of one shopper's visit."""
    if touchpoint == IN_STORE:
        acted = after and store.id in ACTION_STORES
        p_easy = store.easy + (SEASON_LIFT if after else 0.0) + (ACTION_LIFT if acted else 0.0)
        hard_factors = _IN_STORE_HARD_AFTER if acted else _IN_STORE_HARD_BEFORE
        easy_factors = _IN_STORE_EASY
    else:
        p_easy = store.easy - 0.05
        hard_factors, easy_factors = _RETURNS_HARD, _RETURNS_EASY

    def point(band: Band) -> int:
        return rng.choice([p for p in scale.points if scale.band(p) == band])

    roll = rng.random()
    if roll < p_easy:
        score, factors, mood = point(Band.EASY), easy_factors, "easy"
    elif roll < p_easy + (1 - p_easy) * 0.3:
        score, factors, mood = point(Band.NEUTRAL), hard_factors, ""
    else:
        score, factors, mood = point(Band.DIFFICULT), hard_factors, "hard"
    if rng.random() < 0.07:
        # Walked away after the score: kept as a partial answer.
        return {"score": score, "factor": None, "outcome": TIMEOUT, "comment_band": ""}
    factor = None if rng.random() < 0.05 else _weighted(rng, factors)
    return {"score": score, "factor": factor, "outcome": COMPLETED, "comment_band": mood}


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    names = [name for name, _ in choices]
    return rng.choices(names, weights=[w for _, w in choices])[0]


# --- the action ------------------------------------------------------------------------------


def _record_action(db: HQDatabase, surveys: SurveyCatalog, today: date) -> None:
    actions.record(
        db,
        title=ACTION_TITLE,
        started_on=today - timedelta(days=ACTION_DAYS_AGO),
        created_by=DEMO_USER,
        stores=ACTION_STORES,
        touchpoint=IN_STORE,
        owner=ACTION_OWNER,
        factor=ACTION_FACTOR,
        factors=actions.factor_ids(surveys, IN_STORE),
        message=ACTION_MESSAGE,
        # Still on the kiosks today, so the demo kiosk shows "you said, we did".
        message_until=today + timedelta(days=28),
    )
