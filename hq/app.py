"""The HQ web application: the protocol's API (hq.api) and the dashboard (hq.dashboard).

Endpoints read their bodies themselves (within a size limit) and check them with
hq.validate, so every error has the protocol's shape and a bad answer is refused on
its own. Database work runs in worker threads, at most as many at once as the database
has connections.

Logs name the request id, the kiosk and counts; never a request body or a comment.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from ces import __version__
from hq import journeys, survey_versions
from hq.api import errors
from hq.api.main import router as api_router
from hq.api.openapi import openapi_document
from hq.context import HQContext
from hq.dashboard.main import router as dashboard_router
from hq.dashboard.main import static_files
from hq.db.database import HQDatabase, HQDatabaseError, describe_error
from hq.jobs import CHECK_INTERVAL_S, Job
from hq.jobs import keep as keep_jobs
from hq.leader import LEAD_INTERVAL_S, lead
from hq.metrics import Metrics
from hq.middleware import AccessLogMiddleware, CrashMiddleware, RequestIdMiddleware
from hq.retention import Schedule, keep
from hq.scheduled import Outgoing
from hq.surveys import SurveyCatalog
from hq.throttle import Limits

log = logging.getLogger("effortless.hq.api")


def create_app(
    db: HQDatabase,
    surveys: SurveyCatalog,
    *,
    limits: Limits | None = None,
    retention: Schedule | None = None,
    jobs: Sequence[Job] = (),
    outgoing: Outgoing | None = None,
    jobs_interval: float = CHECK_INTERVAL_S,
    metrics_token: str | None = None,
    lead_interval: float = LEAD_INTERVAL_S,
) -> FastAPI:
    """HQ's application over the database ``db``, offering ``surveys``; with
    ``retention``, it applies that schedule while it runs (hq.retention), and it runs
    ``jobs`` as they fall due (hq.jobs; looking every ``jobs_interval`` seconds), sending
    what they send by ``outgoing``; of the processes that share a PostgreSQL database, one
    does this background work (hq.leader; looking every ``lead_interval`` seconds).
    /metrics answers ``metrics_token`` alone (hq.metrics; None: it is off)."""
    context = HQContext.create(db, surveys, limits or Limits())
    context.outgoing = outgoing or Outgoing(None, "http://127.0.0.1/")
    context.metrics = Metrics(metrics_token)
    # At the first start, the folder's surveys as published versions and the journeys of the
    # shipped ones (once: hq.survey_versions, hq.journeys); then the database's surveys.
    try:
        survey_versions.seed(db, surveys)
        journeys.seed(db, surveys)
        context.catalogs = survey_versions.CatalogHolder(db, surveys)
        context.refresh_surveys()
    except (HQDatabaseError, SQLAlchemyError) as exc:
        # The service still takes answers to the folder's surveys; the next start seeds them.
        log.warning("could not read or seed the published surveys: %s", describe_error(exc))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Made inside the event loop.
        context.open_limiters()

        async def background_work() -> None:
            async with anyio.create_task_group() as work:
                if retention is not None:
                    work.start_soon(keep, db, retention, context.limiters["database"])
                if jobs:
                    work.start_soon(
                        lambda: keep_jobs(
                            db, jobs, interval=jobs_interval, limiter=context.limiters["database"]
                        )
                    )

        async with anyio.create_task_group() as background:
            if retention is not None or jobs:
                # In one of the processes that share the database (hq.leader).
                background.start_soon(lambda: lead(db, background_work, interval=lead_interval))
            yield
            # A retention run in progress finishes first (its thread cannot be stopped).
            background.cancel_scope.cancel()

    app = FastAPI(
        title="Effortless HQ",
        version=__version__,
        summary="Collects the answers of Effortless CES kiosks (protocol v1).",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.hq = context
    # Inside RequestIdMiddleware, so a crash is logged and answered with the request id.
    app.add_middleware(CrashMiddleware)
    # Between the two: it sees the crash's 500 and knows the request id.
    app.add_middleware(AccessLogMiddleware)
    app.add_middleware(RequestIdMiddleware)
    for exception, handler in errors.HANDLERS:
        app.add_exception_handler(exception, handler)
    app.include_router(api_router)
    app.mount("/static", static_files(), name="static")
    app.include_router(dashboard_router)
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app
