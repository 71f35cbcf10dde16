"""Queries of the subscriptions domain; every one is scoped to an org and a customer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Insert, delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from patron.subscriptions.models import Subscription


class Key(NamedTuple):
    """What identifies one subscription of a customer."""

    channel: str
    priority: str
    source: str
    account_id: str


def key_of(row: Subscription) -> Key:
    """Return the key of a stored subscription."""
    return Key(row.channel, row.priority, row.source, row.account_id)


def list_subscriptions(session: Session, org_id: int, customer_id: int) -> list[Subscription]:
    """Return the customer's stored subscriptions, oldest first."""
    query = select(Subscription).where(
        Subscription.org_id == org_id, Subscription.customer_id == customer_id
    )
    return list(session.scalars(query.order_by(Subscription.id)))


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> Insert:
    """Build ``INSERT … ON CONFLICT DO NOTHING`` on the subscription key for the dialect."""
    elements = ["customer_id", "channel", "priority", "source", "account_id"]
    if session.get_bind().dialect.name == "postgresql":
        return (
            postgresql.insert(Subscription)
            .values(rows)
            .on_conflict_do_nothing(index_elements=elements)
        )
    return sqlite.insert(Subscription).values(rows).on_conflict_do_nothing(index_elements=elements)


def lock_subscriptions(
    session: Session,
    org_id: int,
    customer_id: int,
    keys: Sequence[Key],
    *,
    default_status: str,
    at: dt.datetime,
) -> dict[Key, Subscription]:
    """Return the rows of ``keys`` locked for update, creating missing ones in the default status.

    Creating through the unique index (never read-then-insert) lets concurrent changes of one
    customer queue behind each other instead of failing or losing a previous status.
    """
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = [
        {
            "org_id": org_id,
            "customer_id": customer_id,
            "channel": key.channel,
            "priority": key.priority,
            "source": key.source,
            "account_id": key.account_id,
            "status": default_status,
            "created_at": at,
            "updated_at": at,
        }
        for key in wanted
    ]
    session.execute(_insert_ignoring_duplicates(session, rows))
    query = (
        select(Subscription)
        .where(
            Subscription.org_id == org_id,
            Subscription.customer_id == customer_id,
            tuple_(
                Subscription.channel,
                Subscription.priority,
                Subscription.source,
                Subscription.account_id,
            ).in_([tuple(key) for key in wanted]),
        )
        .order_by(Subscription.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {key_of(row): row for row in session.scalars(query)}


def delete_subscriptions(session: Session, org_id: int, customer_id: int) -> None:
    """Delete every subscription row of the customer."""
    session.execute(
        delete(Subscription).where(
            Subscription.org_id == org_id, Subscription.customer_id == customer_id
        )
    )
