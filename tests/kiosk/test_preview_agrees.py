"""HQ's survey preview (hq/dashboard/kiosk_layout.py) models the kiosk's QML layout; here the
real kiosk lays out the same labels and headings, so the model cannot drift from the screens
unnoticed: the same lines, and the same verdict on a word too wide for its button."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtQuick import QQuickItem

from ces.assets import default_survey_path
from ces.survey import load_survey
from hq.dashboard.kiosk_layout import screen
from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item, walk

pytestmark = pytest.mark.ui

LABELS = [
    "Prijs",
    "Parkeergarageklantvriendelijkheid",  # one word, wider than a button
    "Wachttijden bij parkeerautomaat of kassa",  # three lines
    "Vriendelijkheid personeel",
]
PROMPT = "Welke van deze factoren had de meeste invloed op hoe makkelijk het vandaag ging?"


def _survey(tmp_path: Path) -> Path:
    doc: dict[str, Any] = json.loads(default_survey_path().read_bytes())
    for factor, label in zip(doc["why"]["factors"], LABELS, strict=True):
        factor["label"]["nl"] = label
    doc["why"]["prompt"]["nl"] = PROMPT
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _label(button: QQuickItem) -> QQuickItem:
    (text,) = [item for item in walk(button) if item.metaObject().className() == "QQuickText"]
    return text


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)])
def test_the_preview_wraps_and_flags_as_the_kiosk_lays_out(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    tmp_path: Path,
    size: tuple[int, int],
) -> None:
    path = _survey(tmp_path)
    kiosk = make_kiosk(survey_path=path, size=size)
    qtbot.waitUntil(lambda: (kiosk.window.width(), kiosk.window.height()) == size)
    clock.advance(1.0)
    tap(kiosk.window, "startArea")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "questionScreen"))
    clock.advance(1.0)
    tap(kiosk.window, "score_6")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "whyScreen"))
    model = screen(load_survey(path), "why", "nl", *size)
    prompt = visible_item(kiosk.window, "whyPrompt")
    assert prompt.property("lineCount") == len(model.texts[0].lines)
    survey = kiosk.flow.survey
    assert survey is not None
    for factor, modelled in zip(survey.factors, model.texts[1:], strict=True):
        text = _label(visible_item(kiosk.window, "factor_" + factor.id))
        assert text.property("text") == modelled.text
        assert text.property("lineCount") == len(modelled.lines), modelled.text
        sticks_out = text.property("contentWidth") > text.property("width") + 0.5
        assert sticks_out == modelled.too_wide, modelled.text
    # The long word sticks out on both sizes; the others fit.
    assert [t.fits for t in model.texts[1:]] == [True, False, True, True]
