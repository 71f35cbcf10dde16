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

from patron.errors import Invalid
from patron.kit import clock
from patron.kit.pagination import Page
from patron.loyalty import accounts, members
from patron.loyalty.models import Request
from patron.loyalty.requests import repository
from patron.loyalty.requests.repository import GOODWILL_POINTS, PENDING, RETRO, RETRO_BILL
from patron.orgs import repository as orgs_repository
from patron.orgs.config import OrgConfig
from patron.orgs.service import till_attributions

INVALID_INPUT = 400
INVALID_PROGRAM = 1101
# The change types the documentation lists for ``retroRequest``; only RETRO has rows here.
CHANGE_TYPES = frozenset(
    {
        "EMAIL",
        "MOBILE",
        "EXTERNAL_ID",
        "MERGE",
        "ADDRESS",
        "MOBILE_REALLOC",
        "COUPON",
        "POINTS",
        "TIER",
        RETRO,
    }
)
# The attribution entity fields the documentation shows beyond those of a till's attribution.
ENTITY_DEFAULTS: dict[str, Any] = {
    "adminType": "GENERAL",
    "isActive": True,
    "isOuEnabled": False,
    "timeZoneId": 0,
    "currencyId": 0,
    "languageId": 0,
}


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


def _entity(attribution: dict[str, Any]) -> dict[str, Any]:
    if not attribution:
        return {}
    return {**attribution, **ENTITY_DEFAULTS}


def _tills(session: Session, org_id: int, rows: list[Request]) -> dict[int, dict[str, Any]]:
    ids = {r.added_by for r in rows} | {r.updated_by for r in rows}
    return {k: _entity(v) for k, v in till_attributions(session, org_id, ids).items()}


def store_entities(session: Session, org_id: int, till_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Render the store of each till as the documented ``STORE`` entity, by till id."""
    out: dict[int, dict[str, Any]] = {}
    for till in orgs_repository.tills_by_ids(session, org_id, till_ids) if till_ids else []:
        store = orgs_repository.get_store(session, till.store_id)
        if store is None:
            continue
        out[till.id] = {
            "id": store.id,
            "code": store.code,
            "description": "",
            "name": store.name,
            "type": "STORE",
            **ENTITY_DEFAULTS,
        }
    return out


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
    rows, total = repository.list_requests(session, org.id, customer.id, GOODWILL_POINTS, flt, page)
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
    rows, total = repository.list_requests(session, org.id, customer.id, RETRO_BILL, flt, page)
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
