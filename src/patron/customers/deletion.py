"""PII deletion: scrubbing a customer pending deletion and marking it Deleted."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from patron.auth.service import principal_of_till
from patron.customers import repository
from patron.customers.events import profile_event_data
from patron.customers.hooks import run_scrub_hooks
from patron.customers.models import CommChannel, Customer, Identifier, Identity
from patron.customers.status import deleted_label, log_status
from patron.events.catalogue import EventName
from patron.events.outbox import record_event
from patron.kit import clock
from patron.kit.blobs import BlobStore
from patron.orgs.catalog import CustomerStatus


def pending_deletions(session: Session, limit: int = 100) -> list[int]:
    """Return ids of customers waiting to be scrubbed, oldest request first."""
    query = (
        select(Customer.id)
        .where(Customer.deletion_requested_at.is_not(None))
        .order_by(Customer.deletion_requested_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def scrub_customer(session: Session, customer_id: int, blobs: BlobStore) -> bool:
    """Delete the customer's personal data and set the Deleted label; tell whether it did."""
    customer = session.scalar(
        select(Customer)
        .where(Customer.id == customer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if (
        customer is None
        or customer.deletion_requested_at is None
        or customer.merged_into_id is not None
    ):
        return False
    principal = principal_of_till(session, customer.deletion_requested_by or 0, active_only=False)
    if principal is None:
        return False
    profiles = repository.list_profiles(session, customer.id)
    identifiers = repository.list_identifiers(session, customer.id)
    # Consumers find the customer in their own systems by what it was: the event carries it.
    data = (
        profile_event_data(principal, customer, profiles[0], profiles, identifiers)
        if profiles
        else {}
    )
    # Other domains go first: their events (a member leaving its groups) still say who it was.
    run_scrub_hooks(session, customer.org_id, customer.id, blobs)
    for model in (Identifier, CommChannel, Identity):
        session.execute(delete(model).where(model.customer_id == customer.id))
    for profile in profiles:
        profile.first_name = ""
        profile.last_name = ""
        profile.fields = {}
        profile.updated_at = clock.now()
    customer.extended_fields = {}
    previous = customer.status_label
    label = deleted_label(principal.org)
    reason = customer.deletion_reason or ""
    customer.status_label = label
    customer.deletion_requested_at = None
    customer.updated_at = clock.now()
    log_status(
        session, principal.till_id, customer, label, previous, CustomerStatus.DELETED, reason
    )
    data["updatedFields"] = []
    data["customerStatus"] = {
        "previousStatus": CustomerStatus.PENDING_DELETION.value,
        "previousLabel": previous,
        "currentStatus": CustomerStatus.DELETED.value,
        "currentLabel": label,
        "reason": reason,
    }
    record_event(
        session,
        org_id=customer.org_id,
        name=EventName.CUSTOMER_UPDATED,
        entity_id=customer.id,
        data=data,
        api_request_id="",
    )
    session.flush()
    return True
