"""The Qt layer's own promises: readable colours, a QML module that QML and qmllint can
resolve, Qt's messages in Python logging, no shopper text in any log, and a Qt binding
that does not corrupt Python's objects."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Property, QObject
from PySide6.QtQml import QQmlComponent

from kiosk.flow.clock import ManualClock
from kiosk.flow.machine import Screen
from kiosk.flow.manager import Mode
from kiosk.ui.app import Kiosk
from kiosk.ui.controller import KioskController
from kiosk.ui.driver import tap, visible_item
from kiosk.ui.manager import ManagerController
from kiosk.ui.qmlmodule import QML_MODULE_DIR
from kiosk.ui.qmltypes import TypeInfoError, check_against_runtime, write_typeinfo
from kiosk.ui.theme import MIN_TOUCH_PX, PALETTE, TEXT_PAIRS, contrast_ratio


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_colours_reach_wcag_aa_contrast(foreground: str, background: str) -> None:
    ratio = contrast_ratio(PALETTE[foreground], PALETTE[background])
    assert ratio >= 4.5, f"{foreground} on {background}: {ratio:.2f}:1"


def test_contrast_ratio_is_computed_as_wcag_defines_it() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_qml_sees_every_colour_of_the_palette(make_kiosk: Callable[..., Kiosk]) -> None:
    kiosk = make_kiosk()
    names = [*PALETTE, "minTouch"]
    component = QQmlComponent(kiosk.engine)
    reads = ", ".join(f"Theme.{name}" for name in names)
    qml = f"import QtQml\nimport Effortless.Kiosk\nQtObject {{ property var seen: [{reads}] }}"
    component.setData(qml.encode(), (QML_MODULE_DIR / "ThemeProbe.qml").as_uri())
    probe = component.create()
    assert probe is not None, component.errorString()
    seen = dict(zip(names, probe.property("seen").toVariant(), strict=True))
    assert seen == {**PALETTE, "minTouch": MIN_TOUCH_PX}


def test_the_qml_enums_name_every_state_of_the_flow() -> None:
    # Python maps the flow's states to QML's by name, so the two must keep the same names.
    assert {s.name for s in KioskController.Screen} == {s.name for s in Screen}
    assert {m.name for m in ManagerController.Mode} == {m.name for m in Mode}


def test_the_module_declares_every_qml_file_in_its_folder() -> None:
    qmldir = (QML_MODULE_DIR / "qmldir").read_text(encoding="utf-8").splitlines()
    declared = {line.split()[-1] for line in qmldir if line.endswith(".qml")}
    assert declared == {path.name for path in QML_MODULE_DIR.glob("*.qml")}


def test_qmllint_is_told_about_every_registered_type(tmp_path: Path) -> None:
    text = write_typeinfo(tmp_path / "kiosk.qmltypes").read_text(encoding="utf-8")
    for name in ("KioskController", "ManagerController", "SetupController", "Theme"):
        assert f'exports: ["Effortless.Kiosk/{name} 1.0"]' in text
    theme = text[text.index('name: "Theme"') :]
    assert "isSingleton: true" in theme
    # Constant or notifying, so that qmllint does not warn that a binding to a colour might
    # go stale: the sizes never change, the colours and text scale with the shopper's
    # accessibility mode.
    # minTouch, minText, portraitKeyboardLayouts
    assert theme.count("isPropertyConstant: true") == 3
    assert theme.count('notify: "accessibleChanged"') == len(PALETTE) + 3


def test_type_information_that_disagrees_with_the_class_is_refused() -> None:
    dump = [
        {
            "classes": [
                {
                    "className": "Theme",
                    "properties": [
                        {"name": n, "type": "QString"}
                        for n in [
                            *PALETTE,
                            "minTouch",
                            "accessible",
                            "textScale",
                            "buttonBorder",
                            "minText",
                            "portraitKeyboardLayouts",
                        ]
                    ],
                }
            ]
        }
    ]
    with pytest.raises(TypeInfoError, match=r"Theme.minTouch: metaobjectdump says QString"):
        check_against_runtime(dump)
    dump[0]["classes"][0]["properties"].pop()
    with pytest.raises(TypeInfoError, match=r"Theme: metaobjectdump saw"):
        check_against_runtime(dump)


def test_qml_messages_arrive_in_python_logging(
    make_kiosk: Callable[..., Kiosk], caplog: pytest.LogCaptureFixture, expect_log: Any
) -> None:
    expect_log("qt", "a message from QML")
    kiosk = make_kiosk()
    component = QQmlComponent(kiosk.engine)
    component.setData(
        b'import QtQuick\nQtObject { Component.onCompleted: console.warn("a message from QML") }',
        "probe.qml",
    )
    component.create()
    records = [r for r in caplog.records if "a message from QML" in r.getMessage()]
    assert records
    assert records[0].name.startswith("qt.")
    assert records[0].levelno == logging.WARNING


def test_no_comment_text_reaches_any_log(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    qtbot: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    kiosk = make_kiosk()
    for name in ("startArea", "score_4", "factor_price"):
        clock.advance(1)
        tap(kiosk.window, name)
    field = visible_item(kiosk.window, "commentField")
    field.setProperty("text", "Xylofoonwinkel geheim")
    clock.advance(1)
    tap(kiosk.window, "sendComment")
    qtbot.waitUntil(lambda: kiosk.controller.screen == KioskController.Screen.THANKS)
    assert kiosk.outbox is not None
    assert kiosk.outbox.rows()[0]["comment"] == "Xylofoonwinkel geheim"
    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    assert not [r for r in caplog.records if "Xylofoon" in r.getMessage()]


class _Texts(QObject):
    def _texts(self) -> dict[str, object]:
        return {"prompt": "Waarom?", "missing": None}

    texts = Property("QVariantMap", _texts, constant=True)


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="None is immortal from Python 3.12 on: its refcount never changes, so the "
    "PySide6 6.12.0 bug can neither crash the kiosk nor be seen here",
)
def test_the_qt_binding_keeps_python_refcounts_intact() -> None:
    """PySide6 6.12.0 releases None once per read of a map property holding it, and the
    kiosk crashed ("deallocating None") after a few shoppers on Python 3.11;
    pyproject.toml keeps 6.12 out there."""
    holder = _Texts()
    before = sys.getrefcount(None)
    for _ in range(1000):
        assert holder.property("texts")["prompt"] == "Waarom?"
    assert sys.getrefcount(None) >= before - 10
