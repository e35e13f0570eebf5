"""The sync worker: sends finished answers to HQ until each one is acknowledged.

It runs on its own thread with its own database connection, so the UI never waits for
the network. An answer is marked synced only on its own ``new`` or ``duplicate`` result;
a ``rejected`` one is kept aside with the reason. Everything else (no network, timeouts,
5xx, 408, 429, nonsense replies) is retried forever with full-jitter backoff, the same
batch with the same request id, until HQ acknowledges it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ces import __version__
from ces.keys import (
    CONFIG_ERROR,
    CONFIG_ETAG,
    HQ_URL,
    INSECURE,
    LAST_ERROR,
    LAST_PROBLEM,
    LAST_SYNC_AT,
    NOT_AUTHORISED,
    STORE_ID,
    TOKEN,
    TOUCHPOINT,
)
from ces.timestamps import iso_utc, utc_now
from sync import problems
from sync.backoff import Backoff
from sync.client import HQClient, HQError, NotAuthorisedError, RefusedError, RetryableError
from sync.enrolment import trusted_ca
from sync.manager_events import forget_delivered, pending_events
from sync.outbox import Outbox, QueueStats, describe
from sync.problems import Problem
from sync.remote_config import ConfigError, RemoteConfig, parse_config, save
from sync.settings import Settings, SettingsDamaged

log = logging.getLogger("effortless.sync")

BATCH_SIZE = 500
SHOPPER_PAUSE_S = 0.25
IDLE_WAKE_S = 30.0
HEARTBEAT_S = 60.0
# How long the kiosk keeps an answer HQ has (from synced_at), and a rejected answer (from
# rejected_at; deleted only once a heartbeat HQ acknowledged has reported it).
RETENTION_DAYS = 30
REJECTED_RETENTION_DAYS = 90
PURGE_EVERY_S = 3600.0

CONFIG_POLL_S = 300.0


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    authorised: bool
    pending: int
    oldest_unsent_at: str | None
    rejected: int
    last_sync_at: str | None
    last_error: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_status(outbox: Outbox) -> SyncStatus:
    stats = outbox.stats()
    try:
        enrolled = bool(outbox.settings.get(TOKEN))
    except SettingsDamaged:
        enrolled = False
    return SyncStatus(
        enrolled=enrolled,
        authorised=outbox.meta(NOT_AUTHORISED) is None,
        pending=stats.pending,
        oldest_unsent_at=stats.oldest_unsent_at,
        rejected=stats.rejected,
        last_sync_at=outbox.meta(LAST_SYNC_AT),
        last_error=outbox.meta(LAST_ERROR),
    )


@dataclass(frozen=True)
class SyncNowReport:
    """How the sync a person asked for went (``SyncWorker.sync_now``): ``sent`` answers
    HQ took since, or the ``problem`` that stopped it (None: HQ was reached)."""

    ticket: int
    sent: int
    problem: Problem | None


class NotEnrolledError(RuntimeError):
    pass


def heartbeat_body(
    outbox: Outbox, survey: tuple[str, int] | None, stats: QueueStats | None = None
) -> dict[str, Any]:
    """The heartbeat as the kiosk sends it (docs/protocol.md): its queue, version, survey,
    clock, last error, and what waits to be told (manager events, a refused config, the
    rejected answers kept aside: they may be deleted only once HQ has acknowledged a
    heartbeat that reported them). The optional fields go only when there is something to
    tell, so a kiosk without them speaks to an HQ older than them as before."""
    stats = stats or outbox.stats()
    survey_id, survey_version = survey or (None, None)
    body: dict[str, Any] = {
        "queue_depth": stats.pending,
        "oldest_unsent_at": stats.oldest_unsent_at,
        "app_version": __version__,
        "survey_id": survey_id,
        "survey_version": survey_version,
        "kiosk_time": utc_now(),
        "last_sync_error": outbox.meta(LAST_ERROR),
    }
    if stats.rejected:
        body["rejected_answers"] = stats.rejected
        body["latest_rejected_at"] = stats.latest_rejected_at
    events = pending_events(outbox)
    if events:
        body["manager_events"] = events
    config_error = outbox.meta(CONFIG_ERROR)
    if config_error is not None:
        body["config_error"] = config_error
    return body


class SyncWorker:
    def __init__(
        self,
        data_dir: Path,
        *,
        batch_size: int = BATCH_SIZE,
        backoff: Backoff | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        heartbeat_s: float = HEARTBEAT_S,
        idle_wake_s: float = IDLE_WAKE_S,
        retention_days: int = RETENTION_DAYS,
        rejected_retention_days: int = REJECTED_RETENTION_DAYS,
        utcnow: Callable[[], datetime] = lambda: datetime.now(UTC),
        survey: tuple[str, int] | None = None,
        timeout: tuple[float, float] | None = None,
        on_config: Callable[[RemoteConfig], None] | None = None,
        config_poll_s: float = CONFIG_POLL_S,
    ) -> None:
        self._data_dir = data_dir
        self._batch_size = batch_size
        self._backoff = backoff or Backoff()
        self._monotonic = monotonic
        self._heartbeat_s = heartbeat_s
        self._idle_wake_s = idle_wake_s
        self._retention = timedelta(days=retention_days)
        self._rejected_retention = timedelta(days=rejected_retention_days)
        # The wall clock answers are marked and aged by (the tests' stands still).
        self._utcnow = utcnow
        # The survey the kiosk runs, as heartbeats report it: the kiosk sets it whenever its
        # flow takes another (a version from HQ, a manager's choice).
        self.survey = survey
        self._timeout = timeout
        self._on_config = on_config
        self._config_poll_s = config_poll_s
        self._last_config_poll = -float("inf")
        self._wake = threading.Event()
        # Set by the kiosk while a shopper is answering: the worker then leaves a pause
        # between batches, so its CPU and database work do not land on the shopper's taps.
        self.shopper_active = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_heartbeat = -float("inf")
        self._last_purge = -float("inf")
        self.batches_sent = 0
        # "Sync now": a ticket per tap; the loop answers the latest with a report.
        self._hurry = threading.Event()
        self._requests_lock = threading.Lock()
        self._requested = 0
        self._serving = 0
        self._sent_since_request = 0
        self._report: SyncNowReport | None = None

    # -- control ----------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="effortless-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A new answer is ready (or a person pressed "sync now")."""
        self._idle.clear()
        self._wake.set()

    def sync_now(self) -> int:
        """A person asked to sync now: cut any wait short (a backoff too) and try HQ at
        once. Returns the ticket that ``report`` answers."""
        with self._requests_lock:
            self._requested += 1
            ticket = self._requested
        self._hurry.set()
        self.wake()
        return ticket

    def report(self) -> SyncNowReport | None:
        """How the latest "sync now" the loop has finished with went."""
        with self._requests_lock:
            return self._report

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._hurry.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wait_until_idle(self, timeout: float) -> bool:
        """True once the queue was found empty (after the last wake)."""
        return self._idle.wait(timeout)

    # -- the loop ---------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._run_once()
                return
            except sqlite3.OperationalError as exc:
                # Disk full, locked, read-only for now: the answers stay queued (an answer
                # sent but not yet marked comes back from HQ as a duplicate). Try again.
                delay = self._backoff.next_delay()
                reason = describe(exc, self._data_dir)
                log.warning("sync paused: %s; next try in %.0f s", reason, delay)
                # Only stopping cuts this short: "sync now" cannot fix the disk.
                self._stop.wait(delay)

    def _run_once(self) -> None:
        outbox = Outbox.attach(self._data_dir)
        client: HQClient | None = None
        try:
            settings = Settings(self._data_dir).load()
            url, token = settings.get(HQ_URL), settings.get(TOKEN)
            if not url or not token:
                log.error("not enrolled with HQ: nothing to sync to")
                return
            kwargs: dict[str, Any] = {
                "allow_insecure_http": settings.get(INSECURE) == "1",
                "ca_file": trusted_ca(self._data_dir, settings),
            }
            if self._timeout is not None:
                kwargs["timeout"] = self._timeout
            client = HQClient(url, token, **kwargs)
            self._loop(outbox, client)
        except sqlite3.OperationalError:
            raise
        except Exception:
            log.exception("the sync worker stopped on an unexpected error")
        finally:
            if client is not None:
                client.close()
            outbox.close()

    def _loop(self, outbox: Outbox, client: HQClient) -> None:
        inflight: list[dict[str, Any]] = []
        request_id = ""
        while not self._stop.is_set():
            self._take_request()
            if outbox.meta(NOT_AUTHORISED) is not None:
                self._answer_request(Problem(problems.NOT_AUTHORISED))
                self._idle.set()
                self._wait(self._idle_wake_s)
                continue
            if not inflight:
                if self.shopper_active.is_set():
                    self._stop.wait(SHOPPER_PAUSE_S)
                inflight = outbox.sendable(self._batch_size)
                request_id = str(uuid.uuid4())
            if not inflight:
                reached = self._housekeeping(outbox, client)
                self._answer_request(reached)
                self._idle.set()
                self._wait(self._idle_wake_s)
                continue
            try:
                results = client.send_answers(inflight, request_id)
            except NotAuthorisedError as exc:
                self._not_authorised(outbox, exc)
                continue
            except RefusedError as exc:
                if exc.status == 413 and len(inflight) > 1:
                    # Too large for this HQ: send the first half on its own.
                    inflight = inflight[: len(inflight) // 2]
                    request_id = str(uuid.uuid4())
                    continue
                # A refused *batch* says the request was wrong, not the answers; keep them
                # and try again later rather than lose them.
                delay = self._backoff.next_delay()
                self._record_error(
                    outbox,
                    f"{exc}; next try in {delay:.0f} s",
                    level=logging.WARNING,
                    problem=replace(exc.problem, retry_in_s=round(delay)),
                )
                self._sleep(delay)
                continue
            except RetryableError as exc:
                delay = self._backoff.next_delay(exc.retry_after_s)
                self._record_error(
                    outbox,
                    f"{exc}; next try in {delay:.0f} s",
                    problem=replace(exc.problem, retry_in_s=round(delay)),
                )
                self._sleep(delay)
                continue
            self._sent_since_request += self._apply(outbox, results)
            self._backoff.reset()
            self.batches_sent += 1
            inflight = []

    def _take_request(self) -> None:
        """Start answering the latest "sync now": count from here, and say whether HQ can
        be reached even when nothing waits (the heartbeat is due at once)."""
        if not self._hurry.is_set():
            return
        self._hurry.clear()
        with self._requests_lock:
            if self._requested == self._serving:
                return
            self._serving = self._requested
        self._sent_since_request = 0
        self._last_heartbeat = -float("inf")

    def _answer_request(self, problem: Problem | None) -> None:
        """Report on the "sync now" being served, if one is waiting for its report."""
        with self._requests_lock:
            if self._serving == 0 or (self._report and self._report.ticket == self._serving):
                return
            self._report = SyncNowReport(self._serving, self._sent_since_request, problem)

    def _apply(self, outbox: Outbox, results: list[Any]) -> int:
        now = iso_utc(self._utcnow())
        acknowledged = [r.id for r in results if r.status in ("new", "duplicate")]
        rejected = [(r.id, r.error or "rejected by HQ") for r in results if r.status == "rejected"]
        outbox.acknowledge(
            acknowledged, rejected, now, {LAST_SYNC_AT: now, LAST_ERROR: None, LAST_PROBLEM: None}
        )
        for answer_id, reason in rejected:
            log.warning("HQ rejected answer %s: %s", answer_id, reason)
        log.info("synced %d answers (%d rejected)", len(acknowledged), len(rejected))
        return len(acknowledged)

    def _housekeeping(self, outbox: Outbox, client: HQClient) -> Problem | None:
        """Config, heartbeat and purge when due; the problem that kept the heartbeat from
        HQ, if one was due and did not get there."""
        problem = None
        now = self._monotonic()
        if self._on_config is not None and now - self._last_config_poll >= self._config_poll_s:
            self._last_config_poll = now
            self._poll_config(outbox, client)
        if now - self._last_heartbeat >= self._heartbeat_s:
            self._last_heartbeat = now
            problem = self._heartbeat(outbox, client)
        if now - self._last_purge >= PURGE_EVERY_S:
            self._last_purge = now
            self._purge(outbox)
        return problem

    def _purge(self, outbox: Outbox) -> None:
        wall = self._utcnow()
        purged = outbox.purge_synced(iso_utc(wall - self._retention))
        if purged:
            log.info("deleted %d answers HQ has had for over %s", purged, self._retention)
        purged = outbox.purge_rejected(iso_utc(wall - self._rejected_retention))
        if purged:
            log.info(
                "deleted %d rejected answers HQ was told of, set aside over %s ago",
                purged,
                self._rejected_retention,
            )

    def _poll_config(self, outbox: Outbox, client: HQClient) -> None:
        try:
            body, etag = client.config(outbox.meta(CONFIG_ETAG))
        except NotAuthorisedError as exc:
            self._not_authorised(outbox, exc)
            return
        except HQError as exc:
            log.info("config not fetched: %s", exc)
            return
        if body is None:
            return
        try:
            config = parse_config(body)
        except ConfigError as exc:
            log.warning("config from HQ refused, the last good one stays: %s", exc)
            outbox.set_meta(CONFIG_ERROR, str(exc)[:500])
            return
        save(config, self._data_dir)
        outbox.settings.update({STORE_ID: config.store, TOUCHPOINT: config.touchpoint})
        if etag:
            outbox.set_meta(CONFIG_ETAG, etag)
        if outbox.meta(CONFIG_ERROR) is not None:
            outbox.delete_meta(CONFIG_ERROR)
        log.info("new config from HQ: %d surveys", len(config.surveys))
        assert self._on_config is not None
        self._on_config(config)

    def _heartbeat(self, outbox: Outbox, client: HQClient) -> Problem | None:
        # One snapshot: the rejected answers it counts are the ones HQ is told about.
        stats = outbox.stats()
        payload = heartbeat_body(outbox, self.survey, stats)
        events = payload.get("manager_events", [])
        try:
            client.heartbeat(payload)
            if stats.latest_rejected_at is not None:
                outbox.note_rejections_reported(stats.rejected, stats.latest_rejected_at)
            if events:
                # Only what was delivered: events recorded meanwhile wait for the next one.
                forget_delivered(outbox, events)
        except NotAuthorisedError as exc:
            self._not_authorised(outbox, exc)
            return exc.problem
        except HQError as exc:
            log.info("heartbeat not delivered: %s", exc)
            return exc.problem
        return None

    def _not_authorised(self, outbox: Outbox, exc: Exception) -> None:
        log.error("sync stopped: %s; answers stay queued", exc)
        outbox.set_meta(NOT_AUTHORISED, utc_now())
        self._record_error(
            outbox,
            "kiosk not authorised",
            level=logging.ERROR,
            problem=Problem(problems.NOT_AUTHORISED),
        )

    def _record_error(
        self, outbox: Outbox, message: str, level: int = logging.INFO, *, problem: Problem
    ) -> None:
        # An unreachable HQ is part of a kiosk's normal life, not a warning.
        log.log(level, "sync: %s", message)
        outbox.set_meta(LAST_ERROR, message)
        # The same for the manager screen, in the store's language (sync.problems).
        problems.keep(outbox, problem)
        self._answer_request(problem)

    def _wait(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def _sleep(self, seconds: float) -> None:
        """Backoff: new answers do not cut it short; "sync now" and stopping do."""
        self._hurry.wait(seconds)
