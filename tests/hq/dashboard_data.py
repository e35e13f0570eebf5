"""Known answers for the dashboard tests, stored through the real HQDatabase."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from answers import make_answer

from ces.answer import COMPLETED, RAPID_FLAG, TIMEOUT
from hq.db.database import EnrolledKiosk, HQDatabase

SURVEY_OF_SCALE = {"ces7": "in_store_purchase", "smiley5": "returns_desk"}
TOUCHPOINT_OF_SCALE = {"ces7": "in_store_purchase", "smiley5": "returns_desk"}
ENROLLED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Spec:
    at: datetime
    score: int
    factor: str | None = None
    comment: str | None = None
    scale: str = "ces7"
    # None: completed with a factor, else a timeout (as most tests here assume).
    outcome: str | None = None
    rapid: bool = False
    version: int = 1  # of the survey


def kiosk(
    db: HQDatabase, store_id: str = "s001", touchpoint: str = "in_store_purchase"
) -> EnrolledKiosk:
    new = db.add_kiosk(store_id, touchpoint, now=ENROLLED)
    enrolment = db.enrol(new.code, now=ENROLLED)
    return EnrolledKiosk(enrolment.kiosk_id, enrolment.store, enrolment.touchpoint)


def add(db: HQDatabase, where: EnrolledKiosk, specs: Iterable[Spec]) -> int:
    # Straight into ingest, which takes answers as HQ's checks leave them: flags as JSON text.
    batch = [
        make_answer(
            at=spec.at,
            seq=seq,
            survey_id=SURVEY_OF_SCALE[spec.scale],
            survey_version=spec.version,
            scale=spec.scale,
            score=spec.score,
            factor=spec.factor,
            comment=spec.comment,
            outcome=spec.outcome or (COMPLETED if spec.factor else TIMEOUT),
            flags=json.dumps([RAPID_FLAG], separators=(",", ":")) if spec.rapid else "[]",
        )
        for seq, spec in enumerate(specs, 1)
    ]
    for start in range(0, len(batch), 500):
        db.ingest(where, batch[start : start + 500])
    return len(batch)


def many(at: datetime, score: int, n: int, factor: str | None = None, **kw: object) -> list[Spec]:
    """n answers alike, a second apart."""
    return [Spec(at + timedelta(seconds=i), score, factor, **kw) for i in range(n)]  # type: ignore[arg-type]
