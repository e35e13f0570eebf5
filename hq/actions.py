"""Improvements HQ made, their effect on CES, and the "you said, we did" texts they carry.

An action names a date, its stores (none: every store) and optionally a touchpoint. Its
effect is % easy in the WINDOW_DAYS after the date against the WINDOW_DAYS before, on the
same stores and touchpoint, per scale. Its message goes to those stores' kiosks from the
date through ``message_until``, in the config they fetch (docs/protocol.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, or_, select

from ces.locales import SUPPORTED_LOCALES
from ces.scales import SCALES
from hq.dashboard import insights, stats, webtexts
from hq.dashboard.filters import EARLIEST_DAY, FilterError, Filters, check_day, latest_day
from hq.db.database import HQDatabase
from hq.db.tables import action_stores, actions
from hq.moments import moment, stamp, utcnow
from hq.plaintext import markup_in
from hq.storeinfo import STORE_ID_RE

WINDOW_DAYS = 28
MESSAGE_DAYS = 30  # how long a message shows when no end is given
MAX_TITLE_CHARS = 200
MAX_STORES = 500
# The kiosk's limits (sync/remote_config.py): at most 10 messages of 280 characters.
MAX_MESSAGES = 10
MAX_MESSAGE_CHARS = 280


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


@dataclass(frozen=True)
class Effect:
    action: Action
    before: tuple[date, date]
    after: tuple[date, date] | None  # None: the action's date is still to come
    changes: list[stats.Change]
    today: date | None = None  # the day it was measured on

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
) -> int:
    """Stores an action; a message may be in ``locales`` (the languages of HQ's surveys)."""
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
    )


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def effect(db: HQDatabase, action: Action, today: date) -> Effect:
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
    return Effect(action, before, after, changes, today)


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
