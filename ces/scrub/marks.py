"""The placeholder that stands in for each kind of personal data the scrubber removes."""

from __future__ import annotations

EMAIL_MARK = "[e-mail]"
PHONE_MARK = "[phone]"
IBAN_MARK = "[iban]"
CARD_MARK = "[card]"
ID_MARK = "[id]"  # a citizen number (BSN), or an order / loyalty-card number introduced as such
ADDRESS_MARK = "[address]"
PLATE_MARK = "[plate]"
NAME_MARK = "[name]"

# kind -> placeholder; the kind is what Scrubbed.found counts.
MARKS: dict[str, str] = {
    "e-mail": EMAIL_MARK,
    "phone": PHONE_MARK,
    "iban": IBAN_MARK,
    "card": CARD_MARK,
    "id": ID_MARK,
    "address": ADDRESS_MARK,
    "plate": PLATE_MARK,
    "name": NAME_MARK,
}
