"""What every dashboard page shares: its route class (timing and the error page), the
exceptions that end a page early, and the navigation."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hq.body import BodyError
from hq.dashboard.rendering import render

log = logging.getLogger("effortless.hq.dashboard")

PAGES = (
    "overview",
    "factors",
    "priorities",
    "trend",
    "compare",
    "journeys",
    "surveys",
    "actions",
    "fleet",
    "comments",
    "alerts",
    "participation",
    "stores",
    "users",
    "audit",
)
PAGE_PATHS = {name: "/" if name == "overview" else f"/{name}" for name in PAGES}


class Redirect(Exception):
    """Ends a page with 303 to ``location`` (e.g. to /login without a session)."""

    def __init__(self, location: str) -> None:
        self.location = location


class PageError(Exception):
    """Ends a page with the error page."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message


class PageRoute(APIRoute):
    """A page: session and handler timed together, errors shown as the error page.

    The route's name is the page's name (the navigation marks it, the debug log names it).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        name = self.name

        async def page(request: Request) -> Response:
            started = time.perf_counter()
            try:
                response = await handler(request)
            except Redirect as r:
                return RedirectResponse(r.location, status_code=303)
            except (PageError, BodyError) as e:
                # With the navigation, so a bad filter is one click from a good page.
                return render(
                    request,
                    "error.html",
                    status=e.status,
                    message=e.message,
                    session=getattr(request.state, "session", None),
                    pages=PAGE_PATHS,
                    page=name,
                    query="",
                )
            elapsed_ms = (time.perf_counter() - started) * 1000
            # Server side, before the body is sent: what bench/dashboard.py measures.
            response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
            log.debug("%s %s in %.1f ms", request.method, name, elapsed_ms)
            return response

        return page
