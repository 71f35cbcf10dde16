"""The customers an association names: found by their identifiers, or registered.

A customer holding one of the body's identifiers in the profile's source account is used as it
is (nothing registered, no customerAdded). Any other is registered exactly as
``POST /v2/customers`` registers it, with its warnings and its customerAdded event; an
identifier held in another source adds this source's profile to that customer (8050).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import get_customer, resolve_identifier
from patron.customers.models import Customer
from patron.customers.registration import register_customer
from patron.customers.schemas import LoyaltyInfoIn, RegisterCustomerIn
from patron.customers.sources import SourceAccount
from patron.errors import Invalid, NotFound, Notice, PatronError

CUSTOMER_NOT_FOUND = 8015
NO_IDENTIFIER = 1015


@dataclass
class Named:
    """A customer an item names, and whether this call registered it."""

    customer: Customer
    is_new: bool
    warnings: list[Notice] = field(default_factory=list)


def find_named(
    session: Session, principal: Principal, body: RegisterCustomerIn, where: SourceAccount | None
) -> Customer | None:
    """Return the customer holding one of the body's identifiers in its profile's source
    account (``where`` for a profile naming no source), or None."""
    for profile in body.profiles or []:
        source = (profile.source or "").strip()
        account = profile.account_id
        if not source and where is not None:
            source, account = where.source.value, account or where.account_id
        if not source or source.upper() == "ALL":
            continue
        for identifier in profile.identifiers or []:
            try:
                customer, _ = resolve_identifier(
                    session, principal.org, source, account, identifier.type, identifier.value
                )
            except PatronError:
                # Not held there (or not a valid identifier): registration says which.
                continue
            return customer
    return None


def require_named(
    session: Session, principal: Principal, body: RegisterCustomerIn, where: SourceAccount | None
) -> Customer:
    """Return the existing customer the body names, or refuse: 1015 no identifiers, 8015
    nobody holds them."""
    if not any(p.identifiers for p in body.profiles or []):
        raise Invalid(
            NO_IDENTIFIER, "No identifier provided: profiles with identifiers are required"
        )
    customer = find_named(session, principal, body, where)
    if customer is None:
        raise NotFound(CUSTOMER_NOT_FOUND, "Customer not found for the given identifiers")
    return customer


def find_or_register(
    session: Session,
    principal: Principal,
    body: RegisterCustomerIn,
    request_id: str,
    *,
    loyalty_type: str | None,
    where: SourceAccount | None = None,
) -> Named:
    """Return the customer the body names, registering it when nobody holds its identifiers.

    A body without a loyalty type takes ``loyalty_type`` (its item's); profiles naming no
    source take ``where`` (the query's).
    """
    existing = find_named(session, principal, body, where)
    if existing is not None:
        return Named(existing, is_new=False)
    if not (body.requested_loyalty_type or "").strip() and loyalty_type:
        body = body.model_copy(update={"loyalty_info": LoyaltyInfoIn(loyaltyType=loyalty_type)})
    outcome = register_customer(
        session,
        principal,
        body,
        request_id,
        source=where.source.value if where is not None else None,
        account_id=where.account_id if where is not None else None,
    )
    customer = get_customer(session, principal.org_id, outcome.customer_id)
    return Named(customer, is_new=not outcome.combined, warnings=outcome.warnings)
