"""Numbers in a comment: phones, IBANs, cards, BSNs and introduced ids go; innocent numbers stay.

The check-digit examples are published ones (the IBAN registry's, the card networks' test
numbers, the BSN examples of the Dutch government, EAN examples), not computed by the code
under test.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from ces.scrub import (
    CARD_MARK,
    IBAN_MARK,
    ID_MARK,
    MARKS,
    PHONE_MARK,
    scrub,
    scrub_report,
)
from ces.scrub.checksums import ascii_digits, bsn_ok, gtin_ok, iban_ok, luhn_ok
from ces.scrub.ibans import scrub_ibans
from ces.scrub.ids import scrub_ids
from ces.scrub.numbers import scrub_numbers

EIGHT_DIGITS = re.compile(r"\d{8}")
CORPUS = Path(__file__).parent / "scrub_corpus"

# -- the checksums ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (luhn_ok, "4111111111111111", "4111111111111112"),
        (luhn_ok, "378282246310005", "378282246310006"),
        (gtin_ok, "4006381333931", "4006381333932"),
        (gtin_ok, "96385074", "96385075"),
        (bsn_ok, "111222333", "111222334"),
        (bsn_ok, "12345672", "12345673"),  # 012345672 with its leading 0 dropped
        (iban_ok, "NL91ABNA0417164300", "NL92ABNA0417164300"),
        (iban_ok, "FR1420041010050500013M02606", "FR1420041010050500013M02607"),
    ],
)
def test_a_checksum_accepts_the_published_example_and_not_one_digit_off(
    check: Callable[[str], bool], good: str, bad: str
) -> None:
    assert check(good)
    assert not check(bad)


def test_bsn_of_only_zeros_is_not_a_citizen_number() -> None:
    assert not bsn_ok("000000000")


def test_arabic_indic_and_eastern_arabic_digits_read_as_digits() -> None:
    assert ascii_digits("٠٦١٢٣٤٥٦٧٨") == "0612345678"
    assert ascii_digits("۰۶۱۲۳۴۵۶۷۸") == "0612345678"


def test_the_numbers_corpus_holds_valid_check_digits() -> None:
    checks = {"iban": iban_ok, "card": luhn_ok, "bsn": bsn_ok}
    seen: Counter[str] = Counter()
    for line in (CORPUS / "dev_numbers.jsonl").read_text(encoding="utf-8").splitlines():
        for pii in json.loads(line)["pii"]:
            kind = pii.get("sub", pii["kind"])
            if kind in checks:
                compact = ascii_digits("".join(ch for ch in pii["value"] if ch.isalnum()))
                assert checks[kind](compact.upper()), pii
                seen[kind] += 1
    assert min(seen[kind] for kind in checks) >= 7, seen


# -- phone numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",  # NL
        "06 12 34 56 78",
        "+31 (0)20 531 7788",
        "0031 6 5544 3322",
        "(0344) 612 345",
        "0470 12 34 56",  # BE
        "03/231.45.67",
        "+32 2 512 34 56",
        "0171 2345678",  # DE
        "+49 (0)171 2345678",
        "0221/9876543",
        "06.12.34.56.78",  # FR
        "+33 6 45 12 78 90",
        "07700 900461",  # UK
        "+44 (0)161 496 0123",
        "0532 123 45 07",  # TR
        "0 (212) 345 67 89",
        "+90 541 234 56 07",
        "532 987 65 43",
        "512 345 678",  # PL
        "22 123 45 67",
        "+48 601 234 567",
        "(555) 201-3344",  # US
        "1-800-555-0188",
        "+1 415 555 0132",
        "0612-345678",  # Morocco
        "+212 6 12 34 56 78",
        "00212 661 234 567",
        "٠٦٦١٢٣٤٥٦٧",  # Arabic-Indic digits
        "+٢١٢ ٦٦١ ٢٣٤ ٥٦٧",
        "۰۶۱۲۳۴۵۶۷۸",  # Eastern Arabic digits
    ],
)
def test_phone_numbers_of_every_country_are_replaced_whole(number: str) -> None:
    report = scrub_report(f"Bel me: {number}, liefst 's avonds")
    assert report.text == f"Bel me: {PHONE_MARK}, liefst 's avonds"
    assert report.found == {"phone": 1}


def test_two_phone_numbers_in_a_row_are_two() -> None:
    report = scrub_report("06 12345678 / 020 123 4567 of 0612345678 0201234567")
    assert report.text == f"{PHONE_MARK} / {PHONE_MARK} of {PHONE_MARK} {PHONE_MARK}"
    assert report.found == {"phone": 4}


def test_a_number_after_a_phone_number_stays() -> None:
    assert scrub("bel 06 12 34 56 78 2x per dag") == f"bel {PHONE_MARK} 2x per dag"
    assert scrub("0612345678 15-11-2024") == f"{PHONE_MARK} 15-11-2024"


# -- IBAN ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "NL91 ABNA 0417 1643 00",
        "NL91ABNA0417164300",
        "nl91 abna 0417 1643 00",
        "DE89 3704 0044 0532 0130 00",
        "BE68 5390 0754 7034",
        "GB29 NWBK 6016 1331 9268 19",
        "FR14 2004 1010 0505 0001 3M02 606",
        "PL61 1090 1014 0000 0712 1981 2874",
        "TR33 0006 1005 1978 6457 8413 26",
        "MA64 0115 1900 0001 2050 0053 4921",
        "ES91-2100-0418-4502-0005-1332",
    ],
)
def test_an_iban_is_replaced_whole_and_not_taken_for_a_phone_number(iban: str) -> None:
    report = scrub_report(f"Stort het terug op {iban} alstublieft")
    assert report.text == f"Stort het terug op {IBAN_MARK} alstublieft"
    assert report.found == {"iban": 1}


def test_an_iban_with_a_typo_is_still_replaced_when_it_is_called_an_account() -> None:
    assert scrub("mijn rekening NL92 ABNA 0417 1643 00") == f"mijn rekening {IBAN_MARK}"


def test_words_after_something_like_a_country_code_are_not_an_iban() -> None:
    text = "Vak be12 mooi en een goede prijs, ab12 cd34 ef56 gh78 ij"
    assert scrub_ibans(text, Counter()) == text


# -- payment cards ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5500 0000 0000 0004",
        "3782 822463 10005",  # American Express
        "4222222222222",  # 13-digit Visa
        "6759 6498 2643 8453 011",  # 19 digits, of which the first 16 pass the Luhn test too
    ],
)
def test_a_card_number_with_its_luhn_digit_is_replaced(card: str) -> None:
    report = scrub_report(f"Mijn kaart {card} is twee keer belast")
    assert report.text == f"Mijn kaart {CARD_MARK} is twee keer belast"
    assert report.found == {"card": 1}


def test_a_card_number_and_its_expiry_date_are_told_apart() -> None:
    assert scrub("kaart 4111 1111 1111 1111 12/26") == f"kaart {CARD_MARK} 12/26"


def test_sixteen_digits_without_the_luhn_digit_are_no_card() -> None:
    assert CARD_MARK not in scrub("Serienummer 4111 1111 1111 1112 op de doos")


def test_a_product_code_that_passes_both_ean_and_luhn_is_a_product_unless_called_a_card() -> None:
    both = "4000000101093"
    assert gtin_ok(both)
    assert luhn_ok(both)
    assert scrub(f"Barcode {both} scande niet") == f"Barcode {both} scande niet"
    assert scrub(f"Mijn creditcard {both} werd geweigerd") == (
        f"Mijn creditcard {CARD_MARK} werd geweigerd"
    )


# -- BSN ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb 111222333 doorgegeven",
        "burgerservicenummer 1234.56.782",
        "citizen service number 123 456 782",
        "bsn 12345672 (met een nul ervoor)",
    ],
)
def test_a_citizen_number_is_replaced_by_the_id_mark(text: str) -> None:
    report = scrub_report(text)
    assert ID_MARK in report.text
    assert not re.search(r"\d{3}", report.text)
    assert report.found == {"id": 1}


def test_nine_digits_called_a_phone_number_are_a_phone_number_even_if_they_pass_the_11_test() -> (
    None
):
    assert scrub("bel me op 111222333") == f"bel me op {PHONE_MARK}"


# -- ids introduced as such ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mijn ordernummer is AB-12345-X en het is er nog niet", "AB-12345-X"),
        ("bestelnummer: 2024-558812", "2024-558812"),
        ("klantenkaart 2620 1457 8890 3 werkte niet", "2620 1457 8890 3"),
        ("order #778120 is missing", "778120"),
        ("my loyalty card LC-88214573 was refused", "LC-88214573"),
        ("Bestellnummer DE-7789-221 fehlt", "DE-7789-221"),
        ("Meine Kundennummer lautet 45128890.", "45128890"),
        ("numéro de commande : FR2024-11873", "FR2024-11873"),
        ("Ma carte de fidélité CF-449120-7 ne marche plus", "CF-449120-7"),
        ("Sipariş numaram TR-556721 gelmedi", "TR-556721"),
        ("Numer zamówienia ZAM/2024/88123 nie dotarł", "ZAM/2024/88123"),
        ("رقم الطلب ORD-77812 لم يصل", "ORD-77812"),
        ("بطاقة الولاء ٤٥٦٧٨٩١٢ لا تعمل", "٤٥٦٧٨٩١٢"),
        ("mijn retournummer is RT-44512", "RT-44512"),  # any Dutch or German compound
        ("Reservierungsnummer 88412 bitte prüfen", "88412"),
        ("invoice number INV-00451 was wrong", "INV-00451"),
        ("mijn kaartnummer is 1234 5678 9012", "1234 5678 9012"),
        ("AB-12345-X is mijn ordernummer", "AB-12345-X"),  # the word after the number
        ("4711-0815 ist meine Kundennummer", "4711-0815"),
    ],
)
def test_an_order_or_loyalty_number_introduced_as_such_is_replaced(text: str, value: str) -> None:
    report = scrub_report(text)
    assert report.text == text.replace(value, ID_MARK)
    assert report.found == {"id": 1}


def test_a_card_number_that_passes_luhn_is_a_payment_card_even_after_a_loyalty_word() -> None:
    assert scrub("mijn kaartnummer is 4111 1111 1111 1111") == f"mijn kaartnummer is {CARD_MARK}"


@pytest.mark.parametrize(
    "text",
    [
        "huisnummer 1234 en Artikelnummer 47110815, kassanummer 12.",
        "ik heb 12345 punten op mijn klantenkaart",
        "1234 orders today",
        "De klantenkaart werkte niet, 3 keer geprobeerd.",
        "Kundenkarte 2024 eingeführt, seitdem besser.",
        "De bestelling van 12 euro was er in 2 dagen.",
        "order 2 more next week",
    ],
)
def test_the_words_alone_or_with_small_numbers_are_no_id(text: str) -> None:
    assert scrub_ids(text, Counter()) == text


# -- what stays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Het kostte € 12,99 en niet 12.99 EUR.",
        "Op 15-11-2024 14:05 stond ik bij kassa 4.",
        "I was there on 2024-11-15 14:05:33.",
        "Am 15.11.2024 um 14.05 Uhr, vom 01.11.-15.11.2024 Bauarbeiten.",
        "From 01/12/2024 to 24/12/2024",
        "EAN 4006381333931 en EAN-8 96385074 lagen niet in het schap.",
        "The UPC 036000291452 on the label was wrong.",
        "Open 9-18u, openingstijden 09:00-21:00 en 08.00-12.00 13.00-17.00.",
        "Ik kocht 2x 3 stuks, 25% korting, 2023-2024 was beter.",
        "Bon 14:32:10, kassa 7, gang 12.",
        "Kassa 1 2 3 4 5 6 7 8 9 10 waren dicht.",
        "Prijs 9.99-12.99, 10.000.000 stappen.",
        "Serienummer 917845093734 en batch 32146285 op de doos.",
        "Barcode 8 712345 678906 onder de streep.",
        "SKU123456789 was uitverkocht.",
    ],
)
def test_prices_dates_times_product_codes_and_quantities_stay(text: str) -> None:
    assert scrub_numbers(text, Counter()) == text


def test_a_few_long_unknown_numbers_stay_but_a_dump_of_them_goes() -> None:
    few = "codes 917845093734 en 32146285"
    assert scrub_numbers(few, Counter()) == few
    dump = " ".join(["917845093734", "32146285", "86812786448512", "4006381333931", "55512345"])
    found: Counter[str] = Counter()
    assert not EIGHT_DIGITS.search(scrub_numbers(dump, found))
    assert found == Counter({"id": 5})


def test_a_number_longer_than_any_code_goes() -> None:
    assert scrub_numbers("x " + "1" * 25, Counter()) == f"x {ID_MARK}"


# -- scrubbing twice, placeholders ---------------------------------------------------------


def _dev_texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in sorted(CORPUS.glob("dev_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_scrubbing_scrubbed_text_changes_nothing() -> None:
    rng = random.Random(5)
    texts = _dev_texts()
    assert len(texts) >= 130
    # and texts of numbers run together, where one stage's find is next to another's
    pieces = [
        "06-12345678", "NL91 ABNA 0417 1643 00", "4111 1111 1111 1111", "111222333",
        "ordernummer AB-12345-X", "15-11-2024", "14:05", "4006381333931", "2x", "+",
        "(", ")", " ", "-", "/", ".", "0", "12", "bel", "EAN", "kaart", "bsn", "٠٦١٢٣٤٥٦٧٨",
    ]  # fmt: skip
    texts += ["".join(rng.choice(pieces) for _ in range(12)) for _ in range(400)]
    for text in texts:
        once = scrub(text)
        assert scrub(once) == once, text


def test_placeholders_are_never_taken_for_a_number() -> None:
    text = " ".join(MARKS.values()) + " " + "".join(MARKS.values())
    found: Counter[str] = Counter()
    for stage in (scrub_ibans, scrub_ids, scrub_numbers):
        assert stage(text, found) == text
    assert not found


# -- hostile input ------------------------------------------------------------------------

MEGABYTE = 1_000_000


def _random(alphabet: str, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(MEGABYTE))


HOSTILE = {
    "digits-and-separators": lambda: _random("0123456789 -./()+", 21),
    "many-plus-signs": lambda: "+" * MEGABYTE,
    "plus-and-digits": lambda: "+1" * (MEGABYTE // 2),
    "digits-and-spaces": lambda: "1 " * (MEGABYTE // 2),
    "zeros-and-brackets": lambda: "(0)" * (MEGABYTE // 3),
    "keywords-and-numbers": lambda: "ordernummer 1-" * (MEGABYTE // 14),
    "country-codes": lambda: "NL91 " * (MEGABYTE // 5),
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_megabyte_of_hostile_input_is_read_through_and_hides_no_long_number(
    make: Callable[[], str],
) -> None:
    text = make()
    found: Counter[str] = Counter()
    cleaned = scrub_numbers(scrub_ids(scrub_ibans(text, found), found), found)
    assert not EIGHT_DIGITS.search(cleaned)
    assert len(cleaned) <= len(text)
    # what was left is what was there: every character kept is the text's own or a mark
    assert set(cleaned) <= set(text) | set("".join(MARKS.values()))


def test_separated_digits_that_form_no_number_are_left_as_they_are() -> None:
    text = "1 " * (MEGABYTE // 2)
    assert scrub_numbers(text, Counter()) == text
    assert scrub_numbers("+" * MEGABYTE, Counter()) == "+" * MEGABYTE
