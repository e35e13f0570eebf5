"""A rapid burst is flagged whole at HQ: the kiosk can flag only the burst's later answers
(issue 13), HQ flags the earlier ones as they meet, in whichever order they arrive."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from answers import TO_FINISH
from hq_helpers import daily_agrees_with_a_rebuild, make_answer
from sqlalchemy import select

from ces.answer import RAPID_FLAG, RAPID_RUN, RAPID_WINDOW_S
from ces.timestamps import iso_utc as _stamp
from hq.db.bursts import Completion, merged, unflagged_in_bursts
from hq.db.database import EnrolledKiosk, HQDatabase
from hq.db.tables import daily_answers
from hq.surveys import SurveyCatalog
from hq.validate import check_answer

# When the burst's first answer finished.
BURST = datetime(2026, 11, 22, 21, 59, 50, tzinfo=UTC)


def _kiosk(db: HQDatabase, store: str = "s042") -> EnrolledKiosk:
    new = db.add_kiosk(store, "in_store_purchase")
    kiosk = db.authenticate(db.enrol(new.code).token)
    assert kiosk is not None
    return kiosk


def _finished(at: datetime, seq: int, rapid: bool = False) -> dict[str, Any]:
    """An answer that finished ``at``, as the kiosk sent it."""
    answer: dict[str, Any] = make_answer(
        at=at - TO_FINISH, seq=seq, flags=[RAPID_FLAG] if rapid else []
    )
    return answer


def _four_fast() -> list[dict[str, Any]]:
    """A slow answer, then four surveys 3 s apart: the kiosk flagged [] [] [rapid] [rapid]."""
    slow = _finished(BURST - timedelta(seconds=40), 1)
    fast = [_finished(BURST + timedelta(seconds=3 * i), 2 + i, i >= 2) for i in range(4)]
    return [slow, *fast]


def _send(
    db: HQDatabase, surveys: SurveyCatalog, kiosk: EnrolledKiosk, answers: list[dict[str, Any]]
) -> list[str]:
    checked = [check_answer(dict(a), surveys.rules) for a in answers]
    return [r.status for r in db.ingest(kiosk, checked)]


def _flags(db: HQDatabase, kiosk: EnrolledKiosk) -> list[list[str]]:
    return [json.loads(a["flags"]) for a in db.answers(kiosk.id)]


def _rapid_in_daily(db: HQDatabase) -> int:
    with db.reading() as conn:
        rows = conn.execute(select(daily_answers.c.rapid, daily_answers.c.n)).all()
    return sum(int(n) for rapid, n in rows if rapid)


@pytest.mark.parametrize(
    "batches",
    [[slice(0, 5)], [slice(0, 3), slice(3, 5)], [slice(3, 5), slice(0, 3)]],
    ids=["one-batch", "earlier-first", "rapid-first"],
)
def test_the_whole_burst_is_flagged_whichever_order_it_arrives_in(
    db: HQDatabase, surveys: SurveyCatalog, batches: list[slice]
) -> None:
    kiosk, twin = _kiosk(db), _kiosk(db)
    answers = _four_fast()
    # The twin kiosk in the same store, answering at a human pace among the burst.
    others = [_finished(BURST + timedelta(seconds=1 + 20 * i), 1 + i) for i in range(2)]
    assert _send(db, surveys, twin, others) == ["new", "new"]
    for part in batches:
        assert set(_send(db, surveys, kiosk, answers[part])) == {"new"}
    assert _flags(db, kiosk) == [[], *[[RAPID_FLAG]] * 4]
    assert _flags(db, twin) == [[], []]
    assert _rapid_in_daily(db) == 4
    assert daily_agrees_with_a_rebuild(db)


def test_a_resend_of_an_answer_flagged_at_hq_is_still_a_duplicate(
    db: HQDatabase, surveys: SurveyCatalog
) -> None:
    kiosk = _kiosk(db)
    answers = _four_fast()
    _send(db, surveys, kiosk, answers)
    assert _send(db, surveys, kiosk, answers) == ["duplicate"] * 5
    # The first of the burst, unflagged as the kiosk has it, on its own.
    assert _send(db, surveys, kiosk, [answers[1]]) == ["duplicate"]
    assert _flags(db, kiosk) == [[], *[[RAPID_FLAG]] * 4]
    assert _rapid_in_daily(db) == 4
    assert daily_agrees_with_a_rebuild(db)


def test_answers_outside_every_window_and_timeouts_are_left_alone(
    db: HQDatabase, surveys: SurveyCatalog
) -> None:
    kiosk = _kiosk(db)
    window = timedelta(seconds=RAPID_WINDOW_S)
    # Just outside the rapid answer's window, and a timeout inside it (the kiosk counts
    # only completions).
    outside = _finished(BURST - window - timedelta(milliseconds=1), 1)
    timeout = make_answer(at=BURST - timedelta(seconds=4), seq=2, outcome="timeout")
    burst = [_finished(BURST + timedelta(seconds=i), 3 + i, i >= 2) for i in range(3)]
    _send(db, surveys, kiosk, [outside, timeout])
    _send(db, surveys, kiosk, burst)
    assert _flags(db, kiosk) == [[], [], [RAPID_FLAG], [RAPID_FLAG], [RAPID_FLAG]]
    assert daily_agrees_with_a_rebuild(db)


def test_the_burst_rule_is_the_kiosks() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    window = timedelta(seconds=RAPID_WINDOW_S)

    def run(offsets: list[timedelta], rapid: list[bool]) -> list[str]:
        return unflagged_in_bursts(
            [
                Completion(str(i), at + o, r)
                for i, (o, r) in enumerate(zip(offsets, rapid, strict=True))
            ]
        )

    assert RAPID_RUN == 3
    # The window's edge is inside, as on the kiosk; a rapid answer's reach chains back.
    assert run([timedelta(0), window, window], [False, False, True]) == ["0", "1"]
    spaced = [timedelta(seconds=s) for s in (0, 6, 12, 18, 24)]
    assert run(spaced, [False, False, True, True, True]) == ["0", "1"]
    assert run([timedelta(0), window], [False, False]) == []


@pytest.mark.parametrize("split", [1, 2])
def test_a_burst_that_starts_with_a_long_visit_is_flagged_from_it(
    db: HQDatabase, surveys: SurveyCatalog, split: int
) -> None:
    """The first of the burst was scored a minute before it finished (a long comment), so
    long before the window: it is found all the same, sent apart from the rest."""
    kiosk = _kiosk(db)
    # A kiosk's visits follow each other: the slow one ended before the long one began.
    answers = [_finished(BURST - timedelta(minutes=2), 1), *_four_fast()[1:]]
    long_visit = answers[1]
    long_visit["answered_at"] = long_visit["started_at"] = _stamp(BURST - timedelta(minutes=1))
    _send(db, surveys, kiosk, answers[:split])
    _send(db, surveys, kiosk, answers[split:])
    assert _flags(db, kiosk) == [[], *[[RAPID_FLAG]] * 4]
    assert daily_agrees_with_a_rebuild(db)


def test_overlapping_windows_are_read_once() -> None:
    t = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    s = timedelta(seconds=1)
    assert merged([(t + 20 * s, t + 30 * s), (t, t + 12 * s), (t + 10 * s, t + 15 * s)]) == [
        (t, t + 15 * s),
        (t + 20 * s, t + 30 * s),
    ]
