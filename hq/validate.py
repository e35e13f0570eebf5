"""Strict checks of what kiosks send, one answer at a time (docs/protocol.md).

Every request body is untrusted. An answer is either turned into a row for the store or
refused with one ``"<field>: <problem>"`` message. Messages never quote a comment: they
end up in logs and in the kiosk's manager screen.

Plain functions rather than pydantic models: a batch of 500 answers is checked in a few
milliseconds, and the messages are ours.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ces.answer import ANSWER_FIELDS, ANSWER_ID_RE, FLAGS, ID_RE, MAX_FLAGS, OUTCOMES
from ces.describe import kind
from ces.locales import SUPPORTED_LOCALES
from ces.manager_events import MANAGER_EVENT_KINDS as KIOSK_MANAGER_EVENT_KINDS
from ces.manager_events import MAX_MANAGER_EVENTS
from ces.scales import SCALES, Scale
from ces.survey import Survey
from ces.timestamps import MS_TIMESTAMP_RE, TIMESTAMP_RE
from hq import moments

# Every rule below is also what hq.schemas documents in /openapi.json: the schema is built
# from these names, so a change here changes both.
MAX_ANSWERS = 500
MAX_COMMENT_CHARS = 1000
KNOWN_FLAGS = frozenset(FLAGS)
_LOCALES = frozenset(SUPPORTED_LOCALES)
_OUTCOMES = frozenset(OUTCOMES)
MAX_BIGINT = 2**63 - 1
MAX_INT = 2**31 - 1
MAX_QUEUE_DEPTH = MAX_INT
MAX_APP_VERSION_CHARS = 64
MAX_SYNC_ERROR_CHARS = 1000
MAX_CODE_CHARS = 64

_ANSWER_KEYS = frozenset(ANSWER_FIELDS)
# An answer's moments lie between these: no kiosk answered before 2000, and a kiosk's clock
# may run ahead of HQ's by less than ANSWER_FUTURE (canonical text compares as time does).
EARLIEST_ANSWER = "2000-01-01T00:00:00.000000Z"
ANSWER_FUTURE = timedelta(days=1)
HEARTBEAT_FIELDS = (
    "queue_depth",
    "oldest_unsent_at",
    "app_version",
    "survey_id",
    "survey_version",
    "kiosk_time",
    "last_sync_error",
)
_HEARTBEAT_KEYS = frozenset(HEARTBEAT_FIELDS)
# Optional: what happened on the kiosk since the last heartbeat (issue 4).
# rejected_answers / latest_rejected_at: answers HQ rejected that the kiosk keeps aside (issue 12;
# sent only while there are any).
HEARTBEAT_OPTIONAL = ("manager_events", "config_error", "rejected_answers", "latest_rejected_at")
MANAGER_EVENT_KINDS = frozenset(KIOSK_MANAGER_EVENT_KINDS)
MAX_CONFIG_ERROR_CHARS = 500

_PLAIN_KEY_RE = re.compile(r"[A-Za-z0-9_]{1,40}")
# What the kiosk's scrubber removes too; NUL and lone surrogates cannot even be stored.
CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_BAD_CHARS_RE = re.compile(f"[{CONTROL_CHARS}\\ud800-\\udfff]")
VERSION_RE = re.compile(rf"[0-9A-Za-z][0-9A-Za-z.+_-]{{0,{MAX_APP_VERSION_CHARS - 1}}}")


class Invalid(ValueError):
    """One field of one answer (or heartbeat) is wrong; ``str(e)`` is ``"<field>: <problem>"``."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class SurveyRules:
    """What an answer to one survey may hold, ready for quick look-ups."""

    scale: Scale
    factors: frozenset[str]


def survey_rules(surveys: Mapping[str, Survey]) -> dict[str, SurveyRules]:
    return {
        survey_id: SurveyRules(survey.scale, frozenset(f.id for f in survey.factors))
        for survey_id, survey in surveys.items()
    }


# A checked answer is a dict of its column values (plain dicts go straight into an
# executemany). Timestamps are canonical text (hq.moments), flags compact JSON text.
Answer = dict[str, Any]


# --- describing what was sent, briefly and safely --------------------------------------


def show(value: str, limit: int = 40) -> str:
    """Quote a short value for a message, cut to ``limit`` and with oddities escaped."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    return repr(shown)


def field_name(key: str) -> str:
    """A field name from the request, as it may appear at the start of a message."""
    return key if _PLAIN_KEY_RE.fullmatch(key) else show(key)


class DuplicateKeys(dict):  # type: ignore[type-arg]
    """A JSON object with a key given twice (see hq.body); refused, naming the key."""

    duplicate: str = ""


def _plain_object(obj: object, field: str) -> dict[str, Any]:
    if type(obj) is not dict:
        if isinstance(obj, DuplicateKeys):
            raise Invalid(field_name(obj.duplicate), "field appears twice")
        raise Invalid(field, f"expected an object, got {kind(obj)}")
    assert isinstance(obj, dict)
    return obj


def _is_int(value: object) -> bool:
    # bool is an int subclass, but `"seq": true` is a mistake, not a 1.
    return type(value) is int


def _integer(value: object, field: str, low: int, high: int) -> int:
    if not _is_int(value):
        raise Invalid(field, f"expected a whole number, got {kind(value)}")
    assert isinstance(value, int)
    if not low <= value <= high:
        shown = str(value) if abs(value) < 10**30 else "a huge number"
        raise Invalid(field, f"must be between {low} and {high:,}, got {shown}")
    return value


def _string(value: object, field: str) -> str:
    if type(value) is not str:
        raise Invalid(field, f"expected text, got {kind(value)}")
    assert isinstance(value, str)
    return value


def _identifier(value: object, field: str) -> str:
    text = _string(value, field)
    if not ID_RE.fullmatch(text):
        raise Invalid(
            field,
            f"{show(text)} is not an id (1 to 64 of a-z, 0-9, '_', '-', starting with a-z or 0-9)",
        )
    return text


# Dates known to exist (the answers in a batch share a handful); bounded by clearing.
_REAL_DATES: set[str] = set()


def _real_date(text: str) -> bool:
    if text in _REAL_DATES:
        return True
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    if len(_REAL_DATES) > 10_000:
        _REAL_DATES.clear()
    _REAL_DATES.add(text)
    return True


def timestamp(value: object, field: str) -> str:
    """The canonical text of a UTC timestamp like 2026-11-22T09:00:00.000Z."""
    text = _string(value, field)
    if not TIMESTAMP_RE.fullmatch(text):
        raise Invalid(field, f"{show(text)} is not a UTC timestamp like 2026-11-22T09:00:00.000Z")
    if not _real_date(text[:10]):
        raise Invalid(field, f"{show(text)} has a date that does not exist")
    return moments.canonical(text)


def _unexpected_fields(
    obj: Mapping[str, Any], allowed: frozenset[str], order: tuple[str, ...]
) -> Invalid:
    unknown = sorted(k for k in obj if k not in allowed)
    if unknown:
        extra = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        return Invalid(field_name(unknown[0]), "unknown field" + extra)
    missing = [k for k in order if k not in obj]
    return Invalid(missing[0], "required field is missing")


# --- answers -----------------------------------------------------------------------------


def latest_answer(now: datetime | None = None) -> str:
    """The canonical text of the latest moment an answer may carry now."""
    return moments.stamp((now or moments.utcnow()) + ANSWER_FUTURE)


def check_answer(
    obj: object,
    surveys: Mapping[str, SurveyRules],
    latest: str | None = None,
    versions: Mapping[tuple[str, int], SurveyRules] | None = None,
) -> Answer:
    """The answer as it will be stored, or Invalid naming its first problem.

    ``latest`` bounds its moments (latest_answer(); a batch computes it once). ``versions``:
    the rules of each published version, so an answer queued under an older version is
    checked against that version's scale and factors; a version HQ does not know is checked
    against ``surveys`` (the newest version's), as before HQ kept versions.
    Each check is written out as the quickest test of the good case; the helpers that
    explain a problem only run when there is one (500 answers a batch, 15,000 a second).
    """
    obj = _plain_object(obj, "(answer)")
    if obj.keys() != _ANSWER_KEYS:
        raise _unexpected_fields(obj, _ANSWER_KEYS, ANSWER_FIELDS)

    answer_id = obj["id"]
    if type(answer_id) is not str or not ANSWER_ID_RE.fullmatch(answer_id):
        answer_id = _string(answer_id, "id")
        raise Invalid("id", f"{show(answer_id)} is not a UUID in lowercase 8-4-4-4-12 form")
    seq = obj["seq"]
    if type(seq) is not int or not 1 <= seq <= MAX_BIGINT:
        _integer(seq, "seq", 1, MAX_BIGINT)
    survey_id = obj["survey_id"]
    # Every known survey id is a valid one, so a hit settles both.
    survey = surveys.get(survey_id) if type(survey_id) is str else None
    if survey is None:
        _identifier(survey_id, "survey_id")
        raise Invalid("survey_id", "unknown survey")
    survey_version = obj["survey_version"]
    if type(survey_version) is not int or not 1 <= survey_version <= MAX_INT:
        _integer(survey_version, "survey_version", 1, MAX_INT)
    if versions:
        survey = versions.get((survey_id, survey_version), survey)

    locale = obj["locale"]
    if type(locale) is not str or locale not in _LOCALES:
        raise Invalid("locale", f"{_shown(locale)} is not one of {', '.join(SUPPORTED_LOCALES)}")
    scale_id = obj["scale"]
    if type(scale_id) is not str or scale_id not in SCALES:
        raise Invalid("scale", f"{_shown(scale_id)} is not one of {', '.join(SCALES)}")
    scale = survey.scale
    if scale_id != scale.id:
        raise Invalid("scale", f"survey '{survey_id}' uses scale '{scale.id}', not '{scale_id}'")
    score = obj["score"]
    if not scale.is_valid(score):
        if not _is_int(score):
            raise Invalid("score", f"expected a whole number, got {kind(score)}")
        raise Invalid(
            "score",
            f"{score if abs(score) < 10**30 else 'a huge number'} is not a point of scale "
            f"'{scale.id}' ({scale.points[0]} to {scale.points[-1]})",
        )

    factor = obj["factor"]
    if factor is not None:
        if type(factor) is not str:
            raise Invalid("factor", f"expected text or null, got {kind(factor)}")
        if factor not in survey.factors:
            raise Invalid("factor", f"{show(factor)} is not a factor of survey '{survey_id}'")

    comment = obj["comment"]
    if comment is not None:
        if type(comment) is not str:
            raise Invalid("comment", f"expected text or null, got {kind(comment)}")
        if len(comment) > MAX_COMMENT_CHARS:
            raise Invalid(
                "comment", f"text is {len(comment)} characters; the limit is {MAX_COMMENT_CHARS}"
            )
        if _BAD_CHARS_RE.search(comment):
            # Which character, not where: the message must not carry the shopper's words.
            raise Invalid("comment", "text contains a control character or a lone surrogate")

    outcome = obj["outcome"]
    if type(outcome) is not str or outcome not in _OUTCOMES:
        raise Invalid("outcome", f"{_shown(outcome)} is not one of {', '.join(OUTCOMES)}")

    flags = obj["flags"]
    if type(flags) is not list:
        raise Invalid("flags", f"expected a list, got {kind(flags)}")
    if len(flags) > MAX_FLAGS:
        raise Invalid("flags", f"{len(flags)} flags; the limit is {MAX_FLAGS}")
    for i, flag in enumerate(flags):
        if type(flag) is not str or flag not in KNOWN_FLAGS:
            raise Invalid(f"flags[{i}]", f"{_shown(flag)} is not a known flag ({', '.join(FLAGS)})")

    started_at = _timestamp(obj["started_at"], "started_at")
    answered_at = _timestamp(obj["answered_at"], "answered_at")
    finished_at = _timestamp(obj["finished_at"], "finished_at")
    latest = latest or latest_answer()
    if not EARLIEST_ANSWER <= started_at <= answered_at <= finished_at <= latest:
        _explain_moments(started_at, answered_at, finished_at, latest)

    return {
        "id": answer_id,
        "seq": seq,
        "survey_id": survey_id,
        "survey_version": survey_version,
        "locale": locale,
        "scale": scale_id,
        "score": score,
        "factor": factor,
        "comment": comment,
        "outcome": outcome,
        "flags": json.dumps(flags, separators=(",", ":")) if flags else "[]",
        "started_at": started_at,
        "answered_at": answered_at,
        "finished_at": finished_at,
    }


def _explain_moments(started_at: str, answered_at: str, finished_at: str, latest: str) -> None:
    """Invalid naming the first moment out of bounds or out of order."""
    named = (("started_at", started_at), ("answered_at", answered_at), ("finished_at", finished_at))
    for field, value in named:
        if value < EARLIEST_ANSWER:
            raise Invalid(field, f"{_moment(value)} is before {EARLIEST_ANSWER[:10]}")
        if value > latest:
            raise Invalid(
                field,
                f"{_moment(value)} is more than a day after HQ's clock "
                f"(the latest accepted now: {_moment(latest)})",
            )
    if answered_at < started_at:
        raise Invalid(
            "answered_at", f"{_moment(answered_at)} is before started_at ({_moment(started_at)})"
        )
    raise Invalid(
        "finished_at", f"{_moment(finished_at)} is before answered_at ({_moment(answered_at)})"
    )


def _moment(canonical_text: str) -> str:
    # As the kiosk writes it: milliseconds.
    return canonical_text[:23] + "Z"


def _timestamp(value: object, field: str) -> str:
    # The kiosk's own form (milliseconds) on a date already seen real: no parsing at all.
    if (
        type(value) is str
        and len(value) == 24
        and value[:10] in _REAL_DATES
        and MS_TIMESTAMP_RE.fullmatch(value)
    ):
        return value[:23] + "000Z"
    return timestamp(value, field)


def _shown(value: object) -> str:
    return show(value) if isinstance(value, str) else kind(value)


def answer_id_of(obj: object) -> str | None:
    """The id to echo in a result: the answer's own, if it is a well-formed UUID."""
    if isinstance(obj, dict):
        value = obj.get("id")
        if type(value) is str and ANSWER_ID_RE.fullmatch(value):
            return value
    return None


# --- heartbeats and enrolment ----------------------------------------------------------


@dataclass(frozen=True)
class Heartbeat:
    queue_depth: int
    oldest_unsent_at: str | None
    app_version: str
    survey_id: str | None
    survey_version: int | None
    kiosk_time: str
    last_sync_error: str | None
    manager_events: tuple[tuple[str, str], ...] = ()
    config_error: str | None = None
    rejected_answers: int = 0
    latest_rejected_at: str | None = None


def _manager_events(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list) or len(value) > MAX_MANAGER_EVENTS:
        raise Invalid("manager_events", f"must be a list of at most {MAX_MANAGER_EVENTS} events")
    events = []
    for i, event in enumerate(value):
        field = f"manager_events[{i}]"
        if type(event) is not dict or event.keys() != {"kind", "at"}:
            if isinstance(event, DuplicateKeys):
                raise Invalid(f"{field}.{field_name(event.duplicate)}", "field appears twice")
            raise Invalid(field, "must be an object with exactly kind and at")
        kind_ = event["kind"]
        # A type test first: a list or an object is not hashable, so `in` would raise.
        if type(kind_) is not str or kind_ not in MANAGER_EVENT_KINDS:
            raise Invalid(
                f"{field}.kind",
                f"{_shown(kind_)} is not one of {', '.join(sorted(MANAGER_EVENT_KINDS))}",
            )
        events.append((kind_, timestamp(event["at"], f"{field}.at")))
    return tuple(events)


def check_heartbeat(obj: object) -> Heartbeat:
    obj = _plain_object(obj, "(body)")
    optional = {key: obj.pop(key) for key in HEARTBEAT_OPTIONAL if key in obj}
    if obj.keys() != _HEARTBEAT_KEYS:
        raise _unexpected_fields(obj, _HEARTBEAT_KEYS, HEARTBEAT_FIELDS)
    manager_events = _manager_events(optional.get("manager_events", []))
    config_error = optional.get("config_error")
    if config_error is not None:
        config_error = _BAD_CHARS_RE.sub("\ufffd", _string(config_error, "config_error"))[
            :MAX_CONFIG_ERROR_CHARS
        ]
    queue_depth = _integer(obj["queue_depth"], "queue_depth", 0, MAX_QUEUE_DEPTH)
    rejected_answers = _integer(
        optional.get("rejected_answers", 0), "rejected_answers", 0, MAX_QUEUE_DEPTH
    )
    latest = optional.get("latest_rejected_at")
    latest_rejected_at = None if latest is None else timestamp(latest, "latest_rejected_at")
    oldest = obj["oldest_unsent_at"]
    oldest_unsent_at = None if oldest is None else timestamp(oldest, "oldest_unsent_at")
    app_version = _string(obj["app_version"], "app_version")
    if not VERSION_RE.fullmatch(app_version):
        raise Invalid(
            "app_version",
            f"{show(app_version)} is not a version (1 to 64 of A-Z, a-z, 0-9, '.', '+', '_', '-')",
        )
    survey_id = obj["survey_id"]
    if survey_id is not None:
        survey_id = _identifier(survey_id, "survey_id")
    survey_version = obj["survey_version"]
    if survey_version is not None:
        survey_version = _integer(survey_version, "survey_version", 1, MAX_INT)
    kiosk_time = timestamp(obj["kiosk_time"], "kiosk_time")
    error = obj["last_sync_error"]
    if error is not None:
        error = _string(error, "last_sync_error")
        # Diagnostics, not data: made storable rather than refused, so a heartbeat about a
        # strange error still gets through.
        error = _BAD_CHARS_RE.sub("\ufffd", error)[:MAX_SYNC_ERROR_CHARS]
    return Heartbeat(
        queue_depth=queue_depth,
        oldest_unsent_at=oldest_unsent_at,
        app_version=app_version,
        survey_id=survey_id,
        survey_version=survey_version,
        kiosk_time=kiosk_time,
        last_sync_error=error,
        manager_events=manager_events,
        config_error=config_error,
        rejected_answers=rejected_answers,
        latest_rejected_at=latest_rejected_at,
    )


def check_enrolment(obj: object) -> str:
    """The code as typed; whether it is a code at all is the store's question."""
    obj = _plain_object(obj, "(body)")
    if obj.keys() != {"code"}:
        raise _unexpected_fields(obj, frozenset({"code"}), ("code",))
    code = _string(obj["code"], "code")
    if len(code) > MAX_CODE_CHARS:
        raise Invalid("code", "too long to be an enrolment code")
    return code
