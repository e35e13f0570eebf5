"""What every request handler shares: one HQContext per app, on ``app.state.hq``.

Handlers receive it as the ``Context`` dependency; nothing is captured in closures.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from hq.api.replies import unavailable
from hq.assignment import Assignments
from hq.db.database import POOL_SIZE, HQDatabase, WritesFailing, describe_error, is_unavailable
from hq.hashpool import HashPool
from hq.metrics import Metrics
from hq.middleware import request_id
from hq.scheduled import Outgoing
from hq.survey_versions import CatalogHolder
from hq.surveys import SurveyCatalog
from hq.throttle import AddressThrottle, Limits

log = logging.getLogger("effortless.hq.api")

T = TypeVar("T")


@dataclass
class HQContext:
    """The database, the surveys and the limits of one HQ app."""

    database: HQDatabase
    surveys: SurveyCatalog
    limits: Limits
    assignments: Assignments
    enrol_throttle: AddressThrottle
    login_throttle: AddressThrottle
    hash_pool: HashPool
    # Worker-thread limits by pool name, made inside the event loop (open_limiters).
    limiters: dict[str, anyio.CapacityLimiter] = field(default_factory=dict)
    # One log line per stretch of refusals for a full hash pool, not one per refused login.
    pool_full_logged: bool = False
    # The published surveys in the database (None: only ``surveys``, as given).
    catalogs: CatalogHolder | None = None
    # Where alerts and digests go (e-mail, links back to the dashboard).
    outgoing: Outgoing = field(default_factory=lambda: Outgoing(None, "http://127.0.0.1/"))
    # This process's counters for /metrics, and its token (None: /metrics is off).
    metrics: Metrics = field(default_factory=Metrics)
    # Why the database took no write at /readyz's last probe (None: it did), so a change
    # is logged once rather than every probe.
    ready_failure: str | None = None

    @classmethod
    def create(cls, database: HQDatabase, surveys: SurveyCatalog, limits: Limits) -> HQContext:
        return cls(
            database=database,
            surveys=surveys,
            limits=limits,
            assignments=Assignments(surveys),
            enrol_throttle=AddressThrottle(limits.enrol_burst, limits.enrol_per_minute),
            login_throttle=AddressThrottle(limits.login_burst, limits.login_per_minute),
            hash_pool=HashPool(limits.hash_workers, limits.hash_queue),
        )

    def refresh_surveys(self) -> SurveyCatalog:
        """The surveys as published now (one cheap read; in a worker thread): a publication
        by any ces-hq process on the database is served from the next request on."""
        if self.catalogs is not None:
            try:
                found = self.catalogs.current()
            except SQLAlchemyError as exc:
                # The surveys of the last look still hold; the request's own work will say
                # whether the database answers.
                log.warning("could not look for newly published surveys: %s", describe_error(exc))
                return self.surveys
            if found is not self.surveys:
                # Assignments first: a reader that sees the new catalog sees its assignments.
                self.assignments = Assignments(found)
                self.surveys = found
        return self.surveys

    def open_limiters(self) -> None:
        """Database calls are bounded by the connection pool, batches by the writers."""
        self.limiters["database"] = anyio.CapacityLimiter(POOL_SIZE)
        self.limiters["ingest"] = anyio.CapacityLimiter(self.database.concurrent_writers)
        # /readyz's probes, one at a time and never queued behind the pool's work.
        self.limiters["ready"] = anyio.CapacityLimiter(1)

    async def in_thread(self, func: Callable[..., T], *args: Any, pool: str = "database") -> T:
        """Run database work in a worker thread; a database that does not answer is a 503."""
        try:
            return await anyio.to_thread.run_sync(func, *args, limiter=self.limiters[pool])
        except WritesFailing as exc:
            # /healthz says so too, and `ces-hq db check` says what is damaged; a kiosk
            # keeps the answers and sends them again later.
            log.error("request %s: the database does not take writes: %s", request_id(), exc)
            raise unavailable("the database does not take writes; try again later") from None
        except Exception as exc:
            if is_unavailable(exc):
                log.error(
                    "request %s: the database did not answer: %s",
                    request_id(),
                    describe_error(exc),
                )
                raise unavailable("the database did not answer; try again later") from None
            raise


def hq_context(request: Request) -> HQContext:
    found: HQContext = request.app.state.hq
    return found


Context = Annotated[HQContext, Depends(hq_context)]
