"""Fixed vocabularies of the platform: sources, customer statuses, field data types."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Source(StrEnum):
    """Where a customer profile comes from."""

    INSTORE = "INSTORE"
    FACEBOOK = "FACEBOOK"
    WEB_ENGAGE = "WEB_ENGAGE"
    WECHAT = "WECHAT"
    MARTJACK = "MARTJACK"
    TMALL = "TMALL"
    TAOBAO = "TAOBAO"
    JD = "JD"
    ECOMMERCE = "ECOMMERCE"
    WEBSITE = "WEBSITE"
    LINE = "LINE"
    MOBILE_APP = "MOBILE_APP"


MULTI_ACCOUNT_SOURCES: frozenset[Source] = frozenset(
    {
        Source.FACEBOOK,
        Source.WEB_ENGAGE,
        Source.WECHAT,
        Source.MOBILE_APP,
        Source.LINE,
        Source.MARTJACK,
    }
)


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
PRIMARY_IDENTIFIER_TYPES: tuple[str, ...] = ("mobile", "email", "externalId")

# The identifiers a source knows its customers by; a loyalty registration's profile in the
# source needs one of them, or the org's primary identifier, unless the org file says otherwise.
SOURCE_IDENTIFIERS: Mapping[Source, tuple[str, ...]] = {
    Source.WECHAT: ("wechat", "unionId"),
    Source.FACEBOOK: ("fbId",),
    Source.LINE: ("line",),
    Source.MOBILE_APP: ("cuid", "mobilePush"),
    Source.TMALL: ("tmall_uname",),
    Source.TAOBAO: ("ali_uname",),
    Source.JD: ("jd_uname",),
}


def default_required_identifiers(source: Source, primary_identifier: str) -> tuple[str, ...]:
    """Return the identifier types of which a profile in ``source`` needs one by default."""
    return (*SOURCE_IDENTIFIERS.get(source, ()), primary_identifier)


class CustomerStatus(StrEnum):
    """The fixed customer statuses that org labels map onto."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    DELETED = "DELETED"
    FRAUD_SUSPECTED = "FRAUD_SUSPECTED"
    FRAUD_CONFIRMED = "FRAUD_CONFIRMED"
    INTERNAL = "INTERNAL"
    PENDING_DELETION = "PENDING_DELETION"


class FieldType(StrEnum):
    """Data types of extended fields."""

    STRING = "STRING"
    INTEGER = "INTEGER"
    DOUBLE = "DOUBLE"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    DATETIME = "DATETIME"
    ENUM = "ENUM"


def parse_source(text: str | None) -> Source | None:
    """Return the source named by ``text`` (case-insensitive), or None."""
    if not text:
        return None
    try:
        return Source(text.strip().upper())
    except ValueError:
        return None
