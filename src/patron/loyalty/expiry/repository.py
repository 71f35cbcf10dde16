"""Queries of loyalty expiry: due lots, the accounts that hold them, schedules and expired points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from patron.loyalty.ledger import Cause, Kind
from patron.loyalty.models import Account, Bill, Entry, Lot, LotMove


def accounts_with_expired_lots(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    """Return the ids (ascending, above ``after``) of accounts holding lots due to expire."""
    query = select(Lot.account_id).where(
        Lot.remaining > 0,
        Lot.expires_at.is_not(None),
        Lot.expires_at <= now,
        Lot.account_id > after,
    )
    if org_id is not None:
        query = query.where(Lot.org_id == org_id)
    query = query.group_by(Lot.account_id).order_by(Lot.account_id).limit(limit)
    return list(session.scalars(query))


def accounts_with_releasable_lots(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    """Return the ids (ascending, above ``after``) of accounts holding delayed lots now due."""
    query = select(Lot.account_id).where(
        Lot.is_delayed.is_(True),
        Lot.available_at.is_not(None),
        Lot.available_at <= now,
        Lot.account_id > after,
    )
    if org_id is not None:
        query = query.where(Lot.org_id == org_id)
    query = query.group_by(Lot.account_id).order_by(Lot.account_id).limit(limit)
    return list(session.scalars(query))


def lock_account(session: Session, account_id: int) -> Account | None:
    """Return an account by id, row-locked and freshly read."""
    query = (
        select(Account)
        .where(Account.id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def releasable_lots(session: Session, account_id: int, now: dt.datetime) -> list[Lot]:
    """Return the account's delayed lots whose points are redeemable from now, freshly read."""
    query = (
        select(Lot)
        .where(
            Lot.account_id == account_id,
            Lot.is_delayed.is_(True),
            Lot.available_at.is_not(None),
            Lot.available_at <= now,
        )
        .order_by(Lot.available_at, Lot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def open_lots(session: Session, account_ids: Sequence[int]) -> list[tuple[int, Lot]]:
    """Return (program id, lot) for the accounts' lots with points left that expire."""
    query = (
        select(Account.program_id, Lot)
        .join(Account, Account.id == Lot.account_id)
        .where(Lot.account_id.in_(account_ids), Lot.remaining > 0, Lot.expires_at.is_not(None))
        .order_by(Lot.expires_at, Lot.id)
    )
    return [(program_id, lot) for program_id, lot in session.execute(query)]


def expiries(
    session: Session, account_ids: Sequence[int]
) -> list[tuple[int, Decimal, dt.datetime | None, dt.datetime]]:
    """Return (program id, points expired, the lot's expiry, when swept) for each expiry entry."""
    query = (
        select(Account.program_id, LotMove.points, Lot.expires_at, Entry.created_at)
        .join(Account, Account.id == Entry.account_id)
        .join(LotMove, LotMove.entry_id == Entry.id)
        .join(Lot, Lot.id == LotMove.lot_id)
        .where(Entry.account_id.in_(account_ids), Entry.kind == Kind.EXPIRY.value)
        .order_by(Entry.id.desc())
    )
    return [
        (program_id, -moved, expires_at, swept)
        for program_id, moved, expires_at, swept in session.execute(query)
    ]


def get_bill(session: Session, org_id: int, bill_id: int) -> Bill | None:
    """Return the org's bill with ``bill_id``."""
    bill = session.get(Bill, bill_id)
    return bill if bill is not None and bill.org_id == org_id else None


def bill_award_lots(session: Session, account_id: int, bill_id: int) -> list[Lot]:
    """Return the lots the awards of a bill opened in the account, row-locked."""
    entries = select(Entry.id).where(
        Entry.account_id == account_id,
        Entry.cause_type == Cause.BILL.value,
        Entry.cause_id == bill_id,
        Entry.kind == Kind.AWARD.value,
    )
    query = (
        select(Lot)
        .where(Lot.entry_id.in_(entries))
        .order_by(Lot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def entry_lots(session: Session, account_id: int, entry_id: int) -> list[Lot]:
    """Return the lots an entry of the account opened, row-locked."""
    query = (
        select(Lot)
        .where(Lot.account_id == account_id, Lot.entry_id == entry_id)
        .order_by(Lot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))
