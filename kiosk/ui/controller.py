"""The QObject the QML screens bind to: flow state out, taps in."""

from __future__ import annotations

import base64
import logging
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Property, QEnum, QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtQml import QJSEngine, QJSValue, QmlElement, QmlUncreatable

from ces.assets import icons_dir
from ces.scales import SMILEY5
from ces.survey import Survey
from kiosk.flow.hours import reopening_text
from kiosk.flow.machine import Flow, FlowState
from kiosk.flow.machine import Screen as FlowScreen
from kiosk.flow.texts import KEYBOARD_LOCALES, LANGUAGE_NAMES, RTL_LOCALES, UI_TEXT

# QmlElement reads the module's name and version from this module's globals.
from kiosk.ui.qmlmodule import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME  # noqa: F401

log = logging.getLogger("effortless.ui")

TICK_MS = 200
# The shopper's accessibility button (AccessibilityButton.qml).
ACCESSIBILITY_ICON = "accessibility.svg"


def _icon_url(relative: str) -> str:
    return QUrl.fromLocalFile(str(icons_dir() / relative)).toString()


def _factor_icon_url(survey: Survey, icon: str, uploaded: str | None) -> str:
    if uploaded is None:
        return _icon_url(icon)
    # The survey carries an uploaded icon itself, sanitised and checked by ces.survey.
    encoded = base64.b64encode(survey.icons[uploaded].encode("utf-8")).decode("ascii")
    return "data:image/svg+xml;base64," + encoded


def texts_for(
    survey: Survey | None,
    locale: str,
    reason: str = "",
    messages: tuple[dict[str, str], ...] = (),
) -> dict[str, Any]:
    """Everything a screen shows, in one locale; rebuilt only when locale or survey change.
    The buttons themselves are ``shape_for``'s; their labels here are in the same order."""
    ui = UI_TEXT.get(locale, UI_TEXT["en"])
    # A right-to-left language mirrors the screens (Main.qml's LayoutMirroring).
    rtl = locale in RTL_LOCALES
    if survey is None:
        return {"ui": ui, "reason": reason, "rtl": rtl, "scaleLabels": [], "factorLabels": []}
    scale = survey.scale
    labels = scale.labels.get(locale, scale.labels["en"])
    return {
        "ui": ui,
        "reason": reason,
        "locale": locale,
        "rtl": rtl,
        "keyboardLocale": KEYBOARD_LOCALES.get(locale, "en_GB"),
        # The attract screen asks the question itself, with the answer buttons.
        "questionOnAttract": survey.attract_mode == "question",
        "teaser": survey.teaser[locale],
        "question": survey.question[locale],
        # The smiley scale shows faces instead of numbers.
        "smiley": scale.id == SMILEY5.id,
        "scaleLabels": list(labels),
        "lowLabel": labels[0],
        "highLabel": labels[-1],
        "whyPrompt": survey.why_prompt[locale],
        "factorLabels": [f.label[locale] for f in survey.factors],
        "commentPrompt": survey.comment.prompt.get(locale, "") if survey.comment.enabled else "",
        "commentMaxLength": survey.comment.max_length,
        "thanks": survey.thanks[locale],
        # "You said, we did" from HQ, in this language (or the survey's own) where given.
        "messages": [
            m.get(locale) or m.get(survey.default_locale)
            for m in messages
            if m.get(locale) or m.get(survey.default_locale)
        ],
    }


def shape_for(survey: Survey | None) -> dict[str, Any]:
    """What the screens' buttons are, whatever the language: the Repeaters' models.

    Their labels are looked up by index in ``texts_for``'s label lists, so a language change
    rewrites labels instead of re-creating every language, scale and reason button
    (docs/performance.md, issue 11)."""
    if survey is None:
        return {
            "languages": [],
            "scalePoints": [],
            "factors": [],
            "attractIcons": [],
            "accessibilityIcon": _icon_url(ACCESSIBILITY_ICON),
        }
    scale = survey.scale
    return {
        "languages": [{"code": c, "name": LANGUAGE_NAMES[c]} for c in survey.locales],
        "scalePoints": [
            {"value": value, "icon": _icon_url(scale.icons[i]) if scale.icons else ""}
            for i, value in enumerate(scale.points)
        ],
        "factors": [
            {"id": f.id, "icon": _factor_icon_url(survey, f.icon, f.uploaded_icon)}
            for f in survey.factors
        ],
        "attractIcons": [_icon_url(icon) for icon in SMILEY5.icons],
        "accessibilityIcon": _icon_url(ACCESSIBILITY_ICON),
    }


# PySide's stub gives QmlUncreatable no __call__; mypy reports that on the class line.
@QmlElement
@QmlUncreatable("the kiosk makes its controller and hands it to Main")
class KioskController(QObject):  # type: ignore[operator]
    """The shopper screens' view of the flow: which screen, its texts, and the taps."""

    @QEnum
    class Screen(IntEnum):
        """The flow's screens (``kiosk.flow.machine.Screen``, by name) for QML to compare."""

        ATTRACT = 0
        QUESTION = 1
        WHY = 2
        COMMENT = 3
        THANKS = 4
        OUT_OF_ORDER = 5
        CLOSED = 6

    screenChanged = Signal()
    stillThereChanged = Signal()
    accessibleChanged = Signal()
    textsChanged = Signal()
    shapeChanged = Signal()
    reopeningChanged = Signal()
    keyboardInUseChanged = Signal()
    # Past tense, for tests and the simulator: a tap was taken (True) or ignored (False).
    tap_handled = Signal(str, bool)

    def __init__(self, flow: Flow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._flow = flow
        self._state = flow.state
        self._texts_key: tuple[object, str, str] = (None, "", "")
        self._texts: dict[str, Any] = {}
        self._texts_js: QJSValue | None = None
        self._shape_survey: object = None
        self._shape: dict[str, Any] = shape_for(None)
        self._shape_js: QJSValue | None = None
        self._messages: tuple[dict[str, str], ...] = ()
        self._reopening = reopening_text(self._state.locale, self._state.reopens)
        self._keyboard_in_use = False
        self._refresh_texts()
        self._refresh_shape()
        flow.subscribe(self._on_state_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()

    def shutdown(self) -> None:
        self._timer.stop()

    @property
    def flow(self) -> Flow:
        return self._flow

    @property
    def current_texts(self) -> dict[str, Any]:
        """The screens' texts as Python has them (``texts_for``), for speech."""
        return self._texts

    def set_messages(self, messages: tuple[dict[str, str], ...]) -> None:
        self._messages = messages
        self._texts_key = (None, "", "")
        if self._refresh_texts():
            self.textsChanged.emit()

    def _refresh_texts(self) -> bool:
        key = (self._flow.survey, self._state.locale, self._state.reason)
        if key == self._texts_key:
            return False
        self._texts_key = key
        self._texts = texts_for(
            self._flow.survey, self._state.locale, self._state.reason, self._messages
        )
        self._texts_js = None
        return True

    def _refresh_shape(self) -> bool:
        if self._flow.survey is self._shape_survey:
            return False
        self._shape_survey = self._flow.survey
        self._shape = shape_for(self._flow.survey)
        self._shape_js = None
        return True

    def _on_state_changed(self, state: FlowState) -> None:
        old = self._state
        self._state = state
        if self._refresh_texts():
            self.textsChanged.emit()
        if self._refresh_shape():
            self.shapeChanged.emit()
        reopening = reopening_text(state.locale, state.reopens)
        if reopening != self._reopening:
            self._reopening = reopening
            self.reopeningChanged.emit()
        if old.still_there != state.still_there:
            self.stillThereChanged.emit()
        if old.accessible != state.accessible:
            log.info("accessibility mode %s", "on" if state.accessible else "off")
            self.accessibleChanged.emit()
        if old.screen != state.screen:
            log.info("screen %s -> %s", old.screen.value, state.screen.value)
            self.screenChanged.emit()

    def _on_tick(self) -> None:
        self._flow.tick()

    # An int to Qt: PySide cannot give a property a Python enum's type; QML compares it
    # with KioskController.Screen's values.
    @Property(int, notify=screenChanged)
    def screen(self) -> KioskController.Screen:
        return KioskController.Screen[self._state.screen.name]

    # The closed screen's "We open again Monday at 09:00", in the kiosk's language.
    @Property(str, notify=reopeningChanged)
    def reopening(self) -> str:
        return self._reopening

    @Property(bool, notify=stillThereChanged)
    def stillThere(self) -> bool:
        return self._state.still_there

    # The shopper's accessibility mode (kiosk.flow.machine.FlowState.accessible).
    @Property(bool, notify=accessibleChanged)
    def accessible(self) -> bool:
        return self._state.accessible

    # Whether the shopper's last input was a key (kiosk.ui.keys.InputWatcher): Main gives
    # buttons the focus, and so a visible focus ring, only then.
    @Property(bool, notify=keyboardInUseChanged)
    def keyboardInUse(self) -> bool:
        return self._keyboard_in_use

    def set_keyboard_in_use(self, in_use: bool) -> None:
        if in_use != self._keyboard_in_use:
            self._keyboard_in_use = in_use
            self.keyboardInUseChanged.emit()

    # One JavaScript object per change of texts: as a map property the dict was converted
    # again for each of the ~30 bindings that read it, which made a language change take
    # twice as long (docs/performance.md, issue 11).
    @Property("QJSValue", notify=textsChanged)  # type: ignore[arg-type]
    def texts(self) -> QJSValue:
        if self._texts_js is None:
            engine = self.parent()
            assert isinstance(engine, QJSEngine)
            self._texts_js = engine.toScriptValue(self._texts)
        return self._texts_js

    @Property("QJSValue", notify=shapeChanged)  # type: ignore[arg-type]
    def shape(self) -> QJSValue:
        if self._shape_js is None:
            engine = self.parent()
            assert isinstance(engine, QJSEngine)
            self._shape_js = engine.toScriptValue(self._shape)
        return self._shape_js

    def _handled(self, name: str, taken: bool) -> None:
        self.tap_handled.emit(name, taken)

    @Slot()
    def start(self) -> None:
        self._handled("start", self._flow.start())

    @Slot(str)
    def chooseLocale(self, locale: str) -> None:
        self._handled("locale", self._flow.choose_locale(locale))

    @Slot(int)
    def answerScore(self, score: int) -> None:
        self._handled("score", self._flow.answer_score(score))

    @Slot(str)
    def chooseFactor(self, factor_id: str) -> None:
        self._handled("factor", self._flow.choose_factor(factor_id))

    @Slot(int, result=bool)
    def chooseNumber(self, number: int) -> bool:
        """A digit key: the number-th scale point, or on the why screen the number-th
        factor (counted from 1, as the buttons read). The flow decides whether it counts
        on this screen; False when no button has that number."""
        survey = self._flow.survey
        if survey is None or number < 1:
            return False
        if self._state.screen is FlowScreen.WHY:
            if number > len(survey.factors):
                return False
            taken = self._flow.choose_factor(survey.factors[number - 1].id)
            self._handled("factor", taken)
            return taken
        if number > len(survey.scale.points):
            return False
        taken = self._flow.answer_score(survey.scale.points[number - 1])
        self._handled("score", taken)
        return taken

    @Slot()
    def skipFactor(self) -> None:
        self._handled("skip_factor", self._flow.skip_factor())

    @Slot(str)
    def submitComment(self, text: str) -> None:
        self._handled("comment", self._flow.submit_comment(text))

    @Slot()
    def skipComment(self) -> None:
        self._handled("skip_comment", self._flow.skip_comment())

    @Slot()
    def toggleAccessible(self) -> None:
        self._handled("accessible", self._flow.toggle_accessible())

    @Slot()
    def stillHere(self) -> None:
        self._handled("still_here", self._flow.still_here())

    @Slot()
    def dismissThanks(self) -> None:
        self._handled("dismiss_thanks", self._flow.dismiss_thanks())

    @Slot()
    def activity(self) -> None:
        self._flow.activity()
