"""Widths of text in the kiosk's font (Inter, assets/fonts), read from the font files.

The survey preview measures each text the way the kiosk lays it out, to say which will not
fit. Only what that needs is read from the OpenType tables (cmap, hmtx, hhea, head):
advance widths without kerning, which errs on the wide side, so a "fits" is not optimistic.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path

from ces.assets import fonts_dir

FONT_FILES = {
    "regular": "Inter-Regular.otf",
    "semibold": "Inter-SemiBold.otf",
    "bold": "Inter-Bold.otf",
}


@dataclass(frozen=True)
class Font:
    units_per_em: int
    ascender: int
    descender: int  # negative, as in the file
    advances: dict[int, int]  # code point -> advance width in font units
    default_advance: int

    def width(self, text: str, pixel_size: float) -> float:
        units = sum(self.advances.get(ord(c), self.default_advance) for c in text)
        return units * pixel_size / self.units_per_em

    def line_height(self, pixel_size: float) -> float:
        """Qt's line spacing for a Text without leading: ascent plus descent."""
        return (self.ascender - self.descender) * pixel_size / self.units_per_em


def _tables(data: bytes) -> dict[bytes, tuple[int, int]]:
    (count,) = struct.unpack_from(">H", data, 4)
    out = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        out[tag] = (offset, length)
    return out


def _cmap(data: bytes, offset: int) -> dict[int, int]:
    """Code point -> glyph id, from the Unicode subtable (format 12, else format 4)."""
    (count,) = struct.unpack_from(">H", data, offset + 2)
    subtables = {}
    for i in range(count):
        platform, encoding, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, offset + sub)[0]
        subtables[(platform, encoding, fmt)] = offset + sub
    mapping: dict[int, int] = {}
    for key, start in subtables.items():
        if key[2] == 12:
            (groups,) = struct.unpack_from(">I", data, start + 12)
            for g in range(groups):
                first, last, glyph = struct.unpack_from(">III", data, start + 16 + 12 * g)
                for code in range(first, last + 1):
                    mapping[code] = glyph + code - first
            return mapping
    for key, start in subtables.items():
        if key[2] == 4:
            seg_x2 = struct.unpack_from(">H", data, start + 6)[0]
            ends = start + 14
            starts = ends + seg_x2 + 2
            deltas = starts + seg_x2
            ranges = deltas + seg_x2
            for s in range(seg_x2 // 2):
                end = struct.unpack_from(">H", data, ends + 2 * s)[0]
                first = struct.unpack_from(">H", data, starts + 2 * s)[0]
                delta = struct.unpack_from(">h", data, deltas + 2 * s)[0]
                range_offset = struct.unpack_from(">H", data, ranges + 2 * s)[0]
                for code in range(first, min(end, 0xFFFE) + 1):
                    if range_offset == 0:
                        glyph = (code + delta) & 0xFFFF
                    else:
                        at = ranges + 2 * s + range_offset + 2 * (code - first)
                        glyph = struct.unpack_from(">H", data, at)[0]
                        glyph = (glyph + delta) & 0xFFFF if glyph else 0
                    if glyph:
                        mapping[code] = glyph
            return mapping
    return mapping


def _read(path: Path) -> Font:
    data = path.read_bytes()
    tables = _tables(data)
    head = tables[b"head"][0]
    (units_per_em,) = struct.unpack_from(">H", data, head + 18)
    hhea = tables[b"hhea"][0]
    ascender, descender = struct.unpack_from(">hh", data, hhea + 4)
    (metrics_count,) = struct.unpack_from(">H", data, hhea + 34)
    hmtx = tables[b"hmtx"][0]
    widths = [struct.unpack_from(">H", data, hmtx + 4 * i)[0] for i in range(metrics_count)]
    advances = {}
    for code, glyph in _cmap(data, tables[b"cmap"][0]).items():
        advances[code] = widths[min(glyph, metrics_count - 1)]
    # An unknown character is drawn from a fallback font: taken as wide as "M".
    return Font(units_per_em, ascender, descender, advances, advances.get(ord("M"), units_per_em))


@functools.cache
def font(weight: str) -> Font:
    return _read(fonts_dir() / FONT_FILES[weight])
