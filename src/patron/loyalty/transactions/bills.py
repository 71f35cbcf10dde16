"""Purchases and not-interested bills: each takes its bill number, and a purchase earns.

A loyalty customer's purchase earns by the rule of the account's current tier and counts
towards the tiers (``accounts.count_purchase``, then ``award_purchase``, which also upgrades
at once); a non-loyalty customer's purchase, and any not-interested bill, is stored and earns
nothing.

A purchase tagged with a user group, or made by a member of a points-pooling group, earns
for the group instead (``pooling.earning_group``): the group's account, tier and purchases,
never the customer's own; the contribution is reported through ``pooling.contributed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import Conflict, Notice
from patron.loyalty import accounts, members, pooling, rewards
from patron.loyalty.accounts import Award, BillEarning
from patron.loyalty.ledger import Cause, Posting
from patron.loyalty.models import ZERO, Account, Bill
from patron.loyalty.pooling import CUSTOMER_ENTITY, USERGROUP2, Contribution, GroupEarning
from patron.loyalty.transactions import repository
from patron.loyalty.transactions.inputs import Transaction
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

BILL_EXISTS = 604
THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class Context:
    """One transaction being written: who, whose, what, when and through which source."""

    principal: Principal
    customer: Customer
    transaction: Transaction
    at: dt.datetime
    source: str

    @property
    def org(self) -> OrgConfig:
        """The org of the call."""
        return self.principal.org


@dataclass
class Outcome:
    """What one transaction wrote: its bill, and the points it earned or took back."""

    bill: Bill
    customer: Customer
    warnings: list[Notice] = field(default_factory=list)
    earning: BillEarning | None = None
    taken: Award | None = None
    # Side effects of other domains' rewards for a purchase (``patron.loyalty.rewards``).
    rewards: list[dict[str, Any]] = field(default_factory=list)
    # The customer's own account the purchase earned on (None: none, or a group's).
    account: Account | None = None

    @property
    def entity_type(self) -> str:
        """Whose points the bill moved: ``USERGROUP2`` (a group's) or ``USER``."""
        return USERGROUP2 if self.bill.group_id is not None else CUSTOMER_ENTITY


def new_bill(context: Context, amount: Decimal, **columns: Any) -> Bill:
    """Build the bill of a transaction (not added to the session)."""
    transaction = context.transaction
    return Bill(
        org_id=context.org.id,
        customer_id=context.customer.id,
        type=transaction.type.value,
        bill_number=transaction.bill_number,
        amount=amount,
        billing_date=transaction.billing_date,
        till_id=context.principal.till_id,
        source=context.source,
        details=transaction.details,
        created_at=context.at,
        **({"amount_returned": ZERO, "points": ZERO, "points_returned": ZERO} | columns),
    )


def take_number(session: Session, bill: Bill) -> None:
    """Insert a bill that takes its number, or refuse with 604 when the org has it already
    (the database's unique index decides, also between concurrent requests)."""
    if not repository.add_numbered_bill(session, bill):
        raise Conflict(BILL_EXISTS, f"Bill number already exists: {bill.bill_number}")


def add_purchase(session: Session, context: Context) -> Outcome:
    """Store a purchase; a loyalty customer earns (in the body's program or the default),
    for the user group it earns for when there is one.

    The account is counted first, so the bill is stored once with its points: every purchase
    takes the account's row lock before its bill number, which keeps two purchases from
    waiting on each other; a number already taken (604) undoes the count with the rest of the
    unit of work.
    """
    org, transaction = context.org, context.transaction
    program = transaction.program or org.default_program
    if not members.is_loyalty(context.customer):
        program = None
    # Before anything is written: a tag that names no group of the customer refuses it.
    group = pooling.earning_group(
        session, context.principal, context.customer, transaction.group_tags
    )
    assert transaction.amount is not None
    if group is not None and program is None:
        group = None
    bill = new_bill(
        context,
        transaction.amount,
        purchase_key=transaction.bill_number,
        program_id=program.program_id if program is not None else None,
        group_id=group.group_id if group is not None else None,
    )
    outcome = Outcome(bill=bill, customer=context.customer, warnings=transaction.warnings)
    if program is None:
        take_number(session, bill)
        return outcome
    counted = accounts.count_purchase(
        session,
        org,
        program,
        bill.amount,
        context.at,
        customer_id=context.customer.id if group is None else None,
        group_id=group.group_id if group is not None else None,
        may_earn=group.may_earn if group is not None else True,
    )
    if counted.points is not None:
        bill.points = counted.points
    take_number(session, bill)
    posting = Posting(
        cause=Cause.BILL,
        cause_id=bill.id,
        till_id=context.principal.till_id,
        at=context.at,
        key=f"bill:{bill.id}:award",
    )
    outcome.earning = accounts.award_purchase(session, org, program, counted, bill, posting)
    if group is not None:
        _contributed(session, context, program, group, bill, outcome.earning)
        return outcome
    outcome.account = counted.account
    rule = program.earning.transaction
    series_id = None if rule is None else rule.for_tier(counted.tier_number).coupon_series_id
    if series_id is not None:
        outcome.rewards.append(
            rewards.issue_coupon(session, context.principal, context.customer.id, series_id)
        )
    return outcome


def _contributed(
    session: Session,
    context: Context,
    program: Program,
    group: GroupEarning,
    bill: Bill,
    earning: BillEarning,
) -> None:
    """Report a member's purchase that credited its group (``pooling.contributed``)."""
    if earning.award is None or earning.award.points <= 0:
        return
    pooling.contributed(
        session,
        Contribution(
            principal=context.principal,
            customer_id=context.customer.id,
            group_id=group.group_id,
            bill=bill,
            program=program,
            points=earning.award.points,
        ),
    )


def add_not_interested(session: Session, context: Context) -> Outcome:
    """Store a not-interested bill: its number is taken, it earns nothing and counts nowhere."""
    transaction = context.transaction
    assert transaction.amount is not None
    bill = new_bill(context, transaction.amount, purchase_key=transaction.bill_number)
    take_number(session, bill)
    return Outcome(bill=bill, customer=context.customer, warnings=transaction.warnings)
