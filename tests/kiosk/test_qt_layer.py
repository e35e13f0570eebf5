"""The Qt layer's own promises: readable colours, Qt's messages in Python logging, no
shopper text in any log, and a Qt binding that does not corrupt Python's objects."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Property, QObject
from PySide6.QtQml import QQmlComponent

from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import tap, visible_item
from kiosk.ui.theme import PALETTE, TEXT_PAIRS, contrast_ratio


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_colours_reach_wcag_aa_contrast(foreground: str, background: str) -> None:
    ratio = contrast_ratio(PALETTE[foreground], PALETTE[background])
    assert ratio >= 4.5, f"{foreground} on {background}: {ratio:.2f}:1"


def test_contrast_ratio_is_computed_as_wcag_defines_it() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


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
    qtbot.waitUntil(lambda: kiosk.controller.screen == "thanks")
    assert kiosk.outbox is not None
    assert kiosk.outbox.rows()[0]["comment"] == "Xylofoonwinkel geheim"
    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    assert not [r for r in caplog.records if "Xylofoon" in r.getMessage()]


class _Texts(QObject):
    def _texts(self) -> dict[str, object]:
        return {"prompt": "Waarom?", "missing": None}

    texts = Property("QVariantMap", _texts, constant=True)


def test_the_qt_binding_keeps_python_refcounts_intact() -> None:
    """PySide6 6.12.0 releases None once per read of a map property holding it, and the
    kiosk crashed ("deallocating None") after a few shoppers; pyproject.toml keeps it out."""
    holder = _Texts()
    before = sys.getrefcount(None)
    for _ in range(1000):
        assert holder.property("texts")["prompt"] == "Waarom?"
    assert sys.getrefcount(None) >= before - 10
