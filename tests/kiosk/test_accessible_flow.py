"""The shopper's accessibility mode in the flow (no Qt): switched on from any shopper
screen, for this shopper only, with more time everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ces.assets import surveys_dir
from ces.survey import load_survey
from kiosk.flow.clock import ManualClock
from kiosk.flow.machine import Flow, Placement, Screen
from sync.outbox import Outbox


@pytest.fixture
def outbox(data_dir: Path) -> Iterator[Outbox]:
    box = Outbox.open(data_dir)
    yield box
    box.close()


@pytest.fixture
def flow(outbox: Outbox, clock: ManualClock) -> Flow:
    survey = load_survey(surveys_dir() / "in_store_purchase.json")
    return Flow(survey, outbox, clock, Placement(kiosk_id=outbox.kiosk_id(), store_id="s042"))


def tap(clock: ManualClock, action: object, *args: object) -> bool:
    clock.advance(1.0)
    assert callable(action)
    return bool(action(*args))


def idle_until_still_there(flow: Flow, clock: ManualClock) -> float:
    """Seconds of doing nothing until "still there?" shows (checked each second)."""
    waited = 0.0
    while not flow.state.still_there:
        clock.advance(1.0)
        waited += 1.0
        flow.tick()
        assert waited < 3600
    return waited


def test_the_mode_can_be_switched_on_and_off_on_every_shopper_screen(
    flow: Flow, clock: ManualClock
) -> None:
    assert not flow.state.accessible
    assert tap(clock, flow.toggle_accessible)
    assert flow.state.accessible
    assert flow.state.screen is Screen.ATTRACT
    assert tap(clock, flow.start)
    assert flow.state.accessible, "starting the survey kept the mode"
    assert tap(clock, flow.toggle_accessible)
    assert not flow.state.accessible
    assert tap(clock, flow.toggle_accessible)
    assert tap(clock, flow.answer_score, 6)
    assert flow.state.screen is Screen.WHY
    assert flow.state.accessible
    assert tap(clock, flow.toggle_accessible)
    assert tap(clock, flow.toggle_accessible)
    assert tap(clock, flow.choose_factor, "price")
    assert flow.state.screen is Screen.COMMENT
    assert flow.state.accessible
    assert tap(clock, flow.skip_comment)
    assert flow.state.screen is Screen.THANKS
    assert flow.state.accessible


def test_the_next_shopper_starts_without_the_mode(flow: Flow, clock: ManualClock) -> None:
    tap(clock, flow.toggle_accessible)
    tap(clock, flow.start)
    tap(clock, flow.answer_score, 6)
    tap(clock, flow.skip_factor)
    tap(clock, flow.skip_comment)
    assert flow.state.screen is Screen.THANKS
    assert flow.state.accessible
    assert tap(clock, flow.dismiss_thanks)
    assert flow.state.screen is Screen.ATTRACT
    assert not flow.state.accessible


def test_the_mode_switched_on_and_left_on_the_attract_screen_is_forgotten(
    flow: Flow, clock: ManualClock
) -> None:
    tap(clock, flow.toggle_accessible)
    clock.advance(flow.timing.accessible_idle_s)
    flow.tick()
    assert not flow.state.accessible


def test_still_there_gives_at_least_twenty_seconds(flow: Flow, clock: ManualClock) -> None:
    tap(clock, flow.start)
    idle_until_still_there(flow, clock)
    clock.advance(19.5)
    flow.tick()
    assert flow.state.still_there
    assert flow.state.screen is Screen.QUESTION
    assert flow.still_here()
    assert flow.state.screen is Screen.QUESTION
    assert not flow.state.still_there


def test_the_mode_gives_a_minute_before_still_there_and_longer_to_answer_it(
    flow: Flow, clock: ManualClock, outbox: Outbox
) -> None:
    tap(clock, flow.toggle_accessible)
    tap(clock, flow.start)
    assert flow.survey is not None
    assert flow.survey.idle_timeout_s < 60
    assert idle_until_still_there(flow, clock) >= 60
    clock.advance(flow.timing.still_there_s + 5)
    flow.tick()
    assert flow.state.still_there, "given up as fast as without the mode"
    clock.advance(flow.timing.accessible_still_there_s)
    flow.tick()
    assert flow.state.screen is Screen.ATTRACT
    assert not flow.state.accessible
    assert outbox.rows() == []


def test_the_thanks_stays_long_enough_to_be_read_out(flow: Flow, clock: ManualClock) -> None:
    tap(clock, flow.toggle_accessible)
    tap(clock, flow.start)
    tap(clock, flow.answer_score, 7)
    tap(clock, flow.skip_factor)
    tap(clock, flow.skip_comment)
    clock.advance(flow.timing.thanks_s + 0.5)
    flow.tick()
    assert flow.state.screen is Screen.THANKS
    clock.advance(flow.timing.accessible_thanks_s)
    flow.tick()
    assert flow.state.screen is Screen.ATTRACT


def test_the_mode_is_not_a_tap_under_still_there(flow: Flow, clock: ManualClock) -> None:
    tap(clock, flow.start)
    idle_until_still_there(flow, clock)
    assert not flow.toggle_accessible()
    assert not flow.state.accessible
