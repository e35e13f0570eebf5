"""Taking shoppers' words out of HQ: a comment's text, or whole answers, and the audit log.

One code path for every way data leaves HQ on purpose (an erasure request from the
command line, the Comments page's delete button, retention): each runs in chunks of
answers so a large erasure never holds the write lock for long, keeps daily_answers equal
to the answers it counts, and writes one line to the audit log saying who removed how
many, never what.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update

from hq.db.database import HQDatabase
from hq.db.tables import audit_log, responses
from hq.moments import utcnow

log = logging.getLogger(__name__)

CHUNK = 2000
MAX_DETAIL_CHARS = 500


def record(
    db: HQDatabase,
    actor: str,
    action: str,
    count: int,
    detail: str | None = None,
    now: datetime | None = None,
) -> None:
    """One line in the audit log: who did what to how many answers (never their content)."""
    with db.writing() as conn:
        conn.execute(
            audit_log.insert().values(
                at=db.timestamp(now or utcnow()),
                actor=actor[:64],
                action=action[:64],
                count=count,
                detail=detail[:MAX_DETAIL_CHARS] if detail else None,
            )
        )


def audit_entries(db: HQDatabase, limit: int = 200) -> list[dict[str, Any]]:
    """The latest audit log lines, newest first."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    with db.reading() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def matching_ids(
    db: HQDatabase, condition: ColumnElement[bool], limit: int | None = None
) -> list[str]:
    query = select(responses.c.id).where(condition).order_by(responses.c.id)
    if limit is not None:
        query = query.limit(limit)
    with db.reading() as conn:
        return [str(i) for i in conn.execute(query).scalars()]


def _in_chunks(
    db: HQDatabase, condition: ColumnElement[bool], step: Callable[[Any, list[str]], int]
) -> int:
    """Apply step to the answers matching condition, CHUNK at a time, each in its own write."""
    done = 0
    after = ""
    while True:
        with db.writing() as conn:
            ids = [
                str(i)
                for i in conn.execute(
                    select(responses.c.id)
                    .where(condition, responses.c.id > after)
                    .order_by(responses.c.id)
                    .limit(CHUNK)
                ).scalars()
            ]
            if not ids:
                return done
            done += step(conn, ids)
        after = ids[-1]


def delete_answers(
    db: HQDatabase,
    condition: ColumnElement[bool],
    *,
    actor: str,
    action: str = "delete_answers",
    detail: str | None = None,
    now: datetime | None = None,
) -> int:
    """Delete the matching answers (and their counts in daily_answers); audit-logged."""
    deleted = _in_chunks(db, condition, db.delete_answers)
    record(db, actor, action, deleted, detail, now)
    log.info("%s: %d answers deleted by %s", action, deleted, actor)
    return deleted


def erase_comments(
    db: HQDatabase,
    condition: ColumnElement[bool],
    *,
    actor: str,
    action: str = "erase_comments",
    detail: str | None = None,
    now: datetime | None = None,
) -> int:
    """Remove the text of the matching answers' comments; the answers and scores stay."""

    def erase(conn: Any, ids: list[str]) -> int:
        return int(
            conn.execute(
                update(responses)
                .where(responses.c.id.in_(ids), responses.c.comment.is_not(None))
                .values(comment=None)
            ).rowcount
        )

    erased = _in_chunks(db, condition & responses.c.comment.is_not(None), erase)
    record(db, actor, action, erased, detail, now)
    log.info("%s: %d comments erased by %s", action, erased, actor)
    return erased
