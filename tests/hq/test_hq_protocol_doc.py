"""docs/protocol.md is the contract the kiosk is written against: its examples and limits
are what HQ does."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hq import app, credentials, validate

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
    assert app.MAX_RESPONSES_BYTES == 1024 * 1024
    assert "at most **1 MiB**" in PROTOCOL
    assert f"at most {validate.MAX_COMMENT_CHARS} characters" in PROTOCOL
    assert f"at most {validate.MAX_FLAGS}" in PROTOCOL
    assert f"over {app.MAX_HEARTBEAT_BYTES // 1024} KiB" in PROTOCOL
    assert f"over {app.MAX_ENROL_BYTES // 1024} KiB" in PROTOCOL


def test_every_answer_field_is_in_the_table() -> None:
    table = re.findall(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|", PROTOCOL, flags=re.M)
    named = {name.strip("` ") for row in table for name in row.split(",")}
    assert set(validate.ANSWER_FIELDS) <= named
    assert set(validate.HEARTBEAT_FIELDS) <= named
