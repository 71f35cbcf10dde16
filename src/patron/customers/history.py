"""Change requests: the recorded history of identifier changes, merges and status changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import ChangeRequest
from patron.errors import Invalid
from patron.kit import clock
from patron.kit.pagination import Page
from patron.orgs.service import till_attributions

# Documented change types, and ours: CARD, IDENTIFIER (other identifier types), STATUS.
CHANGE_TYPES = (
    "EMAIL",
    "MOBILE",
    "EXTERNAL_ID",
    "MERGE",
    "ADDRESS",
    "MOBILE_REALLOC",
    "COUPON",
    "POINTS",
    "TIER",
    "RETRO",
    "CARD",
    "IDENTIFIER",
    "STATUS",
)
TYPE_OF_IDENTIFIER = {
    "email": "EMAIL",
    "mobile": "MOBILE",
    "externalId": "EXTERNAL_ID",
    "cardnumber": "CARD",
}
SORT_COLUMNS = {"createdon": ChangeRequest.added_on, "lastupdatedon": ChangeRequest.updated_on}


def change_type_of(identifier_type: str) -> str:
    """Return the change type an identifier change is filed under."""
    return TYPE_OF_IDENTIFIER.get(identifier_type, "IDENTIFIER")


def record_change(
    session: Session,
    principal: Principal,
    customer_id: int,
    change_type: str,
    details: dict[str, Any],
    *,
    source: str = "",
    account_id: str = "",
    comments: str = "",
) -> ChangeRequest:
    """File an (auto-approved) change request for the customer."""
    now = clock.now()
    row = ChangeRequest(
        org_id=principal.org_id,
        customer_id=customer_id,
        change_type=change_type,
        source=source,
        account_id=account_id,
        status="APPROVED",
        details=details,
        comments=comments or f"auto approved by {principal.till_code}",
        added_by=principal.till_id,
        added_on=now,
        updated_by=principal.till_id,
        updated_on=now,
    )
    session.add(row)
    return row


@dataclass(frozen=True)
class ChangeFilter:
    """The documented filters of ``GET /v2/customers/{id}/changeRequest``."""

    change_type: str | None = None
    source: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    start_id: int | None = None
    end_id: int | None = None
    sort_by: str | None = None
    sort_order: str | None = None


def _day(text: str, label: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise Invalid(400, f"Input is invalid: {label} must be YYYY-MM-DD") from None
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _filtered(query: Select[Any], org_id: int, customer_id: int, flt: ChangeFilter) -> Select[Any]:
    query = query.where(ChangeRequest.org_id == org_id, ChangeRequest.customer_id == customer_id)
    if flt.change_type:
        kind = flt.change_type.strip().upper()
        if kind not in CHANGE_TYPES:
            raise Invalid(400, f"Input is invalid: unknown changeType {flt.change_type!r}")
        query = query.where(ChangeRequest.change_type == kind)
    if flt.source:
        query = query.where(ChangeRequest.source == flt.source.strip().upper())
    if flt.start_date:
        query = query.where(ChangeRequest.added_on >= _day(flt.start_date, "startDate"))
    if flt.end_date:
        query = query.where(
            ChangeRequest.added_on < _day(flt.end_date, "endDate") + dt.timedelta(days=1)
        )
    if flt.start_id is not None:
        query = query.where(ChangeRequest.id >= flt.start_id)
    if flt.end_id is not None:
        query = query.where(ChangeRequest.id <= flt.end_id)
    return query


def list_changes(
    session: Session, org_id: int, customer_id: int, flt: ChangeFilter, page: Page
) -> tuple[list[ChangeRequest], int]:
    """Return one page of the customer's change requests and the total matching."""
    sort_key = (flt.sort_by or "createdon").strip().lower()
    if sort_key not in SORT_COLUMNS:
        raise Invalid(400, "Input is invalid: sortBy must be createdon or lastUpdatedOn")
    order = (flt.sort_order or "DESC").strip().upper()
    if order not in ("ASC", "DESC"):
        raise Invalid(400, "Input is invalid: sortOrder must be ASC or DESC")
    column = SORT_COLUMNS[sort_key]
    total = (
        session.scalar(_filtered(select(func.count(ChangeRequest.id)), org_id, customer_id, flt))
        or 0
    )
    query = _filtered(select(ChangeRequest), org_id, customer_id, flt)
    if order == "ASC":
        query = query.order_by(column.asc(), ChangeRequest.id.asc())
    else:
        query = query.order_by(column.desc(), ChangeRequest.id.desc())
    rows = list(session.scalars(query.limit(page.limit).offset(page.offset)))
    return rows, int(total)


def render_changes(
    session: Session, org_id: int, rows: list[ChangeRequest]
) -> list[dict[str, Any]]:
    """Render change requests in the documented shape."""
    tills = till_attributions(
        session, org_id, {r.added_by for r in rows} | {r.updated_by for r in rows}
    )
    out = []
    for row in rows:
        item: dict[str, Any] = {
            "id": row.id,
            "status": row.status,
            "addedBy": tills.get(row.added_by, {}),
            "updatedBy": tills.get(row.updated_by, {}),
            "addedOn": clock.iso(row.added_on),
            "updatedOn": clock.iso(row.updated_on),
            "userId": row.customer_id,
            "changeType": row.change_type,
            "source": row.source,
            "accountId": row.account_id,
            "comments": row.comments,
            "secUserId": 0,
            "oneStep": False,
        }
        details = row.details or {}
        if "add" in details or "remove" in details:
            item["changeIdentifiers"] = {
                "add": details.get("add", []),
                "remove": details.get("remove", []),
            }
        if row.change_type == "MERGE":
            item["mergeDetails"] = details
        if row.change_type == "STATUS":
            item["statusChange"] = details
        out.append(item)
    return out
