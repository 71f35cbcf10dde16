"""Change requests: the recorded history of mobile, email and external id changes, and merges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import ChangeRequest
from patron.errors import Invalid
from patron.kit import clock
from patron.kit.pagination import Page
from patron.orgs.service import full_entity, till_attributions

# The documented change types: the only ones filed, filtered on and rendered. Rows of the
# types patron once filed too (CARD, IDENTIFIER, STATUS) stay stored but are never shown.
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
)
# Identifier types with a change type of their own, and every spelling rows were stored with.
TYPE_OF_IDENTIFIER = {
    "email": "EMAIL",
    "mobile": "MOBILE",
    "externalid": "EXTERNAL_ID",
    "external_id": "EXTERNAL_ID",
}
SORT_COLUMNS = {"createdon": ChangeRequest.added_on, "lastupdatedon": ChangeRequest.updated_on}


def change_type_of(identifier_type: str) -> str | None:
    """Return the change type of an identifier type (EMAIL, MOBILE, EXTERNAL_ID), or None.

    Cards and the other identifier types are not change requests: their changes show in the
    profile and in ``customerUpdated`` events only.
    """
    return TYPE_OF_IDENTIFIER.get(identifier_type.strip().lower())


@dataclass
class IdentifierChanges:
    """The identifier additions and removals of one request in one source account."""

    add: list[dict[str, str]] = field(default_factory=list)
    remove: list[dict[str, str]] = field(default_factory=list)

    def added(self, identifier_type: str, value: str) -> None:
        """Note an added identifier (kept only when its type has a change type)."""
        kind = change_type_of(identifier_type)
        if kind is not None:
            self.add.append({"type": kind, "value": value})

    def removed(self, identifier_type: str, value: str) -> None:
        """Note a removed identifier (kept only when its type has a change type)."""
        kind = change_type_of(identifier_type)
        if kind is not None:
            self.remove.append({"type": kind, "value": value})

    @property
    def change_type(self) -> str | None:
        """The request's change type: that of its first addition, else of its first removal."""
        listed = self.add or self.remove
        return listed[0]["type"] if listed else None


def record_identifier_changes(
    session: Session,
    principal: Principal,
    customer_id: int,
    changes: IdentifierChanges,
    *,
    source: str,
    account_id: str,
) -> ChangeRequest | None:
    """File one change request for the identifier changes of one request (none if none count)."""
    kind = changes.change_type
    if kind is None:
        return None
    return record_change(
        session,
        principal,
        customer_id,
        kind,
        {"add": changes.add, "remove": changes.remove},
        source=source,
        account_id=account_id,
    )


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
    """File an (auto-approved) change request of a documented type for the customer."""
    if change_type not in CHANGE_TYPES:
        raise ValueError(f"{change_type!r} is not a documented change type")
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


def _day(text: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise Invalid(400, f"Input is invalid: {label} must be YYYY-MM-DD") from None


def _filtered(
    query: Select[Any], org_id: int, customer_id: int, flt: ChangeFilter, zone: dt.tzinfo
) -> Select[Any]:
    query = query.where(
        ChangeRequest.org_id == org_id,
        ChangeRequest.customer_id == customer_id,
        ChangeRequest.change_type.in_(CHANGE_TYPES),
    )
    if flt.change_type:
        kind = flt.change_type.strip().upper()
        if kind not in CHANGE_TYPES:
            raise Invalid(400, f"Input is invalid: unknown changeType {flt.change_type!r}")
        query = query.where(ChangeRequest.change_type == kind)
    if flt.source:
        query = query.where(ChangeRequest.source == flt.source.strip().upper())
    if flt.start_date:
        start = _day(flt.start_date, "startDate")
        query = query.where(ChangeRequest.added_on >= clock.start_of_day(start, zone))
    if flt.end_date:
        after = _day(flt.end_date, "endDate") + dt.timedelta(days=1)
        query = query.where(ChangeRequest.added_on < clock.start_of_day(after, zone))
    if flt.start_id is not None:
        query = query.where(ChangeRequest.id >= flt.start_id)
    if flt.end_id is not None:
        query = query.where(ChangeRequest.id <= flt.end_id)
    return query


def list_changes(
    session: Session,
    org_id: int,
    customer_id: int,
    flt: ChangeFilter,
    page: Page,
    zone: dt.tzinfo,
) -> tuple[list[ChangeRequest], int]:
    """Return one page of the customer's change requests and the total matching.

    ``startDate``/``endDate`` are days in ``zone``, the org's time zone.
    """
    sort_key = (flt.sort_by or "createdon").strip().lower()
    if sort_key not in SORT_COLUMNS:
        raise Invalid(400, "Input is invalid: sortBy must be createdon or lastUpdatedOn")
    order = (flt.sort_order or "DESC").strip().upper()
    if order not in ("ASC", "DESC"):
        raise Invalid(400, "Input is invalid: sortOrder must be ASC or DESC")
    column = SORT_COLUMNS[sort_key]
    total = (
        session.scalar(
            _filtered(select(func.count(ChangeRequest.id)), org_id, customer_id, flt, zone)
        )
        or 0
    )
    query = _filtered(select(ChangeRequest), org_id, customer_id, flt, zone)
    if order == "ASC":
        query = query.order_by(column.asc(), ChangeRequest.id.asc())
    else:
        query = query.order_by(column.desc(), ChangeRequest.id.desc())
    rows = list(session.scalars(query.limit(page.limit).offset(page.offset)))
    return rows, int(total)


def _identifiers(items: Any) -> list[dict[str, Any]]:
    """Render identifiers of a request with one spelling of their type; others are dropped."""
    out = []
    for item in items if isinstance(items, list) else []:
        kind = change_type_of(str(item.get("type", ""))) if isinstance(item, dict) else None
        if kind is not None:
            out.append({"type": kind, "value": item.get("value")})
    return out


def render_changes(
    session: Session, org_id: int, rows: list[ChangeRequest], zone: dt.tzinfo
) -> list[dict[str, Any]]:
    """Render change requests in the documented shape, date-times in the org's ``zone``."""
    tills = till_attributions(
        session, org_id, {r.added_by for r in rows} | {r.updated_by for r in rows}
    )
    out = []
    for row in rows:
        item: dict[str, Any] = {
            "id": row.id,
            "status": row.status,
            "addedBy": full_entity(tills.get(row.added_by, {})),
            "updatedBy": full_entity(tills.get(row.updated_by, {})),
            "addedOn": clock.iso(row.added_on, zone),
            "updatedOn": clock.iso(row.updated_on, zone),
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
                "add": _identifiers(details.get("add")),
                "remove": _identifiers(details.get("remove")),
            }
        if row.change_type == "MERGE":
            item["mergeDetails"] = details
        out.append(item)
    return out
