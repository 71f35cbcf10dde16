"""Points transfers of user groups: between a group and one of its members, or between two
groups, in one program.

The rules are the customer transfer's (whole points, the program's ``allowTransfer``, the
sender's balance), plus the group's: a customer side must be a member of the group on the
other side (1620) whose transfers its permissions do not block (1644). Both accounts are
locked in a fixed order (the smaller account id first) and both legs are written in one unit
of work, through the ledger, with the transfer's row (``loyalty_transfers``, a group on one
or both sides) as their cause; the moved points keep their expiry dates at the receiver.
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
from patron.groups import repository
from patron.groups.membership import NOT_A_MEMBER, GroupRef, is_blocked
from patron.groups.models import UserGroup
from patron.groups.pooling.schemas import GroupTransferIn
from patron.groups.pooling.service import active_group
from patron.kit import clock
from patron.loyalty import accounts, ledger, members
from patron.loyalty.models import Account, Transfer
from patron.loyalty.pooling import TRANSFER_BLOCKED, USERGROUP2, Action
from patron.loyalty.redemptions.schemas import IdentifierIn
from patron.loyalty.transfers.service import (
    CUSTOMER,
    DEDUCTION,
    RECEIVER_FRAUD,
    SAME_CUSTOMER,
    SENDER_FRAUD,
    find_party,
    record_transfer,
    require_balance,
    transfer_program,
    whole_points,
)
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

INVALID_INPUT = 400


@dataclass(frozen=True)
class Party:
    """One side of a group transfer: a user group or a customer."""

    group: UserGroup | None = None
    customer: Customer | None = None

    @property
    def entity_type(self) -> str:
        """``USERGROUP2`` or ``CUSTOMER``."""
        return USERGROUP2 if self.group is not None else CUSTOMER

    @property
    def entity_id(self) -> int:
        """The group's or the customer's id."""
        owner = self.group if self.group is not None else self.customer
        assert owner is not None
        return owner.id


@dataclass(frozen=True)
class Plan:
    """A group transfer whose every rule but the balance has been checked."""

    program: Program
    sender: Party
    receiver: Party
    points: Decimal
    notes: str


def _given(value: Any) -> bool:
    return value is not None and bool(str(value).strip())


def _party(
    session: Session,
    org: OrgConfig,
    side: str,
    group_id: str | None,
    external_id: str | None,
    identifier: IdentifierIn | None,
) -> Party:
    """Return the party one side names: exactly one of a group id, a group externalId and a
    customer identifier (400 otherwise; 1632/1619 for a group, 8013/8015/419 a customer)."""
    named = sum((_given(group_id), _given(external_id), identifier is not None))
    if named != 1:
        raise Invalid(
            INVALID_INPUT,
            f"Input is invalid: name exactly one of {side}UserGroup2Id, "
            f"{side}UserGroup2ExternalId and {side}CustomerIdentifier",
        )
    if identifier is not None:
        return Party(customer=find_party(session, org, identifier, f"{side}CustomerIdentifier"))
    ref = GroupRef(group_id=group_id) if _given(group_id) else GroupRef(external_id=external_id)
    return Party(group=active_group(session, org.id, ref))


def _check_member(session: Session, org: OrgConfig, group: UserGroup, customer: Customer) -> None:
    """Refuse a customer that is no loyalty member of ``group`` (881, 1620) or whose
    transfers the membership blocks (1644)."""
    members.require_loyalty(customer)
    member = repository.find_member(session, group.id, customer.id)
    if member is None:
        raise NotFound(
            NOT_A_MEMBER, f"Customer {customer.id} is not a member of user group {group.id}"
        )
    if is_blocked(member, Action.TRANSFER.value):
        raise Forbidden(
            TRANSFER_BLOCKED,
            f"Points transfer is blocked: customer {customer.id}'s membership of user group "
            f"{group.id} blocks its points transfer",
        )


def plan(session: Session, org: OrgConfig, body: GroupTransferIn) -> Plan:
    """Check a group transfer's points, program and parties (everything but the balance)."""
    points = whole_points(body.points_tobe_transferred)
    program = transfer_program(org, body.program_id)
    sender = _party(
        session,
        org,
        "from",
        body.from_user_group2_id,
        body.from_user_group2_external_id,
        body.from_customer_identifier,
    )
    receiver = _party(
        session,
        org,
        "to",
        body.to_user_group2_id,
        body.to_user_group2_external_id,
        body.to_customer_identifier,
    )
    if sender.group is None and receiver.group is None:
        raise Invalid(
            INVALID_INPUT,
            "Input is invalid: one side must be a user group (between two customers, use "
            "POST /v2/points/transfer)",
        )
    if (sender.entity_type, sender.entity_id) == (receiver.entity_type, receiver.entity_id):
        raise Invalid(SAME_CUSTOMER, "Points cannot be transferred to the same user group")
    if sender.customer is not None and receiver.group is not None:
        if members.is_fraud(org, sender.customer):
            raise Invalid(SENDER_FRAUD, "The customer transferring points is marked as fraud")
        _check_member(session, org, receiver.group, sender.customer)
    if receiver.customer is not None and sender.group is not None:
        if members.is_fraud(org, receiver.customer):
            raise Invalid(RECEIVER_FRAUD, "The customer receiving points is marked as fraud")
        _check_member(session, org, sender.group, receiver.customer)
    return Plan(program, sender, receiver, points, (body.notes or "").strip())


def _find(
    session: Session, org: OrgConfig, party: Party, program: Program, *, lock: bool
) -> Account | None:
    if party.group is not None:
        return ledger.find_group_account(
            session, org.id, party.group.id, program.program_id, lock=lock
        )
    return ledger.find_account(session, org.id, party.entity_id, program.program_id, lock=lock)


def _open(
    session: Session, org: OrgConfig, party: Party, program: Program, at: dt.datetime
) -> Account:
    if party.group is not None:
        return accounts.enrol_group(session, org, program, party.group.id, at)
    return accounts.enrol(session, org, program, party.entity_id, at)


def _lock_accounts(
    session: Session, org: OrgConfig, checked: Plan, at: dt.datetime
) -> tuple[Account, Account]:
    """Lock the sender's and receiver's accounts, the smaller id first; a receiver without an
    account gets one (opened after the sender's lock: a new row no other transfer waits on)."""
    sides = {"sender": checked.sender, "receiver": checked.receiver}
    found = {
        name: _find(session, org, party, checked.program, lock=False)
        for name, party in sides.items()
    }
    present = sorted((account.id, name) for name, account in found.items() if account is not None)
    locked: dict[str, Account | None] = {}
    for _, name in present:
        locked[name] = _find(session, org, sides[name], checked.program, lock=True)
    sender = require_balance(locked.get("sender"), checked.points)
    receiver = locked.get("receiver") or _open(session, org, checked.receiver, checked.program, at)
    return sender, receiver


def _customer_id(party: Party) -> int | None:
    return party.customer.id if party.customer is not None else None


def _group_id(party: Party) -> int | None:
    return party.group.id if party.group is not None else None


def _render_party(session: Session, party: Party) -> dict[str, Any]:
    if party.group is not None:
        group = party.group
        return {"groupId": group.id, "externalId": group.external_id, "groupName": group.name}
    first, last = members.names(session, {party.entity_id}).get(party.entity_id, ("", ""))
    return {"userId": party.entity_id, "firstName": first, "lastName": last}


def check_transfer(session: Session, principal: Principal, body: GroupTransferIn) -> dict[str, Any]:
    """Tell whether a group transfer would succeed now, without making it."""
    org = principal.org
    checked = plan(session, org, body)
    require_balance(
        _find(session, org, checked.sender, checked.program, lock=False), checked.points
    )
    return {
        "data": [
            {
                "pointsTobeTransferred": ledger.render_points(checked.points),
                "transferFrom": checked.sender.entity_id,
                "fromEntityType": checked.sender.entity_type,
                "transferTo": checked.receiver.entity_id,
                "toEntityType": checked.receiver.entity_type,
                "transferrable": True,
            }
        ],
        "warnings": [],
        "errors": [],
    }


def transfer(session: Session, principal: Principal, body: GroupTransferIn) -> dict[str, Any]:
    """Move whole points between a group and a member, or two groups, keeping expiries."""
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
            from_customer_id=_customer_id(checked.sender),
            from_group_id=_group_id(checked.sender),
            to_customer_id=_customer_id(checked.receiver),
            to_group_id=_group_id(checked.receiver),
            points=checked.points,
            notes=checked.notes,
            till_id=principal.till_id,
            created_at=at,
        ),
    )
    session.flush()
    return {
        "data": [
            {
                "toEntityId": checked.receiver.entity_id,
                "toEntityType": checked.receiver.entity_type,
                "fromEntityId": checked.sender.entity_id,
                "fromEntityType": checked.sender.entity_type,
                "pointsTransferDate": clock.local_datetime(at, org.zone),
                "pointsTransferred": ledger.render_points(checked.points),
                "transferId": record.id,
                "transferType": DEDUCTION,
                "transferredFrom": _render_party(session, checked.sender),
                "transferredTo": _render_party(session, checked.receiver),
                "notes": checked.notes,
                "programName": checked.program.name,
            }
        ],
        "warnings": [],
        "errors": [],
    }
