"""GET and HEAD /healthz: whether HQ and its database answer and take writes."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from hq import schemas
from hq.api.deps import Context
from hq.api.replies import RETRY_AFTER_S, Refusal, error_response, json_response

router = APIRouter()


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
        return error_response(
            503,
            "unavailable",
            f"the database does not take writes: {failure}",
            {"Retry-After": str(RETRY_AFTER_S)},
        )
    return json_response(200, {"status": "ok"})


# For load balancers that probe with HEAD; the server leaves the body out.
router.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)
