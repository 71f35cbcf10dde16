"""Read views of a customer's requests: ``goodwillRequest`` and ``retroRequest``, as documented.

Date-times are rendered in the org's time zone. The tills that made and decided a request
are rendered as the documented attribution entities, the store of the till that made a retro
request as ``addedByParent``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from patron.customers.history import CHANGE_TYPES as DOCUMENTED_CHANGE_TYPES
from patron.errors import Invalid
from patron.kit import clock
from patron.kit.pagination import Page
from patron.loyalty import accounts, members
from patron.loyalty.models import Request
from patron.loyalty.requests import repository
from patron.loyalty.requests.repository import (
    GOODWILL_COUPON,
    GOODWILL_POINTS,
    PENDING,
    RETRO,
    RETRO_BILL,
)
from patron.orgs.config import OrgConfig
from patron.orgs.service import store_entities, till_entities

INVALID_INPUT = 400
INVALID_PROGRAM = 1101
# The change types the documentation lists for ``retroRequest``; only RETRO has rows here.
CHANGE_TYPES = frozenset(DOCUMENTED_CHANGE_TYPES)


@dataclass(frozen=True)
class GoodwillQuery:
    """The documented filters of ``GET /v2/customers/{id}/goodwillRequest``."""

    request_id: int | None = None
    is_one_step: bool | None = None
    program_id: int | None = None
    auto_approve: bool | None = None


@dataclass(frozen=True)
class RetroQuery:
    """The documented filters of ``GET /v2/customers/{id}/retroRequest``."""

    change_type: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    start_id: int | None = None
    end_id: int | None = None


def _tills(session: Session, org_id: int, rows: list[Request]) -> dict[int, dict[str, Any]]:
    ids = {r.added_by for r in rows} | {r.updated_by for r in rows}
    return till_entities(session, org_id, ids)


def _value(points: Decimal) -> str:
    """Render an approved value as the documentation's text (``"450"``, ``"12.5"``)."""
    return format(points.normalize(), "f")


def _day(text: str, label: str, zone: dt.tzinfo) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(INVALID_INPUT, f"Input is invalid: {label} must be YYYY-MM-DD") from None
    return clock.start_of_day(day, zone)


def _page_answer(page: Page, total: int, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"pagination": page.as_dict(total), "data": data, "warnings": [], "errors": []}


def goodwill_requests(
    session: Session, org: OrgConfig, customer_id: int, query: GoodwillQuery, page: Page
) -> dict[str, Any]:
    """Return one page of the customer's goodwill requests, newest first (8015, 8069, 1101)."""
    customer = members.by_id(session, org, customer_id)
    if query.program_id is not None:
        accounts.require_program(org, query.program_id, INVALID_PROGRAM)
    flt = repository.RequestFilter(
        request_id=query.request_id,
        is_one_step=query.is_one_step,
        program_id=query.program_id,
        is_auto_approved=query.auto_approve,
    )
    rows, total = repository.list_requests(
        session, org.id, customer.id, (GOODWILL_POINTS, GOODWILL_COUPON), flt, page
    )
    tills = _tills(session, org.id, rows)
    data: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {
            "id": row.id,
            "addedBy": tills.get(row.added_by, {}),
            "updatedBy": tills.get(row.updated_by, {}),
            "addedOn": clock.iso(row.added_at, org.zone),
            "updatedOn": clock.iso(row.updated_at, org.zone),
            "userId": row.customer_id,
            "requestId": row.id,
            "goodwillType": row.base_type,
            "goodwillStatus": row.status,
            "comments": row.comments,
            "reason": row.reason,
        }
        if row.status == "APPROVED" and row.approved_value is not None:
            item["approvedValue"] = _value(row.approved_value)
        elif row.status == "APPROVED" and row.coupon_series_id is not None:
            # A goodwill coupon's approved value is the series its coupon was issued from.
            item["approvedValue"] = str(row.coupon_series_id)
        if row.updated_comments is not None and row.status != PENDING:
            item["updatedComments"] = row.updated_comments
        item["oneStep"] = row.is_one_step
        data.append(item)
    return _page_answer(page, total, data)


def retro_requests(
    session: Session, org: OrgConfig, customer_id: int, query: RetroQuery, page: Page
) -> dict[str, Any]:
    """Return one page of the customer's retro requests, newest first (8015, 8069, 400).

    ``changeType`` other than RETRO answers an empty page; ``startDate``/``endDate`` are days
    in the org's time zone, both included.
    """
    customer = members.by_id(session, org, customer_id)
    change_type = (query.change_type or RETRO).strip().upper()
    if change_type not in CHANGE_TYPES:
        raise Invalid(INVALID_INPUT, f"Input is invalid: unknown changeType {query.change_type!r}")
    start = _day(query.start_date, "startDate", org.zone) if query.start_date else None
    end = (
        _day(query.end_date, "endDate", org.zone) + dt.timedelta(days=1) if query.end_date else None
    )
    if change_type != RETRO:
        return _page_answer(page, 0, [])
    flt = repository.RequestFilter(
        added_from=start, added_before=end, start_id=query.start_id, end_id=query.end_id
    )
    rows, total = repository.list_requests(session, org.id, customer.id, (RETRO_BILL,), flt, page)
    tills = _tills(session, org.id, rows)
    stores = store_entities(session, org.id, {r.added_by for r in rows})
    data: list[dict[str, Any]] = [
        {
            "id": row.id,
            "status": row.status,
            "addedBy": tills.get(row.added_by, {}),
            "addedByParent": stores.get(row.added_by, {}),
            "updatedBy": tills.get(row.updated_by, {}),
            "addedOn": clock.iso(row.added_at, org.zone),
            "updatedOn": clock.iso(row.updated_at, org.zone),
            "userId": row.customer_id,
            "requestId": row.id,
            "baseType": row.base_type,
            "reason": row.reason,
            "comments": row.comments,
            "transactionId": row.bill_id,
            "warnings": [],
            "reqAdd": True,
            "oneStep": row.is_one_step,
        }
        for row in rows
    ]
    return _page_answer(page, total, data)
