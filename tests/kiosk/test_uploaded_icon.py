"""A survey's uploaded icon (``svg:<sha256>`` in its ``icons``) is drawn on its factor's
button, like a shipped one; a hand-edited hostile icon is refused by the kiosk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtQuick import QQuickItem

from ces.assets import default_survey_path
from ces.svg import icon_hash, sanitise_svg
from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item

pytestmark = pytest.mark.ui

ICON = sanitise_svg(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">'
    '<rect x="8" y="8" width="32" height="32" fill="#1f2937"/></svg>'
).text


def _survey_with_icon(tmp_path: Path, icon: str) -> Path:
    doc: dict[str, Any] = json.loads(default_survey_path().read_bytes())
    digest = icon_hash(icon)
    doc["icons"] = {digest: icon}
    doc["why"]["factors"][0]["icon"] = "svg:" + digest
    path = tmp_path / "uploaded.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _icon_image(button: QQuickItem) -> QQuickItem:
    images = [
        item
        for item in button.findChildren(QQuickItem)
        if item.metaObject().className().startswith("QQuickImage")
    ]
    (image,) = images
    return image


def test_an_uploaded_icon_is_drawn_on_its_factor_button(
    make_kiosk: Callable[..., Kiosk], tmp_path: Path, qtbot: Any, clock: ManualClock
) -> None:
    kiosk = make_kiosk(survey_path=_survey_with_icon(tmp_path, ICON))
    first = kiosk.flow.survey
    assert first is not None
    factor = first.factors[0]
    clock.advance(1.0)
    tap(kiosk.window, "startArea")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "questionScreen"))
    clock.advance(1.0)
    tap(kiosk.window, "score_6")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "whyScreen"))
    button = visible_item(kiosk.window, "factor_" + factor.id)
    image = _icon_image(button)
    assert str(image.property("source").toString()).startswith("data:image/svg+xml;base64,")
    # Loaded: the SVG was read and drawn at the button's icon size.
    qtbot.waitUntil(lambda: image.property("implicitWidth") > 0)
    assert image.property("progress") == 1.0


def test_a_hostile_icon_edited_into_the_file_is_refused(
    make_kiosk: Callable[..., Kiosk], tmp_path: Path, expect_log: Any
) -> None:
    expect_log("effortless.survey", "icon is not a sanitised SVG")
    hostile = ICON.replace("<rect", '<script>alert(1)</script><rect onclick="x()"')
    kiosk = make_kiosk(survey_path=_survey_with_icon(tmp_path, hostile))
    # Without a last good survey the kiosk shows its out-of-order screen instead.
    assert kiosk.flow.survey is None
    assert is_shown(kiosk.window, "outOfOrderScreen")
    assert "icons." in kiosk.survey_problem
