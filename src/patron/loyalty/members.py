"""Finding the customer a loyalty call is about, through the customers domain."""

from __future__ import annotations

from sqlalchemy.orm import Session

from patron.customers.lookup import customer_names, get_customer, resolve_identifier
from patron.customers.models import Customer
from patron.customers.status import fraud_status_of, status_of
from patron.errors import Invalid
from patron.orgs.config import OrgConfig

NOT_IN_LOYALTY = 881
# Fraud statuses of customers whose loyalty activity is refused.
FRAUD_STATUSES = frozenset({"MARKED", "CONFIRMED"})


def by_id(session: Session, org: OrgConfig, customer_id: int, *, lock: bool = False) -> Customer:
    """Return the customer (8015 unknown, 8069 merged)."""
    return get_customer(session, org.id, customer_id, lock=lock)


def by_identifier(
    session: Session,
    org: OrgConfig,
    source: str | None,
    account_id: str | None,
    identifier_name: str | None,
    identifier_value: str | None,
) -> Customer:
    """Return the customer holding an identifier (merged ones resolve to their survivor)."""
    customer, _ = resolve_identifier(
        session, org, source, account_id, identifier_name, identifier_value
    )
    return customer


def is_loyalty(customer: Customer) -> bool:
    """Tell whether the customer is a loyalty member (non-loyalty customers earn nothing)."""
    return customer.loyalty_type == "loyalty"


def require_loyalty(customer: Customer, code: int = NOT_IN_LOYALTY) -> None:
    """Refuse a customer who is not a loyalty member."""
    if not is_loyalty(customer):
        raise Invalid(code, "Customer is not registered in loyalty (non-loyalty customer)")


def names(session: Session, customer_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Return first and last names by customer id."""
    return customer_names(session, customer_ids)


def is_fraud(org: OrgConfig, customer: Customer) -> bool:
    """Tell whether the customer's status marks or confirms fraud."""
    return fraud_status_of(status_of(org, customer.status_label)) in FRAUD_STATUSES


def refuse_fraud(org: OrgConfig, customer: Customer, code: int) -> None:
    """Refuse a customer marked as fraud with ``code``."""
    if is_fraud(org, customer):
        raise Invalid(code, "Not allowed - customer is marked as fraud")
