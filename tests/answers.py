"""Answers as a kiosk makes them, built from the contract (ces.answer, ces.timestamps).

The HQ tests send them, the sync tests and the benchmarks queue them in a kiosk's outbox;
all of them start from ``make_answer``, so a field added to ``ANSWER_FIELDS`` needs a value
here once (and fails here until it has one) instead of in every test's own dict.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ces import keys
from ces.answer import ANSWER_FIELDS, COMPLETED, NewAnswer, new_answer_id
from ces.timestamps import iso_utc
from sync.outbox import Outbox

# When the default answer's score was given: 2026-11-22T09:00:03.000Z.
ANSWERED = datetime(2026, 11, 22, 9, 0, 3, tzinfo=UTC)
# A shopper takes this long to score, and this long after that to finish.
TO_SCORE = timedelta(seconds=3)
TO_FINISH = timedelta(seconds=2)


def make_answer(*, at: datetime = ANSWERED, **changes: Any) -> dict[str, Any]:
    """A valid answer to the in-store purchase survey (ces7), on the wire, with a fresh id.

    Scored ``at`` (started TO_SCORE before, finished TO_FINISH after); keyword arguments
    change fields, or add ones the protocol does not have."""
    values: dict[str, Any] = {
        "id": new_answer_id(),
        "seq": 1,
        "survey_id": "in_store_purchase",
        "survey_version": 1,
        "locale": "nl",
        "scale": "ces7",
        "score": 6,
        "factor": "service",
        "comment": None,
        "outcome": COMPLETED,
        "flags": [],
        "started_at": iso_utc(at - TO_SCORE),
        "answered_at": iso_utc(at),
        "finished_at": iso_utc(at + TO_FINISH),
    }
    answer = {name: values[name] for name in ANSWER_FIELDS}
    answer.update(changes)
    return answer


def make_answers(n: int, **changes: Any) -> list[dict[str, Any]]:
    return [make_answer(seq=i + 1, **changes) for i in range(n)]


def queue_answer(outbox: Outbox, answer: dict[str, Any]) -> str:
    """Write a finished answer into a kiosk's outbox as the kiosk does: the row when the
    score is given, then the rest in its own transaction. Returns the answer's id (the
    outbox's own seq replaces the answer's)."""
    answer_id = outbox.begin(
        NewAnswer(
            outbox.kiosk_id(),
            outbox.settings.get(keys.STORE_ID),
            outbox.settings.get(keys.TOUCHPOINT),
            answer["survey_id"],
            answer["survey_version"],
            answer["locale"],
            answer["scale"],
            answer["score"],
            answer["started_at"],
            answer["answered_at"],
            flags=tuple(answer["flags"]),
            id=answer["id"],
        )
    )
    outbox.update(
        answer_id,
        {key: answer[key] for key in ("factor", "comment", "outcome", "finished_at")},
    )
    return answer_id
