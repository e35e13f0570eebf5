"""Health checks for load balancers and orchestrators, all answering GET and HEAD:

- /healthz: whether HQ and its database answer and take writes (hq.db ready());
- /livez: whether the process answers at all; it never touches the database, so a
  database outage does not make an orchestrator restart every HQ process;
- /readyz: whether the database takes a write now (a write on a new connection, rolled
  back), answered within a few seconds even when the database is locked or unreachable.
"""

from __future__ import annotations

import logging

import anyio
from fastapi import APIRouter
from starlette.responses import Response

from hq import schemas
from hq.api.deps import Context
from hq.api.replies import RETRY_AFTER_S, Refusal, error_response, json_response
from hq.db.database import READY_TIMEOUT_S

log = logging.getLogger("effortless.hq.api")

router = APIRouter()
# Beyond the probe's own timeouts (locks, connecting): a probe stuck in the driver is left
# to finish in its thread and the answer goes out.
_READY_GRACE_S = 1.0


@router.get(
    "/healthz",
    summary="Whether HQ and its database answer and take writes (HEAD too)",
    responses={200: {"model": schemas.Health}, 503: {"model": schemas.Error}},
)
async def healthz(hq: Context) -> Response:
    try:
        failure = await hq.in_thread(hq.database.ready)
    except Refusal as refusal:
        return refusal.response
    if failure is not None:
        # Not logged: the write that failed was, and a load balancer polls this.
        return _unavailable(f"the database does not take writes: {failure}")
    return json_response(200, {"status": "ok"})


@router.get(
    "/livez",
    summary="Whether the HQ process answers; never asks the database (HEAD too)",
    responses={200: {"model": schemas.Health}},
)
async def livez() -> Response:
    return json_response(200, {"status": "ok"})


@router.get(
    "/readyz",
    summary="Whether the database takes a write now, answered within seconds (HEAD too)",
    responses={200: {"model": schemas.Health}, 503: {"model": schemas.Error}},
)
async def readyz(hq: Context) -> Response:
    failure = await _probe(hq)
    if failure is not None:
        return _unavailable(f"the database does not take a write: {failure}")
    return json_response(200, {"status": "ok"})


def _unavailable(message: str) -> Response:
    return error_response(503, "unavailable", message, {"Retry-After": str(RETRY_AFTER_S)})


async def _probe(hq: Context) -> str | None:
    """Why the database does not take a write (None: it does); logged when that changes,
    as one line, so a probe every few seconds does not fill the log."""
    failure: str | None = f"no answer within {READY_TIMEOUT_S + _READY_GRACE_S:g} s"
    with anyio.move_on_after(READY_TIMEOUT_S + _READY_GRACE_S):
        # One probe at a time: probes from several balancers do not pile up on a database
        # that hangs; the one after a stuck probe waits here and times out like it.
        failure = await anyio.to_thread.run_sync(
            hq.database.takes_write,
            READY_TIMEOUT_S,
            abandon_on_cancel=True,
            limiter=hq.limiters["ready"],
        )
    before = hq.ready_failure
    hq.ready_failure = failure
    if failure is not None and before is None:
        log.warning("/readyz: the database does not take a write: %s", failure)
    elif failure is None and before is not None:
        log.info("/readyz: the database takes writes again")
    return failure


# For load balancers that probe with HEAD; the server leaves the body out.
router.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/livez", livez, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/readyz", readyz, methods=["HEAD"], include_in_schema=False)
