"""``POST /v2/points/updateExpiry``: move the expiry of the points of one award.

Each item names a customer, a program and an award — a bill (``BILL``: the lots its award
opened) or a journal entry (``AWARD``, also spelled ``ENTRY`` or ``POINT_AWARDED``: the lots
that credit opened) — and the new expiry. Items are applied one by one, each in a savepoint of
the request's unit of work, and each answers for itself: a bad item changes nothing and
leaves the others applied. Points moved to an expiry already past expire at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from patron.customers.models import Customer
from patron.errors import Invalid, NotFound, PatronError
from patron.kit import clock
from patron.kit.ids import MAX_ID
from patron.loyalty import ledger, members
from patron.loyalty.accounts import require_program
from patron.loyalty.expiry import repository
from patron.loyalty.expiry.schemas import ExpiryDateIn, ExpiryUpdateIn, UpdateExpiryIn
from patron.loyalty.models import Lot
from patron.orgs.config import OrgConfig
from patron.orgs.programs import end_of_day

MAX_ITEMS = 10
BATCH_LIMIT = 1060
INVALID_INPUT = 400
AWARD_NOT_FOUND = 404
BILL_NOT_FOUND = 625
CUSTOMER_NOT_FOUND = 8015
INVALID_PROGRAM = 885
NOT_IN_PROGRAM = 8089
ANY_SOURCE = "ALL"
MAX_DAYS = 36500
MIN_YEAR, MAX_YEAR = 1900, 9998


class RefType(StrEnum):
    """What ``pointsAwardedRefId`` names."""

    BILL = "BILL"
    AWARD = "AWARD"


REF_TYPES = {"BILL": RefType.BILL, "AWARD": RefType.AWARD, "ENTRY": RefType.AWARD}
REF_TYPES["POINT_AWARDED"] = RefType.AWARD


class Reason(StrEnum):
    """Which way the expiry may move."""

    EXTEND_EXPIRY = "EXTEND_EXPIRY"
    EARLY_EXPIRY = "EARLY_EXPIRY"


class ExpiryKind(StrEnum):
    """How the new expiry is given."""

    FIXED_DATE = "FIXED_DATE"
    FIXED_DAYS = "FIXED_DAYS"


@dataclass(frozen=True)
class Change:
    """A validated item, apart from the customer and the lots."""

    program_id: int
    ref_id: int
    ref_type: RefType
    reason: Reason | None
    expires_at: dt.datetime


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _whole(value: Any) -> int | None:
    """Read a whole number given as a JSON number or digits; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) else None


def _customer(session: Session, org: OrgConfig, item: ExpiryUpdateIn) -> Customer:
    name, value = _text(item.identifier_name), _text(item.identifier_value)
    if name is not None and name.lower() == "id":
        customer_id = _whole(value)
        if customer_id is None or not 0 < customer_id <= MAX_ID:
            raise NotFound(CUSTOMER_NOT_FOUND, f"Customer not found: no customer has id {value!r}")
        return members.by_id(session, org, customer_id)
    return members.by_identifier(session, org, ANY_SOURCE, None, name, value)


def _expiry(org: OrgConfig, given: ExpiryDateIn | None, now: dt.datetime) -> dt.datetime:
    if given is None:
        raise Invalid(INVALID_INPUT, "expiryDate is required: {expiryType, expiryValue}")
    kind = _text(given.expiry_type)
    zone = org.zone
    if kind is not None and kind.upper() == ExpiryKind.FIXED_DAYS:
        days = _whole(given.expiry_value)
        if days is None or days > MAX_DAYS:
            raise Invalid(
                INVALID_INPUT,
                f"expiryValue must be a number of days (0 to {MAX_DAYS}) for FIXED_DAYS",
            )
        return end_of_day(now.astimezone(zone).date() + dt.timedelta(days=days), zone)
    if kind is not None and kind.upper() == ExpiryKind.FIXED_DATE:
        text = _text(given.expiry_value)
        try:
            if text is None:
                raise ValueError(text)
            day = (
                clock.parse_datetime(text).astimezone(zone).date()
                if len(text) > len("YYYY-MM-DD")
                else dt.date.fromisoformat(text)
            )
            if not MIN_YEAR <= day.year <= MAX_YEAR:
                raise ValueError(text)
        except (ValueError, OverflowError):
            raise Invalid(
                INVALID_INPUT, "expiryValue must be a date (YYYY-MM-DD) for FIXED_DATE"
            ) from None
        return end_of_day(day, zone)
    raise Invalid(INVALID_INPUT, "expiryDate.expiryType must be FIXED_DATE or FIXED_DAYS")


def _change(org: OrgConfig, item: ExpiryUpdateIn, now: dt.datetime) -> Change:
    program_id = _whole(item.program_id)
    if program_id is None:
        raise Invalid(INVALID_PROGRAM, "Invalid program: programId is required")
    program = require_program(org, program_id, INVALID_PROGRAM)
    ref_id = _whole(item.points_awarded_ref_id)
    if ref_id is None or not 0 < ref_id <= MAX_ID:
        raise Invalid(INVALID_INPUT, "pointsAwardedRefId is required: the id of a bill or an award")
    ref_type = REF_TYPES.get((_text(item.points_awarded_ref_type) or "").upper())
    if ref_type is None:
        raise Invalid(INVALID_INPUT, "pointsAwardedRefType must be BILL or AWARD")
    reason_text = _text(item.expiry_update_reason_type)
    reason = None
    if reason_text is not None:
        if reason_text.upper() not in Reason.__members__:
            raise Invalid(
                INVALID_INPUT, "expiryUpdateReasonType must be EXTEND_EXPIRY or EARLY_EXPIRY"
            )
        reason = Reason(reason_text.upper())
    return Change(program.program_id, ref_id, ref_type, reason, _expiry(org, item.expiry_date, now))


def _lots(
    session: Session, account_id: int, customer_id: int, org: OrgConfig, change: Change
) -> list[Lot]:
    if change.ref_type is RefType.BILL:
        bill = repository.get_bill(session, org.id, change.ref_id)
        if bill is None or bill.customer_id != customer_id:
            raise NotFound(BILL_NOT_FOUND, f"Bill {change.ref_id} not found for the customer")
        lots = repository.bill_award_lots(session, account_id, bill.id)
        if not lots:
            raise NotFound(
                BILL_NOT_FOUND,
                f"Bill {change.ref_id} awarded no points in program {change.program_id}",
            )
        return lots
    lots = repository.entry_lots(session, account_id, change.ref_id)
    if not lots:
        raise NotFound(
            AWARD_NOT_FOUND,
            f"No points award {change.ref_id} for the customer in program {change.program_id}",
        )
    return lots


def _check_direction(change: Change, lots: list[Lot], zone: dt.tzinfo) -> None:
    new = change.expires_at
    for lot in lots:
        current = lot.expires_at
        shown = clock.local_date(current, zone) if current is not None else "never"
        if change.reason is Reason.EXTEND_EXPIRY and (current is None or new <= current):
            raise Invalid(
                INVALID_INPUT,
                f"EXTEND_EXPIRY needs an expiry later than the current one ({shown})",
            )
        if change.reason is Reason.EARLY_EXPIRY and current is not None and new >= current:
            raise Invalid(
                INVALID_INPUT,
                f"EARLY_EXPIRY needs an expiry earlier than the current one ({shown})",
            )


def _apply(
    session: Session, org: OrgConfig, customer: Customer, change: Change, now: dt.datetime
) -> dict[str, Any]:
    members.require_loyalty(customer)
    account = ledger.find_account(session, org.id, customer.id, change.program_id, lock=True)
    if account is None:
        raise Invalid(NOT_IN_PROGRAM, f"Customer is not enrolled in program {change.program_id}")
    lots = [
        lot for lot in _lots(session, account.id, customer.id, org, change) if lot.remaining > 0
    ]
    if not lots:
        raise Invalid(
            INVALID_INPUT, "Nothing is left of these points: they are redeemed or expired"
        )
    _check_direction(change, lots, org.zone)
    dated = [lot.expires_at for lot in lots if lot.expires_at is not None]
    points = sum((lot.remaining for lot in lots), start=Decimal(0))
    for lot in lots:
        lot.expires_at = change.expires_at
    session.flush()
    changed = {lot.id for lot in lots}
    expired = (
        -sum(
            (
                e.points + e.delayed
                for e in ledger.expire_due_lots(session, account, now)
                if e.cause_id in changed
            ),
            start=Decimal(0),
        )
        if change.expires_at <= now
        else Decimal(0)
    )
    return {
        "programId": change.program_id,
        "pointsAwardedRefId": change.ref_id,
        "pointsAwardedRefType": change.ref_type.value,
        "expiryUpdateReasonType": change.reason.value if change.reason else None,
        "points": ledger.render_points(points),
        "previousExpiryDate": clock.local_date(min(dated), org.zone) if dated else None,
        "expiryDate": clock.local_date(change.expires_at, org.zone),
        "expiredPoints": ledger.render_points(expired),
    }


def _item(
    session: Session, org: OrgConfig, item: ExpiryUpdateIn, now: dt.datetime
) -> dict[str, Any]:
    customer_id: int | None = None
    try:
        change = _change(org, item, now)
        customer = _customer(session, org, item)
        customer_id = customer.id
        with session.begin_nested():
            result = _apply(session, org, customer, change, now)
    except PatronError as exc:
        return {
            "entityId": customer_id,
            "result": None,
            "errors": [exc.notice.as_dict()],
            "warnings": [],
        }
    return {"entityId": customer_id, "result": result, "errors": [], "warnings": []}


def update_expiry(
    session: Session, org: OrgConfig, body: UpdateExpiryIn, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Apply every item of an ``updateExpiry`` request; each answers its own outcome."""
    items = body.expiry_date_update_request
    if not items:
        raise Invalid(INVALID_INPUT, "Input is invalid: expiryDateUpdateRequest is required")
    if len(items) > MAX_ITEMS:
        raise Invalid(BATCH_LIMIT, f"Batch limit exceeded: at most {MAX_ITEMS} items")
    moment = now or clock.now()
    answers = [_item(session, org, item, moment) for item in items]
    return {
        "response": answers,
        "totalCount": len(answers),
        "failureCount": sum(1 for a in answers if a["errors"]),
        "warnings": [],
    }
