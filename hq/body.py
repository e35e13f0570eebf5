"""Request bodies: read within a size limit, then parsed as strict JSON.

The limit is enforced before the body is read whole: a declared Content-Length over it is
refused at once, and a chunked body is counted as it arrives and cut off at the limit.
A body that stops arriving for longer than the body timeout ends the request with 408
(with_body_timeout, put around the app by hq.server).
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hq.validate import DuplicateKeys


class BodyError(Exception):
    """The body cannot be used; the request is answered with ``status`` and ``code``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(message)


class BodyTimeout(BodyError):
    """No part of the body arrived for ``seconds``: the client is too slow or gone."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(408, "timeout", f"the body stopped arriving: nothing for {seconds:g} s")


def with_body_timeout(app: ASGIApp, seconds: float) -> ASGIApp:
    """``app`` with each wait for a piece of a request body limited to ``seconds``.

    Only while the body is incomplete: later calls of ``receive`` (which wait for the
    client to go away, e.g. during a streamed export) wait as long as they need.
    """

    async def timed_app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        complete = False

        async def receive_in_time() -> Message:
            nonlocal complete
            if complete:
                return await receive()
            try:
                with anyio.fail_after(seconds):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout(seconds) from None
            complete = message["type"] != "http.request" or not message.get("more_body")
            return message

        await app(scope, receive_in_time, send)

    return timed_app


def too_large(limit: int) -> BodyError:
    return BodyError(413, "too_large", f"the body is larger than the limit of {limit:,} bytes")


def check_declared_length(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is None:
        return
    if not declared.isascii() or not declared.isdigit():
        raise BodyError(400, "bad_request", "Content-Length is not a number")
    if int(declared) > limit:
        raise too_large(limit)


async def read_capped(request: Request, limit: int) -> bytes:
    check_declared_length(request, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            # What is left is not read: the server discards the rest of the stream.
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    # JSON lets a later key silently win; which value was meant cannot be known.
    marked = DuplicateKeys(obj)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.duplicate = key
            break
        seen.add(key)
    return marked


class _NotANumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotANumber(f"{name} is not a number in JSON")


_decoder = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_refuse_constant)


def parse_json(body: bytes) -> Any:
    """The document in ``body``, or BodyError(400) saying why it is not one."""
    if not body.strip():
        raise BodyError(400, "bad_request", "the body is empty; expected JSON")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BodyError(
            400, "bad_request", f"the body is not UTF-8 (bad byte at {e.start})"
        ) from None
    try:
        return _decoder.decode(text)
    except json.JSONDecodeError as e:
        raise BodyError(
            400,
            "bad_request",
            f"the body is not JSON: {e.msg} at line {e.lineno}, column {e.colno}",
        ) from None
    except RecursionError:
        raise BodyError(400, "bad_request", "the body is nested too deeply") from None
    except _NotANumber as e:
        raise BodyError(400, "bad_request", f"the body is not JSON: {e}") from None
    except ValueError as e:
        # e.g. an integer with more digits than Python will convert
        raise BodyError(400, "bad_request", f"the body is not JSON: {e}") from None
