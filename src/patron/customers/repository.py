"""Queries of the customers domain; every one is scoped to an org."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import JSON, BigInteger, TextualSelect, select, text, tuple_
from sqlalchemy.orm import Session

from patron.customers.models import CommChannel, Customer, Identifier, Identity, Profile
from patron.db import JsonDoc, UTCDateTime

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


# Reads of the fetch and lookup endpoints: Core statements, one round trip each, no ORM objects.

_customers = Customer.__table__
_identifiers = Identifier.__table__
_identities = Identity.__table__


class HolderRef(NamedTuple):
    """The customer holding an identifier: its id, and whom it was merged into (if anyone)."""

    id: int
    merged_into_id: int | None


def _holder_in_account(org_id: int, source: str, account_id: str, id_type: str, value: str) -> Any:
    return (
        _identifiers.c.org_id == org_id,
        _identifiers.c.source == source,
        _identifiers.c.account_id == account_id,
        _identifiers.c.type == id_type,
        _identifiers.c.value == value,
    )


def find_holder_ref_in_account(
    session: Session, org_id: int, source: str, account_id: str, id_type: str, value: str
) -> HolderRef | None:
    """Return who holds an identifier in one source account (one Core query)."""
    query = (
        select(_customers.c.id, _customers.c.merged_into_id)
        .join(_identifiers, _identifiers.c.customer_id == _customers.c.id)
        .where(*_holder_in_account(org_id, source, account_id, id_type, value))
    )
    row = session.execute(query).first()
    return None if row is None else HolderRef(row.id, row.merged_into_id)


def find_holder_in_account(
    session: Session, org_id: int, source: str, account_id: str, id_type: str, value: str
) -> Customer | None:
    """Return the customer holding an identifier in one source account, loaded (one query)."""
    query = (
        select(Customer)
        .join(_identifiers, _identifiers.c.customer_id == Customer.id)
        .where(*_holder_in_account(org_id, source, account_id, id_type, value))
    )
    return session.scalar(query)


def _holder_anywhere(org_id: int, id_type: str, value: str) -> Any:
    return (
        _identities.c.org_id == org_id,
        _identities.c.type == id_type,
        _identities.c.value == value,
    )


def find_holder_ref(session: Session, org_id: int, id_type: str, value: str) -> HolderRef | None:
    """Return who holds an identifier in any source of the org (one Core query)."""
    query = (
        select(_customers.c.id, _customers.c.merged_into_id)
        .join(_identities, _identities.c.customer_id == _customers.c.id)
        .where(*_holder_anywhere(org_id, id_type, value))
    )
    row = session.execute(query).first()
    return None if row is None else HolderRef(row.id, row.merged_into_id)


def find_holder(session: Session, org_id: int, id_type: str, value: str) -> Customer | None:
    """Return the customer holding an identifier in any source of the org, loaded (one query)."""
    query = (
        select(Customer)
        .join(_identities, _identities.c.customer_id == Customer.id)
        .where(*_holder_anywhere(org_id, id_type, value))
    )
    return session.scalar(query)


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """A customer with its profiles, identifiers and channels, oldest first, as read by
    :func:`read_customer_record`; the children are dicts keyed by their column names."""

    id: int
    org_id: int
    loyalty_type: str
    status_label: str | None
    extended_fields: dict[str, Any] | None
    associated_with: str | None
    merged_into_id: int | None
    created_at: dt.datetime
    created_by: int
    updated_at: dt.datetime
    updated_by: int
    profiles: list[dict[str, Any]]
    identifiers: list[dict[str, Any]]
    channels: list[dict[str, Any]]


# The children are aggregated as JSON, each list ordered by id, so the customer is one row.
_PROFILE_KEYS = (
    "id, source, account_id, first_name, last_name, fields, "
    "created_at, created_by, updated_at, updated_by"
)
_IDENTIFIER_KEYS = "id, profile_id, type, value, attrs, created_at"
_CHANNEL_KEYS = "id, profile_id, type, value, is_primary, is_verified, meta, attributes"
_JSON_COLUMNS = {"fields", "attrs", "meta", "attributes"}


def _json_object(function: str, alias: str, keys: str, wrap_json: bool) -> str:
    pairs = []
    for key in keys.split(", "):
        column = f"{alias}.{key}"
        if wrap_json and key in _JSON_COLUMNS:
            column = f"json({column})"  # SQLite keeps JSON as text: embed it, not a string
        pairs.append(f"'{key}', {column}")
    return f"{function}({', '.join(pairs)})"


def _record_statement(dialect: str) -> TextualSelect:
    # Assembled once at import from the constants above; no input reaches the text (S608).
    children = (
        ("profiles", "p", _PROFILE_KEYS),
        ("identifiers", "i", _IDENTIFIER_KEYS),
        ("comm_channels", "ch", _CHANNEL_KEYS),
    )
    subqueries = []
    for table, alias, keys in children:
        if dialect == "postgresql":
            item = _json_object("json_build_object", alias, keys, wrap_json=False)
            subqueries.append(
                f"(SELECT json_agg({item} ORDER BY {alias}.id) FROM {table} {alias}"  # noqa: S608
                f" WHERE {alias}.customer_id = :customer_id)"
            )
        else:
            # SQLite (before 3.44) has no ORDER BY in aggregates: it aggregates in the
            # order of an ordered subquery.
            item = _json_object("json_object", alias, keys, wrap_json=True)
            subqueries.append(
                f"(SELECT json_group_array({item}) FROM (SELECT * FROM {table}"  # noqa: S608
                f" WHERE customer_id = :customer_id ORDER BY id) AS {alias})"
            )
    profiles, identifiers, channels = subqueries
    statement = text(
        "SELECT c.id, c.org_id, c.loyalty_type, c.status_label, c.extended_fields,"  # noqa: S608
        " c.associated_with, c.merged_into_id, c.created_at, c.created_by, c.updated_at,"
        f" c.updated_by, {profiles} AS profiles, {identifiers} AS identifiers,"
        f" {channels} AS channels"
        " FROM customers c WHERE c.id = :customer_id AND c.org_id = :org_id"
    )
    return statement.columns(
        id=BigInteger(),
        org_id=BigInteger(),
        extended_fields=JsonDoc,
        merged_into_id=BigInteger(),
        created_at=UTCDateTime(),
        created_by=BigInteger(),
        updated_at=UTCDateTime(),
        updated_by=BigInteger(),
        profiles=JSON(),
        identifiers=JSON(),
        channels=JSON(),
    )


_RECORD_STATEMENTS = {name: _record_statement(name) for name in ("postgresql", "sqlite")}


def _moment(value: str) -> dt.datetime:
    """Read a timestamp as JSON renders it (PostgreSQL: with its offset; SQLite: naive UTC)."""
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def read_customer_record(session: Session, org_id: int, customer_id: int) -> CustomerRecord | None:
    """Return the org's customer with its profiles, identifiers and channels (one statement).

    Changes pending in the session are flushed first, as an ORM query would.
    """
    session.flush()
    statement = _RECORD_STATEMENTS[session.get_bind().dialect.name]
    row = session.execute(statement, {"customer_id": customer_id, "org_id": org_id}).first()
    if row is None:
        return None
    profiles = row.profiles or []
    for profile in profiles:
        profile["created_at"] = _moment(profile["created_at"])
        profile["updated_at"] = _moment(profile["updated_at"])
    identifiers = row.identifiers or []
    for identifier in identifiers:
        identifier["created_at"] = _moment(identifier["created_at"])
    channels = row.channels or []
    for channel in channels:
        # SQLite renders booleans as 0 and 1.
        channel["is_primary"] = bool(channel["is_primary"])
        channel["is_verified"] = bool(channel["is_verified"])
    return CustomerRecord(
        id=row.id,
        org_id=row.org_id,
        loyalty_type=row.loyalty_type,
        status_label=row.status_label,
        extended_fields=row.extended_fields,
        associated_with=row.associated_with,
        merged_into_id=row.merged_into_id,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        profiles=profiles,
        identifiers=identifiers,
        channels=channels,
    )
