"""Relinks: a linked supplementary membership renewed from a future ``membershipStartDate``.

A link with a future start for a customer already linked to that supplementary program queues
a relink (one per membership, held by a unique key; a second is refused with 2005 until
``MEMBERSHIP_RELINKING_CANCELLED`` cancels the first). The partner sweep applies it at its
start as a new membership period, with partnerProgramLinked, and deletes it in the same unit
of work, so it is applied once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import Conflict, Invalid
from patron.kit import clock
from patron.orgs.config import OrgConfig
from patron.orgs.partners import PartnerProgramDef
from patron.partners import repository
from patron.partners.events import record_partner_event, record_update
from patron.partners.models import PartnerMembership, PartnerRelink
from patron.partners.periods import (
    CANNOT_PROCESS,
    add_period,
    end_of_day,
    remind_moment,
    tier_expiry,
    tier_number,
)
from patron.partners.schemas import PartnerReferenceIn

ALREADY_LINKED = 2005
RELINK_CANCELLED = "MEMBERSHIP_RELINKING_CANCELLED"


def membership_number(reference: PartnerReferenceIn | None) -> str | None:
    """Return the partner membership number a reference gives (None: none)."""
    number = reference.partner_membership_id if reference is not None else None
    return number.strip() or None if number is not None else None


def queue_relink(
    session: Session,
    principal: Principal,
    membership: PartnerMembership,
    program: PartnerProgramDef,
    reference: PartnerReferenceIn | None,
    start_day: dt.date,
) -> str:
    """Queue the relink of a supplementary membership from ``start_day`` and return the answer's
    message (2005 one is queued already, 2001 it would start after the day following the
    current expiry)."""
    org = principal.org
    if repository.find_relink(session, membership.id) is not None:
        raise Conflict(
            ALREADY_LINKED,
            f"A relink to {program.name} is already queued: cancel it first ({RELINK_CANCELLED})",
        )
    if membership.expires_at is not None:
        last_day = membership.expires_at.astimezone(org.zone).date()
        if start_day > last_day + dt.timedelta(days=1):
            raise Invalid(
                CANNOT_PROCESS,
                f"membershipStartDate {start_day.isoformat()} is after the current membership "
                f"of {program.name} ends ({last_day.isoformat()}): link again once it has ended",
            )
    add_period(program, start_day)  # a period the calendar cannot hold: 2001 now, not later
    number = tier_number(
        program, reference.partner_tier_name if reference else None, required=False
    )
    tier_expires = tier_expiry(
        reference.partner_tier_expiry_date if reference else None, org, "partnerTierExpiryDate"
    )
    relink = PartnerRelink(
        org_id=org.id,
        membership_id=membership.id,
        starts_at=clock.start_of_day(start_day, org.zone),
        membership_number=membership_number(reference),
        tier_number=number,
        tier_expires_at=tier_expires,
        queued_by=principal.till_id,
        queued_at=clock.now(),
    )
    try:
        with session.begin_nested():
            repository.add_relink(session, relink)
    except IntegrityError:
        raise Conflict(ALREADY_LINKED, f"A relink to {program.name} is already queued") from None
    return f"Relink to the partner program queued from {start_day.isoformat()}"


def apply_relink(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    program: PartnerProgramDef,
    membership: PartnerMembership,
    relink: PartnerRelink,
    request_id: str,
) -> None:
    """Renew a membership as the new period its claimed relink starts, with
    partnerProgramLinked (the relink's number and tier, when given, replace the current)."""
    now = clock.now()
    start_day = relink.starts_at.astimezone(org.zone).date()
    expires = end_of_day(add_period(program, start_day), org.zone)
    membership.starts_at = relink.starts_at
    membership.expires_at = expires
    membership.remind_at = remind_moment(org, program, expires)
    membership.reminded_at = None
    if relink.membership_number is not None:
        membership.membership_number = relink.membership_number
    if relink.tier_number is not None:
        membership.tier_number = relink.tier_number
    if relink.tier_expires_at is not None:
        membership.tier_expires_at = relink.tier_expires_at
    membership.linked_by = relink.queued_by
    membership.linked_at = now
    membership.updated_at = now
    session.flush()
    record_partner_event(
        session, org, customer, program, "linked", request_id, membership=membership
    )


def cancel_relink(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    program: PartnerProgramDef,
    membership: PartnerMembership,
) -> None:
    """Cancel the relink queued for a membership (2001 none is), with partnerProgramUpdated."""
    relink = repository.find_relink(session, membership.id)
    if relink is None or not repository.delete_relink(session, relink.id):
        raise Invalid(CANNOT_PROCESS, "The customer has no pending relink to cancel")
    record_update(session, org, customer, program, membership, RELINK_CANCELLED)
