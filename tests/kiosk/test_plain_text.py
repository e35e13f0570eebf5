"""Texts from HQ and from survey files show as plain text on the kiosk: markup in them is
shown as typed, never rendered, and an <img> in them never makes the kiosk fetch anything."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtQml import QQmlComponent, QQmlEngine, QQmlExpression
from PySide6.QtQuick import QQuickItem

from ces.assets import surveys_dir
from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item
from kiosk.ui.qmlmodule import QML_MODULE_DIR
from sync.remote_config import parse_config, save

pytestmark = pytest.mark.ui

# A 1x1 transparent PNG: what the server answers, so a fetched image would really show.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


@dataclass
class Recorder:
    """A real HTTP server on loopback that notes every path asked of it."""

    port: int = 0
    paths: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"


@pytest.fixture
def image_server() -> Iterator[Recorder]:
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recorder.paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PIXEL)))
            self.end_headers()
            self.wfile.write(PIXEL)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # not on stderr: the test reads the paths

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def shows_literally(item: QQuickItem) -> bool:
    """The item lays its text out as the characters it holds, tags and all.

    Rendered as rich text, a tag takes no room (or an image's room, or a bigger font's),
    so the width of the literal string tells the two apart: the text's natural (unwrapped)
    width, its implicitWidth, which a long banner message wraps onto two lines."""
    text = str(item.property("text"))
    wanted = QFontMetricsF(item.property("font")).horizontalAdvance(text)
    width = float(item.property("implicitWidth"))
    return abs(width - wanted) <= max(2.0, 0.02 * wanted)


def nothing_fetched_from(kiosk: Kiosk, server: Recorder, qtbot: Any) -> list[str]:
    """Every path the kiosk asked of the server, once a request issued now has arrived.

    An image the QML engine fetched for the texts on screen was asked for before this one,
    so once this one is in, the list is complete (no sleeping and hoping)."""
    component = QQmlComponent(kiosk.engine)
    component.setData(
        f'import QtQuick\nImage {{ source: "{server.url("barrier.png")}" }}'.encode(),
        (QML_MODULE_DIR / "Barrier.qml").as_uri(),
    )
    barrier = component.create()
    assert barrier is not None, component.errorString()
    qtbot.waitUntil(lambda: "/barrier.png" in server.paths, timeout=10_000)
    barrier.deleteLater()
    return [p for p in server.paths if p != "/barrier.png"]


def test_a_message_with_markup_shows_as_typed_and_fetches_nothing(
    make_kiosk: Callable[..., Kiosk], data_dir: Path, image_server: Recorder, qtbot: Any
) -> None:
    # As a message saved at HQ before HQ refused markup reaches the kiosk.
    message = f'<img src="{image_server.url("x.png")}"><font size=7>big</font>'
    doc = json.loads((surveys_dir() / "in_store_purchase.json").read_text(encoding="utf-8"))
    config = parse_config(
        {
            "kiosk_id": "k1",
            "store": "s042",
            "touchpoint": "in_store_purchase",
            "surveys": [doc],
            "messages": [{"text": {"nl": message, "en": message}}],
        }
    )
    save(config, data_dir)
    kiosk = make_kiosk()
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "youSaidText"))
    banner = visible_item(kiosk.window, "youSaidText")
    assert str(banner.property("text")).endswith(message)
    qtbot.waitUntil(lambda: shows_literally(banner))
    assert nothing_fetched_from(kiosk, image_server, qtbot) == []


def survey_with_markup(path: Path, server: Recorder) -> Path:
    doc = json.loads((surveys_dir() / "in_store_purchase.json").read_text(encoding="utf-8"))
    doc["question"] = {loc: "Was it <b>easy</b>? <font size=7>x</font>" for loc in doc["locales"]}
    doc["why"]["prompt"] = {
        loc: f'Why? <img src="{server.url("why.png")}">' for loc in doc["locales"]
    }
    doc["why"]["factors"][0]["label"] = {loc: "<i>P</i> &amp;" for loc in doc["locales"]}
    doc["comment"]["prompt"] = {loc: "<h1>Tell us</h1>" for loc in doc["locales"]}
    doc["thanks"] = {loc: "<u>Thanks</u>" for loc in doc["locales"]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def button_label(button: QQuickItem) -> QQuickItem:
    """The Text inside a BigButton (what a shopper reads on it)."""
    stack = [button]
    while stack:
        item = stack.pop()
        if item.metaObject().className().startswith("QQuickText") and item is not button:
            return item
        stack.extend(item.childItems())
    raise AssertionError(f"no text in {button.objectName()}")


def test_survey_texts_with_markup_show_as_typed_and_fetch_nothing(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    tmp_path: Path,
    image_server: Recorder,
    qtbot: Any,
) -> None:
    kiosk = make_kiosk(survey_path=survey_with_markup(tmp_path / "marked.json", image_server))
    clock.advance(1)
    tap(kiosk.window, "startArea")
    question = visible_item(kiosk.window, "questionText")
    assert str(question.property("text")) == "Was it <b>easy</b>? <font size=7>x</font>"
    qtbot.waitUntil(lambda: shows_literally(question))
    clock.advance(1)
    tap(kiosk.window, "score_6")
    prompt = visible_item(kiosk.window, "whyPrompt")
    qtbot.waitUntil(lambda: shows_literally(prompt))
    label = button_label(visible_item(kiosk.window, "factor_price"))
    assert str(label.property("text")) == "<i>P</i> &amp;"
    qtbot.waitUntil(lambda: shows_literally(label))
    clock.advance(1)
    tap(kiosk.window, "factor_price")
    comment = visible_item(kiosk.window, "commentPrompt")
    qtbot.waitUntil(lambda: shows_literally(comment))
    clock.advance(1)
    tap(kiosk.window, "skipComment")
    thanks = visible_item(kiosk.window, "thanksText")
    qtbot.waitUntil(lambda: shows_literally(thanks))
    assert nothing_fetched_from(kiosk, image_server, qtbot) == []


# --- the guard: no new screen can show text as rich text by accident ----------------------

# QML types that lay out text with a textFormat (TextInput and TextField are always plain).
# Components made of one of these (Heading.qml is a Text) are checked where they are defined.
TEXT_TYPES = ("Text", "Label", "TextEdit", "TextArea")
# A text element that really needs rich text says so inside its braces, with the reason.
EXEMPT = "// rich text allowed:"
PLAIN = re.compile(r"^\s*textFormat:\s*(Text|TextEdit)\.PlainText\s*$", re.MULTILINE)
ANY_FORMAT = re.compile(r"\btextFormat\s*:")
OPENING = re.compile(r"(?<![\w.])(\w+)\s*\{")


def own_lines(qml: str, start: int) -> str:
    """The body of the element whose '{' is at ``start``, without nested elements' bodies."""
    depth = 0
    out: list[str] = []
    for ch in qml[start:]:
        if ch == "{":
            depth += 1
            if depth == 1:
                continue
        elif ch == "}":
            depth -= 1
            if depth == 0:
                break
        if depth == 1:
            out.append(ch)
    return "".join(out)


def elements(qml: str) -> Iterator[tuple[int, str, str]]:
    """(line, type, own body) of every element declared in a QML file."""
    code = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', qml)  # braces inside strings do not count
    for match in OPENING.finditer(code):
        line = code.count("\n", 0, match.start()) + 1
        yield line, match.group(1), own_lines(code, match.end() - 1)


def unguarded(qml: str) -> list[str]:
    """Text elements without plain text, and any element that sets another textFormat."""
    found = []
    for line, kind, body in elements(qml):
        if EXEMPT in body:
            continue
        formats = [m.start() for m in ANY_FORMAT.finditer(body)]
        plain = len(PLAIN.findall(body))
        if (kind in TEXT_TYPES and not plain) or len(formats) > plain:
            found.append(f"line {line}: {kind}")
    return found


def test_every_text_element_in_the_qml_is_plain_text() -> None:
    files = sorted(QML_MODULE_DIR.glob("*.qml"))
    assert files
    found = {f.name: unguarded(f.read_text(encoding="utf-8")) for f in files}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_guard_finds_a_text_without_plain_text() -> None:
    qml = (
        "import QtQuick\nItem {\n"
        '    Text { text: "}" ; horizontalAlignment: Text.AlignHCenter }\n'
        "    Text {\n        textFormat: Text.PlainText\n        text: x\n    }\n"
        "    Heading {\n        textFormat: Text.RichText\n        Text { textFormat: Text.PlainText }\n    }\n"
        "    TextArea {\n        Rectangle { textFormat: TextEdit.PlainText }\n    }\n"
        "    Label {\n        // rich text allowed: a test of the exemption\n    }\n"
        "}\n"
    )
    assert unguarded(qml) == ["line 3: Text", "line 8: Heading", "line 12: TextArea"]


def is_plain(item: QQuickItem) -> bool:
    # PySide cannot convert QQuickText's enum, so QML itself compares it.
    expression = QQmlExpression(QQmlEngine.contextForObject(item), item, "textFormat === 0")
    value, undefined = expression.evaluate()
    assert not expression.hasError(), expression.error().toString()
    assert not undefined
    return value is True


def test_text_items_on_the_live_screens_are_plain_text(make_kiosk: Callable[..., Kiosk]) -> None:
    """Every text item actually made (shown or not), whatever QML type declared it."""
    kiosk = make_kiosk()
    stack: list[QQuickItem] = [kiosk.window.contentItem()]
    texts: list[QQuickItem] = []
    while stack:
        item = stack.pop()
        # Qt's on-screen keyboard labels its own keys.
        if item.objectName() != "onScreenKeyboard":
            stack.extend(item.childItems())
        # Qt's own placeholder inside a text field shows the kiosk's words, never data.
        if (
            item.metaObject().indexOfProperty("textFormat") >= 0
            and item.metaObject().className() != "QQuickPlaceholderText"
        ):
            texts.append(item)
    assert len(texts) > 20
    rich = [
        f"{t.metaObject().className()} {t.objectName() or str(t.property('text'))[:30]!r}"
        for t in texts
        if not is_plain(t)
    ]
    assert rich == [], "\n".join(rich)
