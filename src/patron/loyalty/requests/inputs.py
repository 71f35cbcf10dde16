"""Reading the inputs of loyalty requests: kinds, points, ids, programs and the customer.

Each bad value is refused with its documented code (9006, 9008, 801, 1101, 93026, 400).
A goodwill request for a user group (``earningEntityType`` USERGROUP2) names the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from patron.customers.models import Customer
from patron.errors import Invalid
from patron.kit.ids import parse_id
from patron.loyalty import accounts, members, pooling, rewards
from patron.loyalty.pooling import GroupTags, GroupTarget
from patron.loyalty.requests import repository
from patron.loyalty.requests.repository import (
    COUPON,
    GOODWILL,
    GOODWILL_COUPON,
    GOODWILL_POINTS,
    RETRO_BILL,
    TRANSACTION_UPDATE,
)
from patron.loyalty.requests.schemas import RequestIn
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

INVALID_INPUT = 400
INVALID_POINTS = 801
INVALID_PROGRAM = 1101
INVALID_TYPE = 9006
INVALID_BASE_TYPE = 9008
INVALID_GROUP = 93026
# Goodwill points (asked for or approved) are positive, at most this many, with 3 decimals.
MAX_POINTS = Decimal(1_000_000_000)
CUSTOMER = "CUSTOMER"
USERGROUP2 = "USERGROUP2"
INVALID_SERIES = 707


@dataclass(frozen=True)
class Identification:
    """How the query of a request names its customer: an identifier in a source."""

    identifier_name: str | None = None
    identifier_value: str | None = None
    source: str | None = None
    account_id: str | None = None


def upper(text: str | None) -> str:
    """Return a text value trimmed and upper-cased ('' for none)."""
    return (text or "").strip().upper()


def parse_kind(type_: str | None, base_type: str | None) -> repository.Kind:
    """Return a request's (type, baseType), or refuse with 9006 / 9008."""
    kind = upper(type_)
    base = upper(base_type)
    if kind not in (GOODWILL, TRANSACTION_UPDATE):
        raise Invalid(
            INVALID_TYPE, f"Invalid request type {type_!r}: GOODWILL or TRANSACTION_UPDATE"
        )
    if kind == GOODWILL and base == COUPON:
        return GOODWILL_COUPON
    wanted = GOODWILL_POINTS if kind == GOODWILL else RETRO_BILL
    if base != wanted[1]:
        raise Invalid(
            INVALID_BASE_TYPE,
            f"Invalid base type {base_type!r} for {kind}: "
            + ("POINTS or COUPON" if kind == GOODWILL else wanted[1])
            + " expected",
        )
    return wanted


def parse_points(text: str | None, label: str) -> Decimal:
    """Return positive points (at most three decimals), or refuse with 801."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        value = Decimal(0)
    if (
        not value.is_finite()
        or value <= 0
        or value > MAX_POINTS
        or value != value.quantize(Decimal("0.001"))
    ):
        raise Invalid(
            INVALID_POINTS,
            f"Invalid points: {label} must be a positive number (at most {MAX_POINTS}, "
            "three decimals)",
        )
    return value


def parse_program(org: OrgConfig, text: str | None) -> Program:
    """Return the program ``programId`` names (absent: the default), or refuse with 1101."""
    if text is None or not text.strip():
        return accounts.require_program(org, None, INVALID_PROGRAM)
    program_id = parse_id(text)
    if program_id is None or program_id > 2**31 - 1:
        raise Invalid(INVALID_PROGRAM, f"Invalid program id {text!r}")
    return accounts.require_program(org, program_id, INVALID_PROGRAM)


def entity_type(text: str | None) -> str:
    """Return ``earningEntityType``: CUSTOMER (the default) or USERGROUP2; others answer 400."""
    entity = upper(text) or CUSTOMER
    if entity not in (CUSTOMER, USERGROUP2):
        raise Invalid(
            INVALID_INPUT, "Input is invalid: earningEntityType must be CUSTOMER or USERGROUP2"
        )
    return entity


def find_group(session: Session, org: OrgConfig, body: RequestIn) -> GroupTarget:
    """Return the active user group the body names (``userGroup2Id``, ``userGroup2ExternalId``
    or ``userGroup2PrimaryUserId``) with a member to file the request under, or refuse with
    93026."""
    tags = GroupTags(
        group_id=body.user_group2_id,
        primary_user_id=body.user_group2_primary_user_id,
        external_id=body.user_group2_external_id,
    )
    if tags.is_empty:
        raise Invalid(
            INVALID_GROUP,
            "Invalid group: name the group with userGroup2Id, userGroup2ExternalId or "
            "userGroup2PrimaryUserId",
        )
    target = pooling.find_group(session, org, tags)
    if target is None:
        raise Invalid(INVALID_GROUP, "Invalid group: no active user group matches")
    if target.customer_id is None:
        raise Invalid(INVALID_GROUP, "Invalid group: the user group has no members")
    return target


def find_customer(
    session: Session, org: OrgConfig, body: RequestIn, query: Identification
) -> Customer:
    """Find the customer named by the body (``customerId``/``userId``, else an identifier in
    the body or, as in ``POST /v2/transactions``, in the query)."""
    given = body.customer_id or body.user_id
    if given is not None and given.strip():
        customer_id = parse_id(given)
        if customer_id is None:
            raise Invalid(INVALID_INPUT, "Input is invalid: customerId must be a customer id")
        return members.by_id(session, org, customer_id)
    name = body.identifier_name or query.identifier_name
    value = body.identifier_value or query.identifier_value
    if not name and not value:
        raise Invalid(
            INVALID_INPUT,
            "Input is invalid: name the customer with customerId, or with identifierName, "
            "identifierValue and source",
        )
    return members.by_identifier(
        session,
        org,
        body.source or query.source,
        body.account_id or query.account_id,
        name,
        value,
    )


def parse_series(session: Session, org: OrgConfig, text: str | None) -> int:
    """Return the coupon series a goodwill coupon request names (``goodwillRequest.seriesId``),
    or refuse: 400 when missing, 707 when the org has no such series."""
    if text is None or not text.strip():
        raise Invalid(
            INVALID_INPUT,
            "Input is invalid: a goodwill coupon request needs goodwillRequest.seriesId",
        )
    series_id = parse_id(text)
    if (
        series_id is None
        or series_id > 2**31 - 1
        or not rewards.has_coupon_series(session, org, series_id)
    ):
        raise Invalid(INVALID_SERIES, f"Invalid coupon series {text!r}")
    return series_id
