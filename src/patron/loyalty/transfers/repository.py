"""Queries of points transfers."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from patron.loyalty.models import Account, Transfer


def account_ids(
    session: Session, org_id: int, program_id: int, customer_ids: set[int]
) -> dict[int, int]:
    """Return the account id of each customer enrolled in the program, by customer id.

    Only ids are read, so the accounts are loaded (and locked) afterwards in a fixed order.
    """
    query = select(Account.customer_id, Account.id).where(
        Account.org_id == org_id,
        Account.program_id == program_id,
        Account.customer_id.in_(customer_ids),
    )
    return {int(owner): int(account) for owner, account in session.execute(query) if owner}


def add_transfer(session: Session, transfer: Transfer) -> Transfer:
    """Store a new transfer (its id assigned)."""
    session.add(transfer)
    session.flush()
    return transfer


def list_transfers(session: Session, org_id: int, customer_id: int) -> list[Transfer]:
    """Return the transfers a customer sent to or received from another customer, newest first
    (those with a user group on one side are the group's: see ``patron.groups.pooling``)."""
    query = (
        select(Transfer)
        .where(
            Transfer.org_id == org_id,
            or_(Transfer.from_customer_id == customer_id, Transfer.to_customer_id == customer_id),
            Transfer.from_customer_id.is_not(None),
            Transfer.to_customer_id.is_not(None),
        )
        .order_by(Transfer.created_at.desc(), Transfer.id.desc())
    )
    return list(session.scalars(query))
