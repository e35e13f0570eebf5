"""The dashboard, all its routers in order, and its static files."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.staticfiles import StaticFiles

from ces.assets import hq_static_dir
from hq.dashboard.routes import (
    actions,
    alerts,
    charts,
    comments,
    export,
    fleet,
    journeys,
    login,
    participation,
    stores,
    surveys,
    users,
)

router = APIRouter()
router.include_router(login.router)
router.include_router(charts.router)
router.include_router(fleet.router)
router.include_router(comments.router)
router.include_router(journeys.router)
router.include_router(surveys.router)
router.include_router(actions.router)
router.include_router(alerts.router)
router.include_router(export.router)
router.include_router(participation.router)
router.include_router(stores.router)
router.include_router(users.router)


def static_files() -> StaticFiles:
    return StaticFiles(directory=hq_static_dir())
