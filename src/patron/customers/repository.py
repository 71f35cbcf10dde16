"""Queries of the customers domain; every one is scoped to an org."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from patron.customers.models import CommChannel, Customer, Identifier, Identity, Profile

Pair = tuple[str, str]


def get_customer(session: Session, org_id: int, customer_id: int) -> Customer | None:
    """Return the org's customer with ``customer_id``."""
    customer = session.get(Customer, customer_id)
    if customer is None or customer.org_id != org_id:
        return None
    return customer


def lock_customer(session: Session, org_id: int, customer_id: int) -> Customer | None:
    """Return the customer locked for update (a no-op lock on SQLite, which serialises writers)."""
    query = (
        select(Customer)
        .where(Customer.id == customer_id, Customer.org_id == org_id)
        .with_for_update()
    )
    return session.scalar(query)


def list_profiles(session: Session, customer_id: int) -> list[Profile]:
    """Return the customer's profiles, oldest first."""
    query = select(Profile).where(Profile.customer_id == customer_id).order_by(Profile.id)
    return list(session.scalars(query))


def list_identifiers(session: Session, customer_id: int) -> list[Identifier]:
    """Return the customer's identifiers in the order they were added."""
    query = select(Identifier).where(Identifier.customer_id == customer_id).order_by(Identifier.id)
    return list(session.scalars(query))


def list_channels(session: Session, customer_id: int) -> list[CommChannel]:
    """Return the customer's communication channels in the order they were added."""
    query = select(CommChannel).where(CommChannel.customer_id == customer_id)
    return list(session.scalars(query.order_by(CommChannel.id)))


def find_identities(session: Session, org_id: int, pairs: Iterable[Pair]) -> list[Identity]:
    """Return who holds each (type, value) across all sources of the org."""
    wanted = list(pairs)
    if not wanted:
        return []
    query = select(Identity).where(
        Identity.org_id == org_id, tuple_(Identity.type, Identity.value).in_(wanted)
    )
    return list(session.scalars(query))


def find_in_account(
    session: Session, org_id: int, source: str, account_id: str, pairs: Iterable[Pair]
) -> list[Identifier]:
    """Return the identifiers among ``pairs`` already registered in one source account."""
    wanted = list(pairs)
    if not wanted:
        return []
    query = select(Identifier).where(
        Identifier.org_id == org_id,
        Identifier.source == source,
        Identifier.account_id == account_id,
        tuple_(Identifier.type, Identifier.value).in_(wanted),
    )
    return list(session.scalars(query))


def find_holder_in_account(
    session: Session, org_id: int, source: str, account_id: str, id_type: str, value: str
) -> Customer | None:
    """Return the customer holding an identifier in one source account (one query)."""
    query = (
        select(Customer)
        .join(Identifier, Identifier.customer_id == Customer.id)
        .where(
            Identifier.org_id == org_id,
            Identifier.source == source,
            Identifier.account_id == account_id,
            Identifier.type == id_type,
            Identifier.value == value,
        )
    )
    return session.scalar(query)


def find_holder(session: Session, org_id: int, id_type: str, value: str) -> Customer | None:
    """Return the customer holding an identifier in any source of the org (one query)."""
    query = (
        select(Customer)
        .join(Identity, Identity.customer_id == Customer.id)
        .where(Identity.org_id == org_id, Identity.type == id_type, Identity.value == value)
    )
    return session.scalar(query)


def find_profile(
    session: Session, customer_id: int, source: str, account_id: str
) -> Profile | None:
    """Return the customer's profile in one source account."""
    query = select(Profile).where(
        Profile.customer_id == customer_id,
        Profile.source == source,
        Profile.account_id == account_id,
    )
    return session.scalar(query)


def lock_customers(session: Session, org_id: int, customer_ids: set[int]) -> dict[int, Customer]:
    """Lock several customers in id order (so concurrent lockers cannot deadlock), freshly read."""
    query = (
        select(Customer)
        .where(Customer.org_id == org_id, Customer.id.in_(sorted(customer_ids)))
        .order_by(Customer.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {c.id: c for c in session.scalars(query)}
