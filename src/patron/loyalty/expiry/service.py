"""Rules of expiry: the sweep that expires due lots and releases delayed ones, and the reads of
what will expire (``pointsExpirySchedule``, ``embed=expirySchedules``) and what has
(``embed=expiredPoints``).

The sweep works account by account, in account id order, under the account's row lock, and
posts each lot's expiry (or release) with the lot's natural key (``expiry:<lotId>``,
``release:<lotId>``): a second sweep, or two sweepers at once, change nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.customers.models import Customer
from patron.errors import NotFound
from patron.kit import clock
from patron.loyalty import ledger, members
from patron.loyalty.accounts import require_program
from patron.loyalty.expiry import repository
from patron.loyalty.ledger import Cause, Posting
from patron.loyalty.models import ZERO, Account, Entry
from patron.orgs.config import OrgConfig

log = structlog.get_logger("patron.loyalty.expiry")

NOT_ENROLLED = 1218
INVALID_PROGRAM = 885
REGULAR = "REGULAR"
PROMISED = "PROMISED"  # delayed points, not redeemable yet
FIXED = "FIXED"
BATCH = 1000


@dataclass(frozen=True)
class Swept:
    """What one sweep step changed."""

    accounts: int = 0
    lots: int = 0
    points: Decimal = ZERO

    def __add__(self, other: Swept) -> Swept:
        return Swept(
            self.accounts + other.accounts, self.lots + other.lots, self.points + other.points
        )


def release_key(lot_id: int) -> str:
    """Return the natural key of a delayed lot's release entry."""
    return f"release:{lot_id}"


def swept_by(entries: list[Entry]) -> Swept:
    """Count what expiry entries took."""
    points = -sum((e.points + e.delayed for e in entries), start=ZERO)
    return Swept(1 if entries else 0, len(entries), points)


def expire_account(session: Session, account_id: int, now: dt.datetime) -> Swept:
    """Expire every lot of one account whose expiry is at or before ``now``."""
    account = repository.lock_account(session, account_id)
    if account is None:
        return Swept()
    # Under the account's lock, so a concurrent sweep finds the lots already expired.
    swept = swept_by(ledger.expire_due_lots(session, account, now))
    if swept.lots:
        log.info(
            "points_expired",
            account_id=account.id,
            customer_id=account.customer_id,
            lots=swept.lots,
            points=str(swept.points),
        )
    return swept


def release_account(session: Session, account_id: int, now: dt.datetime) -> Swept:
    """Make every delayed lot of one account redeemable whose time has come."""
    account = repository.lock_account(session, account_id)
    if account is None:
        return Swept()
    count, points = 0, ZERO
    for lot in repository.releasable_lots(session, account.id, now):
        left = lot.remaining
        posting = Posting(
            cause=Cause.LOT, cause_id=lot.id, till_id=None, at=now, key=release_key(lot.id)
        )
        try:
            with session.begin_nested():
                entry = ledger.release_lot(session, account, lot, posting)
        except IntegrityError:
            log.info("lot_already_released", lot_id=lot.id, account_id=account.id)
            continue
        if entry is not None:
            count += 1
            points += left
    return Swept(1 if count else 0, count, points)


def accounts_due_for_expiry(
    session: Session, org_id: int | None, now: dt.datetime, *, after: int = 0, limit: int = BATCH
) -> list[int]:
    """Return the ids of accounts (above ``after``, ascending) holding lots due to expire."""
    return repository.accounts_with_expired_lots(session, org_id, now, after, limit)


def accounts_due_for_release(
    session: Session, org_id: int | None, now: dt.datetime, *, after: int = 0, limit: int = BATCH
) -> list[int]:
    """Return the ids of accounts (above ``after``, ascending) holding delayed lots now due."""
    return repository.accounts_with_releasable_lots(session, org_id, now, after, limit)


def expire_due(session: Session, org_id: int | None, now: dt.datetime, limit: int = BATCH) -> Swept:
    """Expire the due lots of up to ``limit`` accounts (of one org, or all), in one unit of work."""
    swept = Swept()
    for account_id in accounts_due_for_expiry(session, org_id, now, limit=limit):
        swept += expire_account(session, account_id, now)
    return swept


def release_due(
    session: Session, org_id: int | None, now: dt.datetime, limit: int = BATCH
) -> Swept:
    """Release the due delayed lots of up to ``limit`` accounts, in one unit of work."""
    swept = Swept()
    for account_id in accounts_due_for_release(session, org_id, now, limit=limit):
        swept += release_account(session, account_id, now)
    return swept


# Reads


def _accounts(
    session: Session, org: OrgConfig, customer_id: int, program_id: int | None = None
) -> list[Account]:
    found = ledger.list_accounts(session, org.id, customer_id)
    if program_id is not None:
        found = [a for a in found if a.program_id == program_id]
    return found


def _schedules(session: Session, org: OrgConfig, accounts: list[Account]) -> list[dict[str, Any]]:
    zone = org.zone
    groups: dict[tuple[str, int, bool], Decimal] = {}
    for program_id, lot in repository.open_lots(session, [a.id for a in accounts]):
        assert lot.expires_at is not None
        key = (clock.local_date(lot.expires_at, zone), program_id, bool(lot.is_delayed))
        groups[key] = groups.get(key, ZERO) + lot.remaining
    return [
        {
            "points": ledger.render_points(points),
            "expiryDate": day,
            "programId": program_id,
            "pointsType": PROMISED if is_delayed else REGULAR,
            "expiryType": FIXED,
        }
        for (day, program_id, is_delayed), points in sorted(groups.items())
    ]


def expiry_schedules(session: Session, org: OrgConfig, customer_id: int) -> list[dict[str, Any]]:
    """List the customer's points that will expire, summed by day (org zone), program and type.

    Points that never expire are left out; ``PROMISED`` points are delayed ones.
    """
    return _schedules(session, org, _accounts(session, org, customer_id))


def expired_points(session: Session, org: OrgConfig, customer_id: int) -> list[dict[str, Any]]:
    """List the customer's expired points, summed by the day they expired and program, newest first."""
    zone = org.zone
    groups: dict[tuple[str, int], Decimal] = {}
    accounts = _accounts(session, org, customer_id)
    for program_id, points, expires_at, swept in repository.expiries(
        session, [a.id for a in accounts]
    ):
        key = (clock.local_date(expires_at or swept, zone), program_id)
        groups[key] = groups.get(key, ZERO) + points
    ordered = sorted(groups.items(), key=lambda item: (item[0][0], -item[0][1]), reverse=True)
    return [
        {"points": ledger.render_points(points), "expiredOn": day, "programId": program_id}
        for (day, program_id), points in ordered
    ]


def _schedule_answer(
    session: Session, org: OrgConfig, customer: Customer, program_id: int | None
) -> dict[str, Any]:
    if program_id is not None:
        require_program(org, program_id, INVALID_PROGRAM)
    accounts = _accounts(session, org, customer.id, program_id)
    if not accounts:
        where = "any loyalty program" if program_id is None else f"program {program_id}"
        raise NotFound(NOT_ENROLLED, f"Customer is not enrolled in {where}")
    return {
        "id": customer.id,
        "profiles": [],
        "loyaltyInfo": {"loyaltyType": customer.loyalty_type},
        "segments": {},
        "extendedFields": {},
        "expirySchedules": _schedules(session, org, accounts),
        "warnings": [],
    }


def points_expiry_schedule(
    session: Session, org: OrgConfig, customer_id: int, program_id: int | None = None
) -> dict[str, Any]:
    """Answer ``GET /v2/customers/{id}/pointsExpirySchedule`` (1218, 8015, 8069, 885)."""
    return _schedule_answer(session, org, members.by_id(session, org, customer_id), program_id)


def points_expiry_schedule_by_identifier(
    session: Session,
    org: OrgConfig,
    source: str | None,
    account_id: str | None,
    identifier_name: str | None,
    identifier_value: str | None,
    program_id: int | None = None,
) -> dict[str, Any]:
    """Answer ``GET /v2/customers/lookup/pointsExpirySchedule`` for the identifier's holder."""
    customer = members.by_identifier(
        session, org, source, account_id, identifier_name, identifier_value
    )
    return _schedule_answer(session, org, customer, program_id)
