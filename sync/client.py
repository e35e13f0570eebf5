"""Talks to HQ: one requests.Session, explicit timeouts, no retries of its own.

Retrying belongs to the sync worker, which knows what is safe to resend; here each call
makes exactly one attempt and says precisely how it went.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ces import __version__
from sync import problems
from sync.backoff import parse_retry_after
from sync.problems import Problem

if TYPE_CHECKING:
    import requests

log = logging.getLogger("effortless.sync.client")

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
# A kept-alive connection idle longer than this is closed, not reused. HQ closes idle
# connections after 5 s (proxies after their own time): a request sent just as the server
# closes the connection meets a reset, and would be reported as "HQ not reachable". The
# kiosk talks to HQ every few seconds at most while it drains, once a minute otherwise.
REUSE_IDLE_S = 2.0
RETRYABLE_STATUS = frozenset({408, 429}) | frozenset(range(500, 600))
RESULT_STATUSES = frozenset({"new", "duplicate", "rejected"})


class HQError(Exception):
    """A call to HQ did not succeed; ``str()`` says why in plain English (logs, command
    line), ``problem`` the same for the kiosk's screens to word in their language."""

    def __init__(self, message: str, problem: Problem) -> None:
        super().__init__(message)
        self.problem = problem


class InsecureURLError(HQError):
    pass


class RetryableError(HQError):
    """Worth trying again later: network trouble, a timeout, 5xx, 408, 429, or a reply
    that makes no sense (garbage or missing results)."""

    def __init__(
        self,
        message: str,
        problem: Problem,
        retry_after_s: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, problem)
        self.retry_after_s = retry_after_s
        # HQ's HTTP status; None when no answer came.
        self.status = status


class NotAuthorisedError(HQError):
    """401/403: this kiosk's token is not (or no longer) accepted."""


class RefusedError(HQError):
    """HQ understood and said no (4xx other than the above); retrying will not help."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message, Problem(problems.HQ_REFUSED, {"status": str(status)}))
        self.status = status
        self.code = code


# A reply that is not what the protocol says, whatever was wrong with it.
_BAD_ANSWER = Problem(problems.HQ_BAD_ANSWER)


@dataclass(frozen=True)
class Enrolment:
    kiosk_id: str
    token: str
    store: str
    touchpoint: str


@dataclass(frozen=True)
class Result:
    id: str
    status: str
    error: str | None = None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, allow_insecure_http: bool = False) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureURLError(
            f"not an HQ address: {url!r} (expected https://host[:port])",
            Problem(problems.NOT_HQ_ADDRESS, {"address": url.strip()}),
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not allow_insecure_http:
        raise InsecureURLError(
            f"refusing plain http to {parts.hostname}: use https, or --allow-insecure-http",
            Problem(problems.PLAIN_HTTP, {"host": parts.hostname}),
        )
    return url.strip().rstrip("/")


class HQClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        allow_insecure_http: bool = False,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        ca_file: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``ca_file``: the only CA certificates HQ's certificate is checked against (a
        company CA); without it, requests' own (certifi's) or REQUESTS_CA_BUNDLE's."""
        self.base_url = check_url(base_url, allow_insecure_http=allow_insecure_http)
        self.token = token
        self.timeout = timeout
        # requests (with urllib3) is imported here, not with this module: it is a tenth of
        # the kiosk's start on a slow tablet, and the kiosk needs it only once it syncs, on
        # the sync thread (docs/performance.md, issue 11).
        import requests
        from requests.adapters import HTTPAdapter

        self.session = requests.Session()
        # No adapter retries: a silent resend here would hide failures from the worker.
        for prefix in ("http://", "https://"):
            self.session.mount(prefix, HTTPAdapter(max_retries=0))
        self.verify: str | bool = str(ca_file) if ca_file is not None else True
        self.session.verify = self.verify
        self.session.headers["User-Agent"] = f"effortless-kiosk/{__version__}"
        self._clock = clock
        self._last_answer_at: float | None = None

    def close(self) -> None:
        self.session.close()

    def _request(
        self, method: str, path: str, *, json: Any = None, headers: dict[str, str] | None = None
    ) -> requests.Response:
        import requests

        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        url = self.base_url + path
        if self._last_answer_at is not None and self._clock() - self._last_answer_at > REUSE_IDLE_S:
            # Drops the pooled connections; the session makes new ones as needed.
            self.session.close()
        self._last_answer_at = None
        try:
            response = self.session.request(
                method,
                url,
                json=json,
                headers=all_headers,
                timeout=self.timeout,
                # Given with each request: requests lets REQUESTS_CA_BUNDLE override the
                # session's, which would quietly replace the CA the kiosk was enrolled with.
                verify=self.verify,
            )
        except requests.Timeout as exc:
            raise RetryableError(
                f"HQ did not answer in time at {self.base_url}",
                Problem(problems.HQ_TIMEOUT, {"url": self.base_url}),
            ) from exc
        except requests.exceptions.SSLError as exc:
            # A ConnectionError too, but "not reachable" would send IT looking at the network.
            reason = _verify_failure(exc)
            if reason is None:
                raise RetryableError(
                    f"HQ not reachable at {self.base_url} (TLS handshake failed)",
                    Problem(problems.HQ_UNREACHABLE, {"url": self.base_url}),
                ) from exc
            raise RetryableError(
                f"HQ's certificate is not trusted at {self.base_url}: {reason}",
                Problem(problems.HQ_UNTRUSTED, {"url": self.base_url}),
            ) from exc
        except requests.ConnectionError as exc:
            raise RetryableError(
                f"HQ not reachable at {self.base_url}",
                Problem(problems.HQ_UNREACHABLE, {"url": self.base_url}),
            ) from exc
        except requests.RequestException as exc:
            what = type(exc).__name__
            raise RetryableError(
                f"talking to HQ failed: {what}", Problem(problems.HQ_FAILED, {"error": what})
            ) from exc
        except OSError as exc:
            # requests' own check of the CA file, before any connection: gone or unreadable.
            raise RetryableError(
                f"the CA file for HQ cannot be used: {exc}",
                Problem(problems.HQ_UNTRUSTED, {"url": self.base_url}),
            ) from exc
        self._last_answer_at = self._clock()
        status = response.status_code
        if status in (401, 403):
            raise NotAuthorisedError("kiosk not authorised by HQ", Problem(problems.NOT_AUTHORISED))
        if status in RETRYABLE_STATUS:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise RetryableError(
                f"HQ answered {status}",
                Problem(problems.HQ_STATUS, {"status": str(status)}),
                retry_after,
                status,
            )
        if status >= 400:
            code, message = _error_of(response)
            raise RefusedError(status, code, message)
        return response

    def enroll(self, code: str) -> Enrolment:
        try:
            body = self._request("POST", "/api/v1/enroll", json={"code": code}).json()
            return Enrolment(
                kiosk_id=str(body["kiosk_id"]),
                token=str(body["token"]),
                store=str(body["store"]),
                touchpoint=str(body["touchpoint"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise RetryableError(
                "HQ's enrolment answer is not what the protocol says", _BAD_ANSWER
            ) from exc

    def send_answers(self, answers: list[dict[str, Any]], request_id: str) -> list[Result]:
        response = self._request(
            "POST",
            "/api/v1/responses",
            json={"responses": answers},
            headers={"X-Request-Id": request_id},
        )
        return _results_for(answers, response)

    def config(self, etag: str | None) -> tuple[dict[str, Any] | None, str | None]:
        """HQ's config for this kiosk, or (None, etag) when it has not changed."""
        headers = {"If-None-Match": etag} if etag else None
        response = self._request("GET", "/api/v1/config", headers=headers)
        if response.status_code == 304:
            return None, etag
        try:
            body = response.json()
        except ValueError as exc:
            raise RetryableError("HQ's config is not JSON", _BAD_ANSWER) from exc
        if not isinstance(body, dict):
            raise RetryableError("HQ's config is not an object", _BAD_ANSWER)
        return body, response.headers.get("ETag")

    def heartbeat(self, payload: dict[str, Any]) -> None:
        self._request("POST", "/api/v1/heartbeat", json=payload)


def _verify_failure(exc: BaseException) -> str | None:
    """OpenSSL's reason for refusing HQ's certificate ("unable to get local issuer
    certificate", "Hostname mismatch, ..."), dug out of the exceptions requests and urllib3
    wrap it in; None when the handshake failed for another reason."""
    import ssl  # only here: the kiosk's start does not need it (see HQClient)

    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ssl.SSLCertVerificationError):
            reason = item.verify_message or item.reason or "certificate verify failed"
            return str(reason).rstrip(".")
        todo.extend([*item.args, getattr(item, "reason", None), item.__cause__, item.__context__])
    return None


def _error_of(response: requests.Response) -> tuple[str, str]:
    try:
        body = response.json()
        return str(body.get("error", "error")), str(body.get("message", response.reason))
    except (ValueError, AttributeError):
        return "error", f"HQ answered {response.status_code}"


def _results_for(answers: list[dict[str, Any]], response: requests.Response) -> list[Result]:
    """HQ's per-answer results, checked against what was sent; anything off is retryable."""
    try:
        results = response.json()["results"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RetryableError("HQ's answer had no results", _BAD_ANSWER) from exc
    if not isinstance(results, list) or len(results) != len(answers):
        raise RetryableError("HQ's answer did not have one result per answer", _BAD_ANSWER)
    out: list[Result] = []
    for sent, result in zip(answers, results, strict=True):
        if (
            not isinstance(result, dict)
            or result.get("id") != sent["id"]
            or result.get("status") not in RESULT_STATUSES
        ):
            raise RetryableError("HQ's results do not match the answers sent", _BAD_ANSWER)
        error = result.get("error")
        out.append(Result(sent["id"], result["status"], str(error) if error is not None else None))
    return out
