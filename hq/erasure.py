"""Taking shoppers' words out of HQ: a comment's text, or whole answers, and the audit log.

One code path for every way data leaves HQ on purpose (an erasure request from the
command line, the Comments page's delete button, retention): each runs in chunks of
answers so a large erasure never holds the write lock for long, keeps daily_answers equal
to the answers it counts, and writes one line to the audit log saying who removed how
many, never what.
"""

from __future__ import annotations

import logging
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, select, update
from sqlalchemy.exc import SQLAlchemyError

from hq.db.database import HQDatabase, HQDatabaseError
from hq.db.tables import audit_log, responses
from hq.moments import moment, utcnow

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
    """The latest audit log lines, newest first (``at`` an aware UTC datetime)."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    with db.reading() as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        row["at"] = moment(row["at"])
    return rows


@dataclass(frozen=True)
class Found:
    """An answer as an erasure shows it before it acts: which one, where, when, what it says."""

    id: str
    store_id: str
    answered_at: datetime
    comment: str | None


_SHOWN = (responses.c.id, responses.c.store_id, responses.c.answered_at, responses.c.comment)


def _found(row: Any) -> Found:
    answered = moment(row.answered_at)
    assert answered is not None
    return Found(str(row.id), row.store_id, answered, row.comment)


def answers_with_ids(db: HQDatabase, ids: Iterable[str]) -> list[Found]:
    """The answers with these ids that HQ has, oldest first (unknown ids are left out)."""
    wanted = sorted(set(ids))
    out: list[Found] = []
    with db.reading() as conn:
        for start in range(0, len(wanted), CHUNK):
            query = select(*_SHOWN).where(responses.c.id.in_(wanted[start : start + CHUNK]))
            out.extend(_found(row) for row in conn.execute(query))
    return sorted(out, key=lambda f: (f.answered_at, f.id))


def folded(text: str) -> str:
    """Text as a case-insensitive search compares it: composed the same way, case folded."""
    return unicodedata.normalize("NFC", text).casefold()


def comments_containing(
    db: HQDatabase, store_id: str, start: datetime, end_before: datetime, text: str
) -> list[Found]:
    """The answers of a store in [start, end_before) whose comment contains text, ignoring
    case, oldest first.

    Compared here rather than with SQL's LIKE: nothing in text is a wildcard, and case is
    folded for every language (SQLite's lower() knows only ASCII, so "ÖZ" would not find
    "öz" there).
    """
    wanted = folded(text)
    query = (
        select(*_SHOWN)
        .where(
            responses.c.store_id == store_id,
            responses.c.answered_at >= db.timestamp(start),
            responses.c.answered_at < db.timestamp(end_before),
            responses.c.comment.is_not(None),
        )
        .order_by(responses.c.answered_at, responses.c.id)
    )
    with db.reading() as conn:
        return [_found(row) for row in conn.execute(query) if wanted in folded(row.comment)]


# A step of an erasure: given the last id the previous step got to (None at the start), the
# ids of this step's answers (to act on) and the id to go on from (None: done).
Chunker = Callable[[Connection, str | None], tuple[list[str], str | None]]


def _matching(condition: ColumnElement[bool]) -> Chunker:
    """The answers matching condition, in id order (keyset pagination: each step's query is
    as cheap as the first, and answers that stop matching are simply not found again)."""

    def chunk(conn: Connection, after: str | None) -> tuple[list[str], str | None]:
        query = select(responses.c.id).where(condition).order_by(responses.c.id).limit(CHUNK)
        if after is not None:
            query = query.where(responses.c.id > after)
        ids = [str(i) for i in conn.execute(query).scalars()]
        return ids, ids[-1] if ids else None

    return chunk


def _listed(ids: Iterable[str], condition: ColumnElement[bool] | None = None) -> Chunker:
    """These answer ids (unknown ones are skipped), CHUNK of the list at a time, so that a
    long list never becomes one statement with more parameters than the database takes."""
    wanted = sorted(set(ids))

    def chunk(conn: Connection, after: str | None) -> tuple[list[str], str | None]:
        start = 0 if after is None else bisect_right(wanted, after)
        part = wanted[start : start + CHUNK]
        if not part:
            return [], None
        query = select(responses.c.id).where(responses.c.id.in_(part))
        if condition is not None:
            query = query.where(condition)
        found = [str(i) for i in conn.execute(query).scalars()]
        return found, part[-1]

    return chunk


def _in_chunks(
    db: HQDatabase, chunker: Chunker, step: Callable[[Connection, list[str]], int]
) -> tuple[int, BaseException | None]:
    """Apply step to the chosen answers a chunk at a time, each chunk in its own write.

    Returns how many step changed, and the error that stopped it early (the chunks before
    were written and must still be audit-logged).
    """
    done = 0
    after: str | None = None
    try:
        while True:
            with db.writing() as conn:
                ids, after = chunker(conn, after)
                if ids:
                    done += step(conn, ids)
            if after is None:
                return done, None
    except (SQLAlchemyError, HQDatabaseError) as exc:
        return done, exc


def _erase(
    db: HQDatabase,
    chunker: Chunker,
    step: Callable[[Connection, list[str]], int],
    *,
    actor: str,
    action: str,
    detail: str | None,
    now: datetime | None,
    what: str,
) -> int:
    done, failure = _in_chunks(db, chunker, step)
    if failure is not None:
        stopped = f"stopped by an error after {done}"
        detail = f"{detail}; {stopped}" if detail else stopped
    if failure is None or done:
        record(db, actor, action, done, detail, now)
    log.info("%s: %d %s by %s%s", action, done, what, actor, " (stopped early)" if failure else "")
    if failure is not None:
        raise failure
    return done


# Which answers an erasure acts on: those matching a condition, or those with these ids
# (unknown ones are skipped).
Chosen = ColumnElement[bool] | Iterable[str]


def _chunker(chosen: Chosen, only: ColumnElement[bool] | None = None) -> Chunker:
    if isinstance(chosen, ColumnElement):
        return _matching(chosen if only is None else chosen & only)
    return _listed(chosen, only)


def delete_answers(
    db: HQDatabase,
    chosen: Chosen,
    *,
    actor: str,
    action: str = "delete_answers",
    detail: str | None = None,
    now: datetime | None = None,
) -> int:
    """Delete the chosen answers (and their counts in daily_answers); audit-logged."""
    return _erase(
        db,
        _chunker(chosen),
        db.delete_answers,
        actor=actor,
        action=action,
        detail=detail,
        now=now,
        what="answers deleted",
    )


def _erase_texts(conn: Connection, ids: list[str]) -> int:
    # Only comments still there: an answer erased meanwhile (or never commented) is not
    # counted, also when a concurrent erasure of the same answer got there first.
    return int(
        conn.execute(
            update(responses)
            .where(responses.c.id.in_(ids), responses.c.comment.is_not(None))
            .values(comment=None)
        ).rowcount
    )


def erase_comments(
    db: HQDatabase,
    chosen: Chosen,
    *,
    actor: str,
    action: str = "erase_comments",
    detail: str | None = None,
    now: datetime | None = None,
) -> int:
    """Remove the text of the chosen answers' comments; the answers and scores stay."""
    return _erase(
        db,
        _chunker(chosen, responses.c.comment.is_not(None)),
        _erase_texts,
        actor=actor,
        action=action,
        detail=detail,
        now=now,
        what="comments erased",
    )
