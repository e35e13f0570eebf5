"""The shopper's way through a survey, as a state machine without Qt.

The view renders ``Flow.state`` and forwards taps; every decision (what comes next,
what is written, when an idle shopper is given up on) is made here, with time taken
from an injected clock so that tests can move it by hand.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

from ces.answer import (
    COMPLETED,
    RAPID_FLAG,
    RAPID_RUN,
    RAPID_WINDOW_S,
    TIMEOUT,
    AnswerStoreError,
    NewAnswer,
)
from ces.survey import Survey
from ces.timestamps import iso_utc
from kiosk.flow.clock import Clock
from kiosk.flow.hours import Reopening, StoreHours, reopening
from kiosk.flow.texts import UI_TEXT

log = logging.getLogger("effortless.flow")

# Storage faults a kiosk meets in the field; anything else is logged with its traceback.
_PASSING_FAULTS = (OSError, sqlite3.OperationalError, AnswerStoreError)


class Screen(StrEnum):
    ATTRACT = "attract"
    QUESTION = "question"
    WHY = "why"
    COMMENT = "comment"
    THANKS = "thanks"
    OUT_OF_ORDER = "out_of_order"
    # Outside the store's opening hours: no answers taken.
    CLOSED = "closed"


QUESTION_SCREENS = frozenset({Screen.QUESTION, Screen.WHY, Screen.COMMENT})
# Between shoppers: where the store's hours may close or open the kiosk.
IDLE_SCREENS = frozenset({Screen.ATTRACT, Screen.CLOSED})


class Recorder(Protocol):
    """Where answers go (the kiosk's outbox); raises ``AnswerStoreError`` when it cannot."""

    def begin(self, answer: NewAnswer) -> str: ...

    def update(self, answer_id: str, changes: Mapping[str, Any]) -> None: ...


@dataclass(frozen=True)
class Timing:
    # A second tap of a double tap lands on the next screen; taps this soon after a
    # screen change are ignored.
    debounce_s: float = 0.35
    # WCAG 2.2.1 (timing adjustable) asks for at least 20 s to answer "still there?".
    still_there_s: float = 20.0
    thanks_s: float = 4.0
    # The shopper's accessibility mode: more time everywhere (docs/accessibility.md).
    accessible_idle_s: float = 60.0
    accessible_still_there_s: float = 30.0
    accessible_thanks_s: float = 10.0
    # The rapid rule (ces.answer): this many completions within the window are faster
    # than people can queue.
    rapid_window_s: float = RAPID_WINDOW_S
    rapid_run: int = RAPID_RUN
    out_of_order_retry_s: float = 30.0


@dataclass(frozen=True)
class Placement:
    """Where this kiosk stands; written into every row."""

    kiosk_id: str
    store_id: str | None = None
    touchpoint: str | None = None


@dataclass(frozen=True)
class FlowState:
    screen: Screen
    locale: str
    still_there: bool = False
    score: int | None = None
    factor: str | None = None
    answer_id: str | None = None
    reason: str = ""
    # On the closed screen: when the store opens again (None: it never does).
    reopens: Reopening | None = None
    # The shopper switched on the accessibility mode (larger text, high contrast, speech,
    # low reach, more time); for this shopper only: the next one starts without it.
    accessible: bool = False


class Flow:
    def __init__(
        self,
        survey: Survey | None,
        recorder: Recorder,
        clock: Clock,
        placement: Placement,
        timing: Timing | None = None,
        out_of_order_reason: str = "",
        default_locale: str | None = None,
        failure_reason: Callable[[Exception, str], str] | None = None,
    ) -> None:
        """``failure_reason``: the out-of-order screen's words for a failed write, in a
        locale (the kiosk's catalog knows the recorder's errors; the flow does not)."""
        self._recorder = recorder
        self._failure_reason = failure_reason
        self._clock = clock
        self._placement = placement
        self.timing = timing or Timing()
        self._survey = survey
        self._preferred_locale = default_locale
        self._pending_survey: Survey | None = None
        self._listeners: list[Callable[[FlowState], None]] = []
        self._completions: deque[float] = deque()
        now = clock.monotonic()
        self._screen_since = now - self.timing.debounce_s
        self._last_input = now
        self._started_at = ""
        self._hours = StoreHours()
        if survey is None:
            locale = "nl"
            if default_locale is not None and default_locale in UI_TEXT:
                locale = default_locale
            self._state = FlowState(Screen.OUT_OF_ORDER, locale, reason=out_of_order_reason)
        else:
            self._state = FlowState(Screen.ATTRACT, self._home_locale())

    # -- observing --------------------------------------------------------------------

    @property
    def state(self) -> FlowState:
        return self._state

    @property
    def survey(self) -> Survey | None:
        return self._survey

    def subscribe(self, listener: Callable[[FlowState], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _set(self, state: FlowState) -> None:
        if state.screen != self._state.screen or state.still_there != self._state.still_there:
            self._screen_since = self._clock.monotonic()
        self._state = state
        for listener in list(self._listeners):
            listener(state)

    # -- inputs: each returns whether the tap was taken ----------------------------------

    def _accept_tap(self, *screens: Screen) -> bool:
        now = self._clock.monotonic()
        if self._state.screen not in screens or self._state.still_there:
            return False
        if now - self._screen_since < self.timing.debounce_s:
            return False
        self._last_input = now
        return True

    def start(self) -> bool:
        """A tap on the attract screen (not on a language or score button)."""
        if not self._accept_tap(Screen.ATTRACT):
            return False
        self._started_at = iso_utc(self._clock.utcnow())
        self._set(replace(self._state, screen=Screen.QUESTION))
        return True

    def choose_locale(self, locale: str) -> bool:
        survey = self._survey
        if survey is None or locale not in survey.locales:
            return False
        if not self._accept_tap(Screen.ATTRACT, *QUESTION_SCREENS):
            return False
        if locale != self._state.locale:
            self._set(replace(self._state, locale=locale))
        return True

    def answer_score(self, score: int) -> bool:
        survey = self._survey
        if survey is None or not survey.scale.is_valid(score):
            return False
        on_attract = survey.attract_mode == "question"
        screens = (Screen.QUESTION, Screen.ATTRACT) if on_attract else (Screen.QUESTION,)
        if self._state.answer_id is not None or not self._accept_tap(*screens):
            return False
        if self._state.screen == Screen.ATTRACT:
            self._started_at = iso_utc(self._clock.utcnow())
        answer = NewAnswer(
            kiosk_id=self._placement.kiosk_id,
            store_id=self._placement.store_id,
            touchpoint=self._placement.touchpoint or survey.touchpoint,
            survey_id=survey.id,
            survey_version=survey.version,
            locale=self._state.locale,
            scale=survey.scale.id,
            score=score,
            started_at=self._started_at,
            answered_at=iso_utc(self._clock.utcnow()),
        ).with_id()
        if not self._write(lambda: self._recorder.begin(answer)):
            return True
        self._set(replace(self._state, screen=Screen.WHY, score=score, answer_id=answer.id))
        return True

    def choose_factor(self, factor_id: str) -> bool:
        survey = self._survey
        if survey is None or survey.factor(factor_id) is None:
            return False
        if not self._accept_tap(Screen.WHY):
            return False
        return self._after_why(factor_id)

    def skip_factor(self) -> bool:
        if not self._accept_tap(Screen.WHY):
            return False
        return self._after_why(None)

    def _after_why(self, factor_id: str | None) -> bool:
        assert self._survey is not None
        assert self._state.answer_id is not None
        answer_id = self._state.answer_id
        changes: dict[str, Any] = {"locale": self._state.locale}
        if factor_id is not None:
            changes["factor"] = factor_id
            changes["answered_at"] = iso_utc(self._clock.utcnow())
        if self._survey.comment.enabled:
            if factor_id is not None and not self._write(
                lambda: self._recorder.update(answer_id, changes)
            ):
                return True
            self._set(replace(self._state, screen=Screen.COMMENT, factor=factor_id))
            return True
        return self._complete(changes, factor=factor_id)

    def submit_comment(self, text: str) -> bool:
        survey = self._survey
        if survey is None or not self._accept_tap(Screen.COMMENT):
            return False
        # Imported here: the scrubber's patterns take longer to compile than the rest of
        # the kiosk's own modules, and a start should not wait for them (the UI loads it
        # on a thread after its first frame: kiosk.ui.app).
        from ces.scrub import clean_comment

        comment = clean_comment(text, survey.comment.max_length)
        changes: dict[str, Any] = {"locale": self._state.locale}
        if comment is not None:
            changes["comment"] = comment
            changes["answered_at"] = iso_utc(self._clock.utcnow())
        return self._complete(changes, factor=self._state.factor)

    def skip_comment(self) -> bool:
        if not self._accept_tap(Screen.COMMENT):
            return False
        return self._complete({"locale": self._state.locale}, factor=self._state.factor)

    def activity(self) -> None:
        """The shopper is doing something (typing) that is not a tap on a button."""
        if self._state.screen in QUESTION_SCREENS and not self._state.still_there:
            self._last_input = self._clock.monotonic()

    def toggle_accessible(self) -> bool:
        """The accessibility button, on every shopper screen: on for this shopper, or off."""
        if not self._accept_tap(Screen.ATTRACT, Screen.THANKS, *QUESTION_SCREENS):
            return False
        self._set(replace(self._state, accessible=not self._state.accessible))
        return True

    def still_here(self) -> bool:
        if not self._state.still_there:
            return False
        self._last_input = self._clock.monotonic()
        self._set(replace(self._state, still_there=False))
        return True

    def dismiss_thanks(self) -> bool:
        if not self._accept_tap(Screen.THANKS):
            return False
        self._reset()
        return True

    # -- time -------------------------------------------------------------------------

    def tick(self) -> None:
        now = self._clock.monotonic()
        state = self._state
        survey = self._survey
        if state.screen == Screen.OUT_OF_ORDER:
            if survey is not None and now - self._screen_since >= self.timing.out_of_order_retry_s:
                self._retry_after_failure()
            return
        assert survey is not None
        if state.screen in IDLE_SCREENS:
            self._follow_hours()
            state = self._state
        if state.screen == Screen.THANKS:
            if now - self._screen_since >= self.thanks_s:
                self._reset()
        elif state.screen in QUESTION_SCREENS:
            if state.still_there:
                if now - self._screen_since >= self.still_there_s:
                    self._give_up()
            elif now - self._last_input >= self.idle_s:
                self._set(replace(state, still_there=True))
        # A language (or the accessibility mode) chosen by someone who then walked away is
        # not kept for the next.
        elif (
            state.screen == Screen.ATTRACT
            and (state.locale != self._home_locale() or state.accessible)
            and now - self._last_input >= self.idle_s
        ):
            self._reset()

    @property
    def idle_s(self) -> float:
        """How long a shopper may do nothing before "still there?" (or the attract screen
        forgets their choices): the survey's time, at least a minute in accessibility mode."""
        assert self._survey is not None
        idle = self._survey.idle_timeout_s
        if self._state.accessible:
            return max(idle, self.timing.accessible_idle_s)
        return idle

    @property
    def still_there_s(self) -> float:
        """How long "still there?" waits for a tap before the session is given up."""
        if self._state.accessible:
            return max(self.timing.still_there_s, self.timing.accessible_still_there_s)
        return self.timing.still_there_s

    @property
    def thanks_s(self) -> float:
        """How long the thanks stays (long enough to be read out in accessibility mode)."""
        if self._state.accessible:
            return max(self.timing.thanks_s, self.timing.accessible_thanks_s)
        return self.timing.thanks_s

    @property
    def placement(self) -> Placement:
        return self._placement

    def set_placement(self, placement: Placement) -> None:
        """Where the kiosk stands changed (set up, enrolled); applies to the next answer."""
        self._placement = placement

    def set_home_locale(self, locale: str) -> None:
        """The manager chose the language every session starts in."""
        self._preferred_locale = locale
        if self._state.screen in IDLE_SCREENS and self._survey is not None:
            self._reset()

    # -- opening hours ----------------------------------------------------------------

    @property
    def store_hours(self) -> StoreHours:
        return self._hours

    def set_store_hours(self, hours: StoreHours) -> None:
        """HQ's hours for the store (a new config): applied at once between shoppers, once
        the current shopper is done otherwise."""
        self._hours = hours
        self._follow_hours()

    def _follow_hours(self) -> None:
        """Close or open between shoppers, by the wall clock now.

        Asked on every tick rather than trusting a timer set for the opening: the wall
        clock may jump (NTP after a cold start, a resume from suspend, a zone's DST change),
        and the kiosk must wake by what the clock says now."""
        state = self._state
        if self._survey is None or state.screen not in IDLE_SCREENS:
            return
        if self._hours.always_open and state.screen is Screen.ATTRACT:
            return
        closed = self._closed_state()
        if closed is None:
            if state.screen is Screen.CLOSED:
                self._reset()
        elif closed != state:
            self._set(closed)

    def _closed_state(self) -> FlowState | None:
        """The closed screen as it stands now, or None while the store is open."""
        if self._hours.always_open:
            return None
        local = self._hours.wall_clock(self._clock.utcnow())
        if self._hours.is_open(local):
            return None
        return FlowState(Screen.CLOSED, self._home_locale(), reopens=reopening(self._hours, local))

    # -- survey changes ---------------------------------------------------------------

    def replace_survey(self, survey: Survey) -> None:
        """Use another survey from the next shopper on; never mid-survey."""
        if self._state.screen in QUESTION_SCREENS:
            self._pending_survey = survey
            return
        self._survey = survey
        self._reset()

    # -- internals --------------------------------------------------------------------

    def _complete(self, changes: dict[str, Any], factor: str | None) -> bool:
        answer_id = self._state.answer_id
        assert answer_id is not None
        now = self._clock.monotonic()
        window = self.timing.rapid_window_s
        while self._completions and now - self._completions[0] > window:
            self._completions.popleft()
        flags = (RAPID_FLAG,) if len(self._completions) + 1 >= self.timing.rapid_run else ()
        changes = {
            **changes,
            "outcome": COMPLETED,
            "finished_at": iso_utc(self._clock.utcnow()),
            "flags": flags,
        }
        if not self._write(lambda: self._recorder.update(answer_id, changes)):
            return True
        self._completions.append(now)
        self._set(replace(self._state, screen=Screen.THANKS, factor=factor))
        return True

    def _give_up(self) -> None:
        answer_id = self._state.answer_id
        if answer_id is not None:
            changes = {"outcome": TIMEOUT, "finished_at": iso_utc(self._clock.utcnow())}
            if not self._write(lambda: self._recorder.update(answer_id, changes)):
                return
        self._reset()

    def _reset(self) -> None:
        if self._pending_survey is not None:
            self._survey, self._pending_survey = self._pending_survey, None
        assert self._survey is not None
        self._last_input = self._clock.monotonic()
        self._started_at = ""
        # The next shopper's welcome, unless the store closed meanwhile.
        self._set(self._closed_state() or FlowState(Screen.ATTRACT, self._home_locale()))

    def _home_locale(self) -> str:
        """The language every shopper's session starts in."""
        assert self._survey is not None
        if self._preferred_locale is not None and self._preferred_locale in self._survey.locales:
            return self._preferred_locale
        return self._survey.default_locale

    def _retry_after_failure(self) -> None:
        """Close the interrupted session if storage works again, then welcome the next."""
        answer_id = self._state.answer_id
        if answer_id is not None:
            changes = {"outcome": TIMEOUT, "finished_at": iso_utc(self._clock.utcnow())}
            try:
                self._recorder.update(answer_id, changes)
            except Exception as exc:
                # Still open in the file: the next start closes it as a timeout.
                log.warning("the interrupted answer stays open for now: %s", exc)
        self._reset()

    def _write(self, action: Callable[[], object]) -> bool:
        """Run one write; on failure the shopper sees out-of-order, never a false thank-you."""
        try:
            action()
        except Exception as exc:
            if isinstance(exc, _PASSING_FAULTS):
                # A full disk or a locked file is the device's state, not a bug: one line.
                log.error("could not store an answer: %s", exc)
            else:
                log.exception("could not store an answer")
            self._set(
                FlowState(
                    Screen.OUT_OF_ORDER,
                    self._state.locale,
                    answer_id=self._state.answer_id,
                    reason=(
                        self._failure_reason(exc, self._state.locale)
                        if self._failure_reason is not None
                        else f"storage error: {exc}"
                    ),
                )
            )
            return False
        return True
