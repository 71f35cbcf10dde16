"""Listing a parent customer's children: ``GET /v2/customers/bulk``. Never writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import resolve_identifier
from patron.errors import Invalid
from patron.groups import repository as groups_repository
from patron.groups.associations import repository
from patron.groups.associations.views import customer_block

PARENT_CUSTOMER = "parentcustomer"
SORT_KEYS = {repository.CREATED: repository.CREATED, repository.UPDATED: repository.UPDATED}
ORDERS = ("ASC", "DESC")


@dataclass(frozen=True)
class ChildrenQuery:
    """What ``GET /v2/customers/bulk`` asks for."""

    source: str | None
    account_id: str | None
    entity_type: str | None
    identifier_type: str | None
    identifier_value: str | None
    limit: int = 10
    offset: int = 0
    sort_by: str | None = None
    sort_order: str | None = None


def _sort(query: ChildrenQuery) -> tuple[str, bool]:
    sort_by = (query.sort_by or repository.CREATED).strip().lower()
    if sort_by not in SORT_KEYS:
        raise Invalid(
            400,
            f"Input is invalid: sortBy must be createdon or lastUpdatedOn, not {query.sort_by!r}",
        )
    order = (query.sort_order or "ASC").strip().upper()
    if order not in ORDERS:
        raise Invalid(
            400, f"Input is invalid: sortOrder must be ASC or DESC, not {query.sort_order!r}"
        )
    return sort_by, order == "DESC"


def list_children(session: Session, principal: Principal, query: ChildrenQuery) -> dict[str, Any]:
    """Return the children of the parent customer an identifier names, one page of them."""
    entity_type = (query.entity_type or PARENT_CUSTOMER).strip()
    if entity_type.lower() != PARENT_CUSTOMER:
        raise Invalid(
            400,
            f"Input is invalid: associationEntityType must be parentCustomer, not {query.entity_type!r}",
        )
    sort_by, descending = _sort(query)
    parent, where = resolve_identifier(
        session,
        principal.org,
        query.source,
        query.account_id,
        query.identifier_type,
        query.identifier_value,
    )
    org_id = principal.org_id
    children = repository.list_children_by(
        session,
        org_id,
        parent.id,
        sort_by=sort_by,
        descending=descending,
        limit=query.limit,
        offset=query.offset,
    )
    customers = []
    for child in children:
        block = customer_block(session, principal, child, where, attribution=False)
        customers.append({"profiles": block["profiles"], "extendedFields": block["extendedFields"]})
    return {
        "entity": {
            "customers": customers,
            "count": groups_repository.count_children(session, org_id, parent.id),
            "errors": [],
            "warnings": [],
        },
        "warnings": [],
        "errors": [],
        "success": True,
    }
