"""Queries of associations that the groups repository does not hold: children in a chosen
order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from patron.customers.models import Customer
from patron.groups.models import Association

CREATED = "createdon"
UPDATED = "lastupdatedon"


def list_children_by(
    session: Session,
    org_id: int,
    parent_id: int,
    *,
    sort_by: str,
    descending: bool,
    limit: int,
    offset: int,
) -> list[Customer]:
    """Return a page of the parent's children, by their creation or last update time (then
    id), in either direction."""
    moment = Customer.updated_at if sort_by == UPDATED else Customer.created_at
    order = (moment.desc(), Customer.id.desc()) if descending else (moment, Customer.id)
    query = (
        select(Customer)
        .join(Association, Association.customer_id == Customer.id)
        .where(Association.org_id == org_id, Association.parent_id == parent_id)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))
