"""Checking the ledger: every account's cached balances against its journal and its lots.

For every account, each balance equals the sum of its entries of the matching kinds, and the
redeemable and delayed balances equal the remainders of its lots. Loyalty tests check it after
every test, ``patron loyalty check`` on a live database, the benchmark before and after its runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from patron.loyalty.ledger import EARNING_KINDS, OUTGOING_KINDS, Kind
from patron.loyalty.models import ZERO, Account, Entry, Lot


@dataclass(frozen=True)
class Balances:
    """An account's balances as derived from its entries and lots."""

    points: Decimal
    delayed: Decimal
    lifetime: Decimal
    redeemed: Decimal
    expired: Decimal
    returned: Decimal
    delayed_returned: Decimal
    adjusted: Decimal
    transferred_out: Decimal
    lots_available: Decimal
    lots_delayed: Decimal


def derive(session: Session, account_id: int) -> Balances:
    """Compute an account's balances from its journal and lots alone."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for kind, points, delayed in session.execute(
        select(Entry.kind, Entry.points, Entry.delayed).where(Entry.account_id == account_id)
    ):
        p, d = sums.get(kind, (ZERO, ZERO))
        sums[kind] = (p + points, d + delayed)

    def total(*kinds: Kind) -> Decimal:
        pairs = (sums.get(k.value, (ZERO, ZERO)) for k in kinds)
        return sum((p + d for p, d in pairs), start=ZERO)

    lots = session.execute(
        select(Lot.is_delayed, Lot.remaining).where(Lot.account_id == account_id)
    )
    in_lots = {False: ZERO, True: ZERO}
    for is_delayed, remaining in lots:
        in_lots[bool(is_delayed)] += remaining
    return Balances(
        points=sum((p for p, _ in sums.values()), start=ZERO),
        delayed=sum((d for _, d in sums.values()), start=ZERO),
        lifetime=total(*EARNING_KINDS),
        redeemed=-total(Kind.REDEMPTION, Kind.REVERSAL),
        expired=-total(Kind.EXPIRY),
        returned=-sums.get(Kind.RETURN.value, (ZERO, ZERO))[0],
        delayed_returned=-sums.get(Kind.RETURN.value, (ZERO, ZERO))[1],
        adjusted=-total(Kind.ADJUSTMENT),
        transferred_out=-total(*OUTGOING_KINDS),
        lots_available=in_lots[False],
        lots_delayed=in_lots[True],
    )


def check_account(session: Session, account: Account) -> list[str]:
    """Compare an account's cached balances with its journal and lots; return the differences."""
    derived = derive(session, account.id)
    problems = []
    for name in (
        "points",
        "delayed",
        "lifetime",
        "redeemed",
        "expired",
        "returned",
        "delayed_returned",
        "adjusted",
        "transferred_out",
    ):
        cached, computed = getattr(account, name), getattr(derived, name)
        if cached != computed:
            problems.append(f"account {account.id}: {name} is {cached}, entries say {computed}")
    if derived.lots_available != account.points:
        problems.append(
            f"account {account.id}: lots hold {derived.lots_available} redeemable, "
            f"balance is {account.points}"
        )
    if derived.lots_delayed != account.delayed:
        problems.append(
            f"account {account.id}: lots hold {derived.lots_delayed} delayed, "
            f"balance is {account.delayed}"
        )
    return problems


def check_org(session: Session, org_id: int | None = None) -> list[str]:
    """Check every account (of one org, or all); return the differences found."""
    query = select(Account).order_by(Account.id)
    if org_id is not None:
        query = query.where(Account.org_id == org_id)
    problems: list[str] = []
    for account in session.scalars(query):
        problems.extend(check_account(session, account))
    return problems
