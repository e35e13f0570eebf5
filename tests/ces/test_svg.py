"""The SVG sanitiser: hostile uploads come out as plain drawings, or are refused clearly."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ces.assets import icons_dir
from ces.svg import MAX_SVG_BYTES, SvgError, is_clean, sanitise_svg

NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def _svg(body: str, attrs: str = "") -> str:
    return f'<svg {NS} {XLINK} viewBox="0 0 48 48"{attrs}>{body}</svg>'


def _all_attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in ET.fromstring(text).iter():
        found.update(node.attrib)
    return found


def _tags(text: str) -> set[str]:
    return {str(node.tag).rpartition("}")[2] for node in ET.fromstring(text).iter()}


def test_every_shipped_icon_keeps_its_drawing() -> None:
    for path in sorted(icons_dir().rglob("*.svg")):
        clean = sanitise_svg(path.read_bytes())
        assert clean.removed == (), path
        before = ET.fromstring(path.read_text(encoding="utf-8"))
        after = ET.fromstring(clean.text)
        assert len(list(before.iter())) == len(list(after.iter())), path
        assert is_clean(clean.text)


@pytest.mark.parametrize(
    ("body", "attrs", "gone"),
    [
        ('<script>alert(1)</script><circle r="4"/>', "", "<script>"),
        ('<script type="text/ecmascript"><![CDATA[alert(1)]]></script>', "", "<script>"),
        ('<circle r="4" onclick="alert(1)"/>', ' onload="alert(1)"', "onload"),
        ('<a href="javascript:alert(1)"><circle r="4"/></a>', "", "<a>"),
        ('<a xlink:href="https://evil.example/"><circle r="4"/></a>', "", "<a>"),
        ('<image href="https://evil.example/x.png" width="4" height="4"/>', "", "<image>"),
        ('<image xlink:href="data:image/png;base64,AAAA"/>', "", "<image>"),
        (
            '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>',
            "",
            "<foreignObject>",
        ),
        ('<use xlink:href="https://evil.example/sprite.svg#a"/>', "", "xlink:href"),
        ('<use href="other.svg#a"/>', "", "href"),
        ('<use xlink:href="data:image/svg+xml,&lt;svg/&gt;"/>', "", "xlink:href"),
        ("<style>@import url(https://evil.example/x.css);</style>", "", "<style>"),
        ('<rect width="4" height="4" style="fill:url(https://evil.example/x)"/>', "", "style fill"),
        ('<rect width="4" height="4" style="behavior:url(x.htc)"/>', "", "style behavior"),
        ('<rect width="4" height="4" fill="url(http://evil.example/p#x)"/>', "", "fill value"),
        ('<animate attributeName="href" to="javascript:alert(1)"/>', "", "<animate>"),
        ('<set attributeName="onclick" to="alert(1)"/>', "", "<set>"),
        (
            '<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/>',
            "",
            "<iframe>",
        ),
    ],
)
def test_hostile_parts_are_removed_and_named(body: str, attrs: str, gone: str) -> None:
    clean = sanitise_svg(_svg(body, attrs))
    assert gone in clean.removed
    text = clean.text.lower()
    for bad in (
        "script",
        "javascript",
        "onload",
        "onclick",
        "http://e",
        "https:",
        "data:",
        "@import",
    ):
        assert bad not in text
    assert not {"script", "foreignObject", "image", "a", "style", "iframe"} & _tags(clean.text)
    assert is_clean(clean.text)
    assert not is_clean(_svg(body, attrs))


def test_drawing_and_local_references_survive() -> None:
    source = _svg(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
        '<path id="p" d="M0 0 L4 4"/></defs>'
        '<use xlink:href="#p" transform="translate(2 2)"/>'
        '<rect width="4" height="4" fill="url(#g)" style="stroke: #111; stroke-width: 2"/>'
        "<title>A &amp; B</title>"
    )
    clean = sanitise_svg(source)
    assert clean.removed == ()
    attributes = _all_attributes(clean.text)
    assert attributes["fill"] == "url(#g)"
    assert attributes["stroke"] == "#111"
    assert attributes["{http://www.w3.org/1999/xlink}href"] == "#p"
    assert "A &amp; B" in clean.text
    assert is_clean(clean.text)
    assert clean.reference == "svg:" + clean.sha256
    assert len(clean.sha256) == 64


def test_a_style_value_wins_over_the_attribute_as_in_css() -> None:
    clean = sanitise_svg(_svg('<rect fill="red" style="fill:blue" width="2" height="2"/>'))
    assert _all_attributes(clean.text)["fill"] == "blue"
    assert is_clean(clean.text)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"""


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (BILLION_LAUGHS, "DOCTYPE"),
        (EXTERNAL_ENTITY, "DOCTYPE"),
        ('<!doctype svg><svg xmlns="http://www.w3.org/2000/svg"/>', "DOCTYPE"),
        ("<svg xmlns='http://www.w3.org/2000/svg'>" + " " * MAX_SVG_BYTES + "</svg>", "larger"),
        ("", "empty"),
        ("   \n", "empty"),
        ("<html><body>hi</body></html>", "not an SVG"),
        ("<svg><circle r='1'/></svg>", "not an SVG"),
        ('{"not": "svg"}', "well-formed"),
        ("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "well-formed"),
        (b"\xff\xfe<\x00s\x00v\x00g\x00", "UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
        (_svg("<g>" * 40 + "</g>" * 40), "nested"),
        (_svg("<circle r='1'/>" * 600), "elements"),
    ],
)
def test_what_cannot_be_an_icon_is_refused_clearly(data: str | bytes, said: str) -> None:
    with pytest.raises(SvgError, match=said):
        sanitise_svg(data)
    assert not is_clean(data if isinstance(data, str) else data.decode("latin-1"))


def test_text_outside_text_elements_and_comments_are_dropped() -> None:
    clean = sanitise_svg(_svg("stray<!-- note --><?php echo 1 ?><g>x<circle r='1'/>y</g>"))
    for gone in ("stray", "note", "php"):
        assert gone not in clean.text
    assert is_clean(clean.text)
