"""Responses in the protocol's shapes: compact JSON, and errors as {"error", "message"}."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

# Seconds a kiosk is asked to wait when the database does not answer.
RETRY_AFTER_S = 5


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
        status_code=status,
        headers=headers,
        media_type="application/json",
    )


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    return json_response(status, {"error": code, "message": message}, headers)


class Refusal(Exception):
    """Ends a request with an error response."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self.response = error_response(status, code, message, headers)
        super().__init__(message)


def unavailable(message: str) -> Refusal:
    """503 with Retry-After: the kiosk keeps its answers and tries again later."""
    return Refusal(503, "unavailable", message, {"Retry-After": str(RETRY_AFTER_S)})
