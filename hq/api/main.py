"""Protocol v1, all its routers in order; and the survey format's schema."""

from __future__ import annotations

from fastapi import APIRouter

from hq.api.routes import (
    config,
    enrolment,
    health,
    heartbeat,
    metrics,
    responses,
    survey_schema,
)

router = APIRouter()
router.include_router(enrolment.router)
router.include_router(responses.router)
router.include_router(heartbeat.router)
router.include_router(config.router)
router.include_router(health.router)
router.include_router(survey_schema.router)
router.include_router(metrics.router)
