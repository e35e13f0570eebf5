"""A kiosk's answers are accepted only for the surveys HQ assigns it (issue 9, item 11).

HQ offers a kiosk the surveys of its touchpoint in /api/v1/config and accepts exactly
those; an answer to another touchpoint's survey comes back rejected with the reason and is
not stored. The batches here are made by the kiosk's own outbox, as the kiosk sends them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hq_helpers import HQ

from ces.answer import COMPLETED, NewAnswer
from ces.timestamps import iso_utc
from sync.client import HQClient
from sync.outbox import Outbox

SURVEYS = {"in_store_purchase": ("ces7", 6, "service"), "returns_desk": ("smiley5", 4, "staff")}


def kiosk_batch(data_dir: Path, kiosk_id: str, survey_ids: list[str]) -> list[dict[str, Any]]:
    """Finished answers to these surveys in a real kiosk outbox, in the wire form it sends."""
    outbox = Outbox.open(data_dir)
    try:
        moment = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
        for i, survey_id in enumerate(survey_ids):
            scale, score, factor = SURVEYS[survey_id]
            started = moment + timedelta(seconds=30 * i)
            answer_id = outbox.begin(
                NewAnswer(
                    kiosk_id,
                    "s042",
                    "in_store_purchase",
                    survey_id,
                    1,
                    "nl",
                    scale,
                    score,
                    iso_utc(started),
                    iso_utc(started + timedelta(seconds=2)),
                )
            )
            outbox.update(
                answer_id,
                {
                    "factor": factor,
                    "outcome": COMPLETED,
                    "finished_at": iso_utc(started + timedelta(seconds=5)),
                },
            )
        return outbox.sendable(500)
    finally:
        outbox.close()


def _offered(hq: HQ, token: str) -> set[str]:
    reply = hq.get("/api/v1/config", token)
    assert reply.status_code == 200, reply.text
    return {survey["id"] for survey in reply.json()["surveys"]}


def test_an_answer_to_another_touchpoints_survey_is_rejected_and_not_stored(
    hq: HQ, tmp_path: Path, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "1 answers rejected; the first: survey_id: 'returns_desk'")
    kiosk_id, token = hq.kiosk(store="s042", touchpoint="in_store_purchase")
    batch = kiosk_batch(tmp_path, kiosk_id, ["in_store_purchase", "returns_desk"])
    client = HQClient(hq.url, token)
    try:
        results = client.send_answers(batch, "req-assignment-1")
    finally:
        client.close()
    assert [(r.id, r.status) for r in results] == [
        (batch[0]["id"], "new"),
        (batch[1]["id"], "rejected"),
    ]
    assert results[1].error == (
        "survey_id: 'returns_desk' is not a survey of this kiosk's touchpoint 'in_store_purchase'"
    )
    stored = hq.db.answers()
    assert [(a["id"], a["survey_id"]) for a in stored] == [(batch[0]["id"], "in_store_purchase")]


def test_hq_accepts_exactly_the_surveys_it_offers_in_the_config(
    hq: HQ, tmp_path: Path, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "answers rejected")
    every = set(SURVEYS)
    for touchpoint, offered in (
        ("in_store_purchase", {"in_store_purchase"}),
        ("returns_desk", {"returns_desk"}),
        # No survey is for this touchpoint: the store manager picks one of all of them.
        ("kassa", every),
    ):
        kiosk_id, token = hq.kiosk(store="s042", touchpoint=touchpoint)
        assert _offered(hq, token) == offered, touchpoint
        batch = kiosk_batch(tmp_path / touchpoint, kiosk_id, sorted(every))
        reply = hq.send(token, batch)
        accepted = {
            answer["survey_id"]
            for answer, result in zip(batch, hq.results_of(reply), strict=True)
            if result["status"] == "new"
        }
        assert accepted == offered, touchpoint
        stored = {a["survey_id"] for a in hq.db.answers(kiosk_id)}
        assert stored == offered, touchpoint


def test_a_rejected_resend_stays_rejected_and_the_good_one_stays_stored_once(
    hq: HQ, tmp_path: Path, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "1 answers rejected")
    kiosk_id, token = hq.kiosk(store="s042", touchpoint="returns_desk")
    batch = kiosk_batch(tmp_path, kiosk_id, ["returns_desk", "in_store_purchase"])
    first = [r["status"] for r in hq.results(token, batch)]
    again = [r["status"] for r in hq.results(token, batch)]
    assert first == ["new", "rejected"]
    assert again == ["duplicate", "rejected"]
    assert hq.db.count_answers() == 1
