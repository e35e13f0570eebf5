"""Improvements HQ made, their effect on CES, and the "you said, we did" texts they carry.

An action names a date, its stores (none: every store) and optionally a touchpoint; who
answers for it (owner), the survey factor it addresses and how far it is (status). Its
effect is % easy in the WINDOW_DAYS after the date against the WINDOW_DAYS before, on the
same stores and touchpoint, per scale; and, so that a season or a chain-wide campaign is
not taken for its effect, that change against the change of comparable stores without it
over the same windows (difference-in-differences, hq.did). Its message goes to those
stores' kiosks from the date through ``message_until``, in the config they fetch
(docs/protocol.md).

The comparable stores (control), per scale: stores with answers at the action's touchpoint
(every touchpoint, for an action on all of them) on that scale in both windows, that are
not among the action's stores, and to which no other action with named stores on an
overlapping touchpoint (the same one, or either on every touchpoint) has a date inside the
two windows, whatever that action's factor or status: % easy counts every answer, so any
change to the store moves it, and a planned action may have been carried out unrecorded.
An action for every store leaves none to compare with; another action for every store is
in both groups alike, so it cancels out and excludes nobody. The action's stores count
likewise only with answers in both windows (the before/after figures count them all).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy import update as updating

from ces.locales import SUPPORTED_LOCALES
from ces.scales import SCALES
from hq import did as did_math
from hq.assignment import Assignments
from hq.dashboard import insights, stats, webtexts
from hq.dashboard.filters import EARLIEST_DAY, FilterError, Filters, check_day, latest_day
from hq.db.database import HQDatabase
from hq.db.tables import action_stores, actions
from hq.moments import moment, stamp, utcnow
from hq.plaintext import markup_in
from hq.storeinfo import STORE_ID_RE
from hq.surveys import SurveyCatalog

DiD = did_math.DiD

WINDOW_DAYS = 28
MESSAGE_DAYS = 30  # how long a message shows when no end is given
MAX_TITLE_CHARS = 200
MAX_STORES = 500
# The kiosk's limits (sync/remote_config.py): at most 10 messages of 280 characters.
MAX_MESSAGES = 10
MAX_MESSAGE_CHARS = 280
STATUSES = ("planned", "in_progress", "done")
MAX_OWNER_CHARS = 64  # actions.owner
MAX_FACTOR_CHARS = 64


class ActionError(ValueError):
    def __init__(self, field: str, problem: str, text_key: str | None = None) -> None:
        self.field = field
        self.problem = problem
        # The dashboard's words for the problem (webtexts), where it has them in each language.
        self.text_key = text_key
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Action:
    id: int
    title: str
    stores: tuple[str, ...]  # empty: every store
    touchpoint: str | None
    started_on: date
    message: dict[str, str]
    message_until: date | None
    created_by: str
    created_at: datetime
    owner: str | None = None
    factor: str | None = None  # a factor id of the touchpoint's survey
    status: str = "in_progress"  # one of STATUSES


@dataclass(frozen=True)
class Effect:
    action: Action
    before: tuple[date, date]
    after: tuple[date, date] | None  # None: the action's date is still to come
    changes: list[stats.Change]
    today: date | None = None  # the day it was measured on
    # Against comparable stores, per scale where there are some (see the module's doc).
    dids: tuple[DiD, ...] = ()

    @property
    def did(self) -> DiD | None:
        """The comparison of the scale with the most answers; None: not measurable (not
        started, every store has the action, or no comparable stores)."""
        return max(self.dids, key=lambda d: d.n, default=None)

    def did_for(self, scale: str) -> DiD | None:
        return next((d for d in self.dids if d.scale == scale), None)

    @property
    def after_day(self) -> int:
        """How many of the WINDOW_DAYS after the date have begun (today counts)."""
        return (self.after[1] - self.after[0]).days + 1 if self.after else 0

    @property
    def running(self) -> bool:
        """Begun but not over (today, still under way, is in it): no verdict yet."""
        return self.after is not None and self.today is not None and self.after[1] >= self.today


def record(
    db: HQDatabase,
    *,
    title: str,
    started_on: date,
    created_by: str,
    stores: Sequence[str] = (),
    touchpoint: str | None = None,
    message: Mapping[str, str] | None = None,
    message_until: date | None = None,
    locales: Sequence[str] = SUPPORTED_LOCALES,
    owner: str | None = None,
    factor: str | None = None,
    status: str = "in_progress",
    factors: Collection[str] = (),
) -> int:
    """Stores an action; a message may be in ``locales`` (the languages of HQ's surveys), a
    factor one of ``factors`` (those of the touchpoint's surveys: ``factor_ids``)."""
    title = " ".join(title.split())
    if not title:
        raise ActionError("title", "say what was improved")
    if len(title) > MAX_TITLE_CHARS:
        raise ActionError("title", f"at most {MAX_TITLE_CHARS} characters")
    unique = sorted(set(stores))
    if len(unique) > MAX_STORES:
        raise ActionError("stores", f"at most {MAX_STORES} stores")
    for store_id in unique:
        if not STORE_ID_RE.fullmatch(store_id):
            raise ActionError("stores", f"{store_id[:70]!r} is not a store id")
    if touchpoint is not None and not STORE_ID_RE.fullmatch(touchpoint):
        raise ActionError("touchpoint", "not a touchpoint id")
    texts = {k: " ".join(v.split()) for k, v in (message or {}).items() if v.strip()}
    for locale, text in texts.items():
        if locale not in SUPPORTED_LOCALES:
            raise ActionError("message", f"unknown language {locale[:10]!r}")
        if len(text) > MAX_MESSAGE_CHARS:
            raise ActionError(
                f"message_{locale}", f"at most {MAX_MESSAGE_CHARS} characters (kiosk screens)"
            )
        if markup_in(text):
            raise ActionError(f"message_{locale}", webtexts.EN["a_markup"], text_key="a_markup")
        if locale not in locales:
            raise ActionError(
                f"message_{locale}", webtexts.EN["a_no_survey_language"], "a_no_survey_language"
            )
    _check_day(started_on, "started_on")
    if message_until is not None:
        _check_day(message_until, "message_until")
    if texts and message_until is None:
        message_until = min(started_on + timedelta(days=MESSAGE_DAYS - 1), latest_day())
    if message_until is not None and message_until < started_on:
        raise ActionError("message_until", "ends before the action's date")
    owner, factor, status = check_owner(owner), check_factor(factor, factors), check_status(status)
    with db.writing() as conn:
        result = conn.execute(
            insert(actions).values(
                title=title,
                touchpoint=touchpoint,
                started_on=started_on,
                message=json.dumps(texts, ensure_ascii=False) if texts else None,
                message_until=message_until if texts else None,
                created_by=created_by,
                created_at=stamp(utcnow()),
                owner=owner,
                factor=factor,
                status=status,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        action_id = int(key[0])
        if unique:
            conn.execute(
                insert(action_stores), [{"action_id": action_id, "store_id": s} for s in unique]
            )
    return action_id


def check_owner(raw: str | None) -> str | None:
    """Who answers for the action: a name, one line; None or blank: nobody named."""
    owner = " ".join((raw or "").split())
    if not owner:
        return None
    if len(owner) > MAX_OWNER_CHARS:
        raise ActionError("owner", f"at most {MAX_OWNER_CHARS} characters")
    if not owner.isprintable() or markup_in(owner):
        raise ActionError("owner", "a name in plain text, please")
    return owner


def check_factor(raw: str | None, factors: Collection[str]) -> str | None:
    factor = (raw or "").strip()
    if not factor:
        return None
    if factor not in factors:
        shown = factor[:MAX_FACTOR_CHARS]
        known = ", ".join(sorted(factors)) or "none"
        raise ActionError(
            "factor", f"{shown!r} is not a factor of the touchpoint's survey (known: {known})"
        )
    return factor


def check_status(raw: str) -> str:
    if raw not in STATUSES:
        raise ActionError("status", f"{raw[:20]!r} is not one of {', '.join(STATUSES)}")
    return raw


def factor_ids(catalog: SurveyCatalog, touchpoint: str | None) -> dict[str, dict[str, str]]:
    """The factors an action at ``touchpoint`` (None: every one) may address, with their
    labels per locale: those of the surveys answered there (every survey, for None)."""
    if touchpoint is None:
        surveys = list(catalog.by_id.values())
    else:
        ids = Assignments(catalog).survey_ids(touchpoint)
        surveys = [catalog.by_id[i] for i in sorted(ids) if i in catalog.by_id]
        if touchpoint in catalog.touchpoints:
            surveys.append(catalog.touchpoints[touchpoint])
    found: dict[str, dict[str, str]] = {}
    for survey in surveys:
        for factor in survey.factors:
            found.setdefault(factor.id, dict(factor.label))
    return found


def update(
    db: HQDatabase,
    action_id: int,
    *,
    status: str | None = None,
    owner: str | None = None,
    factor: str | None = None,
    factors: Collection[str] = (),
) -> bool:
    """Changes what is given (None: unchanged; "" clears the owner or factor). False: no
    such action. ``factors`` as for ``record``."""
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = check_status(status)
    if owner is not None:
        values["owner"] = check_owner(owner)
    if factor is not None:
        values["factor"] = check_factor(factor, factors)
    with db.writing() as conn:
        if not values:
            found = conn.execute(select(actions.c.id).where(actions.c.id == action_id)).first()
            return found is not None
        changing = updating(actions).where(actions.c.id == action_id).values(**values)
        return bool(conn.execute(changing).rowcount)


def _check_day(day: date, field: str) -> None:
    try:
        check_day(day, field)
    except FilterError as e:
        raise ActionError(e.field, e.problem) from None


def remove(db: HQDatabase, action_id: int) -> bool:
    with db.writing() as conn:
        conn.execute(delete(action_stores).where(action_stores.c.action_id == action_id))
        return bool(conn.execute(delete(actions).where(actions.c.id == action_id)).rowcount)


def all_actions(db: HQDatabase) -> list[Action]:
    """Every action, newest date first."""
    with db.reading() as conn:
        rows = list(
            conn.execute(
                select(actions).order_by(actions.c.started_on.desc(), actions.c.id.desc())
            ).mappings()
        )
        per_action: dict[int, list[str]] = defaultdict(list)
        for link in conn.execute(select(action_stores).order_by(action_stores.c.store_id)):
            per_action[link.action_id].append(link.store_id)
    return [_action(row, per_action.get(row["id"], [])) for row in rows]


def _action(row: Any, store_ids: list[str]) -> Action:
    created = moment(row["created_at"])
    assert created is not None
    return Action(
        id=int(row["id"]),
        title=row["title"],
        stores=tuple(store_ids),
        touchpoint=row["touchpoint"],
        started_on=_as_date(row["started_on"]),
        message=json.loads(row["message"]) if row["message"] else {},
        message_until=_as_date(row["message_until"]) if row["message_until"] else None,
        created_by=row["created_by"],
        created_at=created,
        owner=row["owner"],
        factor=row["factor"],
        status=row["status"],
    )


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def find(db: HQDatabase, action_id: int) -> Action | None:
    return next((a for a in all_actions(db) if a.id == action_id), None)


def effect(
    db: HQDatabase, action: Action, today: date, others: Sequence[Action] | None = None
) -> Effect:
    """``others``: every action (read when not given), for the comparable stores."""
    if not _measurable(action.started_on, today):
        # Stored before dates were bounded (e.g. 0001-01-01): shown without figures, so the
        # page still lists it and its remove button, rather than failing on the windows.
        return Effect(action, (action.started_on, action.started_on), None, [])
    before = (
        action.started_on - timedelta(days=WINDOW_DAYS),
        action.started_on - timedelta(days=1),
    )
    window_end = min(action.started_on + timedelta(days=WINDOW_DAYS - 1), today)
    after = (action.started_on, window_end) if window_end >= action.started_on else None

    def summaries(start: date, end: date) -> dict[str, stats.Summary]:
        f = Filters(start=start, end=end, touchpoint=action.touchpoint)
        return {s.scale: s for s in insights.overview(db, f, action.stores or None)}

    was = summaries(*before)
    now = summaries(*after) if after else {}
    scales = [s for s in SCALES if s in was or s in now]
    changes = [
        stats.compare(was.get(s) or stats.summarise(s, {}), now.get(s) or stats.summarise(s, {}))
        for s in scales
    ]
    dids = _dids(db, action, before, after, others) if after else ()
    return Effect(action, before, after, changes, today, dids)


def _dids(
    db: HQDatabase,
    action: Action,
    before: tuple[date, date],
    after: tuple[date, date],
    others: Sequence[Action] | None,
) -> tuple[DiD, ...]:
    if not action.stores:
        return ()
    busy = _changed_elsewhere(action, before[0], all_actions(db) if others is None else others)

    def per_store(start: date, end: date) -> dict[str, dict[str, stats.Summary]]:
        # Chain-wide whoever looks (Filters.stores None): the control is other stores.
        f = Filters(start=start, end=end, touchpoint=action.touchpoint)
        groups = insights.compare_groups(db, f, "store")
        return {scale: {g.key: g.summary for g in found} for scale, found in groups.items()}

    was, now = per_store(*before), per_store(*after)
    treated = set(action.stores)
    out = []
    for scale in SCALES:
        b, a = was.get(scale, {}), now.get(scale, {})
        both = sorted(s for s in b if b[s].n and s in a and a[s].n)
        t = [s for s in both if s in treated]
        c = [s for s in both if s not in treated and s not in busy]
        if not t or not c:
            continue
        found = did_math.did(
            scale, (_pooled(b, t), _pooled(a, t)), (_pooled(b, c), _pooled(a, c)), len(t), len(c)
        )
        if found is not None:
            out.append(found)
    return tuple(out)


def _pooled(summaries: Mapping[str, stats.Summary], store_ids: list[str]) -> did_math.Group:
    return did_math.Group(
        easy=sum(summaries[s].easy for s in store_ids), n=sum(summaries[s].n for s in store_ids)
    )


def _changed_elsewhere(action: Action, first: date, others: Sequence[Action]) -> set[str]:
    """Stores another action changed inside this one's windows, on a touchpoint it measures."""
    last = action.started_on + timedelta(days=WINDOW_DAYS - 1)
    busy: set[str] = set()
    for other in others:
        if other.id == action.id or not first <= other.started_on <= last:
            continue
        if None in (other.touchpoint, action.touchpoint) or other.touchpoint == action.touchpoint:
            busy.update(other.stores)
    return busy


def in_progress(db: HQDatabase, today: date, stores: frozenset[str] | None) -> list[Effect]:
    """Actions in progress, and done ones whose after-window is still running, that touch
    ``stores`` (None: any; an action for every store touches all), newest first, each with
    its effect so far."""
    found = all_actions(db)
    out = []
    for a in found:
        if stores is not None and a.stores and not stores.intersection(a.stores):
            continue
        if a.status == "planned":
            continue
        e = effect(db, a, today, found)
        if a.status == "in_progress" or e.running:
            out.append(e)
    return out


def _measurable(day: date, today: date) -> bool:
    return EARLIEST_DAY <= day <= latest_day(today)


def messages_for(
    db: HQDatabase, store_id: str, touchpoint: str, today: date
) -> list[dict[str, Any]]:
    """The "you said, we did" messages a kiosk shows today, newest first, as config entries."""
    in_store = select(action_stores.c.action_id).where(action_stores.c.store_id == store_id)
    any_store = select(action_stores.c.action_id)
    query = (
        select(actions.c.message)
        .where(
            actions.c.message.is_not(None),
            actions.c.started_on <= today,
            actions.c.message_until >= today,
            or_(actions.c.touchpoint.is_(None), actions.c.touchpoint == touchpoint),
            or_(actions.c.id.in_(in_store), actions.c.id.not_in(any_store)),
        )
        .order_by(actions.c.started_on.desc(), actions.c.id.desc())
        .limit(MAX_MESSAGES)
    )
    with db.reading() as conn:
        return [{"text": json.loads(row.message)} for row in conn.execute(query)]
