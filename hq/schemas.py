"""The API's shapes as pydantic models, for /openapi.json only.

Requests are not parsed with these: hq.validate checks them (faster, it refuses answers one
by one, and the messages are ours). So that the document cannot drift from the checks, every
limit, pattern and list of allowed values below is hq.validate's own (which takes the shared
ones from ces); nothing is written twice. tests/hq/test_hq_openapi.py posts the kiosk's real
bodies through both and runs schemathesis against /openapi.json. docs/protocol.md says the
same in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ces.answer import ANSWER_ID_RE, FLAGS, ID_RE, MAX_FLAGS, OUTCOMES
from ces.locales import SUPPORTED_LOCALES
from ces.manager_events import MAX_MANAGER_EVENTS
from ces.scales import SCALES
from ces.timestamps import TIMESTAMP_RE
from hq.validate import (
    CONTROL_CHARS,
    EARLIEST_ANSWER,
    MANAGER_EVENT_KINDS,
    MAX_ANSWERS,
    MAX_BIGINT,
    MAX_CODE_CHARS,
    MAX_COMMENT_CHARS,
    MAX_CONFIG_ERROR_CHARS,
    MAX_INT,
    MAX_QUEUE_DEPTH,
    MAX_SYNC_ERROR_CHARS,
    VERSION_RE,
)


def pattern(regex: re.Pattern[str]) -> str:
    """A regex HQ matches whole (fullmatch) as a JSON Schema pattern.

    JSON Schema patterns search, so the match is anchored; and ``\\d`` is spelled
    ``[0-9]``, which means the same in Python (where ``\\d`` also takes other scripts'
    digits, which HQ refuses) and in ECMA-262.
    """
    return "^(?:" + regex.pattern.replace(r"\d", "[0-9]") + ")$"


def one_of(values: Iterable[str]) -> dict[str, Any]:
    return {"enum": list(values)}


_STAMP = "2026-11-22T09:00:00.000Z"
# A real date too (no 30 February): "date-time" says that, the pattern says the rest.
_TIMESTAMP: dict[str, Any] = {"format": "date-time", "examples": [_STAMP]}
_TIMESTAMP_PATTERN = pattern(TIMESTAMP_RE)
_MOMENT = (
    f"from {EARLIEST_ANSWER[:10]} to HQ's clock + 1 day; "
    "started_at <= answered_at <= finished_at (else the answer is rejected)"
)
_ANY_POINT = sorted({point for scale in SCALES.values() for point in scale.points})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(Strict):
    error: str = Field(examples=["bad_request"])
    message: str


class EnrolRequest(Strict):
    code: str = Field(max_length=MAX_CODE_CHARS, examples=["ABCD-2345"])


class EnrolReply(Strict):
    kiosk_id: str = Field(pattern=pattern(ANSWER_ID_RE))
    token: str
    store: str
    touchpoint: str


class Answer(Strict):
    id: str = Field(pattern=pattern(ANSWER_ID_RE), description="a UUID, lowercase; unique forever")
    seq: int = Field(ge=1, le=MAX_BIGINT, description="the kiosk's counter")
    survey_id: str = Field(
        pattern=pattern(ID_RE), description="a survey HQ offers this kiosk in its config"
    )
    survey_version: int = Field(ge=1, le=MAX_INT)
    locale: str = Field(json_schema_extra=one_of(SUPPORTED_LOCALES))
    scale: str = Field(json_schema_extra=one_of(SCALES), description="the survey's scale")
    score: int = Field(
        ge=_ANY_POINT[0], le=_ANY_POINT[-1], description="a point of the survey's scale"
    )
    factor: str | None = Field(pattern=pattern(ID_RE), description="one of the survey's factor ids")
    comment: str | None = Field(
        max_length=MAX_COMMENT_CHARS,
        pattern=f"^[^{CONTROL_CHARS}]*$",
        description="no control characters other than tab, line feed, carriage return; "
        "no lone surrogates",
    )
    outcome: str = Field(json_schema_extra=one_of(OUTCOMES))
    flags: list[str] = Field(
        max_length=MAX_FLAGS, json_schema_extra={"items": {"type": "string", **one_of(FLAGS)}}
    )
    started_at: str = Field(
        pattern=_TIMESTAMP_PATTERN, json_schema_extra=_TIMESTAMP, description=_MOMENT
    )
    answered_at: str = Field(
        pattern=_TIMESTAMP_PATTERN, json_schema_extra=_TIMESTAMP, description=_MOMENT
    )
    finished_at: str = Field(
        pattern=_TIMESTAMP_PATTERN, json_schema_extra=_TIMESTAMP, description=_MOMENT
    )


def _judged_one_by_one(schema: dict[str, Any]) -> None:
    # HQ takes any item and answers each on its own: one that is not an Answer comes back
    # "rejected" in the 200 reply, and the rest of the batch is stored all the same.
    schema["items"] = {
        "anyOf": [
            schema["items"],
            {"description": 'anything else: its result is "rejected" with the first problem'},
        ]
    }


class ResponsesRequest(Strict):
    responses: list[Answer] = Field(
        max_length=MAX_ANSWERS,
        description=f"at most {MAX_ANSWERS} answers (more is 413); each judged on its own",
        json_schema_extra=_judged_one_by_one,
    )


class Result(Strict):
    id: str | None = Field(
        pattern=pattern(ANSWER_ID_RE), description="the answer's id; null if it had no valid one"
    )
    status: Literal["new", "duplicate", "rejected"]
    error: str | None = Field(
        default=None, description='only with "rejected": "<field>: <problem>"'
    )


class ResponsesReply(Strict):
    results: list[Result] = Field(description="one per answer, in the order sent")


class ManagerEvent(Strict):
    kind: str = Field(json_schema_extra=one_of(sorted(MANAGER_EVENT_KINDS)))
    at: str = Field(pattern=_TIMESTAMP_PATTERN, json_schema_extra=_TIMESTAMP)


class HeartbeatRequest(Strict):
    queue_depth: int = Field(ge=0, le=MAX_QUEUE_DEPTH)
    oldest_unsent_at: str | None = Field(pattern=_TIMESTAMP_PATTERN, json_schema_extra=_TIMESTAMP)
    app_version: str = Field(pattern=pattern(VERSION_RE))
    survey_id: str | None = Field(pattern=pattern(ID_RE))
    survey_version: int | None = Field(ge=1, le=MAX_INT)
    kiosk_time: str = Field(pattern=_TIMESTAMP_PATTERN, json_schema_extra=_TIMESTAMP)
    last_sync_error: str | None = Field(
        description=f"diagnostics: kept cut to {MAX_SYNC_ERROR_CHARS} characters, "
        "control characters replaced"
    )
    manager_events: list[ManagerEvent] = Field(
        default_factory=list,
        max_length=MAX_MANAGER_EVENTS,
        description="optional: the PIN pad's events since the last heartbeat",
    )
    rejected_answers: int = Field(
        default=0,
        ge=0,
        le=MAX_QUEUE_DEPTH,
        description="optional: answers HQ rejected that the kiosk keeps aside (sent while any)",
    )
    latest_rejected_at: str | None = Field(
        default=None,
        pattern=_TIMESTAMP_PATTERN,
        json_schema_extra=_TIMESTAMP,
        description="optional: when the newest of them was rejected; the kiosk deletes a "
        "rejected answer only after HQ acknowledged a heartbeat that reported it",
    )
    config_error: str | None = Field(
        default=None,
        description="optional: why the kiosk refused HQ's last config; "
        f"kept cut to {MAX_CONFIG_ERROR_CHARS} characters",
    )


class HeartbeatReply(Strict):
    server_time: str = Field(pattern=_TIMESTAMP_PATTERN, json_schema_extra=_TIMESTAMP)


class Message(Strict):
    text: dict[str, str] = Field(description="the message per locale, at most 280 characters")


class ConfigReply(Strict):
    kiosk_id: str
    store: str
    touchpoint: str
    surveys: list[dict[str, object]] = Field(description="survey files (docs/survey-format.md)")
    published: str | None = Field(
        default=None,
        description="the survey published to this touchpoint (a journey's): the kiosk runs it "
        "unless its manager chose another of the surveys offered; absent for other touchpoints",
    )
    messages: list[Message] = Field(description='"you said, we did" messages, newest first')
    opening_hours: str | None = Field(
        default=None,
        description="the store's weekly opening hours in canonical text, e.g. "
        '"mon-fri 09:00-21:00; sat 09:00-18:00; sun closed", on the wall clock of time_zone; '
        "absent when none are set (the store counts as always open)",
    )
    time_zone: str | None = Field(
        default=None,
        description="the store's IANA time zone (its own, else the chain's); sent with "
        "opening_hours only",
    )


class Health(Strict):
    status: Literal["ok"]


REQUEST_BODIES: dict[str, type[BaseModel]] = {
    "/api/v1/enroll": EnrolRequest,
    "/api/v1/responses": ResponsesRequest,
    "/api/v1/heartbeat": HeartbeatRequest,
}


# --- what every operation may answer, besides what its route declares ------------------------

_RETRY_AFTER = {
    "Retry-After": {
        "description": "whole seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    }
}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
# status: (description, headers); hq.app answers these from any operation.
_ANY_OPERATION: dict[str, tuple[str, dict[str, Any]]] = {
    "500": ("internal_error: HQ failed; the connection stays usable", {}),
    "503": (
        "unavailable: the database did not answer or does not take writes, or HQ has too many "
        "connections; retry",
        _RETRY_AFTER,
    ),
}
_WITH_BODY: dict[str, tuple[str, dict[str, Any]]] = {
    "408": (
        "timeout: the body stopped arriving; retry",
        {"Connection": {"description": "close", "schema": {"type": "string"}}},
    ),
    "413": ("too_large: the body is over the limit", {}),
}
_HEADERS: dict[str, dict[str, Any]] = {
    "401": {
        "WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}},
    },
    "429": _RETRY_AFTER,
}
BEARER_PATHS = ("/api/v1/responses", "/api/v1/heartbeat", "/api/v1/config")


def complete(doc: dict[str, Any]) -> None:
    """Add to FastAPI's document what the routes cannot declare: the request bodies (the
    endpoints read them themselves), the errors any operation may answer, and the token."""
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    for path, model in REQUEST_BODIES.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
        doc["paths"][path]["post"]["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    components.setdefault("Error", Error.model_json_schema())
    for operations in doc["paths"].values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            extra = dict(_ANY_OPERATION)
            if method in ("post", "put", "patch"):
                extra.update(_WITH_BODY)
            for status, (description, headers) in extra.items():
                responses.setdefault(status, {"description": description, "content": _ERROR})
                if headers:
                    responses[status].setdefault("headers", headers)
            for status, headers in _HEADERS.items():
                if status in responses:
                    responses[status].setdefault("headers", headers)
    doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for path in BEARER_PATHS:
        for operation in doc["paths"][path].values():
            operation["security"] = [{"bearer": []}]
