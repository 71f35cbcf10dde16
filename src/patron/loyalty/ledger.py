"""The points ledger: the one writer of accounts, entries, lots and lot moves.

Every change of a balance takes the account's row lock, appends one entry, opens or consumes
lots, and updates the account's cached balances in the same unit of work. Debits consume lots
first-expiring-first (lots named by the caller first, such as a bill's own award when it is
returned). The database refuses a negative balance or lot, so a path that forgets to check
fails instead of overspending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.errors import Invalid
from patron.loyalty.models import ZERO, Account, Entry, Lot, LotMove


class Kind(StrEnum):
    """What an entry records."""

    AWARD = "AWARD"  # earned by a bill
    ENROLMENT = "ENROLMENT"  # registration rule or loyaltyProgramEnrollments
    GOODWILL = "GOODWILL"  # an approved goodwill request
    REFERRAL = "REFERRAL"  # a referral campaign's incentive
    TRANSFER_IN = "TRANSFER_IN"
    TRANSFER_OUT = "TRANSFER_OUT"
    REDEMPTION = "REDEMPTION"
    REVERSAL = "REVERSAL"  # a redemption given back
    RETURN = "RETURN"  # a bill's award taken back by its return
    ADJUSTMENT = "ADJUSTMENT"  # a manual correction
    EXPIRY = "EXPIRY"
    RELEASE = "RELEASE"  # delayed points become redeemable
    MERGE_IN = "MERGE_IN"
    MERGE_OUT = "MERGE_OUT"


class Cause(StrEnum):
    """What an entry's ``cause_id`` refers to."""

    BILL = "bill"
    CUSTOMER = "customer"  # registration or enrolment
    REQUEST = "request"
    TRANSFER = "transfer"
    REDEMPTION = "redemption"
    LOT = "lot"  # expiry and release of one lot
    MERGE = "merge"  # the victim customer's id
    MANUAL = "manual"


# Credits that count as earned (lifetimePoints).
EARNING_KINDS = frozenset(
    {Kind.AWARD, Kind.ENROLMENT, Kind.GOODWILL, Kind.REFERRAL, Kind.TRANSFER_IN, Kind.MERGE_IN}
)
OUTGOING_KINDS = frozenset({Kind.TRANSFER_OUT, Kind.MERGE_OUT})
INSUFFICIENT = 804


class InsufficientPoints(Invalid):
    """A debit asks for more points than the account holds."""

    def __init__(self, available: Decimal, code: int = INSUFFICIENT) -> None:
        super().__init__(code, f"Insufficient points: {render_points(available)} available")
        self.available = available


def render_points(value: Decimal) -> float:
    """Render points or an amount as the wire's number."""
    return float(value)


@dataclass(frozen=True)
class Posting:
    """Who and why: the attribution of an entry."""

    cause: Cause
    cause_id: int | None
    till_id: int | None
    at: dt.datetime
    key: str | None = None
    notes: str = ""


def find_account(
    session: Session, org_id: int, customer_id: int, program_id: int, *, lock: bool = False
) -> Account | None:
    """Return the customer's account in the program (row-locked when ``lock``)."""
    return _find(session, org_id, Account.customer_id == customer_id, program_id, lock=lock)


def find_group_account(
    session: Session, org_id: int, group_id: int, program_id: int, *, lock: bool = False
) -> Account | None:
    """Return the user group's account in the program (row-locked when ``lock``)."""
    return _find(session, org_id, Account.group_id == group_id, program_id, lock=lock)


def _find(
    session: Session, org_id: int, owner: Any, program_id: int, *, lock: bool
) -> Account | None:
    query = select(Account).where(Account.org_id == org_id, owner, Account.program_id == program_id)
    if lock:
        # A row already in the session is refreshed with the locked values, never kept stale.
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def list_accounts(session: Session, org_id: int, customer_id: int) -> list[Account]:
    """Return the customer's accounts, by program id."""
    query = select(Account).where(Account.org_id == org_id, Account.customer_id == customer_id)
    return list(session.scalars(query.order_by(Account.program_id)))


def open_account(
    session: Session,
    org_id: int,
    customer_id: int,
    program_id: int,
    at: dt.datetime,
    *,
    tier_number: int = 1,
    tier_expires_at: dt.datetime | None = None,
) -> Account:
    """Return the customer's account in the program, locked, creating it when there is none."""
    return _open(
        session,
        Account(org_id=org_id, customer_id=customer_id, program_id=program_id),
        lambda: find_account(session, org_id, customer_id, program_id, lock=True),
        at,
        tier_number,
        tier_expires_at,
    )


def open_group_account(
    session: Session,
    org_id: int,
    group_id: int,
    program_id: int,
    at: dt.datetime,
    *,
    tier_number: int = 1,
    tier_expires_at: dt.datetime | None = None,
) -> Account:
    """Return the user group's account in the program, locked, creating it when there is none."""
    return _open(
        session,
        Account(org_id=org_id, group_id=group_id, program_id=program_id),
        lambda: find_group_account(session, org_id, group_id, program_id, lock=True),
        at,
        tier_number,
        tier_expires_at,
    )


def _open(
    session: Session,
    new: Account,
    find: Callable[[], Account | None],
    at: dt.datetime,
    tier_number: int,
    tier_expires_at: dt.datetime | None,
) -> Account:
    account = find()
    if account is not None:
        return account
    try:
        with session.begin_nested():
            new.tier_number = tier_number
            new.tier_since = at
            new.tier_expires_at = tier_expires_at
            new.created_at = at
            new.updated_at = at
            session.add(new)
            session.flush()
            account = new
    except IntegrityError:
        # A concurrent unit of work opened it first; take its lock.
        account = find()
        if account is None:
            raise
    return account


def _touch(account: Account, at: dt.datetime) -> None:
    account.updated_at = at
    account.version = (account.version or 0) + 1


def _count(account: Account, kind: Kind, points: Decimal, delayed: Decimal) -> None:
    """Update the cached balances for an entry of ``kind`` (the same rules as ``derive``)."""
    account.points += points
    account.delayed += delayed
    moved = points + delayed
    if kind in EARNING_KINDS:
        account.lifetime += moved
    elif kind is Kind.REDEMPTION or kind is Kind.REVERSAL:
        account.redeemed -= moved
    elif kind is Kind.RETURN:
        account.returned -= points
        account.delayed_returned -= delayed
    elif kind is Kind.ADJUSTMENT:
        account.adjusted -= moved
    elif kind is Kind.EXPIRY:
        account.expired -= moved
    elif kind in OUTGOING_KINDS:
        account.transferred_out -= moved


def _entry(
    session: Session,
    account: Account,
    kind: Kind,
    points: Decimal,
    delayed: Decimal,
    posting: Posting,
    raw: Decimal | None = None,
) -> Entry:
    entry = Entry(
        org_id=account.org_id,
        account_id=account.id,
        kind=kind.value,
        points=points,
        delayed=delayed,
        raw_points=raw,
        cause_type=posting.cause.value,
        cause_id=posting.cause_id,
        key=posting.key,
        till_id=posting.till_id,
        notes=posting.notes,
        created_at=posting.at,
    )
    session.add(entry)
    _count(account, kind, points, delayed)
    _touch(account, posting.at)
    session.flush()
    return entry


def credit(
    session: Session,
    account: Account,
    kind: Kind,
    points: Decimal,
    posting: Posting,
    *,
    expires_at: dt.datetime | None,
    available_at: dt.datetime | None = None,
    raw: Decimal | None = None,
) -> tuple[Entry, Lot | None]:
    """Credit ``points`` (redeemable, or delayed until ``available_at``) in a new lot."""
    if points < 0:
        raise ValueError("a credit is not negative")
    is_delayed = available_at is not None and available_at > posting.at
    entry = _entry(
        session,
        account,
        kind,
        ZERO if is_delayed else points,
        points if is_delayed else ZERO,
        posting,
        raw,
    )
    if points == 0:
        return entry, None
    lot = Lot(
        org_id=account.org_id,
        account_id=account.id,
        entry_id=entry.id,
        points=points,
        remaining=points,
        expires_at=expires_at,
        available_at=available_at if is_delayed else None,
        is_delayed=is_delayed,
        created_at=posting.at,
    )
    session.add(lot)
    session.flush()
    return entry, lot


def _fefo(session: Session, account: Account, *, with_delayed: bool) -> list[Lot]:
    query = select(Lot).where(Lot.account_id == account.id, Lot.remaining > 0)
    if not with_delayed:
        query = query.where(Lot.is_delayed.is_(False))
    never = case((Lot.expires_at.is_(None), 1), else_=0)
    return list(session.scalars(query.order_by(never, Lot.expires_at, Lot.id).with_for_update()))


def debit(
    session: Session,
    account: Account,
    kind: Kind,
    points: Decimal,
    posting: Posting,
    *,
    first_lots: Sequence[int] = (),
    with_delayed: bool = False,
    partial: bool = False,
    code: int = INSUFFICIENT,
) -> Entry:
    """Take ``points`` from the account, lots in ``first_lots`` first, then first-expiring-first.

    ``with_delayed`` lets the debit take delayed points too (a return takes back a delayed
    award). ``partial`` takes what there is instead of refusing (``InsufficientPoints``).
    """
    if points < 0:
        raise ValueError("a debit is not negative")
    # Points past their expiry are never spent, even before the sweep has expired them.
    expire_due_lots(session, account, posting.at)
    lots = _fefo(session, account, with_delayed=with_delayed)
    preferred = {lot_id: rank for rank, lot_id in enumerate(first_lots)}
    lots.sort(key=lambda lot: (0, preferred[lot.id]) if lot.id in preferred else (1, 0))
    available = sum((lot.remaining for lot in lots), start=ZERO)
    if available < points:
        if not partial:
            raise InsufficientPoints(account.points, code)
        points = available
    left = points
    taken: list[tuple[Lot, Decimal]] = []
    for lot in lots:
        if left <= 0:
            break
        take = min(lot.remaining, left)
        taken.append((lot, take))
        left -= take
    from_delayed = sum((take for lot, take in taken if lot.is_delayed), start=ZERO)
    entry = _entry(session, account, kind, -(points - from_delayed), -from_delayed, posting)
    for lot, take in taken:
        lot.remaining -= take
        session.add(LotMove(entry_id=entry.id, lot_id=lot.id, points=-take))
    session.flush()
    return entry


def expire_lot(session: Session, account: Account, lot: Lot, posting: Posting) -> Entry | None:
    """Expire what is left of ``lot`` (the account is locked by the caller); None if nothing is."""
    if lot.remaining <= 0:
        return None
    left = lot.remaining
    entry = _entry(
        session,
        account,
        Kind.EXPIRY,
        ZERO if lot.is_delayed else -left,
        -left if lot.is_delayed else ZERO,
        posting,
    )
    lot.remaining = ZERO
    session.add(LotMove(entry_id=entry.id, lot_id=lot.id, points=-left))
    session.flush()
    return entry


def expire_due_lots(session: Session, account: Account, at: dt.datetime) -> list[Entry]:
    """Expire the account's lots whose expiry has passed at ``at`` (the account is locked)."""
    due = session.scalars(
        select(Lot)
        .where(
            Lot.account_id == account.id,
            Lot.remaining > 0,
            Lot.expires_at.is_not(None),
            Lot.expires_at <= at,
        )
        .order_by(Lot.expires_at, Lot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    entries = []
    for lot in list(due):
        posting = Posting(Cause.LOT, lot.id, None, at, key=f"expiry:{lot.id}")
        entry = expire_lot(session, account, lot, posting)
        if entry is not None:
            entries.append(entry)
    return entries


def release_lot(session: Session, account: Account, lot: Lot, posting: Posting) -> Entry | None:
    """Make a delayed lot's points redeemable; None if the lot is not delayed."""
    if not lot.is_delayed:
        return None
    entry = _entry(session, account, Kind.RELEASE, lot.remaining, -lot.remaining, posting)
    lot.is_delayed = False
    lot.available_at = None
    session.flush()
    return entry


def move_account(
    session: Session, victim: Account, survivor: Account, posting: Posting
) -> tuple[Entry, Entry] | None:
    """Move every remaining lot of ``victim`` to ``survivor`` (a merge); None if none is left.

    Each lot keeps its expiry and delayed state on the survivor; the victim's history stays
    on the victim's account and explains where the points went.
    """
    lots = _fefo(session, victim, with_delayed=True)
    if not lots:
        return None
    total = sum((lot.remaining for lot in lots), start=ZERO)
    delayed = sum((lot.remaining for lot in lots if lot.is_delayed), start=ZERO)
    out = _entry(session, victim, Kind.MERGE_OUT, -(total - delayed), -delayed, posting)
    incoming = replace(posting, key=f"{posting.key}:in" if posting.key else None)
    into = _entry(session, survivor, Kind.MERGE_IN, total - delayed, delayed, incoming)
    for lot in lots:
        session.add(LotMove(entry_id=out.id, lot_id=lot.id, points=-lot.remaining))
        session.add(
            Lot(
                org_id=survivor.org_id,
                account_id=survivor.id,
                entry_id=into.id,
                points=lot.remaining,
                remaining=lot.remaining,
                expires_at=lot.expires_at,
                available_at=lot.available_at,
                is_delayed=lot.is_delayed,
                created_at=posting.at,
            )
        )
        lot.remaining = ZERO
    session.flush()
    return out, into


def lots_of_entry(session: Session, entry_id: int) -> list[Lot]:
    """Return the lots a credit opened."""
    return list(session.scalars(select(Lot).where(Lot.entry_id == entry_id).order_by(Lot.id)))


def moves_of_entry(session: Session, entry_id: int) -> list[tuple[LotMove, Lot]]:
    """Return the lot moves of an entry with their lots."""
    query = (
        select(LotMove, Lot)
        .join(Lot, Lot.id == LotMove.lot_id)
        .where(LotMove.entry_id == entry_id)
        .order_by(LotMove.id)
    )
    return [(move, lot) for move, lot in session.execute(query)]
