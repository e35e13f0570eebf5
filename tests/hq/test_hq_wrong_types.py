"""Wrong types at every field of a heartbeat and a batch (issue 9, item 10).

Each gets a 400 (heartbeat) or a rejected answer (batch) that names the field, never a
500: a table of odd JSON values, each put in place of one field of a valid body.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hq_helpers import HQ, make_answer, make_heartbeat

from ces.answer import ANSWER_FIELDS

# Raw JSON text, so that values json.dumps will not write (1e309) can be sent too.
ODD_VALUES = [
    "[]",
    "{}",
    "null",
    "true",
    "1.5",
    "1e309",
    "-1e309",
    "123456789012345678901234567890",
    '"x"',
    '"' + "x" * 10_000 + '"',
    '["unlock"]',
    '[[["unlock"]]]',
    '{"kind": {"at": []}}',
    '"\\u0000"',
]
# Values that happen to be valid somewhere (text in a free-text field, null where allowed).
FREE_TEXT = {"last_sync_error", "config_error"}
NULLABLE = {
    "oldest_unsent_at",
    "survey_id",
    "survey_version",
    "last_sync_error",
    "config_error",
    "latest_rejected_at",
}

BEAT: dict[str, Any] = make_heartbeat(
    manager_events=[{"kind": "unlock", "at": "2026-11-22T09:01:00.000Z"}],
    config_error=None,
    rejected_answers=2,
    latest_rejected_at="2026-11-22T09:00:30.000Z",
)
_MARK = '"__odd__"'


def _with(doc: Any, path: tuple[str | int, ...], raw: str) -> str:
    """``doc`` as JSON text with the value at ``path`` replaced by the raw JSON ``raw``."""
    copy = json.loads(json.dumps(doc))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = "__odd__"
    text = json.dumps(copy)
    assert text.count(_MARK) == 1
    return text.replace(_MARK, raw)


BEAT_PATHS: list[tuple[str | int, ...]] = [
    *((key,) for key in BEAT),
    ("manager_events", 0),
    ("manager_events", 0, "kind"),
    ("manager_events", 0, "at"),
]


def _name(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _may_be_valid(field: str, raw: str) -> bool:
    if raw == "null":
        return field in NULLABLE
    if raw == '"x"':  # a short id is an app version or a survey id
        return field in FREE_TEXT | {"app_version", "survey_id"}
    if raw.startswith('"'):
        return field in FREE_TEXT
    return field == "manager_events" and raw == "[]"


def test_the_reported_heartbeat_is_a_400_naming_the_field(hq: HQ, expect_log: Any) -> None:
    expect_log("effortless.hq.api", r"400 bad_request: manager_events\[0\]\.kind: ")
    _, token = hq.kiosk()
    body = {**BEAT, "manager_events": [{"kind": ["unlock"], "at": "x"}]}
    reply = hq.post("/api/v1/heartbeat", token, body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"] == "bad_request"
    assert reply.json()["message"].startswith("manager_events[0].kind: ")


def test_a_heartbeat_with_a_wrong_type_at_any_field_is_a_400_naming_it(
    hq: HQ, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "400 bad_request: ")
    _, token = hq.kiosk()
    headers = {"Content-Type": "application/json"}
    for path in BEAT_PATHS:
        field = _name(path)
        for raw in ODD_VALUES:
            reply = hq.post(
                "/api/v1/heartbeat", token, data=_with(BEAT, path, raw), headers=headers
            )
            if reply.status_code == 200 and _may_be_valid(field, raw):
                continue
            assert reply.status_code == 400, (field, raw[:30], reply.status_code, reply.text)
            message = reply.json()["message"]
            # A wrong event names the event or its part; anything else names the field.
            named = field if not field.startswith("manager_events[") else "manager_events[0]"
            assert message.startswith(named), (field, raw[:30], message)


VALID_ANSWER_VALUES = {
    ("comment", "null"),
    ("comment", '"x"'),
    ("factor", "null"),
    ("flags", "[]"),
}
ANSWER_PATHS: list[tuple[str | int, ...]] = [*((f,) for f in ANSWER_FIELDS), ("flags", 0)]


def test_an_answer_with_a_wrong_type_at_any_field_is_rejected_naming_it(
    hq: HQ, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "answers rejected")
    _, token = hq.kiosk()
    values = [*ODD_VALUES, '"' + "x" * 100_000 + '"']
    new = 0
    for path in ANSWER_PATHS:
        field = _name(path)
        # One batch per field: the long texts of every field would pass 1 MiB together.
        parts = [_with(make_answer(flags=["rapid"]), path, raw) for raw in values]
        reply = hq.send_raw(token, ('{"responses": [' + ",".join(parts) + "]}").encode())
        results = hq.results_of(reply)
        assert len(results) == len(values)
        for result, raw in zip(results, values, strict=True):
            if result["status"] == "new":
                # Only these happen to be valid.
                assert (field, raw) in VALID_ANSWER_VALUES, (field, raw[:30])
                new += 1
                continue
            assert result["status"] == "rejected", (field, raw[:30], result)
            # A wrong item of a list names the item (flags[0]).
            named = result["error"].split(": ")[0].split("[")[0]
            assert named == field.split("[")[0], (field, raw[:30], result["error"])
            assert result["error"].startswith(field), (field, raw[:30], result["error"])
    assert hq.db.count_answers() == new == len(VALID_ANSWER_VALUES)


# A list is a batch; its odd items are rejected one by one ("(answer): ...").
@pytest.mark.parametrize("raw", [v for v in ODD_VALUES if not v.startswith("[")])
def test_a_batch_of_a_wrong_shape_is_a_400_naming_the_field(
    hq_sqlite: HQ, raw: str, expect_log: Any
) -> None:
    expect_log("effortless.hq.api", "400 bad_request: responses: ")
    _, token = hq_sqlite.kiosk()
    reply = hq_sqlite.send_raw(token, ('{"responses": ' + raw + "}").encode())
    assert reply.status_code == 400, reply.text
    assert reply.json()["message"].startswith("responses: ")
