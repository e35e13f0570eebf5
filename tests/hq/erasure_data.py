"""Known answers for the erasure tests, and what those tests check after every erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from dashboard_data import Spec, add, kiosk, many
from hq_helpers import daily_agrees_with_a_rebuild
from sqlalchemy import select

from hq import actions, storeinfo, users
from hq.dashboard import insights
from hq.dashboard.filters import Filters
from hq.db.counts import COUNT_TABLES
from hq.db.database import HQDatabase
from hq.db.tables import metadata, responses

DAY = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
RANGE = Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))
SECRET = "Zeer rommelige schappen bij de ingang"


def seed(db: HQDatabase) -> None:
    """Two stores, three days, factors with and without, comments on some answers."""
    s001 = kiosk(db, "s001")
    add(
        db,
        s001,
        [
            *many(DAY, 1, 3, "price", comment=SECRET),
            *many(DAY, 1, 2, "price"),
            *many(DAY, 6, 4, None, comment="fijne winkel"),
            *many(DAY + timedelta(days=1), 7, 5, "service"),
            *many(DAY + timedelta(days=1), 2, 2, "price", comment="te duur"),
        ],
    )
    add(db, kiosk(db, "s002"), many(DAY + timedelta(days=2), 4, 6, "ease", comment="gaat wel"))
    add(db, kiosk(db, "s003", "returns_desk"), many(DAY, 5, 3, "waiting", scale="smiley5"))
    storeinfo.set_store(db, "s001", name="Centrum", region="north")
    users.add_user(db, "anna", "correct horse battery")
    actions.record(
        db,
        title="Extra till",
        started_on=DAY.date(),
        created_by="anna",
        stores=["s001"],
        touchpoint=None,
    )


def table(db: HQDatabase, name: str) -> list[tuple[Any, ...]]:
    t = metadata.tables[name]
    with db.reading() as conn:
        return sorted(
            (tuple(str(v) for v in row) for row in conn.execute(select(t))),
        )


def everything_else(db: HQDatabase) -> dict[str, list[tuple[Any, ...]]]:
    """Every table erasure must leave alone."""
    counts = {t.name for t in COUNT_TABLES}
    kept = set(metadata.tables) - {"responses", "audit_log", "user_sessions"} - counts
    return {name: table(db, name) for name in sorted(kept)}


def assert_daily_consistent(db: HQDatabase) -> None:
    """daily_answers is what counting every stored answer again makes of it."""
    assert daily_agrees_with_a_rebuild(db)


def answers_by_id(db: HQDatabase) -> dict[str, dict[str, Any]]:
    with db.reading() as conn:
        return {str(r.id): dict(r._mapping) for r in conn.execute(select(responses))}


def n_of(db: HQDatabase, f: Filters = RANGE) -> dict[str, int]:
    return {s.scale: s.n for s in insights.overview(db, f)}


def audit_text(db: HQDatabase) -> str:
    return "\n".join(" ".join(row) for row in table(db, "audit_log"))


# Store s004: the texts an erasure request searches for, and texts it must not find, one
# answer each (with its score).
ASKED = "Öztürk"
TEXTS_IN_RANGE = {
    "Kassière ÖZTÜRK was vriendelijk": 2,  # found: case is folded beyond ASCII
    "mevrouw öztürk hielp me": 1,  # found
    "100% tevreden": 6,
    "50_50 kans op een lege kassa": 5,
    "gewoon goed": 4,
    "\x1b[2J\x1b[31mrood\u202e bij ingang": 3,  # escape sequences, a bidi override
}


def seed_texts(db: HQDatabase) -> None:
    """s004's comments in November 2026, and one of the asked text in October."""
    specs = [
        Spec(DAY + timedelta(minutes=i), score, "price", text)
        for i, (text, score) in enumerate(TEXTS_IN_RANGE.items())
    ]
    specs.append(Spec(DAY - timedelta(days=30), 3, "price", "Öztürk in oktober"))
    add(db, kiosk(db, "s004"), specs)
