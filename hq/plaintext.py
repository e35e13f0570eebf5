"""Markup in texts HQ sends to kiosks.

Kiosks show every text as plain text, so markup would show there as typed (and in older
kiosks, that rendered rich text, an <img> made every kiosk of a store fetch its address).
HQ refuses it where a text is entered, so what a manager types is what shoppers read.

Markup here is what a rich-text renderer would act on: a tag, closing tag, comment or
declaration (``<`` then a letter, ``/``, ``!`` or ``?``) and a character reference
(``&lt;``, ``&#60;``, ``&#x3c;``). A lone ``<`` or ``&`` ("<3", "a < b", "Q&A") is text.
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def markup_in(text: str) -> str | None:
    """The first piece of markup in ``text`` (for the error), or None when it is plain."""
    found = _MARKUP.search(text)
    return found.group(0) if found else None
