"""Hooks for the schemathesis run in test_hq_openapi.py (loaded by schemathesis, by path).

HQ takes a JSON integer only as an integer (``6``, never ``6.0``: docs/protocol.md), which
JSON Schema cannot say: to it, 6.0 is the integer 6. Schemathesis spells some generated
integers as whole floats to find readers like HQ's; this hook spells them back, so the run
looks for every other difference between the schema and HQ. A whole float never makes a
generated body invalid, so negative cases stay negative.
"""

from __future__ import annotations

from typing import Any

import schemathesis


def _integers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integers(item) for item in value]
    if isinstance(value, dict):
        return {key: _integers(item) for key, item in value.items()}
    return value


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    return _integers(body)
