"""The flow state machine without Qt: every path a shopper can take, with a manual
clock and a real outbox file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ces.assets import surveys_dir
from ces.survey import Survey, load_survey, parse_survey
from kiosk.flow.clock import ManualClock
from kiosk.flow.machine import Flow, FlowState, Placement, Screen, Timing
from sync.outbox import Outbox

IN_STORE = surveys_dir() / "in_store_purchase.json"
RETURNS = surveys_dir() / "returns_desk.json"


@pytest.fixture
def outbox(data_dir: Path) -> Iterator[Outbox]:
    box = Outbox.open(data_dir)
    yield box
    box.close()


def make_flow(
    outbox: Outbox, clock: ManualClock, survey_path: Path = IN_STORE, **kwargs: Any
) -> Flow:
    survey = load_survey(survey_path)
    return Flow(
        survey, outbox, clock, Placement(kiosk_id=outbox.kiosk_id(), store_id="s042"), **kwargs
    )


def variant(path: Path, **changes: Any) -> Survey:
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc.update(changes)
    return parse_survey(json.dumps(doc).encode(), source="variant.json")


class Shopper:
    """Taps with a human pause before each, so debouncing never gets in the way."""

    def __init__(self, flow: Flow, clock: ManualClock) -> None:
        self.flow = flow
        self.clock = clock

    def __getattr__(self, name: str) -> Any:
        action = getattr(self.flow, name)

        def tap(*args: Any) -> bool:
            self.clock.advance(1.0)
            return bool(action(*args))

        return tap


@pytest.fixture
def flow(outbox: Outbox, clock: ManualClock) -> Flow:
    return make_flow(outbox, clock)


@pytest.fixture
def shopper(flow: Flow, clock: ManualClock) -> Shopper:
    return Shopper(flow, clock)


def only_row(outbox: Outbox) -> dict[str, Any]:
    rows = outbox.rows()
    assert len(rows) == 1, rows
    return rows[0]


def test_a_complete_visit_writes_one_completed_row(
    shopper: Shopper, flow: Flow, outbox: Outbox
) -> None:
    assert flow.state.screen is Screen.ATTRACT
    assert shopper.start()
    assert flow.state.screen is Screen.QUESTION
    assert outbox.rows() == []
    assert shopper.answer_score(6)
    row = only_row(outbox)
    assert (row["score"], row["outcome"], row["factor"]) == (6, None, None)
    assert flow.state.screen is Screen.WHY
    assert shopper.choose_factor("service")
    assert only_row(outbox)["factor"] == "service"
    assert flow.state.screen is Screen.COMMENT
    assert shopper.submit_comment("De kassa was snel")
    row = only_row(outbox)
    assert row["outcome"] == "completed"
    assert row["comment"] == "De kassa was snel"
    assert row["survey_id"] == "in_store_purchase"
    assert row["scale"] == "ces7"
    assert row["store_id"] == "s042"
    assert row["touchpoint"] == "in_store_purchase"
    assert row["locale"] == "nl"
    assert row["flags"] == []
    assert row["started_at"] < row["answered_at"] <= row["finished_at"]
    assert row["started_at"].endswith("Z")
    assert flow.state.screen is Screen.THANKS


def test_each_answer_is_on_disk_before_the_next_screen(
    outbox: Outbox, clock: ManualClock, data_dir: Path
) -> None:
    flow = make_flow(outbox, clock)
    seen: list[tuple[str, Any]] = []

    def on_state(state: FlowState) -> None:
        # A second connection sees only what was committed.
        reader = Outbox.attach(data_dir)
        try:
            rows = reader.rows()
        finally:
            reader.close()
        seen.append((state.screen.value, rows[0] if rows else None))

    flow.subscribe(on_state)
    shopper = Shopper(flow, clock)
    shopper.start()
    shopper.answer_score(2)
    shopper.choose_factor("price")
    shopper.skip_comment()
    screens = dict((screen, row) for screen, row in seen)
    assert screens["why"]["score"] == 2
    assert screens["comment"]["factor"] == "price"
    assert screens["thanks"]["outcome"] == "completed"


def test_skipping_the_factor_and_comment_still_completes(shopper: Shopper, outbox: Outbox) -> None:
    shopper.start()
    shopper.answer_score(3)
    assert shopper.skip_factor()
    assert shopper.skip_comment()
    row = only_row(outbox)
    assert (row["factor"], row["comment"], row["outcome"]) == (None, None, "completed")


def test_comment_is_scrubbed_and_cut_to_the_maximum_length(
    shopper: Shopper, outbox: Outbox, flow: Flow
) -> None:
    shopper.start()
    shopper.answer_score(5)
    shopper.choose_factor("ease")
    assert flow.survey is not None
    limit = flow.survey.comment.max_length
    shopper.submit_comment("mail jan@example.nl of bel 06-12345678 " + "x" * 1000)
    comment = only_row(outbox)["comment"]
    assert "jan@example.nl" not in comment
    assert "12345678" not in comment
    assert "[e-mail]" in comment
    assert "[phone]" in comment
    assert len(comment) == limit


def test_a_blank_comment_is_stored_as_none(shopper: Shopper, outbox: Outbox) -> None:
    shopper.start()
    shopper.answer_score(5)
    shopper.choose_factor("ease")
    shopper.submit_comment("   \n\t ")
    assert only_row(outbox)["comment"] is None


def test_without_comment_screen_the_factor_completes_the_row(
    outbox: Outbox, clock: ManualClock
) -> None:
    flow = make_flow(outbox, clock, RETURNS)
    shopper = Shopper(flow, clock)
    # The returns desk asks its question on the attract screen: the first tap is the answer.
    assert flow.state.screen is Screen.ATTRACT
    assert shopper.answer_score(2)
    assert flow.state.screen is Screen.WHY
    assert shopper.choose_factor("waiting")
    row = only_row(outbox)
    assert (row["score"], row["factor"], row["outcome"], row["scale"]) == (
        2,
        "waiting",
        "completed",
        "smiley5",
    )
    assert flow.state.screen is Screen.THANKS


def test_scores_outside_the_scale_are_ignored(shopper: Shopper, outbox: Outbox, flow: Flow) -> None:
    shopper.start()
    for bad in (0, 8, -1, True):
        assert not shopper.answer_score(bad)
    assert not shopper.choose_factor("price")  # not on the why screen yet
    assert outbox.rows() == []
    assert flow.state.screen is Screen.QUESTION
    shopper.answer_score(7)
    assert not shopper.choose_factor("no-such-factor")
    assert flow.state.screen is Screen.WHY


def test_a_double_tap_is_one_answer(flow: Flow, clock: ManualClock, outbox: Outbox) -> None:
    clock.advance(1)
    flow.start()
    clock.advance(1)
    assert flow.answer_score(4)
    # The second tap of a double tap lands 80 ms later on the why screen's buttons.
    clock.advance(0.08)
    assert not flow.choose_factor("price")
    assert not flow.skip_factor()
    assert flow.state.screen is Screen.WHY
    assert only_row(outbox)["factor"] is None
    clock.advance(flow.timing.debounce_s)
    assert flow.choose_factor("price")


def test_idle_shopper_is_asked_then_given_up_on_with_a_partial_answer(
    shopper: Shopper, flow: Flow, clock: ManualClock, outbox: Outbox
) -> None:
    shopper.start()
    shopper.answer_score(1)
    assert flow.survey is not None
    clock.advance(flow.survey.idle_timeout_s - 0.5)
    flow.tick()
    assert not flow.state.still_there
    clock.advance(0.5)
    flow.tick()
    assert flow.state.still_there
    assert flow.state.screen is Screen.WHY
    assert not flow.choose_factor("price")  # covered by the "still there?" prompt
    clock.advance(flow.timing.still_there_s)
    flow.tick()
    assert flow.state.screen is Screen.ATTRACT
    row = only_row(outbox)
    assert (row["score"], row["outcome"]) == (1, "timeout")
    assert row["finished_at"] is not None


def test_still_here_continues_where_the_shopper_was(
    shopper: Shopper, flow: Flow, clock: ManualClock, outbox: Outbox
) -> None:
    shopper.start()
    shopper.answer_score(6)
    assert flow.survey is not None
    clock.advance(flow.survey.idle_timeout_s)
    flow.tick()
    assert flow.state.still_there
    assert flow.still_here()
    assert not flow.state.still_there
    assert flow.state.screen is Screen.WHY
    clock.advance(flow.survey.idle_timeout_s - 1)
    flow.tick()
    assert not flow.state.still_there  # the timer started again
    shopper.choose_factor("price")
    shopper.skip_comment()
    assert only_row(outbox)["outcome"] == "completed"


def test_typing_keeps_the_comment_screen_alive(
    shopper: Shopper, flow: Flow, clock: ManualClock
) -> None:
    shopper.start()
    shopper.answer_score(6)
    shopper.choose_factor("price")
    assert flow.survey is not None
    for _ in range(5):
        clock.advance(flow.survey.idle_timeout_s - 1)
        flow.activity()
        flow.tick()
    assert not flow.state.still_there


def test_walking_away_before_a_score_leaves_no_row(
    shopper: Shopper, flow: Flow, clock: ManualClock, outbox: Outbox
) -> None:
    shopper.start()
    assert flow.survey is not None
    clock.advance(flow.survey.idle_timeout_s)
    flow.tick()
    clock.advance(flow.timing.still_there_s)
    flow.tick()
    assert flow.state.screen is Screen.ATTRACT
    assert outbox.rows() == []


def test_nothing_carries_over_to_the_next_shopper(
    shopper: Shopper, flow: Flow, clock: ManualClock, outbox: Outbox
) -> None:
    shopper.choose_locale("en")
    shopper.start()
    shopper.answer_score(2)
    assert flow.survey is not None
    clock.advance(flow.survey.idle_timeout_s + flow.timing.still_there_s)
    flow.tick()
    clock.advance(flow.timing.still_there_s)
    flow.tick()
    assert flow.state == FlowState(Screen.ATTRACT, "nl")
    shopper.start()
    shopper.answer_score(7)
    rows = outbox.rows()
    assert [r["locale"] for r in rows] == ["en", "nl"]
    assert rows[0]["id"] != rows[1]["id"]
    assert rows[1]["seq"] == rows[0]["seq"] + 1


def test_thank_you_returns_to_attract_by_itself_or_on_a_tap(
    shopper: Shopper, flow: Flow, clock: ManualClock
) -> None:
    for dismiss in (False, True):
        shopper.start()
        shopper.answer_score(5)
        shopper.skip_factor()
        shopper.skip_comment()
        assert flow.state.screen is Screen.THANKS
        if dismiss:
            assert shopper.dismiss_thanks()
        else:
            clock.advance(flow.timing.thanks_s)
            flow.tick()
        assert flow.state.screen is Screen.ATTRACT


def test_language_switch_changes_the_row_locale(
    shopper: Shopper, flow: Flow, outbox: Outbox
) -> None:
    shopper.start()
    assert shopper.choose_locale("en")
    assert flow.state.locale == "en"
    assert not shopper.choose_locale("xx")  # not a language at all
    shopper.answer_score(6)
    shopper.choose_factor("price")
    shopper.skip_comment()
    assert only_row(outbox)["locale"] == "en"


def test_a_language_the_survey_does_not_have_is_not_chosen(
    outbox: Outbox, clock: ManualClock
) -> None:
    flow = make_flow(outbox, clock, surveys_dir() / "returns_desk.json")
    shopper = Shopper(flow, clock)
    assert not shopper.choose_locale("fr")  # the kiosk speaks it; this survey does not
    assert shopper.choose_locale("en")
    assert flow.state.locale == "en"


def test_a_language_chosen_then_abandoned_on_attract_is_reset(
    shopper: Shopper, flow: Flow, clock: ManualClock
) -> None:
    shopper.choose_locale("en")
    assert flow.survey is not None
    clock.advance(flow.survey.idle_timeout_s)
    flow.tick()
    assert flow.state.locale == "nl"


def test_the_kiosk_language_option_sets_where_every_session_starts(
    outbox: Outbox, clock: ManualClock
) -> None:
    flow = make_flow(outbox, clock, default_locale="en")
    assert flow.state.locale == "en"
    unknown = make_flow(outbox, clock, default_locale="xx")
    assert unknown.state.locale == "nl"


def test_a_run_of_impossibly_fast_completions_is_flagged_not_dropped(
    shopper: Shopper, outbox: Outbox, flow: Flow
) -> None:
    for _ in range(4):
        shopper.start()
        shopper.answer_score(7)
        shopper.skip_factor()
        shopper.skip_comment()
        shopper.dismiss_thanks()
    flags = [r["flags"] for r in outbox.rows()]
    assert len(flags) == 4
    assert flags[:2] == [[], []]
    assert flags[2:] == [["rapid"], ["rapid"]]


def test_shoppers_at_a_human_pace_are_not_flagged(
    shopper: Shopper, outbox: Outbox, clock: ManualClock
) -> None:
    for _ in range(5):
        shopper.start()
        shopper.answer_score(7)
        shopper.skip_factor()
        shopper.skip_comment()
        clock.advance(8)
        shopper.dismiss_thanks()
    assert all(r["flags"] == [] for r in outbox.rows())


def test_a_storage_failure_shows_out_of_order_never_thanks(
    outbox: Outbox, clock: ManualClock, expect_log: Any
) -> None:
    expect_log("effortless.flow", "could not store an answer")
    flow = make_flow(outbox, clock)
    shopper = Shopper(flow, clock)
    shopper.start()
    outbox.close()  # the database goes away under the kiosk
    shopper.answer_score(6)
    assert flow.state.screen is Screen.OUT_OF_ORDER
    assert "storage error" in flow.state.reason
    clock.advance(flow.timing.out_of_order_retry_s)
    flow.tick()
    assert flow.state.screen is Screen.ATTRACT


def test_without_a_survey_the_flow_stays_out_of_order(outbox: Outbox, clock: ManualClock) -> None:
    flow = Flow(None, outbox, clock, Placement(kiosk_id="k"), out_of_order_reason="no survey")
    assert flow.state.screen is Screen.OUT_OF_ORDER
    clock.advance(3600)
    flow.tick()
    assert not flow.start()
    assert not flow.answer_score(5)
    assert flow.state.screen is Screen.OUT_OF_ORDER


def test_a_new_survey_waits_until_the_shopper_is_done(
    shopper: Shopper, flow: Flow, outbox: Outbox
) -> None:
    shopper.start()
    shopper.answer_score(6)
    newer = variant(IN_STORE, version=2)
    flow.replace_survey(newer)
    assert flow.survey is not None
    assert flow.survey.version == 1
    shopper.choose_factor("price")
    shopper.skip_comment()
    assert only_row(outbox)["survey_version"] == 1
    shopper.dismiss_thanks()
    assert flow.survey is not None
    assert flow.survey.version == 2


def test_ces5_scale_is_stored_as_given(outbox: Outbox, clock: ManualClock) -> None:
    survey = variant(IN_STORE, scale="ces5")
    flow = Flow(survey, outbox, clock, Placement(kiosk_id="k"), timing=Timing())
    shopper = Shopper(flow, clock)
    shopper.start()
    assert not shopper.answer_score(6)
    assert shopper.answer_score(5)
    assert only_row(outbox)["scale"] == "ces5"


class FlakyDisk:
    """The real outbox behind a switch that makes the next writes fail, like a full disk."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.failing = False

    def begin(self, answer: Any) -> str:
        if self.failing:
            raise OSError("disk full")
        return self.outbox.begin(answer)

    def update(self, answer_id: str, changes: Any) -> None:
        if self.failing:
            raise OSError("disk full")
        self.outbox.update(answer_id, changes)


def test_an_interrupted_answer_is_closed_once_storage_works_again(
    outbox: Outbox, clock: ManualClock, expect_log: Any
) -> None:
    expect_log("effortless.flow", "could not store an answer")
    disk = FlakyDisk(outbox)
    flow = Flow(load_survey(IN_STORE), disk, clock, Placement(kiosk_id="k"))
    shopper = Shopper(flow, clock)
    shopper.start()
    shopper.answer_score(3)
    disk.failing = True
    shopper.choose_factor("price")
    assert flow.state.screen is Screen.OUT_OF_ORDER
    assert only_row(outbox)["outcome"] is None
    disk.failing = False
    clock.advance(flow.timing.out_of_order_retry_s)
    flow.tick()
    assert flow.state.screen is Screen.ATTRACT
    row = only_row(outbox)
    assert (row["score"], row["factor"], row["outcome"]) == (3, None, "timeout")


def test_a_full_disk_mid_session_is_one_log_line_without_a_traceback(
    outbox: Outbox, clock: ManualClock, expect_log: Any, caplog: pytest.LogCaptureFixture
) -> None:
    expect_log("effortless.flow", "could not store an answer")
    disk = FlakyDisk(outbox)
    flow = Flow(load_survey(IN_STORE), disk, clock, Placement(kiosk_id="k"))
    shopper = Shopper(flow, clock)
    shopper.start()
    disk.failing = True
    shopper.answer_score(3)
    assert flow.state.screen is Screen.OUT_OF_ORDER
    lines = [r for r in caplog.records if r.name == "effortless.flow"]
    assert [r.getMessage() for r in lines] == ["could not store an answer: disk full"]
    assert lines[0].exc_info is None
