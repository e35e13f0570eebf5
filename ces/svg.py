"""Uploaded SVG icons made safe: the one sanitiser HQ's editor and the kiosk's validator use.

An icon comes from someone's upload and is drawn on every kiosk, so it is treated as hostile.
Only a list of drawing elements and attributes is kept (an allow list: what is not known is
dropped); anything that could run, load or link (scripts, event handlers, foreignObject,
images, links, style sheets, references outside the icon) is removed. A DOCTYPE (and so any
entity, e.g. "billion laughs") is refused before the parser sees the text.

``sanitise_svg`` returns the clean text with what it removed; cleaning its own output again
changes nothing, which is how ``is_clean`` checks an icon carried in a survey file.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

MAX_SVG_BYTES = 16 * 1024
MAX_SVG_ELEMENTS = 500
MAX_SVG_DEPTH = 24
ICON_PREFIX = "svg:"
ICON_HASH_RE = re.compile(r"[0-9a-f]{64}")

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_XLINK_HREF = f"{{{_XLINK_NS}}}href"

# Drawing only: no script, style, foreignObject, image, a, animation or font elements.
_ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
    }
)
_TEXT_ELEMENTS = frozenset({"title", "desc", "text", "tspan"})
# Presentation properties: allowed as attributes and taken out of a style attribute.
_PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "opacity",
        "stop-color",
        "stop-opacity",
        "clip-path",
        "clip-rule",
        "mask",
        "visibility",
        "display",
        "color",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
    }
)
_GEOMETRY = frozenset(
    {
        "id",
        "version",
        "viewBox",
        "preserveAspectRatio",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "fx",
        "fy",
        "d",
        "points",
        "pathLength",
        "transform",
        "offset",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "clipPathUnits",
        "maskUnits",
        "maskContentUnits",
        "dx",
        "dy",
    }
)
_ATTRIBUTES = _PRESENTATION | _GEOMETRY
# Only these may point at something, and only inside the icon ("#id").
_HREF_ELEMENTS = frozenset({"use", "linearGradient", "radialGradient"})
_LOCAL_REF_RE = re.compile(r"#[A-Za-z_][A-Za-z0-9_.-]{0,63}")
_LOCAL_URL_RE = re.compile(r"url\(\s*#[A-Za-z_][A-Za-z0-9_.-]{0,63}\s*\)")
# After the local url(#id) references are taken out, no value may hold these.
_UNSAFE_VALUE_RE = re.compile(r"url\(|[\\@<>]|&|javascript:|data:|expression|//", re.IGNORECASE)
_ID_VALUE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


class SvgError(ValueError):
    """The upload cannot be an icon at all; ``str(e)`` says why, in English."""


@dataclass(frozen=True)
class CleanSvg:
    text: str
    removed: tuple[str, ...]  # what was dropped, e.g. "<script>", "onload", sorted

    @property
    def sha256(self) -> str:
        return icon_hash(self.text)

    @property
    def reference(self) -> str:
        """How a survey's factor names this icon: ``svg:<sha256>``."""
        return ICON_PREFIX + self.sha256


def icon_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _local(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


def _safe_value(value: str) -> bool:
    rest = _LOCAL_URL_RE.sub("", value)
    return not _UNSAFE_VALUE_RE.search(rest) and all(c.isprintable() for c in value)


class _Cleaner:
    def __init__(self) -> None:
        self.removed: set[str] = set()
        self.count = 0
        self.uses_xlink = False

    def element(self, node: ET.Element, depth: int) -> str | None:
        namespace, tag = _local(node.tag) if isinstance(node.tag, str) else (None, "")
        if namespace != _SVG_NS or tag not in _ELEMENTS:
            # Comments and processing instructions have no str tag: dropped silently.
            if isinstance(node.tag, str):
                self.removed.add(f"<{tag}>")
            return None
        if depth > MAX_SVG_DEPTH:
            raise SvgError(f"elements are nested more than {MAX_SVG_DEPTH} deep")
        self.count += 1
        if self.count > MAX_SVG_ELEMENTS:
            raise SvgError(f"has more than {MAX_SVG_ELEMENTS} elements")
        attributes = self.attributes(node, tag)
        parts = [f"<{tag}"]
        if depth == 0:
            parts.append(f' xmlns="{_SVG_NS}"')
            parts.append("\x00XLINK\x00")
        parts.extend(f" {name}={quoteattr(value)}" for name, value in attributes)
        inner: list[str] = []
        if tag in _TEXT_ELEMENTS and node.text:
            inner.append(escape(node.text))
        for child in node:
            cleaned = self.element(child, depth + 1)
            if cleaned is not None:
                inner.append(cleaned)
            if tag in _TEXT_ELEMENTS and child.tail and cleaned is not None:
                inner.append(escape(child.tail))
        if not inner:
            return "".join(parts) + "/>"
        return "".join(parts) + ">" + "".join(inner) + f"</{tag}>"

    def attributes(self, node: ET.Element, tag: str) -> list[tuple[str, str]]:
        kept: dict[str, str] = {}
        for name, value in node.attrib.items():
            namespace, local = _local(name)
            if name == _XLINK_HREF or (namespace is None and local == "href"):
                if tag in _HREF_ELEMENTS and _LOCAL_REF_RE.fullmatch(value.strip()):
                    kept["xlink:href"] = value.strip()
                    self.uses_xlink = True
                else:
                    self.removed.add("href" if namespace is None else "xlink:href")
                continue
            if namespace is not None:
                self.removed.add(local)
                continue
            if local == "style":
                self.style(value, kept)
                continue
            if local not in _ATTRIBUTES:
                self.removed.add(local)
                continue
            if local == "id" and not _ID_VALUE_RE.fullmatch(value):
                self.removed.add("id")
                continue
            if not _safe_value(value):
                self.removed.add(f"{local} value")
                continue
            # A style attribute's value wins, as in CSS: it is set over this (see style()).
            kept.setdefault(local, value)
        return list(kept.items())

    def style(self, value: str, kept: dict[str, str]) -> None:
        # A style attribute becomes presentation attributes: no CSS is left in the icon.
        for declaration in value.split(";"):
            if not declaration.strip():
                continue
            name, colon, raw = declaration.partition(":")
            name, raw = name.strip().lower(), raw.strip()
            if colon and name in _PRESENTATION and raw and _safe_value(raw):
                kept[name] = raw
            else:
                self.removed.add("style " + (name or "?"))


def sanitise_svg(data: bytes | str) -> CleanSvg:
    """The icon with only safe drawing left in it, or SvgError if it cannot be one."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    # Checked before decoding or parsing, so a huge upload costs nothing.
    if len(raw) > MAX_SVG_BYTES:
        raise SvgError(f"is larger than the limit of {MAX_SVG_BYTES:,} bytes")
    if not raw.strip():
        raise SvgError("is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SvgError("is not UTF-8 text, so not an SVG file") from None
    # No DOCTYPE means no entity can be declared: refused before the parser sees it.
    if re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise SvgError("has a DOCTYPE or ENTITY declaration, which icons may not have")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise SvgError(f"is not well-formed XML ({e})") from None
    except RecursionError:
        raise SvgError("is nested too deeply") from None
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise SvgError("is not an SVG image (its top element is not <svg> in the SVG namespace)")
    cleaner = _Cleaner()
    body = cleaner.element(root, 0)
    assert body is not None
    xlink = f' xmlns:xlink="{_XLINK_NS}"' if cleaner.uses_xlink else ""
    return CleanSvg(body.replace("\x00XLINK\x00", xlink, 1), tuple(sorted(cleaner.removed)))


def is_clean(text: str) -> bool:
    """Whether ``text`` is exactly what the sanitiser makes of it (nothing to remove)."""
    try:
        return sanitise_svg(text).text == text
    except SvgError:
        return False


__all__ = [
    "ICON_HASH_RE",
    "ICON_PREFIX",
    "MAX_SVG_BYTES",
    "CleanSvg",
    "SvgError",
    "icon_hash",
    "is_clean",
    "sanitise_svg",
]
