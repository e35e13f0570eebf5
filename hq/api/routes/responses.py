"""POST /api/v1/responses: a kiosk's batch of answers, each stored or refused on its own."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from hq import assignment, schemas
from hq.api.deps import Context, CurrentKiosk
from hq.body import BodyError, parse_json, read_capped
from hq.context import HQContext
from hq.db.database import EnrolledKiosk, Result
from hq.middleware import request_id
from hq.validate import (
    MAX_ANSWERS,
    DuplicateKeys,
    Invalid,
    answer_id_of,
    check_answer,
    field_name,
    latest_answer,
)

log = logging.getLogger("effortless.hq.api")

router = APIRouter()

MAX_RESPONSES_BYTES = 1024 * 1024


@router.post(
    "/api/v1/responses",
    summary="Send a batch of answers",
    responses={
        200: {"model": schemas.ResponsesReply},
        400: {"model": schemas.Error},
        401: {"model": schemas.Error},
        413: {"model": schemas.Error},
    },
)
async def post_responses(request: Request, kiosk: CurrentKiosk, hq: Context) -> Response:
    started = time.perf_counter()
    body = await read_capped(request, MAX_RESPONSES_BYTES)
    reply, new, duplicate, rejected, first_error = await hq.in_thread(
        ingest, hq, kiosk, body, pool="ingest"
    )
    hq.metrics.count_batch(new, duplicate, rejected, time.perf_counter() - started)
    log.info(
        "request %s: kiosk %s: %d new, %d duplicate, %d rejected in %.1f ms",
        request_id(),
        kiosk.id,
        new,
        duplicate,
        rejected,
        (time.perf_counter() - started) * 1000,
    )
    if rejected:
        log.warning(
            "request %s: kiosk %s: %d answers rejected; the first: %s",
            request_id(),
            kiosk.id,
            rejected,
            first_error,
        )
    return Response(reply, media_type="application/json")


def ingest(
    hq: HQContext, kiosk: EnrolledKiosk, body: bytes
) -> tuple[bytes, int, int, int, str | None]:
    """Parse, check and store a batch (in a worker thread: it is all CPU and database)."""
    items = _answers_of(parse_json(body))
    results: list[Result | None] = []
    valid: list[dict[str, Any]] = []
    first_error: str | None = None
    latest = latest_answer()
    catalog = hq.refresh_surveys()
    assignments = hq.assignments
    offered = assignments.survey_ids(kiosk.touchpoint)
    for item in items:
        try:
            answer = check_answer(item, catalog.rules, latest, catalog.version_rules)
        except Invalid as e:
            results.append(Result(answer_id_of(item), "rejected", str(e)))
            first_error = first_error or str(e)
            continue
        at = kiosk.touchpoint
        if kiosk.previous_touchpoint is not None:
            # Given before HQ moved the kiosk: filed, and so checked, at the old touchpoint.
            at = kiosk.touchpoint_at(answer["answered_at"])
        if answer["survey_id"] not in (
            offered if at == kiosk.touchpoint else assignments.survey_ids(at)
        ):
            error = assignment.rejection(answer["survey_id"], at)
            results.append(Result(answer["id"], "rejected", error))
            first_error = first_error or error
            continue
        valid.append(answer)
        results.append(None)
    stored = iter(hq.database.ingest(kiosk, valid))
    merged = [r if r is not None else next(stored) for r in results]
    new = sum(r.status == "new" for r in merged)
    duplicate = sum(r.status == "duplicate" for r in merged)
    rejected = len(merged) - new - duplicate
    if first_error is None:
        first_error = next((r.error for r in merged if r.error), None)
    return _results_body(merged), new, duplicate, rejected, first_error


def _answers_of(doc: Any) -> list[Any]:
    """The list in {"responses": [...]}, or BodyError for anything else."""
    if isinstance(doc, DuplicateKeys):
        raise BodyError(400, "bad_request", f"{field_name(doc.duplicate)}: field appears twice")
    if type(doc) is not dict:
        raise BodyError(400, "bad_request", 'expected an object {"responses": [...]}')
    if "responses" not in doc:
        raise BodyError(400, "bad_request", "responses: required field is missing")
    unknown = [k for k in doc if k != "responses"]
    if unknown:
        raise BodyError(400, "bad_request", f"{field_name(unknown[0])}: unknown field")
    items = doc["responses"]
    if type(items) is not list:
        raise BodyError(400, "bad_request", "responses: expected a list of answers")
    if len(items) > MAX_ANSWERS:
        raise BodyError(
            413,
            "too_large",
            f"{len(items)} answers in one request; the limit is {MAX_ANSWERS}",
        )
    return items


def _results_body(results: list[Result]) -> bytes:
    # Built by hand: ids are checked UUIDs and statuses fixed words, so only errors need
    # escaping, and this is several times faster than json.dumps on 500 small dicts.
    parts = []
    for r in results:
        shown_id = "null" if r.id is None else f'"{r.id}"'
        if r.error is None:
            parts.append(f'{{"id":{shown_id},"status":"{r.status}"}}')
        else:
            error = json.dumps(r.error, ensure_ascii=False)
            parts.append(f'{{"id":{shown_id},"status":"{r.status}","error":{error}}}')
    return ('{"results":[' + ",".join(parts) + "]}").encode("utf-8")
