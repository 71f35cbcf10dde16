"""The points ledger: the one writer of accounts, entries, lots and lot moves.

Every change of a balance takes the account's row lock, appends one entry, opens or consumes
lots, and updates the account's cached balances in the same unit of work. Debits consume lots
first-expiring-first (lots named by the caller first, such as a bill's own award when it is
returned). The database refuses a negative balance or lot, so a path that forgets to check
fails instead of overspending.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.db import Milli
from patron.errors import Invalid
from patron.loyalty.models import ZERO, Account, Entry, Lot, LotMove

ENTRIES = cast(Table, Entry.__table__)
LOTS = cast(Table, Lot.__table__)


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


def _new_entry(
    account: Account,
    kind: Kind,
    points: Decimal,
    delayed: Decimal,
    posting: Posting,
    raw: Decimal | None,
) -> Entry:
    """Build (not add) the journal entry of a posting on ``account``."""
    return Entry(
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


def _entry(
    session: Session,
    account: Account,
    kind: Kind,
    points: Decimal,
    delayed: Decimal,
    posting: Posting,
    raw: Decimal | None = None,
) -> Entry:
    entry = _new_entry(account, kind, points, delayed, posting, raw)
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


@dataclass(frozen=True)
class TierPoints:
    """Points that depend on the tier an account is in: ``by_tier`` by serial number, and
    ``otherwise`` in any other tier."""

    by_tier: Mapping[int, Decimal]
    otherwise: Decimal

    def of(self, tier_number: int) -> Decimal:
        """Return the points of an account in tier ``tier_number``."""
        return self.by_tier.get(tier_number, self.otherwise)


def count_purchase(
    session: Session,
    org_id: int,
    program_id: int,
    amount: Decimal,
    award: TierPoints | None,
    at: dt.datetime,
    *,
    customer_id: int | None = None,
    group_id: int | None = None,
    delayed: bool = False,
) -> Account | None:
    """Add a purchase of ``amount`` to the customer's (or group's) account and credit it the
    ``award`` of the tier it is in, redeemable or ``delayed``; return the account as updated,
    or None when it is not opened.

    One UPDATE takes the row lock, reads the tier and moves the balances as ``_count`` moves
    them for an AWARD, so concurrent purchases serialise on the row and none is lost. The
    caller appends the award's entry and lot (``append_credit``) in the same unit of work, for
    ``award.of`` the returned tier (an UPDATE never changes the tier).
    """
    tiers = tuple(award.by_tier) if award is not None else None
    query = _purchase_update(tiers, delayed, is_group=group_id is not None)
    params: dict[str, Any] = {
        "match_org_id": org_id,
        "match_owner_id": customer_id if group_id is None else group_id,
        "match_program_id": program_id,
        "amount": amount,
        "at": at,
    }
    if award is not None:
        params |= {f"tier_{n}": p for n, p in award.by_tier.items()}
        params["otherwise"] = award.otherwise
    return session.scalars(query, params).first()


@functools.cache
def _purchase_update(tiers: tuple[int, ...] | None, delayed: bool, *, is_group: bool) -> Any:
    """The UPDATE of ``count_purchase`` for the tiers an award names (None: no award), built
    once and reused, so it is compiled once."""
    owner = Account.group_id if is_group else Account.customer_id
    values: dict[str, Any] = {
        "purchases": Account.purchases + bindparam("amount", type_=Milli()),
        "updated_at": bindparam("at", type_=Account.updated_at.type),
        "version": Account.version + 1,
    }
    if tiers is not None:
        points = case(
            {n: bindparam(f"tier_{n}", type_=Milli()) for n in tiers},
            value=Account.tier_number,
            else_=bindparam("otherwise", type_=Milli()),
        )
        balance = Account.delayed if delayed else Account.points
        values[balance.key] = balance + points
        values["lifetime"] = Account.lifetime + points
    return (
        update(Account)
        .where(
            Account.org_id == bindparam("match_org_id"),
            owner == bindparam("match_owner_id"),
            Account.program_id == bindparam("match_program_id"),
        )
        .values(values)
        .returning(Account)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


def append_credit(
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
    """Append the entry and lot of a credit the account's balances already count (see
    ``count_purchase``): one statement on PostgreSQL, the entry then its lot on SQLite."""
    is_delayed = available_at is not None and available_at > posting.at
    entry = _new_entry(
        account,
        kind,
        ZERO if is_delayed else points,
        points if is_delayed else ZERO,
        posting,
        raw,
    )
    if points == 0:
        entry.id = session.execute(_NEW_ENTRY, _columns(entry, ENTRIES)).scalar_one()
        return entry, None
    lot = Lot(
        org_id=account.org_id,
        account_id=account.id,
        points=points,
        remaining=points,
        expires_at=expires_at,
        available_at=available_at if is_delayed else None,
        is_delayed=is_delayed,
        created_at=posting.at,
    )
    if session.get_bind().dialect.name == "postgresql":
        params = {f"entry_{k}": v for k, v in _columns(entry, ENTRIES).items()} | {
            f"lot_{k}": v for k, v in _columns(lot, LOTS).items() if k != "entry_id"
        }
        entry.id, lot.id = session.execute(_NEW_ENTRY_AND_LOT, params).one()
    else:
        entry.id = session.execute(_NEW_ENTRY, _columns(entry, ENTRIES)).scalar_one()
        lot.entry_id = entry.id
        lot.id = session.execute(_NEW_LOT, _columns(lot, LOTS)).scalar_one()
    lot.entry_id = entry.id
    return entry, lot


def _columns(row: Any, table: Table) -> dict[str, Any]:
    """The values of a new row of ``table`` (its id left to the database)."""
    return {c.key: getattr(row, c.key) for c in table.columns if c.key != "id"}


def _inserts() -> tuple[Any, Any, Any]:
    """The statements of ``append_credit``, built once: the entry, the lot (their columns are
    the parameters'), and both in one (PostgreSQL: the lot selected from the entry's
    data-modifying CTE)."""
    entry_keys = [c.key for c in ENTRIES.columns if c.key != "id"]
    lot_keys = [c.key for c in LOTS.columns if c.key not in ("id", "entry_id")]
    new_entry = (
        insert(ENTRIES)
        .values({k: bindparam(f"entry_{k}", type_=ENTRIES.c[k].type) for k in entry_keys})
        .returning(ENTRIES.c.id)
        .cte("new_entry")
    )
    picked = select(
        *(bindparam(f"lot_{k}", type_=LOTS.c[k].type) for k in lot_keys), new_entry.c.id
    ).select_from(new_entry)
    both = (
        insert(LOTS)
        .from_select([*lot_keys, "entry_id"], picked)
        .returning(LOTS.c.entry_id, LOTS.c.id)
    )
    return insert(ENTRIES).returning(ENTRIES.c.id), insert(LOTS).returning(LOTS.c.id), both


_NEW_ENTRY, _NEW_LOT, _NEW_ENTRY_AND_LOT = _inserts()


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
