"""The accessibility mode as the shopper sees it, on the real QML: its button on every
shopper screen, text sizes in mm on a 10.1" panel, high contrast, every control within low
reach; and, outside the mode, the banner that a touch pauses."""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtQml import QQmlComponent
from PySide6.QtQuick import QQuickItem
from shopper_steps import Finger, shown_screen

from ces.locales import LANGUAGE_NAMES
from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item, walk
from kiosk.ui.qmlmodule import QML_MODULE_DIR
from kiosk.ui.sound import still_there_sound
from kiosk.ui.theme import (
    ACCESSIBLE_BORDER_PX,
    ACCESSIBLE_TEXT_SCALE,
    HIGH_CONTRAST,
    PALETTE,
    TEXT_PAIRS,
    contrast_ratio,
)

pytestmark = pytest.mark.ui

PANEL_INCHES = 10.1
# "You said, we did" from HQ: the attract screen's banner shows them.
MESSAGES = ({"nl": "Meer kassa's open op zaterdag"}, {"nl": "Bredere paden bij de groente"})
SIZES = [(1280, 800), (800, 1280)]
# Section 508 402.4 and issue 16: capital heights on the 10.1" panel.
MIN_CAP_MM = 3.5
MIN_CAP_MM_ACCESSIBLE = 4.8
MIN_SCALE_ACCESSIBLE = 1.5
# Qt gives a font's capital height in 64ths of a pixel: 1.5x the pixel size can measure
# a hair under 1.5x the capital height.
METRICS_STEP = 0.002


def px_per_mm(width: int, height: int) -> float:
    """A 10.1" panel of this many pixels: 149.4 ppi (5.88 px/mm) at 1280x800."""
    return math.hypot(width, height) / PANEL_INCHES / 25.4


def is_text(item: QQuickItem) -> bool:
    return item.inherits("QQuickText") or item.inherits("QQuickTextEdit")


def inside_keyboard(item: QQuickItem) -> bool:
    """Qt's own keyboard draws its key labels; its keys are measured on their own."""
    parent: QQuickItem | None = item
    while parent is not None:
        if parent.objectName() == "onScreenKeyboard":
            return True
        parent = parent.parentItem()
    return False


def cap_heights_mm(kiosk: Kiosk, screen: str) -> dict[str, float]:
    """Each visible shopper text of the screen (by screen and text; the smallest where a
    text shows twice), as the capital height its font gives on a 10.1" panel."""
    window = kiosk.window
    scale = px_per_mm(window.width(), window.height())
    found: dict[str, float] = {}
    for item in walk(window.contentItem()):
        if not is_text(item) or inside_keyboard(item):
            continue
        text = str(item.property("text") or item.property("placeholderText") or "")
        if not text.strip():
            continue
        font = item.property("font")
        assert isinstance(font, QFont)
        mm = QFontMetricsF(font).capHeight() / scale
        key = f"{screen}: {text}"
        found[key] = min(mm, found.get(key, mm))
    return found


def controls(kiosk: Kiosk) -> list[tuple[str, QRectF]]:
    """Every visible button of the shopper (the items that carry a name for screen
    readers), with where they are in the window. Not the comment field: it takes the focus
    by itself, no reach needed, and in landscape the keyboard leaves it no room below."""
    out = []
    for item in walk(kiosk.window.contentItem()):
        if inside_keyboard(item):
            continue
        name = item.objectName()
        if item.property("accessibleName") is None:
            continue
        out.append((name, item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))))
    return out


def keyboard_rect(kiosk: Kiosk) -> QRectF:
    """Where the on-screen keyboard covers the window (nothing when it is down)."""
    for item in walk(kiosk.window.contentItem()):
        if item.objectName() == "onScreenKeyboard":
            return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
    return QRectF()


class Visit(Finger):
    """A shopper's way through every screen, with a look at each."""

    def screens(self, accessible: bool, locale: str | None = None) -> Iterator[str]:
        """Yields at each screen, laid out, with the keyboard up on the comment; in
        ``locale`` when given, chosen by its button as a shopper does."""
        if accessible:
            self.tap("accessibilityButton")
            self.qtbot.waitUntil(lambda: self.kiosk.controller.accessible)
        if locale is not None:
            self.tap(f"attract_lang_{locale}")
            self.qtbot.waitUntil(lambda: self.kiosk.flow.state.locale == locale)
        yield "attract"
        self.tap("startArea", then="questionScreen")
        yield "question"
        # The idle shopper's "still there?" over the question.
        self.clock.advance(self.kiosk.flow.idle_s + 0.5)
        self.kiosk.flow.tick()
        self.qtbot.waitUntil(lambda: is_shown(self.kiosk.window, "stillThereOverlay"))
        yield "stillThere"
        self.tap("stillHereButton")
        self.qtbot.waitUntil(lambda: not is_shown(self.kiosk.window, "stillThereOverlay"))
        self.tap("score_6", then="whyScreen")
        yield "why"
        self.tap("factor_price", then="commentScreen")
        self.qtbot.waitUntil(lambda: is_shown(self.kiosk.window, "onScreenKeyboard"))
        yield "comment"
        self.tap("skipComment", then="thanksScreen")
        yield "thanks"


def settle(kiosk: Kiosk, qtbot: Any) -> None:
    """Positioners lay out on the next frame: wait for one."""
    with qtbot.waitSignal(kiosk.window.frameSwapped, timeout=5000):
        kiosk.window.update()


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return tuple(request.param)  # type: ignore[return-value]


def sizes_of_every_text(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    size: tuple[int, int],
    accessible: bool,
) -> dict[str, float]:
    kiosk = make_kiosk(size=size, speech_engine=None)
    qtbot.waitUntil(lambda: kiosk.window.width() == size[0] and kiosk.window.height() == size[1])
    kiosk.controller.set_messages(MESSAGES)
    found: dict[str, float] = {}
    for screen in Visit(kiosk, clock, qtbot).screens(accessible):
        settle(kiosk, qtbot)
        found.update(cap_heights_mm(kiosk, screen))
    kiosk.close()
    return found


def test_every_shopper_text_is_large_enough_on_a_10_inch_panel(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    size: tuple[int, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    normal = sizes_of_every_text(make_kiosk, clock, qtbot, size, accessible=False)
    accessible = sizes_of_every_text(make_kiosk, clock, qtbot, size, accessible=True)
    assert len(normal) >= 20, normal  # every screen was seen
    small = {key: round(mm, 2) for key, mm in normal.items() if mm < MIN_CAP_MM}
    assert not small, small
    small = {key: round(mm, 2) for key, mm in accessible.items() if mm < MIN_CAP_MM_ACCESSIBLE}
    assert not small, small
    missing = set(normal) - set(accessible)
    if size[0] > size[1]:
        # In landscape the mode's why screen has no room for the language buttons
        # (WhyScreen.qml): they are offered on the screens before it.
        languages = {f"why: {name}" for name in LANGUAGE_NAMES.values()}
        assert languages <= missing, "the why screen's languages were measured in the mode"
        missing -= languages
    assert not missing, missing
    ratios = {key: accessible[key] / normal[key] for key in accessible if key in normal}
    too_little = {
        key: round(r, 2) for key, r in ratios.items() if r < MIN_SCALE_ACCESSIBLE - METRICS_STEP
    }
    assert not too_little, too_little
    with capsys.disabled():
        smallest = min(normal, key=normal.__getitem__)
        smallest_a = min(accessible, key=accessible.__getitem__)
        print(
            f'\n{size[0]}x{size[1]} on 10.1": smallest capital height {normal[smallest]:.2f} mm'
            f" ({smallest!r}), in the mode {accessible[smallest_a]:.2f} mm ({smallest_a!r}),"
            f" smallest ratio {min(ratios.values()):.2f}"
        )


def test_every_control_is_within_low_reach_in_the_mode(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, size: tuple[int, int]
) -> None:
    assert_within_low_reach(make_kiosk, clock, qtbot, size, locale=None)


# The languages whose words are longest (de, fr, pl, tr) or that mirror the screen (ar):
# their buttons must fit the reach bar too, in the tighter landscape window.
@pytest.mark.parametrize("locale", ["de", "fr", "tr", "pl", "ar"])
def test_every_control_is_within_low_reach_in_every_language(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    locale: str,
    size: tuple[int, int],
) -> None:
    assert_within_low_reach(make_kiosk, clock, qtbot, size, locale=locale)


def assert_within_low_reach(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    size: tuple[int, int],
    locale: str | None,
) -> None:
    kiosk = make_kiosk(size=size, speech_engine=None)
    qtbot.waitUntil(lambda: kiosk.window.width() == size[0] and kiosk.window.height() == size[1])
    kiosk.controller.set_messages(MESSAGES)
    window = QRectF(0, 0, size[0], size[1])
    reach_top = size[1] / 3
    seen: set[str] = set()
    for screen in Visit(kiosk, clock, qtbot).screens(accessible=True, locale=locale):
        settle(kiosk, qtbot)
        found = controls(kiosk)
        if screen == "stillThere":
            continue  # a tap anywhere answers it
        assert "accessibilityButton" in {name for name, _ in found}, screen
        keyboard = keyboard_rect(kiosk)
        for name, rect in found:
            seen.add(name)
            assert rect.top() >= reach_top, (screen, name, rect.top(), reach_top)
            assert window.contains(rect), (screen, name, rect, "off screen")
            assert not rect.intersects(keyboard), (screen, name, rect, "under the keyboard")
    assert {
        "accessibilityButton",
        "attract_lang_en",
        "question_lang_en",
        "score_1",
        "score_7",
        "factor_price",
        "skipFactor",
        "skipComment",
        "sendComment",
    } <= seen
    # Upright there is room for the languages on the why screen too; in landscape they
    # are offered on the attract and question screens only (WhyScreen.qml).
    assert ("why_lang_en" in seen) == (size[1] > size[0])


def test_the_accessibility_button_is_within_reach_outside_the_mode_too(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, size: tuple[int, int]
) -> None:
    kiosk = make_kiosk(size=size, speech_engine=None)
    qtbot.waitUntil(lambda: kiosk.window.width() == size[0] and kiosk.window.height() == size[1])
    for screen in Visit(kiosk, clock, qtbot).screens(accessible=False):
        if screen == "stillThere":
            continue
        settle(kiosk, qtbot)
        item = visible_item(kiosk.window, "accessibilityButton")
        rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        assert rect.top() >= size[1] / 3, (screen, rect)
        assert QRectF(0, 0, size[0], size[1]).contains(rect), (screen, rect)


def test_the_button_switches_the_mode_on_and_off_on_every_screen(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(speech_engine=None)
    visit = Visit(kiosk, clock, qtbot)
    for screen in visit.screens(accessible=False):
        if screen == "stillThere":
            continue
        button = visible_item(kiosk.window, "accessibilityButton")
        label = visible_item(kiosk.window, "accessibilityLabel")
        assert label.property("text") == "Toegankelijk"
        assert button.property("accessibleName") == "Toegankelijk"
        for on in (True, False):
            visit.tap("accessibilityButton")
            qtbot.waitUntil(lambda on=on: kiosk.controller.accessible is on)
            assert button.property("checked") is on, screen
            # Filled when on; the whole window in the high-contrast palette.
            palette = HIGH_CONTRAST if on else PALETTE
            assert kiosk.window.color().name() == palette["background"], screen
            expected = palette["button"] if on else palette["secondaryButton"]
            assert button.property("color").name() == expected, screen
            assert shown_screen(kiosk) == f"{screen}Screen"


def test_the_mode_is_the_shoppers_own(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(speech_engine=None)
    visit = Visit(kiosk, clock, qtbot)
    visit.tap("accessibilityButton")
    qtbot.waitUntil(lambda: kiosk.controller.accessible)
    visit.tap("startArea", then="questionScreen")
    visit.tap("score_3", then="whyScreen")
    visit.tap("skipFactor", then="commentScreen")
    visit.tap("skipComment", then="thanksScreen")
    visit.tap("thanksArea", then="attractScreen")
    qtbot.waitUntil(lambda: not kiosk.controller.accessible)
    assert kiosk.window.color().name() == PALETTE["background"]


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_high_contrast_text_colours_reach_7_to_1(foreground: str, background: str) -> None:
    ratio = contrast_ratio(HIGH_CONTRAST[foreground], HIGH_CONTRAST[background])
    assert ratio >= 7.0, f"{foreground} on {background}: {ratio:.2f}:1"


def test_high_contrast_names_every_colour_of_the_palette() -> None:
    assert set(HIGH_CONTRAST) == set(PALETTE)


def test_qml_sees_the_high_contrast_palette_and_larger_text_in_the_mode(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(speech_engine=None)
    names = [*PALETTE, "textScale", "buttonBorder"]
    component = QQmlComponent(kiosk.engine)
    reads = ", ".join(f"Theme.{name}" for name in names)
    qml = f"import QtQml\nimport Effortless.Kiosk\nQtObject {{ property var seen: [{reads}] }}"
    component.setData(qml.encode(), (QML_MODULE_DIR / "ThemeProbe.qml").as_uri())
    probe = component.create()
    assert probe is not None, component.errorString()

    def seen() -> dict[str, object]:
        return dict(zip(names, probe.property("seen").toVariant(), strict=True))

    assert seen() == {**PALETTE, "textScale": 1.0, "buttonBorder": 0}
    Visit(kiosk, clock, qtbot).tap("accessibilityButton")
    qtbot.waitUntil(lambda: seen()["textScale"] == ACCESSIBLE_TEXT_SCALE)
    assert seen() == {
        **HIGH_CONTRAST,
        "textScale": ACCESSIBLE_TEXT_SCALE,
        "buttonBorder": ACCESSIBLE_BORDER_PX,
    }


# --- the "you said, we did" banner -------------------------------------------------------


def turning(kiosk: Kiosk) -> bool:
    """Whether the banner's timer turns to the next message (every 8 s)."""
    return bool(visible_item(kiosk.window, "youSaidBanner").property("turning"))


def test_touching_the_banner_pauses_it_and_touching_again_resumes(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(speech_engine=None)
    kiosk.controller.set_messages(
        ({"nl": "Meer kassa's open op zaterdag"}, {"nl": "Bredere paden bij de groente"})
    )
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "youSaidBanner"))
    assert turning(kiosk)
    assert not is_shown(kiosk.window, "youSaidPaused")
    text = visible_item(kiosk.window, "youSaidText").property("text")

    clock.advance(1.0)
    tap(kiosk.window, "youSaidBanner")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "youSaidPaused"))
    assert not turning(kiosk)
    assert visible_item(kiosk.window, "youSaidBanner").property("paused") is True
    # The touch paused the banner; it did not start a survey.
    assert shown_screen(kiosk) == "attractScreen"
    assert visible_item(kiosk.window, "youSaidText").property("text") == text

    clock.advance(1.0)
    tap(kiosk.window, "youSaidBanner")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "youSaidPaused"))
    assert turning(kiosk)
    assert shown_screen(kiosk) == "attractScreen"


def test_a_paused_banner_turns_again_for_the_next_shopper(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(speech_engine=None)
    kiosk.controller.set_messages(({"nl": "Eén"}, {"nl": "Twee"}))
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "youSaidBanner"))
    clock.advance(1.0)
    tap(kiosk.window, "youSaidBanner")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "youSaidPaused"))
    clock.advance(1.0)
    tap(kiosk.window, "accessibilityButton")  # not the banner: the screen stays
    visit = Visit(kiosk, clock, qtbot)
    visit.tap("startArea", then="questionScreen")
    visit.tap("score_3", then="whyScreen")
    visit.tap("skipFactor", then="commentScreen")
    visit.tap("skipComment", then="thanksScreen")
    visit.tap("thanksArea", then="attractScreen")
    assert not is_shown(kiosk.window, "youSaidPaused")
    assert turning(kiosk)


# --- the still-there chime ---------------------------------------------------------------


def test_still_there_plays_its_chime_each_time_it_appears(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any
) -> None:
    kiosk = make_kiosk(speech_engine=None)
    visit = Visit(kiosk, clock, qtbot)
    visit.tap("startArea", then="questionScreen")
    assert kiosk.sound.effect is None  # made at the first cue, not at start
    played: list[bool] = []
    kiosk.sound.cue_played.connect(lambda: played.append(True))
    with qtbot.waitSignal(kiosk.sound.cue_played, timeout=5000):
        clock.advance(kiosk.flow.idle_s + 0.5)
    assert is_shown(kiosk.window, "stillThereOverlay")
    effect = kiosk.sound.effect
    assert effect is not None
    assert effect.source().toLocalFile() == str(still_there_sound())
    assert played == [True]
    # Answering it plays nothing; the next time it appears, the chime sounds again.
    visit.tap("stillHereButton")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "stillThereOverlay"))
    assert played == [True]
    with qtbot.waitSignal(kiosk.sound.cue_played, timeout=5000):
        clock.advance(kiosk.flow.idle_s + 0.5)
    assert played == [True, True]


def test_the_chime_is_a_short_plain_wav() -> None:
    with wave.open(str(still_there_sound()), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 44_100)
        seconds = wav.getnframes() / wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    assert 0.2 <= seconds <= 1.0
    loudest = max(abs(s) for (s,) in struct.iter_unpack("<h", frames))
    assert 8_000 <= loudest < 32_767  # heard, not clipped


# --- the on-screen keyboard's keys -------------------------------------------------------

MIN_KEY_MM = 15.0


def keyboard_keys_mm(kiosk: Kiosk) -> list[tuple[str, float, float]]:
    """Each key of Qt's keyboard with a label (not the blank fillers at a row's ends), as
    (label, width, height) in mm on a 10.1" panel."""
    window = kiosk.window
    scale = px_per_mm(window.width(), window.height())
    panel = visible_item(window, "onScreenKeyboard")
    keys = []
    for item in walk(panel):
        if item.property("keyType") is None or not item.property("displayText"):
            continue
        rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        keys.append(
            (str(item.property("displayText")), rect.width() / scale, rect.height() / scale)
        )
    return keys


def keyboard_up(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, size: tuple[int, int]
) -> Kiosk:
    kiosk = make_kiosk(size=size, speech_engine=None)
    qtbot.waitUntil(lambda: kiosk.window.width() == size[0] and kiosk.window.height() == size[1])
    visit = Visit(kiosk, clock, qtbot)
    visit.tap("startArea", then="questionScreen")
    visit.tap("score_5", then="whyScreen")
    visit.tap("factor_price", then="commentScreen")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "onScreenKeyboard"))
    settle(kiosk, qtbot)
    return kiosk


def test_keyboard_rows_are_at_least_15_mm_tall(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    size: tuple[int, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    kiosk = keyboard_up(make_kiosk, clock, qtbot, size)
    keys = keyboard_keys_mm(kiosk)
    letters = [k for k in keys if len(k[0]) == 1 and k[0].isalpha()]
    assert len(letters) >= 26, keys
    short = [k for k in keys if k[2] < MIN_KEY_MM]
    assert not short, short
    with capsys.disabled():
        print(
            f'\n{size[0]}x{size[1]} keyboard on 10.1": letter keys'
            f" {min(w for _, w, _ in letters):.1f}-{max(w for _, w, _ in letters):.1f} mm wide,"
            f" keys {min(h for _, _, h in keys):.1f}-{max(h for _, _, h in keys):.1f} mm tall"
        )


def test_keyboard_keys_are_at_least_15_mm_wide(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, size: tuple[int, int]
) -> None:
    # Landscape: narrowed to 1.25x the window's height (Main.qml), so there is room above
    # it. Portrait: the kiosk's own layouts, eight keys a row at most (every language:
    # tests/kiosk/test_portrait_keyboard.py).
    kiosk = keyboard_up(make_kiosk, clock, qtbot, size)
    narrow = [k for k in keyboard_keys_mm(kiosk) if k[1] < MIN_KEY_MM]
    assert not narrow, narrow
