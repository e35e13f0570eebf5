"""The kiosk's sync worker through a fault-injecting proxy to the real `ces-hq serve`.

Whatever the network or HQ does in between, once the faults stop HQ holds exactly the
answers the kiosk has marked as acknowledged: none lost, none twice, each with the content
the kiosk wrote. A batch keeps its request id across retries, a resend after a lost answer
comes back `duplicate`, Retry-After is a floor, a refused kiosk stops and keeps its queue,
and an answer HQ rejects is kept aside and never sent again.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from faultproxy import (
    Fault,
    FaultProxy,
    Seen,
    cut_mid_body,
    forward_then_drop,
    forward_then_hang,
    garbage_200,
    missing_results_200,
    slow,
    status,
)
from hqserver import HQService
from sync_fixtures import (
    enrol,
    hq_answers,
    hq_count,
    kiosk_acknowledged,
    kiosk_rows,
    running_hq,
    wait_until,
    write_answers,
)

from kiosk import sync_cli
from sync.backoff import Backoff
from sync.outbox import Outbox
from sync.worker import SyncStatus, SyncWorker, read_status

RESPONSES = "/api/v1/responses"
# Short enough that a test waiting out a hang takes seconds, long enough for a loaded CI box.
CLIENT_TIMEOUT = (1.0, 2.0)
WAIT_S = 60.0


@pytest.fixture(scope="module")
def hq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HQService]:
    yield from running_hq(tmp_path_factory.mktemp("hq"))


@dataclass
class Rig:
    """One enrolled kiosk whose HQ address is the fault proxy in front of the real HQ."""

    hq: HQService
    proxy: FaultProxy
    data_dir: Path
    kiosk_id: str
    outbox: Outbox
    workers: list[SyncWorker] = field(default_factory=list)

    def start(self, batch_size: int = 10) -> SyncWorker:
        worker = SyncWorker(
            self.data_dir,
            batch_size=batch_size,
            backoff=Backoff(base_s=0.01, cap_s=0.2),
            timeout=CLIENT_TIMEOUT,
        )
        self.workers.append(worker)
        worker.start()
        worker.wake()
        return worker

    def write(self, n: int, *, factor: str | None = None) -> list[str]:
        return write_answers(self.outbox, n, factor=factor)

    def status(self) -> SyncStatus:
        return read_status(self.outbox)

    def drain(self, worker: SyncWorker) -> None:
        """Wait until the worker finds nothing left to send."""
        worker.wake()
        assert worker.wait_until_idle(WAIT_S), "the worker did not empty its queue in time"
        assert self.status().pending == 0

    def assert_hq_holds_exactly_the_acknowledged_answers(self) -> None:
        rows = kiosk_rows(self.data_dir)
        waiting = [r["id"] for r in rows if r["synced_at"] is None and r["rejected_at"] is None]
        assert waiting == [], "answers never acknowledged"
        acknowledged = kiosk_acknowledged(self.data_dir)
        held = hq_answers(self.hq.data_dir, self.kiosk_id)
        assert sorted(held) == sorted(acknowledged)
        assert held == acknowledged

    def answer_requests(self) -> list[Seen]:
        return self.proxy.seen_on(RESPONSES)


@pytest.fixture
def rig(hq: HQService, tmp_path: Path) -> Iterator[Rig]:
    data_dir = tmp_path / "kiosk"
    # As on a kiosk: the app has opened its database before anyone enrols it.
    outbox = Outbox.open(data_dir)
    proxy = FaultProxy(hq.url).start()
    made: Rig | None = None
    try:
        made = Rig(hq, proxy, data_dir, enrol(data_dir, proxy.url, hq.add_kiosk()), outbox)
        yield made
    finally:
        for worker in made.workers if made is not None else []:
            worker.stop()
        proxy.stop()
        outbox.close()


def assert_batches_kept_their_request_id(seen: list[Seen]) -> None:
    """Every answer went out under one request id, and a request id always meant one batch."""
    ids_of_answer: dict[str, set[str | None]] = defaultdict(set)
    batches_of_id: dict[str | None, set[tuple[str, ...]]] = defaultdict(set)
    for request in seen:
        if request.fault.kind == "cut_mid_body":
            continue  # its body was never read whole
        for answer_id in request.answer_ids:
            ids_of_answer[answer_id].add(request.request_id)
        batches_of_id[request.request_id].add(request.answer_ids)
    assert None not in batches_of_id, "a batch went out without an X-Request-Id"
    assert {a: ids for a, ids in ids_of_answer.items() if len(ids) > 1} == {}
    assert {r: b for r, b in batches_of_id.items() if len(b) > 1} == {}


def more_requests_than(count: int) -> Callable[[list[Seen]], bool]:
    return lambda seen: len(seen) > count


# -- no faults ----------------------------------------------------------------------------


def test_without_faults_each_batch_goes_once(rig: Rig) -> None:
    ids = rig.write(35)
    rig.drain(rig.start(batch_size=10))
    rig.assert_hq_holds_exactly_the_acknowledged_answers()
    requests = rig.answer_requests()
    assert [len(r.answer_ids) for r in requests] == [10, 10, 10, 5]
    assert [a for r in requests for a in r.answer_ids] == ids
    assert all(set(r.upstream_results) == {"new"} for r in requests)
    assert len({r.request_id for r in requests}) == 4


# -- one kind of fault at a time -----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    faults: tuple[Fault, ...]
    # What HQ answers the attempt that finally gets through: "new" if no earlier attempt
    # reached HQ, "duplicate" if one did and only its answer was lost.
    resend: str


CASES = {
    "500/503 run": Case(
        (status(500), status(503), status(503), status(502), status(500), status(503)), "new"
    ),
    "408": Case((status(408), status(408)), "new"),
    "429 without Retry-After": Case((status(429),), "new"),
    "cut mid-body": Case((cut_mid_body(), cut_mid_body()), "new"),
    "answer lost after commit": Case((forward_then_drop(),), "duplicate"),
    "lost twice after commit": Case((forward_then_drop(), forward_then_drop()), "duplicate"),
    "timeout after commit": Case((forward_then_hang(5),), "duplicate"),
    "200 with garbage": Case((garbage_200(),), "duplicate"),
    "200 with missing results": Case((missing_results_200(),), "duplicate"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_fault_then_recovery_holds_every_answer_once(rig: Rig, case: Case) -> None:
    ids = rig.write(25)
    rig.proxy.plan(*case.faults)
    rig.drain(rig.start(batch_size=10))
    assert rig.proxy.planned() == 0, "not every fault was used"
    rig.assert_hq_holds_exactly_the_acknowledged_answers()
    requests = rig.answer_requests()
    assert_batches_kept_their_request_id(requests)
    # The first batch was tried once per fault and once more, the same batch each time.
    first = [r for r in requests if r.request_id == requests[0].request_id]
    assert [str(r.fault) for r in first] == [*map(str, case.faults), "pass"]
    assert first[-1].answer_ids == tuple(ids[:10])
    assert first[-1].upstream_results == (case.resend,) * 10
    # After it, each batch went once.
    rest = requests[len(first) :]
    assert [len(r.answer_ids) for r in rest] == [10, 5]
    assert all(r.upstream_results == ("new",) * len(r.answer_ids) for r in rest)
    assert rig.status().last_error is None


def test_slow_answers_within_the_timeout_are_not_retried(rig: Rig) -> None:
    rig.write(25)
    rig.proxy.plan(slow(0.5), slow(0.5), slow(0.5))
    rig.drain(rig.start(batch_size=10))
    rig.assert_hq_holds_exactly_the_acknowledged_answers()
    requests = rig.answer_requests()
    assert [str(r.fault) for r in requests] == ["slow(0.5)"] * 3
    assert all(r.done_at is not None and r.done_at - r.received_at >= 0.5 for r in requests)
    assert len({r.request_id for r in requests}) == 3


def test_a_request_slower_than_the_timeout_arrives_late_and_is_still_stored_once(
    rig: Rig,
) -> None:
    """The kiosk gives up and resends; the first attempt reaches HQ after the resend."""
    rig.write(10)
    rig.proxy.plan(slow(CLIENT_TIMEOUT[1] + 1.5))
    rig.drain(rig.start(batch_size=10))
    rig.proxy.wait_for(
        lambda seen: [s.forwarded for s in seen if s.path == RESPONSES][:1] == [True], WAIT_S
    )
    late = rig.answer_requests()[0]
    assert str(late.fault) == f"slow({CLIENT_TIMEOUT[1] + 1.5:g})"
    rig.assert_hq_holds_exactly_the_acknowledged_answers()
    requests = rig.answer_requests()
    assert_batches_kept_their_request_id(requests)
    assert requests[1].request_id == late.request_id
    assert requests[1].upstream_results == ("new",) * 10
    assert late.upstream_results == ("duplicate",) * 10
    assert hq_count(rig.hq.data_dir, rig.kiosk_id) == 10


# -- Retry-After ---------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "seconds"), [(429, 1), (503, 2)])
def test_retry_after_seconds_are_a_lower_bound(rig: Rig, code: int, seconds: int) -> None:
    rig.write(5)
    rig.proxy.plan(status(code, retry_after=seconds))
    rig.drain(rig.start())
    refused, retried = rig.answer_requests()
    assert refused.answered_status == code
    assert refused.done_at is not None
    # Measured in the proxy: from sending the refusal to the kiosk's next attempt. The
    # worker's own backoff is capped at 0.2 s here, so only Retry-After explains the wait.
    assert retried.received_at - refused.done_at >= seconds
    assert retried.request_id == refused.request_id
    rig.assert_hq_holds_exactly_the_acknowledged_answers()


def test_retry_after_as_a_date_is_a_lower_bound(rig: Rig) -> None:
    """Retry-After: <HTTP date>: no retry before that moment (whole seconds, UTC)."""
    not_before = int(time.time()) + 3
    header = format_datetime(datetime.fromtimestamp(not_before, UTC), usegmt=True)
    rig.write(5)
    rig.proxy.plan(status(429, retry_after=header))
    rig.drain(rig.start())
    refused, retried = rig.answer_requests()
    assert refused.answered_status == 429
    # The proxy's monotonic clock on the wall clock (both read together: microseconds apart).
    to_wall = time.time() - time.monotonic()
    assert retried.received_at + to_wall >= not_before
    assert retried.request_id == refused.request_id
    rig.assert_hq_holds_exactly_the_acknowledged_answers()


# -- what a manager sees ---------------------------------------------------------------------


def test_an_outage_shows_in_the_status_then_clears(rig: Rig) -> None:
    rig.write(12)
    rig.proxy.plan(status(503, retry_after=1), status(503, retry_after=1))
    worker = rig.start()
    wait_until(lambda: "503" in (rig.status().last_error or ""), WAIT_S, "the 503 in the status")
    during = rig.status()
    assert during.pending == 12
    assert during.authorised
    assert during.last_sync_at is None
    rig.drain(worker)
    after = rig.status()
    assert (after.pending, after.last_error, after.rejected) == (0, None, 0)
    assert after.last_sync_at is not None
    rig.assert_hq_holds_exactly_the_acknowledged_answers()


def test_answers_keep_coming_during_a_run_of_every_fault(rig: Rig) -> None:
    """Shoppers keep answering while HQ and the network misbehave in every way in turn."""
    worker = rig.start(batch_size=7)
    rig.proxy.plan(
        status(500),
        cut_mid_body(),
        forward_then_drop(),
        garbage_200(),
        status(429, retry_after=1),
        missing_results_200(),
        slow(0.2),
        status(503),
        forward_then_drop(),
        cut_mid_body(),
        missing_results_200(),
        status(502),
        garbage_200(),
    )
    written: list[str] = []
    for _ in range(6):
        before = len(rig.proxy.seen)
        written += rig.write(9)
        worker.wake()
        # Each group of shoppers arrives while the worker is busy with the one before.
        rig.proxy.wait_for(more_requests_than(before), timeout=WAIT_S)
    wait_until(lambda: rig.proxy.planned() == 0, WAIT_S, "every fault to be used")
    rig.drain(worker)
    rig.assert_hq_holds_exactly_the_acknowledged_answers()
    assert sorted(kiosk_acknowledged(rig.data_dir)) == sorted(written)
    assert_batches_kept_their_request_id(rig.answer_requests())


# -- refusals ------------------------------------------------------------------------------


def test_a_revoked_kiosk_stops_syncing_and_keeps_its_queue(
    rig: Rig, expect_log: Callable[[str, str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    expect_log("effortless.sync", "not authorised")
    rig.write(5)
    worker = rig.start()
    rig.drain(worker)
    rig.hq.revoke(rig.kiosk_id)
    later = rig.write(7)
    worker.wake()
    wait_until(lambda: not rig.status().authorised, WAIT_S, "the kiosk to stop syncing")
    refused = rig.answer_requests()[-1]
    assert refused.upstream_status == 401
    # Stopped for good: another new answer makes no request.
    count = len(rig.proxy.seen)
    rig.write(1)
    worker.wake()
    assert worker.wait_until_idle(WAIT_S)
    assert len(rig.proxy.seen) == count
    current = rig.status()
    assert current.last_error == "kiosk not authorised"
    assert current.pending == 8
    rows = {r["id"]: r for r in kiosk_rows(rig.data_dir)}
    assert all(rows[i]["synced_at"] is None and rows[i]["rejected_at"] is None for i in later)
    assert hq_count(rig.hq.data_dir, rig.kiosk_id) == 5
    # What the manager sees on the kiosk.
    assert sync_cli.status(argparse.Namespace(data_dir=rig.data_dir, json=False)) == 0
    shown = capsys.readouterr().out
    assert "(kiosk not authorised)" in shown
    assert "queued answers:   8" in shown


def test_403_stops_syncing_until_someone_asks_again(
    rig: Rig, expect_log: Callable[[str, str], None]
) -> None:
    expect_log("effortless.sync", "not authorised")
    rig.write(6)
    rig.proxy.plan(status(403))
    worker = rig.start()
    wait_until(lambda: not rig.status().authorised, WAIT_S, "the kiosk to stop syncing")
    worker.wake()
    assert worker.wait_until_idle(WAIT_S)
    assert [r.answered_status for r in rig.answer_requests()] == [403]
    assert rig.status().pending == 6
    worker.stop()
    # A person runs `ces-kiosk sync` by hand: the token is still good, so it goes through.
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "ces-kiosk"),
            "sync",
            "--data-dir",
            str(rig.data_dir),
            "--until-empty",
            "--timeout",
            "60",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "HQ has every answer" in result.stdout
    rig.assert_hq_holds_exactly_the_acknowledged_answers()
    assert rig.status().authorised


def test_a_rejected_answer_is_kept_aside_and_never_sent_again(
    rig: Rig, expect_log: Callable[[str, str], None]
) -> None:
    expect_log("effortless.sync", r"HQ rejected answer .*factor")
    good = rig.write(4)
    (bad,) = rig.write(1, factor="teleport")
    good += rig.write(4)
    worker = rig.start(batch_size=10)
    rig.drain(worker)
    (only,) = rig.answer_requests()
    assert only.answer_ids.count(bad) == 1
    assert only.upstream_results.count("rejected") == 1
    row = next(r for r in kiosk_rows(rig.data_dir) if r["id"] == bad)
    assert row["synced_at"] is None
    assert row["rejected_at"] is not None
    assert "factor" in row["reject_reason"]
    assert "teleport" in row["reject_reason"]
    assert [r["id"] for r in rig.outbox.rejected()] == [bad]
    # More answers, more syncing: the rejected one is not among what is sent.
    good += rig.write(3)
    rig.drain(worker)
    requests = rig.answer_requests()
    assert len(requests) == 2
    assert bad not in requests[1].answer_ids
    assert sum(r.answer_ids.count(bad) for r in requests) == 1
    current = rig.status()
    assert (current.pending, current.rejected, current.last_error) == (0, 1, None)
    assert bad not in hq_answers(rig.hq.data_dir, rig.kiosk_id)
    rig.assert_hq_holds_exactly_the_acknowledged_answers()
    assert sorted(kiosk_acknowledged(rig.data_dir)) == sorted(good)


def test_a_stopped_worker_resumes_the_same_queue(rig: Rig) -> None:
    """A kiosk restarted in the middle of an outage sends what it had queued, once."""
    rig.write(20)
    rig.proxy.plan(forward_then_drop(), status(503, retry_after=5))
    first = rig.start(batch_size=10)
    rig.proxy.wait_for(lambda seen: len([s for s in seen if s.path == RESPONSES]) >= 2, WAIT_S)
    started = time.monotonic()
    first.stop()
    # Stopping does not wait out HQ's Retry-After.
    assert time.monotonic() - started < 3
    rig.drain(rig.start(batch_size=10))
    rig.assert_hq_holds_exactly_the_acknowledged_answers()
    requests = rig.answer_requests()
    # The new worker's first batch is the same answers (a new request id is fine: it is a
    # new process's request), and HQ recognised them.
    assert requests[2].answer_ids == requests[0].answer_ids
    assert requests[2].upstream_results == ("duplicate",) * 10


def test_hq_down_then_back_on_the_same_address(tmp_path: Path) -> None:
    """HQ's process stops (connection refused) and comes back: the queue goes through once."""
    hq = HQService(tmp_path / "hq").start()
    try:
        data_dir = tmp_path / "kiosk"
        with closing(Outbox.open(data_dir)) as outbox:
            enrol(data_dir, hq.url, hq.add_kiosk())
            kiosk_id = outbox.settings.get("kiosk_id")
            assert kiosk_id
            write_answers(outbox, 15)
            hq.stop()
            worker = SyncWorker(
                data_dir,
                batch_size=10,
                backoff=Backoff(base_s=0.01, cap_s=0.2),
                timeout=CLIENT_TIMEOUT,
            )
            worker.start()
            try:
                worker.wake()
                wait_until(
                    lambda: "not reachable" in (read_status(outbox).last_error or ""),
                    WAIT_S,
                    "the kiosk to notice HQ is gone",
                )
                assert read_status(outbox).pending == 15
                hq.start()
                worker.wake()
                assert worker.wait_until_idle(WAIT_S)
            finally:
                worker.stop()
            current = read_status(outbox)
            assert (current.pending, current.last_error) == (0, None)
        assert hq_answers(hq.data_dir, kiosk_id) == kiosk_acknowledged(data_dir)
    finally:
        hq.stop()
