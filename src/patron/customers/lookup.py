"""Finding customers: by id (following merges) and by identifier in a source or in all of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from patron.customers import repository
from patron.customers.identifiers import CARD_EXTERNAL_ID, canonical_lookup_name, lookup_values
from patron.customers.models import Customer
from patron.customers.sources import SourceAccount, resolve_source_account
from patron.errors import Invalid, NotFound
from patron.orgs.config import OrgConfig

NOT_FOUND = 8015
NOT_IN_SOURCE = 8065
INVALID_IDENTIFIER = 8013
MERGED = 8069
NOT_FOUND_MESSAGE = "Customer not found for the given identifiers"


def get_customer(
    session: Session, org_id: int, customer_id: int, *, lock: bool = False
) -> Customer:
    """Return the org's customer (locked for a change if asked); merged ones answer 8069."""
    if lock:
        customer = repository.lock_customer(session, org_id, customer_id)
    else:
        customer = repository.get_customer(session, org_id, customer_id)
    if customer is None:
        raise NotFound(NOT_FOUND, NOT_FOUND_MESSAGE)
    if customer.merged_into_id is not None:
        raise merged_away(session, org_id, customer)
    return customer


def merged_away(session: Session, org_id: int, customer: Customer) -> NotFound:
    """Return the error (8069) that names the survivor of a merged customer."""
    survivor = follow_merges(session, org_id, customer)
    return NotFound(MERGED, f"The customer is merged into another account: {survivor.id}")


def follow_merges(session: Session, org_id: int, customer: Customer) -> Customer:
    """Return the customer that ``customer`` was (transitively) merged into."""
    seen = {customer.id}
    while customer.merged_into_id is not None:
        survivor = repository.get_customer(session, org_id, customer.merged_into_id)
        if survivor is None or survivor.id in seen:
            break
        seen.add(survivor.id)
        customer = survivor
    return customer


class _Holder(Protocol):
    """What the holder queries return: a loaded customer or a reference to one."""

    @property
    def id(self) -> int: ...

    @property
    def merged_into_id(self) -> int | None: ...


H = TypeVar("H", bound=_Holder)


def resolve_identifier(
    session: Session,
    org: OrgConfig,
    source: str | None,
    account_id: str | None,
    identifier_name: str | None,
    identifier_value: str | None,
) -> tuple[Customer, SourceAccount | None]:
    """Find the customer holding an identifier; merged customers resolve to their survivor."""
    holder, where = _locate(
        session,
        org,
        source,
        account_id,
        identifier_name,
        identifier_value,
        repository.find_holder_in_account,
        repository.find_holder,
    )
    return follow_merges(session, org.id, holder), where


def locate_identifier(
    session: Session,
    org: OrgConfig,
    source: str | None,
    account_id: str | None,
    identifier_name: str | None,
    identifier_value: str | None,
) -> tuple[int, SourceAccount | None]:
    """Return the id of the customer holding an identifier (the survivor of a merged one),
    reading no more than its id until a merge must be followed."""
    holder, where = _locate(
        session,
        org,
        source,
        account_id,
        identifier_name,
        identifier_value,
        repository.find_holder_ref_in_account,
        repository.find_holder_ref,
    )
    if holder.merged_into_id is not None:
        merged = repository.get_customer(session, org.id, holder.id)
        if merged is not None:
            return follow_merges(session, org.id, merged).id, where
    return holder.id, where


def _locate(
    session: Session,
    org: OrgConfig,
    source: str | None,
    account_id: str | None,
    identifier_name: str | None,
    identifier_value: str | None,
    in_account: Callable[[Session, int, str, str, str, str], H | None],
    anywhere: Callable[[Session, int, str, str], H | None],
) -> tuple[H, SourceAccount | None]:
    """Find the holder of an identifier with the given queries (8013, 8015, 8065)."""
    name = canonical_lookup_name(identifier_name)
    if name is None:
        raise Invalid(
            INVALID_IDENTIFIER,
            f"Customer identifier is invalid: identifierName {identifier_name!r}",
        )
    if not identifier_value or not identifier_value.strip():
        raise Invalid(
            INVALID_IDENTIFIER, "Customer identifier is invalid: identifierValue is required"
        )
    where = resolve_source_account(org, source, account_id, allow_all=True)
    # A mobile may be stored in another form than the one typed: try each, the likeliest first.
    values = lookup_values(name, identifier_value, org.default_region)
    holder = None
    if where is not None and name != CARD_EXTERNAL_ID:
        for value in values:
            holder = in_account(session, org.id, where.source, where.account_id, name, value)
            if holder is not None:
                break
    if holder is None:
        for value in values:
            holder = anywhere(session, org.id, name, value)
            if holder is not None:
                break
        if holder is None:
            raise NotFound(NOT_FOUND, NOT_FOUND_MESSAGE)
        if where is not None and (
            name != CARD_EXTERNAL_ID
            or repository.find_profile(session, holder.id, where.source, where.account_id) is None
        ):
            raise NotFound(
                NOT_IN_SOURCE,
                f"No customer found in the given source ({where.source}) with the given identifier",
            )
    return holder, where


def customer_names(session: Session, customer_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Return each customer's first and last name (from its first profile), by id."""
    names: dict[int, tuple[str, str]] = {}
    for customer_id in sorted(customer_ids):
        profiles = repository.list_profiles(session, customer_id)
        first = profiles[0] if profiles else None
        names[customer_id] = (first.first_name, first.last_name) if first else ("", "")
    return names
