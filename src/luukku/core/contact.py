"""Customers' contact details and free text: what the database and the notifiers can take.

Pure Python (no Django): the booking service, the forms, the API schemas and the
request guard all ask these, so a page and the API refuse the same input the same way.
"""

from __future__ import annotations

import re

import phonenumbers

#: C0 control characters except tab, line feed and carriage return, DEL, and lone
#: UTF-16 surrogates: PostgreSQL refuses NUL in text, a surrogate cannot be encoded
#: as UTF-8, and none of them belongs in a name, a code or a search.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

#: The longest phone number a customer may type (the column is 30 characters; an
#: E.164 number has at most 15 digits and a plus).
PHONE_INPUT_MAX = 30
NAME_MAX = 120
EMAIL_MAX = 254


class InvalidPhone(ValueError):
    """The text is not a phone number that can receive a message."""


def has_control_chars(text: str) -> bool:
    return CONTROL_CHARS.search(text) is not None


def phone_e164(raw: str, region: str = "FI") -> str:
    """The number in E.164 (``+358401234567``); a number without a country code is Finnish.

    Empty input stays empty (no phone given). Raises :class:`InvalidPhone` for
    anything libphonenumber does not accept as a valid number.
    """
    text = (raw or "").strip()
    if not text:
        return ""
    if len(text) > PHONE_INPUT_MAX or has_control_chars(text):
        raise InvalidPhone(text)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(text) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_key(phone: str, email: str) -> tuple[str, str]:
    """Phone (E.164) and e-mail as compared between bookings: case-folded, trimmed."""
    return (phone or "").strip(), (email or "").strip().casefold()
