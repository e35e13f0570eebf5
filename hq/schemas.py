"""The API's shapes as pydantic models, for /openapi.json only.

Requests are not parsed with these: hq.validate checks them (faster, and it refuses
answers one by one). Keep both in step with docs/protocol.md.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hq.validate import MAX_ANSWERS, MAX_COMMENT_CHARS, MAX_FLAGS

_TIMESTAMP = {"format": "date-time", "examples": ["2026-11-22T09:00:00.000Z"]}
_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_MOMENT = (
    "from 2000-01-01T00:00:00Z to HQ's clock + 1 day; started_at <= answered_at <= finished_at"
)
_UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(Strict):
    error: str = Field(examples=["bad_request"])
    message: str


class EnrolRequest(Strict):
    code: str = Field(max_length=64, examples=["ABCD-2345"])


class EnrolReply(Strict):
    kiosk_id: str = Field(pattern=_UUID_PATTERN)
    token: str
    store: str
    touchpoint: str


class Answer(Strict):
    id: str = Field(pattern=_UUID_PATTERN, description="a UUID, lowercase; unique forever")
    seq: int = Field(ge=1, le=2**63 - 1, description="the kiosk's counter")
    survey_id: str = Field(
        pattern=_ID_PATTERN, description="a survey HQ offers this kiosk in its config"
    )
    survey_version: int = Field(ge=1, le=2**31 - 1)
    locale: Literal["nl", "en", "de", "fr"]
    scale: Literal["ces7", "ces5", "smiley5"] = Field(description="the survey's scale")
    score: int = Field(description="a point of the scale")
    factor: str | None = Field(description="one of the survey's factor ids")
    comment: str | None = Field(
        max_length=MAX_COMMENT_CHARS,
        description="no control characters other than tab, line feed, carriage return",
    )
    outcome: Literal["completed", "timeout"]
    flags: list[Literal["rapid"]] = Field(max_length=MAX_FLAGS)
    started_at: str = Field(json_schema_extra=_TIMESTAMP, description=_MOMENT)
    answered_at: str = Field(json_schema_extra=_TIMESTAMP, description=_MOMENT)
    finished_at: str = Field(json_schema_extra=_TIMESTAMP, description=_MOMENT)


class ResponsesRequest(Strict):
    responses: list[Answer] = Field(max_length=MAX_ANSWERS)


class Result(Strict):
    id: str | None = Field(description="the answer's id; null if it had no valid one")
    status: Literal["new", "duplicate", "rejected"]
    error: str | None = Field(
        default=None, description='only with "rejected": "<field>: <problem>"'
    )


class ResponsesReply(Strict):
    results: list[Result] = Field(description="one per answer, in the order sent")


class HeartbeatRequest(Strict):
    queue_depth: int = Field(ge=0)
    oldest_unsent_at: str | None = Field(json_schema_extra=_TIMESTAMP)
    app_version: str = Field(max_length=64)
    survey_id: str | None = Field(pattern=_ID_PATTERN)
    survey_version: int | None = Field(ge=1)
    kiosk_time: str = Field(json_schema_extra=_TIMESTAMP)
    last_sync_error: str | None


class HeartbeatReply(Strict):
    server_time: str = Field(json_schema_extra=_TIMESTAMP)


class Message(Strict):
    text: dict[str, str] = Field(description="the message per locale, at most 280 characters")


class ConfigReply(Strict):
    kiosk_id: str
    store: str
    touchpoint: str
    surveys: list[dict[str, object]] = Field(description="survey files (docs/survey-format.md)")
    messages: list[Message] = Field(description='"you said, we did" messages, newest first')


class Health(Strict):
    status: Literal["ok"]


REQUEST_BODIES: dict[str, type[BaseModel]] = {
    "/api/v1/enroll": EnrolRequest,
    "/api/v1/responses": ResponsesRequest,
    "/api/v1/heartbeat": HeartbeatRequest,
}
