"""How `ces-hq serve` runs uvicorn, so that slow or very many clients cannot take HQ down.

- A request head (request line and headers) must be complete within the header timeout,
  counted from the moment the connection opens, or from its first byte on a kept-alive
  connection. A client that trickles a header line every few seconds is closed all the
  same; uvicorn itself only times out idle keep-alive connections.
- At most ``max_connections`` connections are served, a number below the process's
  open-file limit. A connection beyond it first makes room by closing the connection that
  has waited longest without sending a complete request head (an idle keep-alive, or a
  slow client), so a kiosk that sends its request at once still gets in. When every
  connection is busy with a request, the new one is answered 503 with Retry-After; past a
  hard cap it is closed at once. HQ so never runs out of file descriptors by itself.
- Errors that repeat under load (accept() failing with "Too many open files") are logged
  at most once per interval per kind, as one line without traceback, with a count of the
  ones not shown.

The body read timeout is hq.body.with_body_timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import threading
import time
import uuid
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import Server as UvicornServer
from uvicorn.server import ServerState

from hq.body import with_body_timeout
from hq.server_settings import LOG_INTERVAL_S, ServerSettings

log = logging.getLogger("effortless.hq.server")

# A connection over the limit whose request is not there within this gets no answer.
OVER_LIMIT_HEAD_TIMEOUT_S = 2.0
_RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


# --- repeated errors, once per interval -------------------------------------------------------


class LogThrottle:
    """At most one line per kind of event and interval; the others are counted, and the
    count is logged with the next line or when the interval is over (``flush``)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._held: dict[str, tuple[logging.Logger, int, str, int]] = {}

    def take(self, key: str, logger: logging.Logger, level: int, text: str) -> str | None:
        """The line to log for this event now, or None if it is only counted."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval:
                held = self._held.get(key)
                count = held[3] if held else 0
                self._held[key] = (logger, level, text, count + 1)
                return None
            self._last[key] = now
            held = self._held.pop(key, None)
        if held is None or last is None:
            return text
        return f"{text} ({held[3]:,} more in the {now - last:.1f} s before)"

    def note(self, key: str, logger: logging.Logger, level: int, text: str) -> None:
        line = self.take(key, logger, level, text)
        if line is not None:
            logger.log(level, "%s", line, extra={_PASSED: True})

    def flush(self, *, everything: bool = False) -> None:
        """Log the counts of events whose interval is over (all of them at shutdown)."""
        now = time.monotonic()
        lines = []
        with self._lock:
            for key, (logger, level, text, count) in list(self._held.items()):
                last = self._last[key]
                if everything or now - last >= self.interval:
                    del self._held[key]
                    self._last[key] = now
                    lines.append((logger, level, f"{text} ({count:,} more in {now - last:.1f} s)"))
        for logger, level, line in lines:
            logger.log(level, "%s", line, extra={_PASSED: True})


_PASSED = "effortless_throttled"
THROTTLE = LogThrottle(LOG_INTERVAL_S)


class RepeatedErrorFilter(logging.Filter):
    """Turns asyncio's and uvicorn's tracebacks for running out of files, memory or
    buffers into one line per interval: each one repeats thousands of times a second."""

    def __init__(self, throttle: LogThrottle) -> None:
        super().__init__()
        self.throttle = throttle

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _PASSED, False) or not record.exc_info:
            return True
        exc = record.exc_info[1]
        message = record.getMessage()
        if isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS:
            what = message.splitlines()[0] if message else record.name
            if "socket.accept()" in what:
                what = "cannot accept a connection"
            code = errno.errorcode.get(exc.errno or 0, str(exc.errno))
            key, text = f"{code}:{what}", f"{what}: {exc.strerror or exc} ({code})"
        elif "._start_serving(" in message:
            # asyncio retries accept() a second after EMFILE, once per failed accept;
            # retries that land after the listening socket is closed fail like this.
            key, text = "start_serving", f"cannot resume accepting connections: {exc}"
        else:
            return True
        line = self.throttle.take(
            f"{record.name}:{key}", logging.getLogger(record.name), record.levelno, text
        )
        if line is None:
            return False
        record.msg, record.args = line, ()
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def quiet_repeated_errors(throttle: LogThrottle = THROTTLE) -> None:
    """Put the filter on the loggers asyncio and uvicorn log those errors to (once)."""
    for name in ("asyncio", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RepeatedErrorFilter) for f in logger.filters):
            logger.addFilter(RepeatedErrorFilter(throttle))


# --- the HTTP protocol ------------------------------------------------------------------


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request head and a connection limit.

    A subclass per server (``protocol_for``) carries its settings and the connections that
    wait for a request head, oldest first.
    """

    settings: ClassVar[ServerSettings]
    waiting: ClassVar[dict[LimitedH11Protocol, None]]

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # uvicorn's limit_concurrency answers 503 without Retry-After and only counts;
        # the limit is applied per connection here instead.
        self.limit_concurrency = None
        self._served_app = self.app
        self.app = self._admit
        self._over_limit = False
        self._waiting = False
        self._waiting_after: object = None
        self._deadline: asyncio.TimerHandle | None = None

    # -- connections ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        limits = self.settings
        if len(self.connections) > limits.max_connections and not self._make_room():
            if len(self.connections) > limits.hard_cap:
                THROTTLE.note(
                    "hard-cap",
                    log,
                    logging.WARNING,
                    f"closed a new connection at once: {len(self.connections) - 1} are open, "
                    f"every one busy (hard cap {limits.hard_cap})",
                )
                self.connections.discard(self)
                transport.abort()
                return
            self._over_limit = True
            THROTTLE.note(
                "over-limit",
                log,
                logging.WARNING,
                f"connection limit of {limits.max_connections} reached with every connection "
                f"busy: answered 503",
            )
            self._wait_for_head(OVER_LIMIT_HEAD_TIMEOUT_S, evictable=False)
            return
        self._wait_for_head(limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._waiting and self._deadline is None:
            # A kept-alive connection starts its next request: the head's clock starts.
            self._arm(self.settings.header_timeout)
        super().data_received(data)
        if self._waiting and self.cycle is not self._waiting_after:
            self._stop_waiting()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing() or (self.cycle and not self.cycle.response_complete):
            return  # closing, or already busy with a pipelined request
        # Idle until the first byte of the next request: uvicorn's keep-alive timeout
        # applies; meanwhile the connection is the first to go when the limit is reached.
        self._wait_for_head(None)

    def shutdown(self) -> None:
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            # A body still coming in would hold up the shutdown until uvicorn cancels the
            # request (a traceback each); closing ends it as a client that went away.
            self._close()
            return
        super().shutdown()

    # -- waiting for a request head ------------------------------------------------------

    def _wait_for_head(self, timeout: float | None, *, evictable: bool = True) -> None:
        self._waiting = True
        self._waiting_after = self.cycle
        if evictable:
            self.waiting.pop(self, None)
            self.waiting[self] = None
        if timeout is not None:
            self._arm(timeout)

    def _arm(self, timeout: float) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(timeout, self._head_too_late, timeout)

    def _stop_waiting(self) -> None:
        self._waiting = False
        self.waiting.pop(self, None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _head_too_late(self, timeout: float) -> None:
        self._deadline = None
        if not self._waiting or self.transport.is_closing():
            return
        THROTTLE.note(
            "head-timeout",
            log,
            logging.INFO,
            f"closed a connection that sent no complete request within {timeout:g} s",
        )
        self._close()

    def _make_room(self) -> bool:
        """Close the connection that has waited longest for a request head, if any."""
        victim = next(iter(self.waiting), None)
        if victim is None:
            return False
        THROTTLE.note(
            "evicted",
            log,
            logging.INFO,
            f"connection limit of {self.settings.max_connections} reached: closed the "
            f"connection that had waited longest without a complete request",
        )
        victim._close()
        return True

    def _close(self) -> None:
        self._stop_waiting()
        # Counted as gone at once, not when the loop gets round to connection_lost.
        self.connections.discard(self)
        with contextlib.suppress(h11.LocalProtocolError):
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()

    # -- requests -------------------------------------------------------------------------

    async def _admit(self, scope: Any, receive: Any, send: Any) -> None:
        if not self._over_limit:
            await self._served_app(scope, receive, send)
            return
        body = (
            b'{"error":"unavailable","message":"HQ has too many open connections; try again later"}'
        )
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(self.settings.retry_after).encode()),
                    (b"connection", b"close"),
                    # As every other answer of HQ has one (docs/protocol.md).
                    (b"x-request-id", uuid.uuid4().hex.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})


def protocol_for(settings: ServerSettings) -> type[LimitedH11Protocol]:
    return type(
        "HQProtocol",
        (LimitedH11Protocol,),
        {"settings": settings, "waiting": {}},
    )


# --- the server ---------------------------------------------------------------------------


class HQServer(UvicornServer):
    async def on_tick(self, counter: int) -> bool:
        if counter % 10 == 0:
            THROTTLE.flush()
        return await super().on_tick(counter)

    async def shutdown(self, sockets: Any = None) -> None:
        await super().shutdown(sockets)
        THROTTLE.flush(everything=True)


def make_server(app: Any, settings: ServerSettings) -> uvicorn.Server:
    """The uvicorn server `ces-hq serve` runs (and the tests), with these settings."""
    THROTTLE.interval = settings.log_interval
    quiet_repeated_errors()
    config = uvicorn.Config(
        with_body_timeout(app, settings.body_timeout),
        http=protocol_for(settings),
        log_config=None,
        access_log=False,  # the app logs each request itself, with its request id
        lifespan="on",
        ws="none",
        timeout_keep_alive=settings.keep_alive,
        backlog=settings.backlog,
        timeout_graceful_shutdown=10,
        workers=1,
    )
    # uvicorn reads FORWARDED_ALLOW_IPS; which proxies are trusted is worth seeing at start.
    log.info(
        "client addresses taken from X-Forwarded-For of %s (FORWARDED_ALLOW_IPS)",
        config.forwarded_allow_ips,
    )
    return HQServer(config)
