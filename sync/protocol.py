"""Names both sides of the sync protocol (docs/protocol.md) must agree on."""

from __future__ import annotations

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
