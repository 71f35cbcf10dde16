"""Queries of loyalty tiers: accounts whose tier validity ended, and standings within a window."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from patron.loyalty.ledger import EARNING_KINDS
from patron.loyalty.models import ZERO, Account, Bill, Entry

PURCHASE = "REGULAR"


def accounts_due_for_renewal(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    """Return the ids (ascending, above ``after``) of accounts above the base tier whose
    validity has ended."""
    query = select(Account.id).where(
        Account.tier_number > 1,
        Account.tier_expires_at.is_not(None),
        Account.tier_expires_at <= now,
        Account.id > after,
    )
    if org_id is not None:
        query = query.where(Account.org_id == org_id)
    return list(session.scalars(query.order_by(Account.id).limit(limit)))


def lock_account(session: Session, account_id: int) -> Account | None:
    """Return an account by id, row-locked and freshly read."""
    query = (
        select(Account)
        .where(Account.id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def net_purchases(
    session: Session,
    account: Account,
    is_default_program: bool,
    since: dt.datetime,
    until: dt.datetime,
) -> Decimal:
    """Sum the customer's purchases in the program billed within [since, until], less what
    was returned of them within the window."""
    program = Bill.program_id == account.program_id
    if is_default_program:
        program = or_(program, Bill.program_id.is_(None))
    # A group's tier counts the bills that earned for it; a customer's, its own others.
    owner = (
        Bill.group_id == account.group_id
        if account.group_id is not None
        else and_(Bill.customer_id == account.customer_id, Bill.group_id.is_(None))
    )
    purchases = select(Bill.id).where(
        owner,
        program,
        Bill.type == PURCHASE,
        Bill.billing_date >= since,
        Bill.billing_date <= until,
    )
    bought = session.scalar(select(func.sum(Bill.amount)).where(Bill.id.in_(purchases)))
    returned = session.scalar(
        select(func.sum(Bill.amount)).where(
            Bill.parent_id.in_(purchases), Bill.billing_date <= until
        )
    )
    return (bought or ZERO) - (returned or ZERO)


def points_earned(
    session: Session, account_id: int, since: dt.datetime, until: dt.datetime
) -> Decimal:
    """Sum the points the account earned (redeemable or delayed) within [since, until]."""
    query = select(func.sum(Entry.points), func.sum(Entry.delayed)).where(
        Entry.account_id == account_id,
        Entry.kind.in_([kind.value for kind in EARNING_KINDS]),
        Entry.created_at >= since,
        Entry.created_at <= until,
    )
    points, delayed = session.execute(query).one()
    return (points or ZERO) + (delayed or ZERO)
