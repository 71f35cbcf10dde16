"""pointsContributionToGroup: written in the unit of work of the bill whose points a member
contributed to its group (``refId`` ``<orgId>_<groupId>``, entity id the group id)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.customers.events import entered_by
from patron.events.catalogue import EventName
from patron.events.outbox import record_event
from patron.events.payloads.group import (
    contribution_activity,
    loyalty_program_details,
    points_contribution_data,
)
from patron.groups import repository
from patron.groups.events import member_block, primary_block
from patron.kit.context import current_request_id
from patron.loyalty.pooling import Contribution
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

TRANSACTION_ADD = "TRANSACTION_ADD"
TRANSACTION = "TRANSACTION"


def program_block(org: OrgConfig, program: Program) -> dict[str, Any]:
    """Render the program the points were earned in, with its tiers."""
    default = org.default_program
    return loyalty_program_details(
        program_id=program.program_id,
        name=program.name,
        is_default=default is not None and default.program_id == program.program_id,
        points_to_currency_ratio=float(program.points_to_currency_ratio),
        tiers=[(tier.serial_number, tier.name) for tier in program.tiers],
    )


def record_contribution(session: Session, contribution: Contribution) -> None:
    """Write pointsContributionToGroup for a bill that credited the member's group."""
    principal, bill = contribution.principal, contribution.bill
    group = repository.get_group(session, principal.org_id, contribution.group_id)
    member = repository.find_member(session, contribution.group_id, contribution.customer_id)
    if group is None or member is None:
        return
    activity = contribution_activity(
        name=TRANSACTION_ADD,
        identifiers={"billNumber": bill.bill_number},
        entered_by=entered_by(principal),
        entity_type=TRANSACTION,
        entity_id=bill.id,
        additional_attributes={"billAmount": float(bill.amount), "source": bill.source},
    )
    data = points_contribution_data(
        group_id=group.id,
        group_name=group.name,
        primary_member=primary_block(session, principal, group),
        contributing_member=member_block(session, principal, member),
        activity=activity,
        program=program_block(principal.org, contribution.program),
        points=float(contribution.points),
    )
    record_event(
        session,
        org_id=principal.org_id,
        name=EventName.POINTS_CONTRIBUTION_TO_GROUP,
        entity_id=group.id,
        data=data,
        api_request_id=current_request_id(),
    )
