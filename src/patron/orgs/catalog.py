"""Fixed vocabularies of the platform: sources, customer statuses, field data types."""

from __future__ import annotations

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
