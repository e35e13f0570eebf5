"""The answer record: what one shopper's visit to the kiosk becomes, and its wire form.

Both sides of the sync protocol (docs/protocol.md) take these names from here: the kiosk
writes answers with them and HQ validates what arrives against them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace

# An answer's fields on the wire, in the order of the protocol's table.
ANSWER_FIELDS = (
    "id",
    "seq",
    "survey_id",
    "survey_version",
    "locale",
    "scale",
    "score",
    "factor",
    "comment",
    "outcome",
    "flags",
    "started_at",
    "answered_at",
    "finished_at",
)

# How a visit ended: the shopper finished, or gave a score and walked away.
COMPLETED = "completed"
TIMEOUT = "timeout"
OUTCOMES = (COMPLETED, TIMEOUT)

# Set on answers given faster than people can queue (a child tapping through): a completed
# answer is rapid when it is the RAPID_RUN-th completion of its kiosk within RAPID_WINDOW_S
# seconds. The kiosk flags it as it finishes; HQ flags the burst's earlier answers, which
# the kiosk had already finished (hq.db.bursts).
RAPID_FLAG = "rapid"
RAPID_RUN = 3
RAPID_WINDOW_S = 12.0
FLAGS = (RAPID_FLAG,)
MAX_FLAGS = 8

# The id rule for surveys, factors, stores and touchpoints: lower case, digits, _ and -.
ID_PATTERN = r"[a-z0-9][a-z0-9_-]{0,63}"
ID_RE = re.compile(ID_PATTERN)
# An answer's own id: a lower-case UUID, made once on the kiosk and kept across retries.
ANSWER_ID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def new_answer_id() -> str:
    return str(uuid.uuid4())


class AnswerStoreError(RuntimeError):
    """Storing an answer failed; the message says why in plain words."""


@dataclass(frozen=True)
class NewAnswer:
    """The first write of a session: made when the shopper gives a score."""

    kiosk_id: str
    store_id: str | None
    touchpoint: str | None
    survey_id: str
    survey_version: int
    locale: str
    scale: str
    score: int
    started_at: str
    answered_at: str
    flags: tuple[str, ...] = ()
    id: str = ""

    def with_id(self) -> NewAnswer:
        return self if self.id else replace(self, id=new_answer_id())
