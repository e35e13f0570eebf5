"""Order, customer and loyalty-card numbers (and citizen numbers) that a shopper introduces as such.

These have no checksum or shape of their own ("AB-12345-X"), so they are found by the word
that names them, in each of the kiosk's languages: "ordernummer AB-12345-X", "رقم الطلب
884512", or after the number, "AB-12345-X is mijn ordernummer". "kaartnummer" alone names a
loyalty card unless the number passes the Luhn test: then it is a payment card, and the
number stage takes it.
"""

from __future__ import annotations

import re
from collections import Counter

from ces.scrub.checksums import ascii_digits, luhn_ok
from ces.scrub.marks import ID_MARK
from ces.scrub.skips import has_digits

# A suffix after a word ("klantenkaartnummer", "numaram"), not after "#": "order #AB-1234".
_WORD_END = r"(?:(?<=[^\W\d_])[^\W\d_]*+)?+"
_J = r"[\s-]*"  # what joins the parts of a compound: "order-nummer", "Kunden-Nr.", "order number"
_NUMBER = rf"{_J}(?:nummer|nr\.?|no\.?|number|num[ée]ro|n°|#|id|ref|code|kod)"
# Words for a number that identifies the shopper, their order or their account, in each
# language (suffixes follow freely: "klantenkaartnummer", "numaram", "طلبي").
_NAMED = (
    # nl
    rf"order{_NUMBER}",
    rf"bestel(?:ling)?s?{_NUMBER}",
    rf"klant(?:en)?{_NUMBER}",
    r"(?:klanten|bonus|spaar|voordeel|lid|loyaliteits|lidmaatschaps)(?:kaart|pas)",
    rf"(?:lid|lidmaatschaps|referentie|zending|factuur|verzend|pakket|dossier){_J}nummer",
    r"air\s*miles",
    r"track\s*(?:&|and|en)?\s*trace",
    r"bsn",
    rf"burger{_J}service{_J}nummer",
    rf"sofi{_J}nummer",
    rf"paspoort{_J}nummer",
    # en
    rf"customer(?:{_NUMBER}|{_J}account|{_J}reference)",
    rf"loyalty{_J}(?:card|number|account|id)",
    rf"(?:rewards?|club|member(?:ship)?|bonus|store|points|nectar){_J}(?:card|number|id|account)",
    rf"member(?:ship)?{_NUMBER}",
    r"clubcard",
    rf"account{_NUMBER}",
    rf"(?:tracking|reference|booking|confirmation|invoice|reservation|parcel){_NUMBER}",
    rf"(?:social{_J}security|citizen{_J}service|national{_J}insurance|passport){_NUMBER}",
    # de
    rf"bestell(?:ungs)?{_NUMBER}",
    rf"kunden(?:{_NUMBER}|{_J}(?:karte|konto))",
    rf"(?:auftrags|vorgangs|referenz|rechnungs|sendungs|mitglieds|ausweis|personalausweis){_NUMBER}",
    rf"(?:treue|bonus|payback|mitglieds|sammel|deutschland){_J}(?:karte|card|nummer)",
    r"payback",
    rf"steuer{_J}id",
    # fr
    rf"(?:num[ée]ro|n°|no|r[ée]f[ée]rence|r[ée]f\.?){_J}(?:de{_J}|d['’]{_J})?"
    r"(?:commande|client|adh[ée]rent|facture|suivi|colis|membre|dossier)",
    rf"carte{_J}(?:de{_J})?(?:fid[ée]lit[ée]|membre|client|adh[ée]rent)",
    rf"(?:num[ée]ro|n°|no){_J}de{_J}s[ée]curit[ée]{_J}sociale",
    # tr
    rf"sipari[şs]{_J}(?:numara|no\b|kod)",
    rf"m[üu][şs]teri{_J}(?:numara|no\b|kart|kod)",
    rf"(?:sadakat|[üu]yelik|puan|bonus){_J}(?:kart|numara|no\b)",
    rf"(?:fatura|takip|kargo|referans){_J}(?:numara|no\b|kod)",
    rf"(?:tc{_J})?kimlik{_J}(?:numara|no\b)",
    # pl
    rf"(?:numer|nr\.?){_J}(?:zam[óo]wienia|klienta|faktury|przesy[łl]ki|referencyjny|"
    r"cz[łl]onkowski|karty\s*(?:lojalno[śs]ciowej|sta[łl]ego\s*klienta|klienta))",
    rf"kart\w*{_J}(?:lojalno[śs]ciow|sta[łl]ego\s*klienta|klienta|cz[łl]onkowsk)",
    r"pesel",
    # ar
    r"رقم\s*(?:ال)?(?:طلب|عميل|زبون|عضوية|هوية|فاتورة|تتبع|شحنة|حساب|مرجع)",
    r"بطاقة\s*(?:ال)?(?:ولاء|وفاء|عضوية|زبون|عميل|نقاط)",
    r"رقم\s*(?:ال)?بطاقة\s*(?:ال)?(?:وطنية|ولاء|وفاء|عضوية)",
)
# "card number" alone: a loyalty card, unless the number is a payment card (Luhn), which
# the number stage takes as a card.
_CARD = (
    rf"(?:kaart|pas){_J}(?:nummer|nr\.?)",
    rf"card{_J}(?:number|no\.?|#)",
    rf"karten{_J}(?:nummer|nr\.?)",
    rf"(?:num[ée]ro|n°|no){_J}de{_J}(?:la{_J})?carte",
    rf"kart{_J}numara",
    rf"(?:numer|nr\.?){_J}karty",
    r"رقم\s*(?:ال)?بطاق",
)
# Dutch and German make a word for any number: "retournummer", "Reservierungsnummer". All
# of them introduce an id but these, whose numbers are a phone, an address, an account
# (found by their own stages) or a product, a shelf, a page (nobody's).
_COMPOUND = r"[^\W\d_]{9,}+(?<=nummer)|[^\W\d_]{3,}+-nummer"
_NOT_IDS = (
    "telefoon", "telefon", "mobiel", "mobiele", "mobil", "handy", "gsm", "fax", "ruf", "service",
    "huis", "haus", "rekening", "konto", "bankrekening", "artikel", "serie", "serien", "product",
    "produkt", "model", "modell", "type", "typ", "maat", "ean", "lot", "batch", "charge",
    "chargen", "versie", "version", "versions", "kassa", "kassen", "bon", "beleg", "postbus",
    "kamer", "zimmer", "pagina", "seite", "seiten", "volg", "wacht", "tafel", "tisch", "stoel",
    "platz", "zitplaats", "gang", "schap", "regal", "vak", "filiaal", "filial", "winkel", "markt",
    "actie", "aktions", "folder", "prospekt", "aanbieding", "angebot", "durchwahl", "notruf",
)  # fmt: skip
# "order #12345": the bare word for an order, with a number sign or a long number after it.
_BARE = (
    r"order",
    r"bestelling",
    r"bestellung",
    r"commande",
    r"zam[óo]wieni",
    r"sipari[şs]",
    r"طلب",
    r"ref(?:erence|erentie|erenz|[ée]rence|erans)?",
)

_INTRO = re.compile(
    # at the start of a word only, so most places fail at once
    rf"(?<![^\W_])(?=[^\W\d_])(?:(?P<named>{'|'.join(_NAMED)})|(?P<card>{'|'.join(_CARD)})"
    rf"|(?P<bare>{'|'.join(_BARE)})|(?P<compound>{_COMPOUND})){_WORD_END}",
    re.IGNORECASE,
)
# What may stand between the word and the number: "is", ":", "van mij", "lautet", "هو" ...
_FILLER = re.compile(
    r"(?:[\s:=.\-–—(\"'“”„«»‘’]++|#|№|n°|"
    r"(?:is|was|ist|lautet|war|est|était|c['’]est|le|la|to|jest|brzmi|było|ise|هو|الخاص|بي|"
    r"رقم|nr|no|nummer|number|numéro|numer|numara\w*|mijn|my|meine?|mon|ma|mein|moja?|"
    r"benim|van|von|of|de|du|des|mij|me|here|hier)(?=[\s:#\"'“”„«»‘’]))*+",
    re.IGNORECASE,
)
_MAX_FILLER = 30
_MAX_VALUE = 40
_SIGN = re.compile(r"#|№|n°|\b(?:nr|no|numéro|numara\w*|numer|رقم)\b", re.IGNORECASE)
# The number itself: letters and digits with dashes, slashes or dots inside ("AB-12345-X"),
# then more groups of digits after single spaces ("2620 1234 5678 9").
_VALUE = re.compile(
    r"[^\W_](?:[^\W_]|[-/._](?=[^\W_]))*+(?:[ ](?=\d)\d++(?:[-/.]\d++)*+(?![^\W_]))*+"
)
# "AB-12345-X is mijn ordernummer": matched on the reversed text before the word, so the
# words are reversed too ("njim" is "mijn"); at least one of them must be there.
_MAX_BEFORE = 60
_BEFORE = re.compile(
    r"\s*+(?:\(\s*+|(?:(?:njim|ym|enie?m|niem|nom|am|jóm|ajom|ejom|mineb|si|saw|tsi|tse|ot|tsej|وه|[:=])"
    r"\s*+)++)(?P<value>[^\W_](?:[^\W_]|[-/._](?=[^\W_]))*+)(?![^\W_])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_MIN_DIGITS = 4
_MIN_DIGITS_WITH_LETTERS = 3
_MIN_BARE_DIGITS = 5
# Every id has this many digits (_is_identifier), but one longer than any (_after): with
# fewer digits, its spaced groups of digits are short and the rest of it is one long run.
_FEWEST_DIGITS = min(_MIN_DIGITS, _MIN_DIGITS_WITH_LETTERS, _MIN_BARE_DIGITS)
_LONG_RUN = re.compile(rf"\S{{{_MAX_VALUE - 2 * (_FEWEST_DIGITS - 1)}}}")


def _is_identifier(value: str, bare: bool, signed: bool) -> bool:
    digits = sum(ch.isdecimal() for ch in value)
    letters = sum(ch.isalpha() for ch in value)
    if bare and not signed:
        return digits >= _MIN_BARE_DIGITS and (letters > 0 or value.isdecimal())
    if letters and digits >= _MIN_DIGITS_WITH_LETTERS:
        return True
    return digits >= _MIN_DIGITS and not _YEAR.fullmatch(value)


def _names_an_id(compound: str) -> bool:
    what = compound.casefold()[: -len("nummer")].rstrip("-")
    # German joins with an "s": "Reservierungsnummer", "Versionsnummer"
    return not (what.endswith(_NOT_IDS) or (what.endswith("s") and what[:-1].endswith(_NOT_IDS)))


def _payment_card(value: str) -> bool:
    digits = ascii_digits("".join(ch for ch in value if ch.isdecimal()))
    return value[:1].isdecimal() and 13 <= len(digits) <= 19 and luhn_ok(digits)


def _before(text: str, intro: re.Match[str], done: int) -> tuple[int, int] | None:
    """Where the id named after it is ("12345 is mijn ordernummer"), if there is one."""
    if intro.group("bare") is not None:
        return None  # "1234 orders" is a quantity
    begin = max(done, intro.start() - _MAX_BEFORE)
    match = _BEFORE.match(text[begin : intro.start()][::-1])
    if match is None:
        return None
    start, end = intro.start() - match.end("value"), intro.start() - match.start("value")
    value = text[start:end]
    if not _is_identifier(value, bare=False, signed=False):
        return None
    if intro.group("card") is not None and _payment_card(value):
        return None
    return start, end


def _after(text: str, intro: re.Match[str]) -> tuple[int, int] | None:
    """Where the id named before it is ("ordernummer: AB-12345-X"), if there is one."""
    # Both bounded, so a hostile text of keywords and filler stays linear.
    filler = _FILLER.match(text, intro.end(), intro.end() + _MAX_FILLER + 1)
    if filler is None or filler.end() - filler.start() > _MAX_FILLER:
        return None
    bound = filler.end() + _MAX_VALUE
    value = _VALUE.match(text, filler.end(), bound)
    if value is None:
        return None
    first = value.group(0).split(" ", 1)[0]
    if not any(ch.isdecimal() for ch in first) and not (first.isupper() and len(first) <= 4):
        # "out of order on 15/11/2024": a word, then a date, is not an id; a code's
        # letters ("ordernummer AB 12345") are.
        return None
    if value.end() == bound and any(ch.isdecimal() for ch in value.group(0)):
        # Longer than any id, with digits: all of it goes (read once, as it is passed),
        # so no part of it is left to be found by a second scrub.
        whole = _VALUE.match(text, filler.end())
        return value.start(), whole.end() if whole else value.end()
    signed = bool(_SIGN.search(filler.group(0)))
    if not _is_identifier(value.group(0), intro.group("bare") is not None, signed):
        return None
    if intro.group("card") is not None and _payment_card(value.group(0)):
        return None
    return value.span()


def scrub_ids(text: str, found: Counter[str]) -> str:
    if not has_digits(text, _FEWEST_DIGITS) and _LONG_RUN.search(text) is None:
        return text
    parts: list[str] = []
    done = 0
    for intro in _INTRO.finditer(text):
        if intro.start() < done:
            continue
        if intro.group("compound") is not None and not _names_an_id(intro.group("compound")):
            continue
        # Both sides, always: which one holds the id must not depend on what was scrubbed.
        for span in (_before(text, intro, done), _after(text, intro)):
            if span is not None:
                parts.append(text[done : span[0]])
                parts.append(ID_MARK)
                found["id"] += 1
                done = span[1]
    parts.append(text[done:])
    return "".join(parts)
