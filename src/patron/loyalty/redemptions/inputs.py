"""Reading the loose inputs of points calls: point amounts and ``{type, value}`` identifiers.

Amounts arrive as JSON numbers or numeric text; anything else is answered with the caller's
documented code rather than a schema error, so the points codes (801, 807, 422…) stay exact.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from patron.customers.lookup import MERGED
from patron.customers.models import Customer
from patron.errors import Invalid, NotFound
from patron.kit.ids import parse_id
from patron.kit.numbers import decimal_of as number
from patron.loyalty import members
from patron.orgs.config import OrgConfig

INVALID_IDENTIFIER = 8013
INVALID_PROGRAM = 885
MAX_PROGRAM = 2**31 - 1
# The journal holds thousandths in a 64-bit integer; no real balance comes near this.
MAX_POINTS = Decimal(10) ** 12
THOUSANDTH = Decimal("0.001")

# The identifier types of points calls, and the customer identifier each stands for.
IDENTIFIER_NAMES = {"MOBILE": "mobile", "EMAIL": "email", "EXTERNALID": "externalId"}
ID = "ID"


def positive_points(value: Any, code: int, name: str) -> Decimal:
    """Return ``value`` as positive points of at most three decimals, or refuse with ``code``."""
    points = number(value)
    if points is None or points <= 0:
        raise Invalid(code, f"Invalid points: {name} must be a positive number")
    if points > MAX_POINTS or points != points.quantize(THOUSANDTH):
        raise Invalid(code, f"Invalid points: {name} is out of range or has over three decimals")
    return points


def program_id(value: Any) -> int | None:
    """Return a ``programId`` as given (None: the default program), or refuse it with 885."""
    if value is None:
        return None
    parsed = number(value)
    if parsed is None or parsed != parsed.to_integral_value() or not 1 <= parsed <= MAX_PROGRAM:
        raise Invalid(INVALID_PROGRAM, f"Invalid program id {value!r}")
    return int(parsed)


def identifier_type(value: Any) -> str | None:
    """Return the canonical identifier type (``ID``, ``MOBILE``, ``EMAIL``, ``EXTERNALID``)."""
    if not isinstance(value, str):
        return None
    wanted = value.strip().upper().replace("_", "")
    return wanted if wanted == ID or wanted in IDENTIFIER_NAMES else None


def identify(session: Session, org: OrgConfig, kind: Any, value: Any) -> Customer:
    """Return the customer an identifier names, in any source.

    ``ID`` answers 8015 (unknown) or 8069 (merged); the other types find the holder (a merged
    customer's identifiers belong to the survivor). A bad type or value answers 8013.
    """
    canonical = identifier_type(kind)
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    if canonical is None:
        raise Invalid(INVALID_IDENTIFIER, f"Customer identifier is invalid: type {kind!r}")
    if not text:
        raise Invalid(INVALID_IDENTIFIER, "Customer identifier is invalid: value is required")
    if canonical == ID:
        customer_id = parse_id(text)
        if customer_id is None:
            raise Invalid(INVALID_IDENTIFIER, f"Customer identifier is invalid: id {text!r}")
        return members.by_id(session, org, customer_id)
    return members.by_identifier(session, org, "ALL", None, IDENTIFIER_NAMES[canonical], text)


def is_merged(error: NotFound) -> bool:
    """Tell whether a lookup failed because the customer is merged into another (8069)."""
    return error.code == MERGED
