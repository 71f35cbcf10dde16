"""Rules of points transfers between two customers of one program.

A transfer locks both accounts in a fixed order (the smaller account id first), so transfers
in opposite directions wait for each other instead of deadlocking. The points leave the
sender first-expiring-first and arrive in one lot per lot they left, each keeping its expiry.
A sender whose user group blocks its points transfer is refused (1644).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import Forbidden, Invalid, NotFound
from patron.kit import clock
from patron.kit.numbers import decimal_of as number
from patron.loyalty import accounts, ledger, members, pooling
from patron.loyalty.ledger import Cause, InsufficientPoints, Kind, Posting
from patron.loyalty.models import Account, Transfer
from patron.loyalty.redemptions.inputs import identify, is_merged, program_id
from patron.loyalty.redemptions.schemas import IdentifierIn
from patron.loyalty.transfers import repository
from patron.loyalty.transfers.schemas import TransferIn
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

POINTS_MISSING = 422
NOT_WHOLE = 807
SENDER_FRAUD = 414
RECEIVER_FRAUD = 415
SAME_CUSTOMER = 418
MERGED_CUSTOMER = 419
NO_POINTS = 818
NOT_ALLOWED = 403
INVALID_IDENTIFIER = 8013
MAX_POINTS = Decimal(10) ** 12
CUSTOMER = "CUSTOMER"
DEDUCTION = "DEDUCTION"
ADDITION = "ADDITION"


@dataclass(frozen=True)
class Plan:
    """A transfer whose every rule but the balance has been checked."""

    program: Program
    sender: Customer
    receiver: Customer
    points: Decimal
    notes: str


def whole_points(value: Any) -> Decimal:
    """Return ``pointsTobeTransferred`` as whole points: 422 missing, 807 not a positive whole
    number."""
    if value is None:
        raise Invalid(POINTS_MISSING, "pointsTobeTransferred is required")
    points = number(value)
    if points is None or points <= 0 or points != points.to_integral_value() or points > MAX_POINTS:
        raise Invalid(NOT_WHOLE, "pointsTobeTransferred must be a positive whole number")
    return points


def find_party(
    session: Session, org: OrgConfig, identifier: IdentifierIn | None, side: str
) -> Customer:
    """Return the customer one side of a transfer names (8013 none, 419 merged)."""
    if identifier is None:
        raise Invalid(INVALID_IDENTIFIER, f"Customer identifier is invalid: {side} is required")
    try:
        return identify(session, org, identifier.type, identifier.value)
    except NotFound as error:
        if is_merged(error):
            raise Invalid(MERGED_CUSTOMER, f"{side}: {error.message}") from error
        raise


def transfer_program(org: OrgConfig, value: Any) -> Program:
    """Return the program a transfer names (885) if it allows transfers (403)."""
    program = accounts.require_program(org, program_id(value))
    if not program.allow_transfer:
        raise Forbidden(
            NOT_ALLOWED, f"Points transfer is not allowed in program {program.program_id}"
        )
    return program


def plan(session: Session, org: OrgConfig, body: TransferIn) -> Plan:
    """Check a transfer's points, program and customers (everything but the balance)."""
    points = whole_points(body.points_tobe_transferred)
    program = transfer_program(org, body.program_id)
    sender = find_party(session, org, body.from_customer_identifier, "fromCustomerIdentifier")
    receiver = find_party(session, org, body.to_customer_identifier, "toCustomerIdentifier")
    if sender.id == receiver.id:
        raise Invalid(SAME_CUSTOMER, "Points cannot be transferred to the same customer")
    members.require_loyalty(sender)
    members.require_loyalty(receiver)
    if members.is_fraud(org, sender):
        raise Invalid(SENDER_FRAUD, "The customer transferring points is marked as fraud")
    if members.is_fraud(org, receiver):
        raise Invalid(RECEIVER_FRAUD, "The customer receiving points is marked as fraud")
    pooling.refuse_blocked(session, org, sender.id, pooling.Action.TRANSFER)
    return Plan(program, sender, receiver, points, (body.notes or "").strip())


def require_balance(account: Account | None, points: Decimal) -> Account:
    """Return the sender's account if it holds ``points`` (818 no account, 804 too few)."""
    if account is None:
        raise Invalid(NO_POINTS, "Insufficient points: the sender has no points in the program")
    if account.points < points:
        raise InsufficientPoints(account.points)
    return account


def check_transfer(session: Session, principal: Principal, body: TransferIn) -> dict[str, Any]:
    """Tell whether a transfer would succeed now, without making it."""
    org = principal.org
    checked = plan(session, org, body)
    found = ledger.find_account(session, org.id, checked.sender.id, checked.program.program_id)
    require_balance(found, checked.points)
    return {
        "data": [
            {
                "pointsTobeTransferred": ledger.render_points(checked.points),
                "transferFrom": checked.sender.id,
                "transferTo": checked.receiver.id,
                "transferrable": True,
            }
        ],
        "warnings": [],
        "errors": [],
    }


def _lock_accounts(
    session: Session, org: OrgConfig, checked: Plan, at: dt.datetime
) -> tuple[Account, Account]:
    """Lock the sender's and receiver's accounts, the smaller id first; a receiver without an
    account gets one (opened after the sender's lock: a new row no other transfer waits on)."""
    program_id = checked.program.program_id
    sender_id, receiver_id = checked.sender.id, checked.receiver.id
    ids = repository.account_ids(session, org.id, program_id, {sender_id, receiver_id})
    locked: dict[int, Account | None] = {}
    for customer_id in sorted(ids, key=ids.__getitem__):
        locked[customer_id] = ledger.find_account(
            session, org.id, customer_id, program_id, lock=True
        )
    sender = require_balance(locked.get(sender_id), checked.points)
    receiver = locked.get(receiver_id) or accounts.enrol(
        session, org, checked.program, receiver_id, at
    )
    return sender, receiver


def record_transfer(
    session: Session,
    org: OrgConfig,
    program: Program,
    sender: Account,
    receiver: Account,
    transfer: Transfer,
) -> Transfer:
    """Store a transfer (customers' or user groups') and move its points: out of the sender's
    lots first-expiring-first, into one lot per lot left at the receiver with its expiry, both
    legs caused by the transfer's row; the receiver upgrades when it reaches a higher tier.
    Both accounts must be locked by the caller."""
    record = repository.add_transfer(session, transfer)
    posting = Posting(
        cause=Cause.TRANSFER,
        cause_id=record.id,
        till_id=record.till_id,
        at=record.created_at,
        notes=record.notes,
    )
    out = ledger.debit(session, sender, Kind.TRANSFER_OUT, record.points, posting)
    for move, lot in ledger.moves_of_entry(session, out.id):
        ledger.credit(
            session, receiver, Kind.TRANSFER_IN, -move.points, posting, expires_at=lot.expires_at
        )
    accounts.upgrade(session, org, program, receiver, record.created_at)
    return record


def transfer(session: Session, principal: Principal, body: TransferIn) -> dict[str, Any]:
    """Move whole points from one customer to another, keeping each moved lot's expiry."""
    org = principal.org
    at = clock.now()
    checked = plan(session, org, body)
    sender, receiver = _lock_accounts(session, org, checked, at)
    record = record_transfer(
        session,
        org,
        checked.program,
        sender,
        receiver,
        Transfer(
            org_id=org.id,
            program_id=checked.program.program_id,
            from_customer_id=checked.sender.id,
            to_customer_id=checked.receiver.id,
            points=checked.points,
            notes=checked.notes,
            till_id=principal.till_id,
            created_at=at,
        ),
    )
    names = members.names(session, {checked.sender.id, checked.receiver.id})
    summary = render_transfer(org, record, names, checked.sender.id)
    return {
        "data": [
            {
                "toEntityId": record.to_customer_id,
                "toEntityType": CUSTOMER,
                "fromEntityId": record.from_customer_id,
                "fromEntityType": CUSTOMER,
                **summary,
            }
        ],
        "warnings": [],
        "errors": [],
    }


def _party_out(customer_id: int | None, names: dict[int, tuple[str, str]]) -> dict[str, Any]:
    first, last = names.get(customer_id, ("", "")) if customer_id is not None else ("", "")
    return {"userId": customer_id, "firstName": first, "lastName": last}


def render_transfer(
    org: OrgConfig, record: Transfer, names: dict[int, tuple[str, str]], viewer_id: int
) -> dict[str, Any]:
    """Render a transfer as the customer ``viewer_id`` sees it (DEDUCTION when they sent it)."""
    program = org.program(record.program_id)
    return {
        "pointsTransferDate": clock.local_datetime(record.created_at, org.zone),
        "pointsTransferred": ledger.render_points(record.points),
        "transferId": record.id,
        "transferType": DEDUCTION if record.from_customer_id == viewer_id else ADDITION,
        "transferredFrom": _party_out(record.from_customer_id, names),
        "transferredTo": _party_out(record.to_customer_id, names),
        "notes": record.notes,
        "programName": program.name if program is not None else "",
    }


def list_transfers(session: Session, org: OrgConfig, customer_id: int) -> dict[str, Any]:
    """Return the transfers a customer sent (DEDUCTION) or received (ADDITION), newest first."""
    customer = members.by_id(session, org, customer_id)
    records = repository.list_transfers(session, org.id, customer.id)
    parties = {i for r in records for i in (r.from_customer_id, r.to_customer_id) if i is not None}
    names = members.names(session, parties)
    return {
        "data": [render_transfer(org, r, names, customer.id) for r in records],
        "warnings": [],
        "errors": [],
    }
