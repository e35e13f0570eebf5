"""GET and HEAD /schemas/survey.json: the survey format's JSON Schema, for editors and CI.

Public (no login), like the documentation it belongs to: a survey file holds no secret, and
people check their surveys in version control against it before `ces-hq survey import`.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from ces.survey_schema import SCHEMA_ID, survey_schema_json

router = APIRouter(include_in_schema=False)

MEDIA_TYPE = "application/schema+json"
# The schema changes only with a new HQ release; an hour keeps a fleet of editors cheap.
CACHE_CONTROL = "public, max-age=3600"


@router.get(SCHEMA_ID)
async def survey_schema() -> Response:
    return Response(
        survey_schema_json().encode(),
        media_type=MEDIA_TYPE,
        headers={"Cache-Control": CACHE_CONTROL},
    )


router.add_api_route(SCHEMA_ID, survey_schema, methods=["HEAD"])
