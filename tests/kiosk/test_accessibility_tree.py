"""What a screen reader hears, read from Qt's accessibility interface of the real QML
(issue 16): every shopper text and state on each screen, and nothing under an overlay.

Qt's tree lists items whether shown or not, with the state ``invisible`` on hidden ones;
screen readers (over AT-SPI) skip those, so "exposed" here is what is not invisible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from manager_steps import open_pin_pad, unlock
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtTest import QTest

from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap

pytestmark = pytest.mark.ui

Role = QAccessible.Role
DESCRIPTION = QAccessible.Text.Description


@dataclass(frozen=True)
class Node:
    role: QAccessible.Role
    name: str
    checked: bool
    focused: bool
    interface: QAccessibleInterface


def exposed(kiosk: Kiosk) -> list[Node]:
    """The window's accessible descendants a screen reader would present, in tree order."""
    out: list[Node] = []

    def walk(interface: QAccessibleInterface) -> None:
        for i in range(interface.childCount()):
            child = interface.child(i)
            state = child.state()
            if state.invisible:
                continue
            out.append(
                Node(
                    child.role(),
                    child.text(QAccessible.Text.Name),
                    bool(state.checked),
                    bool(state.focused),
                    child,
                )
            )
            walk(child)

    root = QAccessible.queryAccessibleInterface(kiosk.window)
    assert root is not None
    walk(root)
    return out


def names(kiosk: Kiosk, role: QAccessible.Role) -> list[str]:
    return [node.name for node in exposed(kiosk) if node.role == role]


@pytest.fixture(autouse=True)
def screen_reader() -> Iterator[None]:
    """Qt's accessibility switched on, as the AT-SPI bridge does when a screen reader runs."""
    QAccessible.setActive(True)
    yield
    QAccessible.setActive(False)


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    return make_kiosk()


def press(kiosk: Kiosk, clock: ManualClock, name: str) -> None:
    clock.advance(1.0)
    tap(kiosk.window, name)


def wait_screen(kiosk: Kiosk, qtbot: Any, name: str) -> None:
    qtbot.waitUntil(lambda: is_shown(kiosk.window, name))


def test_attract_screen_exposes_start_teaser_languages_and_the_mode(kiosk: Kiosk) -> None:
    nodes = exposed(kiosk)
    buttons = {node.name: node for node in nodes if node.role == Role.Button}
    assert "Tik om te beginnen" in buttons
    assert names(kiosk, Role.Heading) == ["Help ons beter te worden — 10 seconden"]
    # The language in use is checked; the others are not.
    assert buttons["Nederlands"].checked
    assert not buttons["English"].checked
    assert not buttons["Toegankelijk"].checked
    assert all(node.name for node in nodes), [n.role for n in nodes if not n.name]


def test_the_banner_is_read(kiosk: Kiosk, qtbot: Any) -> None:
    kiosk.controller.set_messages(({"nl": "Meer kassa's open op zaterdag"},))
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "youSaidBanner"))
    assert "U zei, wij deden: Meer kassa's open op zaterdag" in names(kiosk, Role.StaticText)


def test_question_screen_reads_question_points_and_end_labels(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    press(kiosk, clock, "startArea")
    wait_screen(kiosk, qtbot, "questionScreen")
    assert names(kiosk, Role.Heading) == [
        "Deze winkel maakte het mij makkelijk om te kopen wat ik zocht."
    ]
    buttons = names(kiosk, Role.Button)
    assert [b for b in buttons if b[0].isdigit()] == [
        "1, Helemaal mee oneens",
        "2, Mee oneens",
        "3, Een beetje mee oneens",
        "4, Neutraal",
        "5, Een beetje mee eens",
        "6, Mee eens",
        "7, Helemaal mee eens",
    ]
    assert names(kiosk, Role.StaticText) == ["Helemaal mee oneens", "Helemaal mee eens"]
    # Nothing of the attract screen is left in the tree.
    assert "Tik om te beginnen" not in buttons


def test_why_comment_and_thanks_screens_expose_their_texts(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    press(kiosk, clock, "startArea")
    press(kiosk, clock, "score_6")
    wait_screen(kiosk, qtbot, "whyScreen")
    assert names(kiosk, Role.Heading) == ["Welke factor had de meeste invloed op uw antwoord?"]
    assert {"1, Prijs", "2, Gemak van winkelen", "3, Service", "4, Reputatie", "Overslaan"} <= set(
        names(kiosk, Role.Button)
    )
    press(kiosk, clock, "factor_price")
    wait_screen(kiosk, qtbot, "commentScreen")
    prompt = "Wilt u nog iets kwijt? (niet verplicht)"
    assert names(kiosk, Role.Heading) == [prompt]
    assert names(kiosk, Role.EditableText) == [prompt]
    statics = names(kiosk, Role.StaticText)
    assert "280 tekens over" in statics
    assert any("telefoonnummer" in text for text in statics)
    for char in "Top":
        QTest.keyClick(kiosk.window, char)
    qtbot.waitUntil(lambda: "277 tekens over" in names(kiosk, Role.StaticText))
    press(kiosk, clock, "skipComment")
    wait_screen(kiosk, qtbot, "thanksScreen")
    assert names(kiosk, Role.StaticText) == ["Bedankt! Hiermee maken we winkelen makkelijker."]


def test_the_accessibility_button_is_a_switch(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
    press(kiosk, clock, "startArea")
    wait_screen(kiosk, qtbot, "questionScreen")
    press(kiosk, clock, "accessibilityButton")
    qtbot.waitUntil(lambda: kiosk.controller.accessible)
    (switch,) = [n for n in exposed(kiosk) if n.name == "Toegankelijk"]
    assert switch.checked


def test_a_language_change_moves_the_checked_state(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    press(kiosk, clock, "attract_lang_en")
    qtbot.waitUntil(lambda: "Tap to start" in names(kiosk, Role.Button))
    checked = [n.name for n in exposed(kiosk) if n.role == Role.Button and n.checked]
    assert checked == ["English"]


def test_nothing_under_still_there_is_exposed(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
    press(kiosk, clock, "startArea")
    wait_screen(kiosk, qtbot, "questionScreen")
    clock.advance(kiosk.flow.idle_s + 0.5)
    wait_screen(kiosk, qtbot, "stillThereOverlay")
    nodes = exposed(kiosk)
    assert [(n.role, n.name) for n in nodes] == [
        (Role.Dialog, "Bent u er nog?"),
        (Role.StaticText, "Bent u er nog?"),
        (Role.Button, "Tik om verder te gaan"),
    ]
    QTest.keyClick(kiosk.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "stillThereOverlay"))
    assert "6, Mee eens" in names(kiosk, Role.Button)


def test_nothing_under_the_pin_pad_is_exposed(kiosk: Kiosk, clock: ManualClock) -> None:
    open_pin_pad(kiosk, clock)
    nodes = exposed(kiosk)
    assert nodes[0].role == Role.Dialog
    buttons = [n.name for n in nodes if n.role == Role.Button]
    assert buttons == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "Wissen",
        "0",
        "OK",
        "Annuleren",
    ]
    assert "Tik om te beginnen" not in [n.name for n in nodes]
    assert "Toegankelijk" not in [n.name for n in nodes]


def test_manager_fields_have_names(kiosk: Kiosk, clock: ManualClock) -> None:
    unlock(kiosk, clock, "0000")
    fields = [n for n in exposed(kiosk) if n.role == Role.EditableText]
    assert fields, "the manager screen shows no field"
    # Qt names no password field, whatever is set (Accessible.name reads back empty): a
    # screen reader reads its description.
    unnamed = [
        n.interface.object().objectName()
        for n in fields
        if not (n.name or (n.interface.state().passwordEdit and n.interface.text(DESCRIPTION)))
    ]
    assert unnamed == []
    assert "Map (een USB-stick)" in [n.name for n in fields]
    buttons = [n for n in exposed(kiosk) if n.role == Role.Button]
    assert all(n.name for n in buttons)
    # The shopper's screens are not in the tree while the manager works.
    assert "Tik om te beginnen" not in [n.name for n in exposed(kiosk)]


def to_the_comment(kiosk: Kiosk, clock: ManualClock, qtbot: Any) -> None:
    press(kiosk, clock, "startArea")
    press(kiosk, clock, "score_6")
    wait_screen(kiosk, qtbot, "whyScreen")
    press(kiosk, clock, "factor_price")
    wait_screen(kiosk, qtbot, "commentScreen")
    wait_screen(kiosk, qtbot, "onScreenKeyboard")


def test_the_on_screen_keyboards_keys_are_named(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    to_the_comment(kiosk, clock, qtbot)
    # Qt's keys expose nothing by themselves: Keyboard.qml names them.
    qtbot.waitUntil(lambda: "Spatie" in names(kiosk, Role.Button))
    buttons = names(kiosk, Role.Button)
    assert {"q", "w", "m", "Wissen", "Hoofdletters", "Invoeren", "Toetsenbord verbergen"} <= set(
        buttons
    )
    assert all(buttons)
    # In each shopper's language: the next one chooses English.
    press(kiosk, clock, "skipComment")
    press(kiosk, clock, "thanksArea")
    wait_screen(kiosk, qtbot, "attractScreen")
    press(kiosk, clock, "attract_lang_en")
    to_the_comment(kiosk, clock, qtbot)
    qtbot.waitUntil(lambda: "Space" in names(kiosk, Role.Button))
    assert "Backspace" in names(kiosk, Role.Button)


def test_nothing_under_still_there_is_exposed_on_the_comment_screen(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any
) -> None:
    to_the_comment(kiosk, clock, qtbot)
    clock.advance(kiosk.flow.idle_s + 60)
    wait_screen(kiosk, qtbot, "stillThereOverlay")
    qtbot.waitUntil(lambda: len(exposed(kiosk)) == 3)
    assert [n.role for n in exposed(kiosk)] == [Role.Dialog, Role.StaticText, Role.Button]
