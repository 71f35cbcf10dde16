"""Queries of the images domain; every one is scoped to an org."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from patron.images.models import CustomerImage


def get_image(session: Session, org_id: int, customer_id: int) -> CustomerImage | None:
    """Return the customer's uploaded image, if any."""
    query = select(CustomerImage).where(
        CustomerImage.org_id == org_id,
        CustomerImage.customer_id == customer_id,
        CustomerImage.version > 0,
    )
    return session.scalar(query)


def _insert_ignoring_duplicate(session: Session, row: dict[str, Any]) -> Insert:
    """Build ``INSERT … ON CONFLICT DO NOTHING`` on the customer for the dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return (
            postgresql.insert(CustomerImage)
            .values(row)
            .on_conflict_do_nothing(index_elements=["customer_id"])
        )
    return (
        sqlite.insert(CustomerImage)
        .values(row)
        .on_conflict_do_nothing(index_elements=["customer_id"])
    )


def lock_image(
    session: Session, org_id: int, customer_id: int, file_handle: str, at: dt.datetime
) -> CustomerImage:
    """Return the customer's image row locked for update; a first upload starts at version 0.

    The row is created through the unique index, so concurrent first uploads queue instead
    of failing.
    """
    row = {
        "org_id": org_id,
        "customer_id": customer_id,
        "file_handle": file_handle,
        "blob_key": "",
        "content_type": "",
        "size": 0,
        "version": 0,
        "updated_at": at,
    }
    session.execute(_insert_ignoring_duplicate(session, row))
    query = (
        select(CustomerImage)
        .where(CustomerImage.org_id == org_id, CustomerImage.customer_id == customer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()
