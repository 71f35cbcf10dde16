"""Status labels: changing them, their log, and the start of PII deletion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.events import record_customer_updated
from patron.customers.models import Customer, StatusLogEntry
from patron.customers.schemas import StatusChangeIn
from patron.errors import Invalid
from patron.kit import clock
from patron.orgs.catalog import CustomerStatus
from patron.orgs.config import OrgConfig
from patron.orgs.service import till_attributions

INVALID_LABEL = 400
REASON_TOO_LONG = 400
MAX_REASON = 500  # the length of status_log.reason and customers.deletion_reason

# The fraud status ``fraudDetails`` shows for each fixed status; every other one is NOT_FRAUD.
NOT_FRAUD = "NOT_FRAUD"
FRAUD_STATUS = {
    CustomerStatus.FRAUD_SUSPECTED: "MARKED",
    CustomerStatus.FRAUD_CONFIRMED: "CONFIRMED",
    CustomerStatus.INTERNAL: "INTERNAL",
}


def status_of(org: OrgConfig, label: str | None) -> CustomerStatus:
    """Return the fixed status a label stands for (ACTIVE when unlabelled or unknown)."""
    found = org.status_label(label) if label else None
    return found.status if found else CustomerStatus.ACTIVE


def deleted_label(org: OrgConfig) -> str:
    """Return the org's label for the Deleted status."""
    for item in org.status_labels:
        if item.status == CustomerStatus.DELETED:
            return item.label
    return "Deleted"


def log_status(
    session: Session,
    principal_till: int,
    customer: Customer,
    label: str,
    prev: str | None,
    status: CustomerStatus,
    reason: str,
) -> None:
    """Append to the customer's status log; the newest entry is the active one."""
    session.execute(
        update(StatusLogEntry)
        .where(StatusLogEntry.org_id == customer.org_id, StatusLogEntry.customer_id == customer.id)
        .values(is_active=False)
    )
    session.add(
        StatusLogEntry(
            org_id=customer.org_id,
            customer_id=customer.id,
            label=label,
            prev_label=prev,
            status=status.value,
            reason=reason,
            created_on=clock.now(),
            created_by=principal_till,
            is_active=True,
        )
    )


def change_status(
    session: Session,
    principal: Principal,
    customer: Customer,
    body: StatusChangeIn,
    request_id: str,
) -> bool:
    """Move the customer to another label; tell whether anything changed."""
    reason = (body.reason or "").strip()
    if not reason:
        raise Invalid(400, "Input is invalid: reason is required")
    if len(reason) > MAX_REASON:
        raise Invalid(
            REASON_TOO_LONG,
            f"Input is invalid: reason must be at most {MAX_REASON} characters, not {len(reason)}",
        )
    if not body.label or not body.label.strip():
        raise Invalid(400, "Input is invalid: label is required")
    target = principal.org.status_label(body.label)
    if target is None:
        raise Invalid(
            INVALID_LABEL, f"Invalid status label: {body.label!r} is not a label of the org"
        )
    if body.created_on:
        try:
            clock.parse_datetime(body.created_on)
        except ValueError:
            raise Invalid(
                400, "Input is invalid: createdOn must be an ISO 8601 date-time"
            ) from None
    org = principal.org
    previous_label = customer.status_label
    previous_status = status_of(org, previous_label)
    if previous_status == CustomerStatus.DELETED:
        raise Invalid(400, "Input is invalid: the customer is deleted")
    if previous_label == target.label:
        return False
    if target.status == CustomerStatus.DELETED:
        raise Invalid(
            INVALID_LABEL,
            "Invalid status label: move the customer to Pending deletion; deletion sets Deleted",
        )
    customer.status_label = target.label
    customer.updated_at = clock.now()
    customer.updated_by = principal.till_id
    if target.status == CustomerStatus.PENDING_DELETION:
        customer.deletion_requested_at = clock.now()
        customer.deletion_requested_by = principal.till_id
        customer.deletion_reason = reason
    else:
        customer.deletion_requested_at = None
    log_status(
        session, principal.till_id, customer, target.label, previous_label, target.status, reason
    )
    transition: dict[str, Any] = {
        "previousStatus": previous_status.value,
        "previousLabel": previous_label,
        "currentStatus": target.status.value,
        "currentLabel": target.label,
        "reason": reason,
    }
    record_customer_updated(
        session,
        principal,
        customer,
        None,
        [],
        activity="STATUS_CHANGE",
        request_id=request_id,
        customer_status=transition,
    )
    return True


def status_log(
    session: Session, org_id: int, customer_id: int, zone: dt.tzinfo
) -> list[dict[str, Any]]:
    """Return the customer's status log, newest first, in the documented shape."""
    query = (
        select(StatusLogEntry)
        .where(StatusLogEntry.org_id == org_id, StatusLogEntry.customer_id == customer_id)
        .order_by(StatusLogEntry.id.desc())
    )
    return [
        {
            "label": row.label,
            "prevLabel": row.prev_label,
            "status": row.status,
            "reason": row.reason,
            "isActive": row.is_active,
            "createdOn": clock.iso(row.created_on, zone),
        }
        for row in session.scalars(query)
    ]


def fraud_status_of(status: CustomerStatus | str) -> str:
    """Return the fraud status (NOT_FRAUD, MARKED, CONFIRMED, INTERNAL) of a fixed status."""
    try:
        return FRAUD_STATUS.get(CustomerStatus(status), NOT_FRAUD)
    except ValueError:
        return NOT_FRAUD


def fraud_details(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    known_tills: Mapping[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Render ``fraudDetails``: the fraud status of the customer's label, who set it and when.

    ``modifiedOn`` is when the fraud status last changed (the status log entry that began the
    current run of entries with this fraud status); a customer never marked shows its
    registration. ``markedBy`` is the till of that entry; ``{}`` while NOT_FRAUD or unknown.
    """
    current = fraud_status_of(status_of(org, customer.status_label))
    query = (
        select(StatusLogEntry)
        .where(StatusLogEntry.org_id == customer.org_id, StatusLogEntry.customer_id == customer.id)
        .order_by(StatusLogEntry.id.desc())
    )
    began: StatusLogEntry | None = None
    since_registration = True
    for row in session.scalars(query):
        if fraud_status_of(row.status) != current:
            since_registration = False
            break
        began = row
    if current == NOT_FRAUD and since_registration:
        # Registration gives the default label, on ACTIVE: NOT_FRAUD from the start.
        modified_on = customer.created_at
        began = None
    elif began is not None:
        modified_on = began.created_on
    else:
        # The label changed outside the log (or the org moved the label to another status).
        modified_on = customer.updated_at
    marked_by: dict[str, Any] = {}
    if current != NOT_FRAUD and began is not None:
        tills = dict(known_tills or {})
        if began.created_by not in tills:
            tills.update(till_attributions(session, customer.org_id, {began.created_by}))
        marked_by = tills.get(began.created_by, {})
    return {
        "markedBy": marked_by,
        "modifiedOn": clock.iso(modified_on, org.zone),
        "status": current,
    }
