"""``POST /v2/slab/manualSlabAdjustment``: put a customer in another tier, renew the tier, or
move its expiry, by hand.

The new expiry follows ``manualSlabActionValidity`` from a base moment — now for an upgrade
or a downgrade, the current expiry (now, if it has passed) for a renewal or an extension:
``FIXED_DURATION`` adds ``manualSlabActionValidityUpto`` days to it, ``SPECIFIC_DATE`` takes
that day (end of day in the org's zone), ``CURRENT_TIER_EXPIRY_DATE`` keeps the current
expiry, ``AS_PER_TIER_STRATEGY`` applies the tier's validity. The base tier never lapses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import structlog
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import Invalid, NotFound
from patron.kit import clock
from patron.kit.ids import MAX_ID
from patron.loyalty import accounts, members
from patron.loyalty.models import Account
from patron.loyalty.tiers.schemas import SlabAdjustmentIn
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program, Tier, end_of_day

log = structlog.get_logger("patron.loyalty.tiers")

INVALID_INPUT = 400
INVALID_PROGRAM = 1101
INVALID_ACTION = 8917
INVALID_VALIDITY = 8920
INVALID_VALIDITY_UPTO = 8921
TIER_NOT_FOUND = 8923
WRONG_DIRECTION = 8925
CUSTOMER_NOT_FOUND = 8015
MAX_DAYS = 36500
MIN_YEAR, MAX_YEAR = 1900, 9998
MAX_REASON = 255
CUSTOMER = "CUSTOMER"
USER_GROUP = "USERGROUP2"
ENTITY_TYPE = "USER"


E = TypeVar("E", bound=StrEnum)


class SlabAction(StrEnum):
    """What the adjustment does."""

    UPGRADE = "UPGRADE"
    DOWNGRADE = "DOWNGRADE"
    RENEWAL = "RENEWAL"
    EXTEND_CURRENT_TIER_EXPIRY_DATE = "EXTEND_CURRENT_TIER_EXPIRY_DATE"


class Validity(StrEnum):
    """How the new expiry is set."""

    FIXED_DURATION = "FIXED_DURATION"
    SPECIFIC_DATE = "SPECIFIC_DATE"
    CURRENT_TIER_EXPIRY_DATE = "CURRENT_TIER_EXPIRY_DATE"
    AS_PER_TIER_STRATEGY = "AS_PER_TIER_STRATEGY"


@dataclass(frozen=True)
class Lookup:
    """The query's customer: ``identifierName`` ``id`` is the customer id."""

    source: str | None
    account_id: str | None
    identifier_name: str | None
    identifier_value: str | None
    entity_type: str | None = None


@dataclass(frozen=True)
class Adjustment:
    """A validated request body."""

    program: Program
    action: SlabAction
    target_name: str | None
    validity: Validity
    days: int | None
    date: dt.datetime | None
    reason: str


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _choice(kind: type[E], value: Any, code: int, name: str) -> E:
    text = (_text(value) or "").upper()
    if text not in kind.__members__:
        allowed = ", ".join(kind.__members__)
        raise Invalid(code, f"Invalid {name}: {value!r}; one of {allowed}")
    return kind(text)


def _number(text: str | None) -> int | None:
    """Read a whole number written in ASCII digits."""
    return int(text) if text is not None and text.isascii() and text.isdigit() else None


def _moment(text: str, zone: dt.tzinfo) -> dt.datetime:
    """Read a day (its end, in the org's zone) or a local or offset date-time."""
    try:
        if len(text) == len("YYYY-MM-DD"):
            moment = end_of_day(dt.date.fromisoformat(text), zone)
        else:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=zone)
            moment = parsed.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(text) from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(text)
    return moment


def read_adjustment(org: OrgConfig, body: SlabAdjustmentIn) -> Adjustment:
    """Validate the body; every bad value answers its documented code."""
    program_id = _number(_text(body.program_id))
    if program_id is None or not 0 < program_id <= MAX_ID:
        raise Invalid(INVALID_PROGRAM, f"Invalid programId: {body.program_id!r}")
    program = accounts.require_program(org, program_id, INVALID_PROGRAM)
    action = _choice(SlabAction, body.slab_action, INVALID_ACTION, "slabAction")
    validity = _choice(
        Validity, body.manual_slab_action_validity, INVALID_VALIDITY, "manualSlabActionValidity"
    )
    upto = _text(body.manual_slab_action_validity_upto)
    days, date = None, None
    if validity is Validity.FIXED_DURATION:
        days = _number(upto)
        if days is None or days > MAX_DAYS:
            raise Invalid(
                INVALID_VALIDITY_UPTO,
                f"Invalid manualSlabActionValidityUpto: a number of days (0 to {MAX_DAYS}) "
                "for FIXED_DURATION",
            )
    elif validity is Validity.SPECIFIC_DATE:
        try:
            if upto is None:
                raise ValueError(upto)
            date = _moment(upto, org.zone)
        except ValueError:
            raise Invalid(
                INVALID_VALIDITY_UPTO,
                "Invalid manualSlabActionValidityUpto: a date (YYYY-MM-DD) for SPECIFIC_DATE",
            ) from None
    reason = _text(body.slab_change_reason) or ""
    if len(reason) > MAX_REASON:
        raise Invalid(INVALID_INPUT, f"slabChangeReason is longer than {MAX_REASON} characters")
    return Adjustment(program, action, _text(body.to_slab_name), validity, days, date, reason)


def _customer(session: Session, org: OrgConfig, lookup: Lookup) -> Customer:
    name = (lookup.identifier_name or "").strip()
    value = (lookup.identifier_value or "").strip()
    if name.lower() == "id":
        customer_id = _number(value)
        if customer_id is None or not 0 < customer_id <= MAX_ID:
            raise NotFound(CUSTOMER_NOT_FOUND, f"Customer not found: no customer has id {value!r}")
        return members.by_id(session, org, customer_id)
    return members.by_identifier(
        session,
        org,
        lookup.source,
        lookup.account_id,
        lookup.identifier_name,
        lookup.identifier_value,
    )


def _target(adjustment: Adjustment, current: Tier) -> Tier:
    if adjustment.action not in (SlabAction.UPGRADE, SlabAction.DOWNGRADE):
        return current
    program = adjustment.program
    if adjustment.target_name is None:
        raise Invalid(
            TIER_NOT_FOUND, f"Slab not found: toSlabName is required to {adjustment.action}"
        )
    target = program.tier_named(adjustment.target_name)
    if target is None:
        raise Invalid(
            TIER_NOT_FOUND,
            f"Slab not found: program {program.program_id} has no tier {adjustment.target_name!r}",
        )
    if adjustment.action is SlabAction.UPGRADE and target.serial_number <= current.serial_number:
        raise Invalid(
            WRONG_DIRECTION,
            f"The target slab must be higher than the current one ({current.name})",
        )
    if adjustment.action is SlabAction.DOWNGRADE and target.serial_number >= current.serial_number:
        raise Invalid(
            WRONG_DIRECTION,
            f"The target slab must be lower than the current one ({current.name})",
        )
    return target


def _base(adjustment: Adjustment, account: Account, now: dt.datetime) -> dt.datetime:
    """Return the moment a new validity is counted from."""
    current = account.tier_expires_at
    moving = adjustment.action in (SlabAction.UPGRADE, SlabAction.DOWNGRADE)
    return now if moving or current is None or current <= now else current


def _expiry(
    org: OrgConfig, adjustment: Adjustment, account: Account, target: Tier, now: dt.datetime
) -> dt.datetime | None:
    """Return the new tier expiry (None: the tier never lapses)."""
    if target.serial_number == 1:
        return None
    current = account.tier_expires_at
    base = _base(adjustment, account, now)
    zone = org.zone
    try:
        if adjustment.validity is Validity.FIXED_DURATION:
            assert adjustment.days is not None
            day = base.astimezone(zone).date() + dt.timedelta(days=adjustment.days)
            expires: dt.datetime | None = end_of_day(day, zone)
        elif adjustment.validity is Validity.SPECIFIC_DATE:
            expires = adjustment.date
        elif adjustment.validity is Validity.CURRENT_TIER_EXPIRY_DATE and current is not None:
            expires = current
        else:
            expires = accounts.tier_expiry(adjustment.program, target, base, zone)
    except OverflowError:
        raise Invalid(
            INVALID_VALIDITY_UPTO, "The new slab expiry lies beyond the calendar"
        ) from None
    if expires is None:
        return None
    if expires.year > MAX_YEAR:
        raise Invalid(INVALID_VALIDITY_UPTO, "The new slab expiry lies beyond the calendar")
    if expires <= now:
        raise Invalid(
            INVALID_VALIDITY_UPTO,
            f"The new slab expiry ({clock.iso(expires, zone)}) is not in the future",
        )
    extending = adjustment.action is SlabAction.EXTEND_CURRENT_TIER_EXPIRY_DATE
    if extending and current is not None and expires < current:
        raise Invalid(
            INVALID_VALIDITY_UPTO,
            f"An extension cannot end before the current slab expiry ({clock.iso(current, zone)})",
        )
    return expires


def adjust_tier(
    session: Session,
    principal: Principal,
    lookup: Lookup,
    body: SlabAdjustmentIn,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Apply a manual tier adjustment and answer its ``slab`` side effect."""
    org = principal.org
    entity = (lookup.entity_type or CUSTOMER).strip().upper()
    if entity == USER_GROUP:
        raise Invalid(
            INVALID_INPUT, "Manual slab adjustment of user groups (USERGROUP2) is not supported"
        )
    if entity != CUSTOMER:
        raise Invalid(INVALID_INPUT, f"Invalid type {lookup.entity_type!r}: CUSTOMER or USERGROUP2")
    adjustment = read_adjustment(org, body)
    customer = _customer(session, org, lookup)
    members.require_loyalty(customer)
    at = now or clock.now()
    program = adjustment.program
    account = accounts.enrol(session, org, program, customer.id, at)
    before = account.tier_number
    current = program.tier(before) or program.tiers[-1]
    target = _target(adjustment, current)
    expires = _expiry(org, adjustment, account, target, at)
    if adjustment.action in (SlabAction.UPGRADE, SlabAction.DOWNGRADE):
        accounts.set_tier(account, program, target, at, org.zone, expires_at=expires)
    elif target.serial_number > 1:
        # A renewal starts a new validity window at its base; an extension widens the current.
        renewing = adjustment.action is SlabAction.RENEWAL
        since = _base(adjustment, account, at) if renewing else account.tier_since
        accounts.set_tier(account, program, target, since, org.zone, expires_at=expires)
        account.updated_at = at
    session.flush()
    log.info(
        "tier_adjusted",
        org_id=org.id,
        account_id=account.id,
        customer_id=customer.id,
        action=adjustment.action.value,
        tier=current.name,
        to_tier=target.name,
        valid_until=account.tier_expires_at.isoformat() if account.tier_expires_at else None,
        reason=adjustment.reason,
        till_id=principal.till_id,
    )
    side_effect = accounts.slab_side_effect(program, before, account, org.zone, ENTITY_TYPE)
    return {
        "programId": program.program_id,
        "entityId": customer.id,
        "sideEffects": [side_effect],
        "warnings": [],
    }
