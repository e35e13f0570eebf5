"""docs/protocol.md is the contract the kiosk is written against: its examples and limits
are what HQ does."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hq import credentials, validate
from hq.api.routes import enrolment, heartbeat, responses

PROTOCOL = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(
    encoding="utf-8"
)


def test_the_heartbeat_example_is_a_valid_heartbeat() -> None:
    (example,) = re.findall(r"```json\n(.*?)```", PROTOCOL, flags=re.S)
    beat = validate.check_heartbeat(json.loads(example))
    assert beat.queue_depth == 12


def test_the_limits_in_the_document_are_the_limits_in_the_code() -> None:
    assert f"`{credentials.CODE_ALPHABET}`" in PROTOCOL
    assert f"valid for {credentials.CODE_VALID_HOURS} hours" in PROTOCOL
    assert f"at most **{validate.MAX_ANSWERS}** answers" in PROTOCOL
    assert responses.MAX_RESPONSES_BYTES == 1024 * 1024
    assert "at most **1 MiB**" in PROTOCOL
    assert f"at most {validate.MAX_COMMENT_CHARS} characters" in PROTOCOL
    assert f"at most {validate.MAX_FLAGS}" in PROTOCOL
    assert f"over {heartbeat.MAX_HEARTBEAT_BYTES // 1024} KiB" in PROTOCOL
    assert f"over {enrolment.MAX_ENROL_BYTES // 1024} KiB" in PROTOCOL


def test_every_heartbeat_field_is_in_a_table() -> None:
    # The answer's table is checked against ces.answer in tests/ces/test_answer.py.
    table = re.findall(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|", PROTOCOL, flags=re.M)
    named = {name.strip("` ") for row in table for name in row.split(",")}
    assert set(validate.HEARTBEAT_FIELDS) <= named
