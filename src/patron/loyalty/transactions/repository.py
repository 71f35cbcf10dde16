"""Queries of transactions: bills, the award entry of a bill, redemptions to tag."""

from __future__ import annotations

import functools
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from patron.loyalty.models import Bill, Entry, Redemption

BILLS = cast(Table, Bill.__table__)


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
    """Insert a bill that takes its number and set its id; False when another bill of the org
    holds the number (the unique index decides: one statement, no savepoint). The bill is
    stored as it is, points included, and stays out of the session."""
    values = {c.key: getattr(bill, c.key) for c in BILLS.columns if c.key != "id"}
    bill_id = session.execute(_numbered_insert(session.get_bind().dialect.name), values).scalar()
    if bill_id is None:
        return False
    bill.id = bill_id
    return True


@functools.cache
def _numbered_insert(dialect_name: str) -> Any:
    """The INSERT … ON CONFLICT DO NOTHING of ``add_numbered_bill``, built once per dialect."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(BILLS)
        .on_conflict_do_nothing(index_elements=[BILLS.c.org_id, BILLS.c.purchase_key])
        .returning(BILLS.c.id)
    )


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
