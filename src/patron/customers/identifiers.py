"""Identifier and channel vocabularies, and the normalisation that makes values comparable."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from patron.orgs import catalog

IDENTIFIER_TYPES: tuple[str, ...] = catalog.IDENTIFIER_TYPES
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

PRIMARY_CANDIDATES = catalog.PRIMARY_IDENTIFIER_TYPES
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


def _valid_number(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def _is_international(text: str) -> bool:
    return text.startswith(("+", "00"))


def _international_digits(text: str, digits: str) -> str:
    return digits[2:] if text.startswith("00") else digits


def _readings(value: str, default_region: str | None) -> Iterator[str]:
    text = value.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return
    attempts: list[tuple[str, str | None]] = [("+" + _international_digits(text, digits), None)]
    if default_region and not _is_international(text):
        attempts.insert(0, (digits, default_region))
    for number_text, region in attempts:
        reading = _valid_number(number_text, region)
        if reading is not None:
            yield reading


def mobile_readings(value: str, default_region: str | None) -> list[str]:
    """Return the valid readings of a typed mobile as E.164 digits, the one it is stored as first.

    A number written with ``+`` or ``00`` is international. Any other is read as a national
    number of ``default_region`` first, and as international when it is not valid there; the
    other reading, when also valid, follows (lookups try it too).
    """
    return list(dict.fromkeys(_readings(value, default_region)))


def normalize_mobile(value: str, default_region: str | None) -> str | None:
    """Return the mobile as E.164 digits without '+', or None when it is not a valid number."""
    # The first valid reading is the stored one: the other need not be parsed.
    return next(_readings(value, default_region), None)


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


def lookup_values(id_type: str, value: str, default_region: str | None) -> list[str]:
    """Return the stored forms a typed lookup value may have, the most likely first.

    A mobile is looked for in every valid reading (national and international) and as the
    digits typed, which also finds numbers stored under an older reading rule. Invalid values
    are kept as typed.
    """
    if id_type != "mobile":
        return [lookup_value(id_type, value, default_region)]
    text = value.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    values = mobile_readings(text, default_region)
    typed = _international_digits(text, digits) if _is_international(text) else digits
    if typed and is_phone_prefix(text) and typed not in values:
        values.append(typed)
    return values or [text]


def lookup_value(id_type: str, value: str, default_region: str | None) -> str:
    """Normalise a value used to look a customer up; invalid values are kept as typed."""
    return normalize_value(id_type, value, default_region) or value.strip()


_PHONE_PREFIX = re.compile(r"\+?[0-9]+")
_PHONE_PUNCTUATION = str.maketrans("", "", " -().")


def is_phone_prefix(text: str) -> bool:
    """Tell whether ``text`` could be the beginning of a phone number as people type one."""
    return _PHONE_PREFIX.fullmatch(text.strip().translate(_PHONE_PUNCTUATION)) is not None


def mobile_prefixes(text: str, default_region: str | None) -> list[str]:
    """Return the stored-form prefixes of a typed phone prefix, other than ``text`` itself.

    ``+86 139`` and ``0086139`` are the stored ``86139``; a national ``139`` in a CN org is
    also ``86139`` (and ``0801`` in an IN org is ``91801``, its trunk prefix dropped).
    """
    typed = text.strip()
    cleaned = typed.translate(_PHONE_PUNCTUATION)
    if _PHONE_PREFIX.fullmatch(cleaned) is None:
        return []
    prefixes: list[str] = []
    if _is_international(cleaned):
        prefixes.append(_international_digits(cleaned, cleaned.lstrip("+")))
    else:
        prefixes.append(cleaned)
        region = default_region or ""
        code = phonenumbers.country_code_for_region(region) if region else 0
        if code:
            metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
            trunk = metadata.national_prefix if metadata else None
            national = cleaned[len(trunk) :] if trunk and cleaned.startswith(trunk) else cleaned
            if national:
                prefixes.append(f"{code}{national}")
    unique: list[str] = []
    for prefix in prefixes:
        if prefix and prefix != typed and prefix not in unique:
            unique.append(prefix)
    return unique
