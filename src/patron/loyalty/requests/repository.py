"""Queries of loyalty requests and of the bills a retro request converts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from patron.kit.pagination import Page
from patron.loyalty.models import Bill, Request

GOODWILL = "GOODWILL"
POINTS = "POINTS"
COUPON = "COUPON"
TRANSACTION_UPDATE = "TRANSACTION_UPDATE"
RETRO = "RETRO"
PENDING = "PENDING"
APPROVED = "APPROVED"
NOT_INTERESTED = "NOT_INTERESTED"

# The stored base type of a goodwill points request for a user group: it is filed under a
# member of the group, so it is kept out of that member's own goodwill requests.
GROUP_POINTS = "GROUP_POINTS"

# A request's (type, baseType).
Kind = tuple[str, str]
GOODWILL_POINTS: Kind = (GOODWILL, POINTS)
GOODWILL_COUPON: Kind = (GOODWILL, COUPON)
RETRO_BILL: Kind = (TRANSACTION_UPDATE, RETRO)
GROUP_GOODWILL_POINTS: Kind = (GOODWILL, GROUP_POINTS)


@dataclass(frozen=True)
class RequestFilter:
    """Which of a customer's requests of one type to list (every field optional)."""

    request_id: int | None = None
    is_one_step: bool | None = None
    program_id: int | None = None
    is_auto_approved: bool | None = None
    added_from: dt.datetime | None = None
    added_before: dt.datetime | None = None
    start_id: int | None = None
    end_id: int | None = None


def get_request(
    session: Session, org_id: int, request_id: int, *, lock: bool = False
) -> Request | None:
    """Return the org's request ``request_id`` (row-locked when ``lock``)."""
    query = select(Request).where(Request.org_id == org_id, Request.id == request_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def _filtered(
    query: Select[Any], org_id: int, customer_id: int, kinds: tuple[Kind, ...], flt: RequestFilter
) -> Select[Any]:
    query = query.where(
        Request.org_id == org_id,
        Request.customer_id == customer_id,
        Request.type == kinds[0][0],
        Request.base_type.in_([kind[1] for kind in kinds]),
    )
    if flt.request_id is not None:
        query = query.where(Request.id == flt.request_id)
    if flt.is_one_step is not None:
        query = query.where(Request.is_one_step.is_(flt.is_one_step))
    if flt.program_id is not None:
        query = query.where(Request.program_id == flt.program_id)
    if flt.is_auto_approved is not None:
        query = query.where(Request.is_auto_approved.is_(flt.is_auto_approved))
    if flt.added_from is not None:
        query = query.where(Request.added_at >= flt.added_from)
    if flt.added_before is not None:
        query = query.where(Request.added_at < flt.added_before)
    if flt.start_id is not None:
        query = query.where(Request.id >= flt.start_id)
    if flt.end_id is not None:
        query = query.where(Request.id <= flt.end_id)
    return query


def list_requests(
    session: Session,
    org_id: int,
    customer_id: int,
    kinds: tuple[Kind, ...],
    flt: RequestFilter,
    page: Page,
) -> tuple[list[Request], int]:
    """Return one page of the customer's requests of ``kinds`` (one type, any of their base
    types), newest first, and the total."""
    count = _filtered(select(func.count(Request.id)), org_id, customer_id, kinds, flt)
    total = session.scalar(count) or 0
    query = _filtered(select(Request), org_id, customer_id, kinds, flt)
    query = query.order_by(Request.id.desc()).limit(page.limit).offset(page.offset)
    return list(session.scalars(query)), int(total)


def get_bill(session: Session, org_id: int, bill_id: int, *, lock: bool = False) -> Bill | None:
    """Return the org's bill ``bill_id`` (row-locked when ``lock``)."""
    query = select(Bill).where(Bill.org_id == org_id, Bill.id == bill_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def find_bill_by_number(session: Session, org_id: int, bill_number: str) -> Bill | None:
    """Return the org's bill numbered ``bill_number``, a not-interested one first."""
    bills = list(
        session.scalars(
            select(Bill)
            .where(Bill.org_id == org_id, Bill.bill_number == bill_number)
            .order_by(Bill.id.desc())
        )
    )
    return next((b for b in bills if b.type == NOT_INTERESTED), bills[0] if bills else None)


def has_live_retro(session: Session, org_id: int, bill_id: int) -> bool:
    """Tell whether a pending or approved retro request names the bill."""
    query = select(Request.id).where(
        Request.org_id == org_id,
        Request.base_type == RETRO,
        Request.bill_id == bill_id,
        Request.status.in_((PENDING, APPROVED)),
    )
    return session.scalar(query.limit(1)) is not None
