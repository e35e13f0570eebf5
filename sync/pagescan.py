"""Table rows read straight from the pages of an SQLite file, without its b-trees.

When the page at the top of a table is damaged, SQLite can no longer walk to the rows
below it, although the pages that hold them are intact. This reads every page of a
database file (and of its write-ahead log) as a table leaf page and decodes the records
it finds, following the file format (https://www.sqlite.org/fileformat2.html). It
never writes, and a page that does not parse is skipped, so garbage gives no rows.

A row may be found more than once (an older copy in a freed page or in an older frame of
the log); the caller decides which copy wins.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_HEADER_MAGIC = b"SQLite format 3\x00"
_WAL_MAGICS = (0x377F0682, 0x377F0683)
_TABLE_LEAF = 0x0D
_DEFAULT_PAGE_SIZE = 4096
# Only this much of a file is scanned: a kiosk database is a few megabytes, and a tablet's
# memory is small.
MAX_SCAN_BYTES = 512 * 2**20
# A long overflow chain in a damaged file could loop; no answer needs more pages.
_MAX_OVERFLOW_PAGES = 64


class _Bad(Exception):
    """This cell or page is not a valid record; skip it."""


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(8):
        if at + i >= len(data):
            raise _Bad
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    if at + 8 >= len(data):
        raise _Bad
    return (value << 8) | data[at + 8], at + 9


def _page_size(header: bytes) -> int:
    if header.startswith(_HEADER_MAGIC) and len(header) >= 18:
        size = int.from_bytes(header[16:18], "big")
        size = 65536 if size == 1 else size
        if 512 <= size <= 65536 and size & (size - 1) == 0:
            return size
    # A damaged first page: the kiosk never changes SQLite's default.
    return _DEFAULT_PAGE_SIZE


def _decode_record(payload: bytes) -> list[Any]:
    header_size, at = _varint(payload, 0)
    if header_size < 1 or header_size > len(payload):
        raise _Bad
    types = []
    while at < header_size:
        serial, at = _varint(payload, at)
        types.append(serial)
    if at != header_size:
        raise _Bad
    values: list[Any] = []
    body = header_size
    for serial in types:
        if serial == 0:
            values.append(None)
        elif 1 <= serial <= 6:
            width = (1, 2, 3, 4, 6, 8)[serial - 1]
            chunk = payload[body : body + width]
            if len(chunk) != width:
                raise _Bad
            values.append(int.from_bytes(chunk, "big", signed=True))
            body += width
        elif serial == 7:
            chunk = payload[body : body + 8]
            if len(chunk) != 8:
                raise _Bad
            values.append(struct.unpack(">d", chunk)[0])
            body += 8
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            width = (serial - 12) // 2
            chunk = payload[body : body + width]
            if len(chunk) != width:
                raise _Bad
            if serial % 2:
                try:
                    values.append(chunk.decode("utf-8"))
                except UnicodeDecodeError:
                    raise _Bad from None
            else:
                values.append(bytes(chunk))
            body += width
        else:
            raise _Bad
    if body != len(payload):
        raise _Bad
    return values


class _Pages:
    """The pages of the main file, for following overflow chains."""

    def __init__(self, data: bytes, page_size: int) -> None:
        self.data = data
        self.page_size = page_size

    def page(self, number: int) -> bytes:
        start = (number - 1) * self.page_size
        if number < 1 or start + self.page_size > len(self.data):
            raise _Bad
        return self.data[start : start + self.page_size]


def _cell_payload(page: bytes, offset: int, usable: int, pages: _Pages) -> bytes:
    size, at = _varint(page, offset)
    _rowid, at = _varint(page, at)
    most_local = usable - 35
    if size <= most_local:
        local = size
    else:
        least = ((usable - 12) * 32 // 255) - 23
        local = least + (size - least) % (usable - 4)
        if local > most_local:
            local = least
    payload = bytearray(page[at : at + local])
    if len(payload) != local:
        raise _Bad
    if local < size:
        next_page = int.from_bytes(page[at + local : at + local + 4], "big")
        seen: set[int] = set()
        for _ in range(_MAX_OVERFLOW_PAGES):
            if len(payload) >= size or next_page == 0:
                break
            if next_page in seen:
                raise _Bad  # a chain that loops would repeat one page's text as the row's
            seen.add(next_page)
            overflow = pages.page(next_page)
            next_page = int.from_bytes(overflow[:4], "big")
            payload += overflow[4 : 4 + min(usable - 4, size - len(payload))]
        if len(payload) != size:
            raise _Bad
    return bytes(payload)


def _leaf_records(page: bytes, number: int, usable: int, pages: _Pages) -> Iterator[list[Any]]:
    start = 100 if number == 1 else 0
    if len(page) < start + 8 or page[start] != _TABLE_LEAF:
        return
    cells = int.from_bytes(page[start + 3 : start + 5], "big")
    pointers = start + 8
    if pointers + 2 * cells > usable:
        return
    for i in range(cells):
        offset = int.from_bytes(page[pointers + 2 * i : pointers + 2 * i + 2], "big")
        if not pointers + 2 * cells <= offset < usable:
            continue
        try:
            yield _decode_record(_cell_payload(page, offset, usable, pages))
        except _Bad:
            continue


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read(MAX_SCAN_BYTES)
    except OSError:
        return b""


def _wal_pages(path: Path, page_size: int) -> Iterator[tuple[int, bytes]]:
    data = _head(path)
    if len(data) < 32 or int.from_bytes(data[:4], "big") not in _WAL_MAGICS:
        return
    size = int.from_bytes(data[8:12], "big")
    size = 65536 if size == 1 else size
    if size != page_size:
        return
    at = 32
    while at + 24 + size <= len(data):
        number = int.from_bytes(data[at : at + 4], "big")
        yield number, data[at + 24 : at + 24 + size]
        at += 24 + size


def table_records(path: Path) -> Iterator[list[Any]]:
    """Every record on a table leaf page of ``path`` and of ``path``-wal, in file order."""
    data = _head(path)
    page_size = _page_size(data[:100])
    reserved = data[20] if data.startswith(_HEADER_MAGIC) and len(data) > 20 else 0
    usable = page_size - reserved
    pages = _Pages(data, page_size)
    for number in range(1, len(data) // page_size + 1):
        yield from _leaf_records(pages.page(number), number, usable, pages)
    for number, page in _wal_pages(path.with_name(path.name + "-wal"), page_size):
        yield from _leaf_records(page, number, usable, pages)
