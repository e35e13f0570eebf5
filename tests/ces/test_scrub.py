"""Free text is scrubbed of e-mail addresses and phone numbers before it is stored."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

import pytest

from ces.scrub import EMAIL_MARK, PHONE_MARK, clean_comment, scrub

EIGHT_DIGITS = re.compile(r"\d{8}")


@pytest.mark.parametrize(
    "address",
    [
        "jan.jansen@example.nl",
        "jan+kassa@example.nl",
        "j_de-vries%x@mail.shop.example.co.uk",
        "JAN.JANSEN@EXAMPLE.NL",
        "Jan.Jansen@Example.Nl",
        "jan (at) example (dot) nl",
        "jan (at) example.nl",
        "jan[at]example[dot]nl",
        "jan [at] example.nl",
        "jan @ example . nl",
        "jan(AT)example(DOT)com",
    ],
)
def test_e_mail_addresses_are_replaced(address: str) -> None:
    cleaned = scrub(f"Mail me op {address} als het klaar is")
    assert cleaned == f"Mail me op {EMAIL_MARK} als het klaar is"


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "0612345678",
        "06 1234 5678",
        "06 12 34 56 78",
        "+31 6 1234 5678",
        "+31612345678",
        "0031 20 123 4567",
        "(020) 123 4567",
        "020-1234567",
        "+44 20 7946 0958",
        "+32 2 123 45 67",
        "+49 30 1234567",
    ],
)
def test_phone_numbers_are_replaced(number: str) -> None:
    cleaned = scrub(f"Bel me: {number}, liefst 's avonds")
    assert cleaned == f"Bel me: {PHONE_MARK}, liefst 's avonds"
    assert not re.search(r"\d{3}", cleaned)


def test_several_addresses_and_numbers_in_one_text_are_all_replaced() -> None:
    text = (
        "piet@example.nl of marie.k+kiosk@sub.example.org, anders 06-12345678 "
        "of thuis (020) 123 4567."
    )
    assert (
        scrub(text) == f"{EMAIL_MARK} of {EMAIL_MARK}, anders {PHONE_MARK} of thuis {PHONE_MARK}."
    )


def test_addresses_written_against_each_other_are_all_replaced() -> None:
    cleaned = scrub("jan@example.nl_piet@example.nl")
    assert "piet" not in cleaned
    assert "@" not in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "De kassa was snel en het personeel vriendelijk!",
        "Het kostte €12,50 en niet €9,99 zoals op het bordje.",
        "Ik stond om 10:30 bij de servicebalie, om 10:45 was ik weg.",
        "Al sinds 2026 kom ik hier.",
        "Kassa 3 van 12 was open, ik stond 15 minuten in de rij.",
        # A Dutch postcode is an address now (test_scrub_text.py); a unit after four digits,
        # or a street without a house number, is not.
        "De 1000 GB schijf en 1500 ML fles waren op.",
        "De winkel in de Kalverstraat was druk, 5 minuten lopen.",
        "Artikel 4711 was uitverkocht; 2 stuks over.",
        "12 3456 is geen telefoonnummer",
        "Score: 7/7 :-) 100% tevreden",
        "Café ‘De Gouden Leeuw’ — prima koffie 😀",
        "Ik heb een vraag @kassa, niet over e-mail.",
        "Wachttijd 10-15 minuten, open 9-17.",
        "Open van 9.00 - 17.30 uur.",
        "Maten 38 - 40 - 42 waren op.",
    ],
)
def test_ordinary_text_prices_times_years_and_postcodes_stay(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bel ０６１２３４５６７８ aub", f"bel {PHONE_MARK} aub"),  # full-width digits
        ("bel ０６-１２３４５６７８", f"bel {PHONE_MARK}"),
        ("mail jan＠example．nl", f"mail {EMAIL_MARK}"),  # full-width @ and .
        ("mail jan﹫example.nl", f"mail {EMAIL_MARK}"),  # small commercial at
        ("ｊａｎ＠ｅｘａｍｐｌｅ．ｎｌ", EMAIL_MARK),  # full-width letters too
        ("bel ⁰⁶¹²³⁴⁵⁶⁷⁸", PHONE_MARK),  # superscript digits
        ("bel 𝟎𝟔𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", PHONE_MARK),  # mathematical bold digits
    ],
)
def test_look_alike_characters_are_still_caught(text: str, expected: str) -> None:
    cleaned = scrub(text)
    assert cleaned.endswith(expected)
    assert not re.search(r"\d{8}", cleaned)
    assert "@" not in cleaned


def test_control_characters_are_removed_but_line_breaks_and_tabs_stay() -> None:
    text = "goed\x00 geholpen\x07\x1b[31m\x7f\nbedankt\tallemaal\x0b\x0c"
    assert scrub(text) == "goed geholpen[31m\nbedankt\tallemaal"


def test_control_characters_cannot_hide_a_phone_number() -> None:
    assert scrub("06\x00-1234\x075678") == PHONE_MARK
    assert scrub("jan\x00@exam\x01ple.nl") == EMAIL_MARK


def test_surrounding_whitespace_is_trimmed() -> None:
    assert scrub("  \n prima \t ") == "prima"


# -- clean_comment: what may be stored ------------------------------------------------------


def test_clean_comment_keeps_a_short_comment_as_it_is() -> None:
    assert clean_comment("Fijne winkel, snelle kassa.", 200) == "Fijne winkel, snelle kassa."


def test_clean_comment_scrubs_before_storing() -> None:
    assert clean_comment("bel 0612345678 of mail a@b.nl", 200) == (
        f"bel {PHONE_MARK} of mail {EMAIL_MARK}"
    )


@pytest.mark.parametrize("max_length", [1, 10, 27, 200])
def test_clean_comment_respects_the_maximum_length(max_length: int) -> None:
    text = "De medewerker bij de servicebalie nam echt de tijd voor me. " * 10
    cleaned = clean_comment(text, max_length)
    assert cleaned is not None
    assert 0 < len(cleaned) <= max_length
    assert text.startswith(cleaned)


def test_clean_comment_does_not_leave_a_trailing_space_at_the_cut() -> None:
    assert clean_comment("twee woorden", 5) == "twee"


def test_clean_comment_does_not_leave_part_of_a_phone_number_at_the_cut() -> None:
    cleaned = clean_comment("bel me op 0612345678 graag", 14)
    assert cleaned is not None
    assert len(cleaned) <= 14
    assert not re.search(r"\d", cleaned)


@pytest.mark.parametrize(
    "text",
    ["", " ", "   \t\n  ", "\x00\x01\x02", " \x00 \t\n \x7f ", "\u3000\u2003"],
    ids=["empty", "space", "whitespace", "control", "mixed", "unicode-spaces"],
)
def test_clean_comment_is_none_when_nothing_is_left(text: str) -> None:
    assert clean_comment(text, 200) is None


# -- hostile input ------------------------------------------------------------------------


def _digits_and_separators() -> str:
    rng = random.Random(11)
    return "".join(rng.choice("0123456789 -./()+") for _ in range(100_000))


def _digits_with_some_separators() -> str:
    rng = random.Random(12)
    return "".join(rng.choice("0123456789012345678901234567890123456789 -") for _ in range(100_000))


def _at_and_dots() -> str:
    rng = random.Random(13)
    return "".join(rng.choice("@.") for _ in range(100_000))


HOSTILE = {
    "digits-and-separators": _digits_and_separators,
    "mostly-digits": _digits_with_some_separators,
    "only-digits": lambda: "7" * 100_000,
    "at-and-dots": _at_and_dots,
    "dots-then-at": lambda: "." * 99_999 + "@",
    "local-part-without-domain": lambda: "a." * 50_000 + "@",
    "at-repeated": lambda: "a@" * 50_000,
    "obfuscated-at-repeated": lambda: "jan (at) " * 11_000,
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_finishes_and_leaves_no_phone_number(make: Callable[[], str]) -> None:
    text = make()
    assert len(text) >= 99_000
    cleaned = scrub(text)
    assert not EIGHT_DIGITS.search(cleaned)
    stored = clean_comment(text, 500)
    assert stored is None or (len(stored) <= 500 and not EIGHT_DIGITS.search(stored))


@pytest.mark.parametrize(
    "text",
    [
        "op 12-03-2026 was het druk",
        "sinds 2025-11-03",
        "in 2025-2026",
        "op 3/11/2026",
        "12.03.2026",
    ],
)
def test_dates_and_year_ranges_are_not_taken_for_phone_numbers(text: str) -> None:
    assert scrub(text) == text


def test_a_phone_number_next_to_a_date_is_still_replaced() -> None:
    assert (
        scrub("op 12-03-2026 belde 0612345678 niet terug")
        == f"op 12-03-2026 belde {PHONE_MARK} niet terug"
    )


# Characters Python calls digits that are not decimal digits (Ethiopic ፩, Kharosthi, circled
# numbers NFKC leaves alone ...): \d never matches them, and no checksum can read them.
ODD_DIGITS = [
    chr(c)
    for c in range(0x110000)
    if chr(c).isdigit() and not unicodedata.normalize("NFKC", chr(c)).isdecimal()
]
CONTEXTS = [
    "card number 1234{d}",
    "kaartnummer 4111 1111 1111 111{d}",
    "ordernummer AB-12{d}45",
    "bel 06-1234567{d}",
    "IBAN NL91 ABNA 0417 1643 0{d}",
    "Kerkstraat 1{d}, 1234 AB",
    "kenteken 12-ABC-{d}",
    "jan@example.{d}nl",
    "mijn naam is Jan {d}",
    "{d}" * 20,
]


def test_digits_that_are_not_decimal_never_break_the_scrubber() -> None:
    assert len(ODD_DIGITS) > 50
    for context in CONTEXTS:
        for digit in ODD_DIGITS:
            text = context.format(d=digit)
            assert scrub(scrub(text)) == scrub(text), text


@pytest.mark.parametrize(
    ("comment", "scrubbed"),
    [
        # The whole code after a number sign, not just its digits.
        ("order #AB-123456 never arrived", "order #[id] never arrived"),
        ("ref #QX7781 for my click and collect", "ref #[id] for my click and collect"),
        ("reference: ZX-99812 please", "reference: [id] please"),
        ("ordernummer: AB 12345", "ordernummer: [id]"),
        # A word and then a date after "order" is not an order number.
        ("lift was out of order on 15/11/2024 again", "lift was out of order on 15/11/2024 again"),
    ],
)
def test_introduced_ids_are_taken_whole_and_dates_after_order_stay(
    comment: str, scrubbed: str
) -> None:
    assert scrub(comment) == scrubbed
