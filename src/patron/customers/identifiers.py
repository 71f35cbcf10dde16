"""Identifier and channel vocabularies, and the normalisation that makes values comparable."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

IDENTIFIER_TYPES: tuple[str, ...] = (
    "mobile",
    "email",
    "externalId",
    "cardnumber",
    "wechat",
    "martjackId",
    "fbId",
    "tmall_uname",
    "cuid",
    "ali_uname",
    "jd_uname",
    "vip_uname",
    "line",
    "unionId",
    "mobilePush",
)
_BY_LOWER = {t.lower(): t for t in IDENTIFIER_TYPES} | {"card": "cardnumber"}

# Names a lookup may use besides the identifier types themselves.
CARD_EXTERNAL_ID = "cardExternalId"
LOOKUP_NAMES = {**_BY_LOWER, CARD_EXTERNAL_ID.lower(): CARD_EXTERNAL_ID}

CHANNEL_TYPES: tuple[str, ...] = (
    "mobile",
    "email",
    "wechat",
    "whatsapp",
    "ios",
    "android",
    "line",
    "mobilePush",
)
_CHANNEL_BY_LOWER = {t.lower(): t for t in CHANNEL_TYPES}

PRIMARY_CANDIDATES = ("mobile", "email", "externalId")
MAX_VALUE_LENGTH = 255


def canonical_identifier_type(name: str | None) -> str | None:
    """Return the documented spelling of an identifier type (case-insensitive), or None."""
    if not name:
        return None
    return _BY_LOWER.get(name.strip().lower())


def canonical_lookup_name(name: str | None) -> str | None:
    """Return the documented spelling of a lookup identifier name, or None."""
    if not name:
        return None
    return LOOKUP_NAMES.get(name.strip().lower())


def canonical_channel_type(name: str | None) -> str | None:
    """Return the documented spelling of a communication channel type, or None."""
    if not name:
        return None
    return _CHANNEL_BY_LOWER.get(name.strip().lower())


def normalize_mobile(value: str, default_region: str | None) -> str | None:
    """Return the mobile as E.164 digits without '+', or None when it is not a valid number."""
    text = value.strip()
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    international = "+" + (digits[2:] if text.startswith("00") else digits)
    candidates: list[tuple[str, str | None]] = [(international, None)]
    if default_region and not text.startswith(("+", "00")):
        local = (digits, default_region)
        # Short numbers are national numbers first; long ones carry their country code.
        candidates = [local, *candidates] if len(digits) <= 10 else [*candidates, local]
    for number_text, region in candidates:
        try:
            number = phonenumbers.parse(number_text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    return None


def normalize_email(value: str) -> str | None:
    """Return the email in its normal form (domain and local part lower-cased), or None."""
    text = value.strip()
    if not text or len(text) > MAX_VALUE_LENGTH:
        return None
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def normalize_plain(value: str) -> str | None:
    """Return a trimmed identifier value, or None when empty or too long."""
    text = value.strip()
    if not text or len(text) > MAX_VALUE_LENGTH:
        return None
    return text


def normalize_value(id_type: str, value: str, default_region: str | None) -> str | None:
    """Normalise ``value`` for ``id_type``; None means the value is not valid."""
    if id_type == "mobile":
        return normalize_mobile(value, default_region)
    if id_type == "email":
        return normalize_email(value)
    return normalize_plain(value)


def lookup_value(id_type: str, value: str, default_region: str | None) -> str:
    """Normalise a value used to look a customer up; invalid values are kept as typed."""
    return normalize_value(id_type, value, default_region) or value.strip()
