"""Erasure at HQ (hq.erasure) on SQLite and PostgreSQL: what goes, what stays, the counts the
dashboard reads, and the audit log."""

from __future__ import annotations

import logging
import threading
from collections.abc import Generator
from datetime import UTC, datetime, timedelta

import pytest
from erasure_data import (
    RANGE,
    SECRET,
    answers_by_id,
    assert_daily_consistent,
    audit_text,
    everything_else,
    n_of,
    seed,
    table,
)
from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.exc import IntegrityError

from hq import erasure
from hq.dashboard import insights
from hq.db.database import HQDatabase
from hq.db.tables import audit_log, daily_answers, responses


@pytest.fixture
def seeded(db: HQDatabase) -> HQDatabase:
    seed(db)
    assert n_of(db) == {"ces7": 22, "smiley5": 3}
    return db


def test_deleting_answers_takes_them_out_of_every_figure_and_nothing_else(
    seeded: HQDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    db = seeded
    before = answers_by_id(db)
    others = everything_else(db)
    caplog.set_level(logging.DEBUG)
    gone = erasure.delete_answers(
        db,
        (responses.c.store_id == "s001") & (responses.c.score <= 2),
        actor="cli:tester",
        detail="store s001, score <= 2",
    )
    assert gone == 7
    after = answers_by_id(db)
    removed = set(before) - set(after)
    assert len(removed) == 7
    assert all(before[i]["store_id"] == "s001" and before[i]["score"] <= 2 for i in removed)
    # The answers that stay are exactly as they were.
    assert all(after[i] == before[i] for i in after)
    # All stores (from daily_answers) and one store (from the answers) agree on the drop.
    assert n_of(db) == {"ces7": 15, "smiley5": 3}
    assert n_of(db, RANGE.narrowed(store="s001")) == {"ces7": 9}
    assert_daily_consistent(db)
    assert everything_else(db) == others
    [line] = erasure.audit_entries(db)
    assert (line["actor"], line["action"], line["count"]) == ("cli:tester", "delete_answers", 7)
    assert line["detail"] == "store s001, score <= 2"
    assert SECRET not in caplog.text


def test_erasing_comments_keeps_the_answers_and_their_scores(seeded: HQDatabase) -> None:
    db = seeded
    before = answers_by_id(db)
    daily = table(db, "daily_answers")
    others = everything_else(db)
    erased = erasure.erase_comments(db, responses.c.comment == SECRET, actor="anna")
    assert erased == 3
    after = answers_by_id(db)
    assert set(after) == set(before)
    for answer_id, row in after.items():
        if before[answer_id]["comment"] == SECRET:
            assert row == {**before[answer_id], "comment": None}
        else:
            assert row == before[answer_id]
    assert table(db, "daily_answers") == daily
    assert n_of(db) == {"ces7": 22, "smiley5": 3}
    texts = [c.text for c in insights.comments(db, RANGE)[0]]
    assert SECRET not in texts
    assert len(texts) == 12
    assert everything_else(db) == others
    # Erasing again finds nothing left to erase, and says so in the log.
    assert erasure.erase_comments(db, responses.c.comment == SECRET, actor="anna") == 0
    assert [line["count"] for line in erasure.audit_entries(db)] == [0, 3]


def test_work_in_chunks_still_counts_right(
    seeded: HQDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = seeded
    monkeypatch.setattr(erasure, "CHUNK", 4)
    assert erasure.erase_comments(db, responses.c.comment.is_not(None), actor="t") == 15
    assert erasure.delete_answers(db, responses.c.store_id != "s003", actor="t") == 22
    assert n_of(db) == {"smiley5": 3}
    assert_daily_consistent(db)
    assert [(e["action"], e["count"]) for e in erasure.audit_entries(db)] == [
        ("delete_answers", 22),
        ("erase_comments", 15),
    ]


def test_by_ids_in_chunks_with_unknown_ids_among_them(
    seeded: HQDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = seeded
    monkeypatch.setattr(erasure, "CHUNK", 3)
    before = answers_by_id(db)
    chosen = sorted(i for i, r in before.items() if r["store_id"] == "s002")
    unknown = ["00000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff"]
    assert sorted(f.id for f in erasure.answers_with_ids(db, chosen + unknown)) == chosen
    commented = [i for i, r in before.items() if r["comment"] == "fijne winkel"]
    assert erasure.erase_comments(db, commented + unknown, actor="t") == 4
    assert erasure.delete_answers(db, chosen + unknown + chosen[:2], actor="t") == 6
    after = answers_by_id(db)
    assert set(before) - set(after) == set(chosen)
    assert all(after[i]["comment"] is None for i in commented)
    assert n_of(db) == {"ces7": 16, "smiley5": 3}
    assert_daily_consistent(db)


def test_audit_entries_are_the_same_on_both_databases(seeded: HQDatabase) -> None:
    db = seeded
    when = datetime(2026, 11, 29, 20, 15, tzinfo=UTC)
    erasure.delete_answers(db, responses.c.store_id == "s002", actor="bob", now=when)
    erasure.record(db, "x" * 100, "retention", 5, "d" * 1000, now=when + timedelta(hours=1))
    newest, oldest = erasure.audit_entries(db)
    assert newest["at"] == when + timedelta(hours=1)
    assert oldest["at"] == when
    assert newest["actor"] == "x" * 64
    assert len(newest["detail"]) == erasure.MAX_DETAIL_CHARS
    assert [e["id"] for e in erasure.audit_entries(db, limit=1)] == [newest["id"]]


# --- PostgreSQL: two erasures of the same answers at once --------------------------------


def _waiting_for_a_lock(url: str) -> Generator[bool]:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            while True:
                yield bool(
                    conn.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        )
                    ).scalar_one()
                )
    finally:
        engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_erasures_of_the_same_answers_at_once_count_them_once(
    seeded: HQDatabase, database_url: str
) -> None:
    """The second erasure waits for the first's row locks and then finds the rows gone: it
    must not take them out of daily_answers a second time."""
    db = seeded
    chosen = [i for i, r in answers_by_id(db).items() if r["comment"] == SECRET][:2]
    first: Connection = db.engine.connect()
    transaction = first.begin()
    assert db.delete_answers(first, chosen) == 2
    second: list[int] = []

    def erase_too() -> None:
        with db.writing() as conn:
            second.append(db.delete_answers(conn, chosen))

    thread = threading.Thread(target=erase_too)
    thread.start()
    polls = _waiting_for_a_lock(database_url)
    waited = next(w for w in polls if w or not thread.is_alive())
    polls.close()
    assert waited, "the second erasure did not wait for the first"
    transaction.commit()
    first.close()
    thread.join()
    assert second == [0]
    # One answer of that key (score 1, price, that day) is left, and counted once.
    assert n_of(db) == {"ces7": 20, "smiley5": 3}
    with db.reading() as conn:
        left = conn.execute(
            select(daily_answers.c.n).where(daily_answers.c.score == 1)
        ).scalar_one()
    assert left == 3
    assert_daily_consistent(db)


def test_an_erasure_stopped_by_the_database_still_leaves_its_audit_line(
    sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What was deleted before the failure stays deleted, is counted out of daily_answers
    and is in the audit log; the operator sees the error."""
    db = HQDatabase.open(sqlite_database_url)
    try:
        seed(db)
        monkeypatch.setattr(erasure, "CHUNK", 2)
        chosen = sorted(i for i, r in answers_by_id(db).items() if r["store_id"] == "s002")
        with db.writing() as conn:
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE DELETE ON responses "
                    f"WHEN old.id = '{chosen[2]}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        with pytest.raises(IntegrityError, match="refused"):
            erasure.delete_answers(db, chosen, actor="cli:tester", detail="by id: 6 ids")
        assert set(answers_by_id(db)) & set(chosen) == set(chosen[2:])
        assert n_of(db) == {"ces7": 20, "smiley5": 3}
        assert_daily_consistent(db)
        [line] = erasure.audit_entries(db)
        assert (line["actor"], line["count"]) == ("cli:tester", 2)
        assert line["detail"] == "by id: 6 ids; stopped by an error after 2"
    finally:
        db.close()


def test_audit_log_never_holds_a_comment(seeded: HQDatabase) -> None:
    db = seeded
    erasure.erase_comments(db, responses.c.comment == SECRET, actor="anna", detail="one")
    erasure.delete_answers(db, responses.c.comment.like("%winkel%"), actor="cli:root")
    assert "rommelige" not in audit_text(db)
    assert "winkel" not in audit_text(db)
    with db.reading() as conn:
        assert conn.execute(select(audit_log.c.count).order_by(audit_log.c.id)).scalars().all() == [
            3,
            4,
        ]
