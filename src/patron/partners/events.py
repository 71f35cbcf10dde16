"""The four partner program events, written in the unit of work of the change they report.

partnerProgramLinked ← a link, or a queued relink applied at its start by the sweep;
partnerProgramUpdated ← an update (with its ``updateType``: a relink cancelled is
``MEMBERSHIP_RELINKING_CANCELLED``, a partner tier following the loyalty tier down is
``DOWNGRADE``); partnerProgramDelinked ← a delink, an automatic delink when another program is
linked, the expiry of a supplementary membership, or the deletion of the customer's personal
data; supplementaryMembershipExpiryReminder ← the sweep, once per membership expiry. Every
event's ``refId`` is ``<orgId>_<customerId>``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.customers.events import load_customer_identifiers
from patron.customers.models import Customer
from patron.events.catalogue import EventName
from patron.events.outbox import record_event
from patron.events.payloads.partner import (
    PartnerProgramType,
    expiry_reminder_data,
    partner_membership,
    partner_program_data,
)
from patron.kit import clock
from patron.kit.context import current_request_id
from patron.orgs.config import OrgConfig
from patron.orgs.partners import PartnerProgramDef
from patron.partners.models import PartnerMembership

_NAMES = {
    "linked": EventName.PARTNER_PROGRAM_LINKED,
    "updated": EventName.PARTNER_PROGRAM_UPDATED,
    "delinked": EventName.PARTNER_PROGRAM_DELINKED,
}


def loyalty_program_id(org: OrgConfig, program: PartnerProgramDef) -> int:
    """Return the loyalty program a partner program belongs to (its own, else the default)."""
    if program.loyalty_program_id is not None:
        return program.loyalty_program_id
    default = org.default_program
    return default.program_id if default is not None else 0


def membership_block(
    org: OrgConfig, program: PartnerProgramDef, membership: PartnerMembership
) -> dict[str, Any]:
    """Render ``customerPartnerProgramDetails`` of a membership."""
    zone = org.zone
    tier_expiry = membership.tier_expires_at
    expiry = membership.expires_at
    return partner_membership(
        membership_number=membership.membership_number,
        membership_expiry_date=expiry.astimezone(zone).date() if expiry is not None else None,
        partner_tier_number=membership.tier_number if program.tier_based else None,
        partner_tier_expiry_date=tier_expiry.astimezone(zone).date()
        if tier_expiry is not None
        else None,
    )


def record_update(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    program: PartnerProgramDef,
    membership: PartnerMembership,
    update_type: str,
) -> None:
    """Stamp a changed membership and write its partnerProgramUpdated with ``update_type``."""
    membership.updated_at = clock.now()
    session.flush()
    record_partner_event(
        session,
        org,
        customer,
        program,
        "updated",
        current_request_id(),
        membership=membership,
        update_type=update_type,
    )


def record_partner_event(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    program: PartnerProgramDef,
    change: str,
    request_id: str,
    *,
    membership: PartnerMembership | None = None,
    update_type: str | None = None,
) -> None:
    """Write partnerProgramLinked, partnerProgramUpdated or partnerProgramDelinked."""
    data = partner_program_data(
        customer_identifiers=load_customer_identifiers(session, customer),
        customer_id=customer.id,
        loyalty_program_id=loyalty_program_id(org, program),
        partner_program_id=program.partner_program_id,
        partner_program_name=program.name,
        partner_program_type=PartnerProgramType(program.type.value),
        membership=membership_block(org, program, membership) if membership is not None else None,
        update_type=update_type,
    )
    record_event(
        session,
        org_id=org.id,
        name=_NAMES[change],
        entity_id=customer.id,
        data=data,
        api_request_id=request_id,
    )


def record_reminder(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    program: PartnerProgramDef,
    membership: PartnerMembership,
    request_id: str,
) -> None:
    """Write supplementaryMembershipExpiryReminder for a membership's current expiry."""
    assert membership.expires_at is not None
    data = expiry_reminder_data(
        customer_identifiers=load_customer_identifiers(session, customer),
        loyalty_program_id=loyalty_program_id(org, program),
        partner_program_id=program.partner_program_id,
        partner_program_name=program.name,
        scheduled_expiry_date=membership.expires_at.astimezone(org.zone).date(),
    )
    record_event(
        session,
        org_id=org.id,
        name=EventName.SUPPLEMENTARY_MEMBERSHIP_EXPIRY_REMINDER,
        entity_id=customer.id,
        data=data,
        api_request_id=request_id,
    )
