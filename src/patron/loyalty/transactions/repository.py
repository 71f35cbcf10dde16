"""Queries of transactions: bills, the award entry of a bill, redemptions to tag."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.loyalty.models import Bill, Entry, Redemption


def find_numbered_bill(
    session: Session, org_id: int, bill_number: str, *, lock: bool = False
) -> Bill | None:
    """Return the org's purchase or not-interested bill with ``bill_number`` (row-locked when
    ``lock``)."""
    query = select(Bill).where(Bill.org_id == org_id, Bill.purchase_key == bill_number)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def add_numbered_bill(session: Session, bill: Bill) -> bool:
    """Insert a bill that takes its number; False when another bill of the org holds it."""
    try:
        with session.begin_nested():
            session.add(bill)
            session.flush()
    except IntegrityError:
        return False
    return True


def add_bill(session: Session, bill: Bill) -> None:
    """Insert a bill that takes no number (a return)."""
    session.add(bill)
    session.flush()


def find_entry(session: Session, org_id: int, key: str) -> Entry | None:
    """Return the org's journal entry with the natural key ``key``."""
    return session.scalars(select(Entry).where(Entry.org_id == org_id, Entry.key == key)).first()


def find_redemption(
    session: Session, org_id: int, customer_id: int, redemption_id: int
) -> Redemption | None:
    """Return the customer's redemption ``redemption_id``."""
    return session.scalars(
        select(Redemption).where(
            Redemption.id == redemption_id,
            Redemption.org_id == org_id,
            Redemption.customer_id == customer_id,
        )
    ).first()
