"""The five group events, written in the unit of work of the change they report.

groupCreated ← a group is created (API or auto); groupUpdated ← it is updated or deleted;
groupMemberAdded ← a join (and the join leg of a transfer); groupMemberRemoved ← a leave (and
the leave leg, and a customer's PII deletion); pointsContributionToGroup ← a member's activity
credits the group. Every event's ``refId`` is ``<orgId>_<groupId>``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.events import entered_by, load_customer_identifiers
from patron.customers.lookup import get_customer
from patron.events.catalogue import EventName
from patron.events.outbox import record_event
from patron.events.payloads.group import group_event_data, group_member
from patron.groups import repository
from patron.groups.models import GroupMember, UserGroup
from patron.kit import clock


def member_block(session: Session, principal: Principal, member: GroupMember) -> dict[str, Any]:
    """Render a member as events show it: names, role and identifiers by source."""
    customer = get_customer(session, principal.org_id, member.customer_id)
    identifiers = load_customer_identifiers(session, customer)
    return group_member(identifiers["firstName"], identifiers["lastName"], member.role, identifiers)


def primary_block(
    session: Session, principal: Principal, group: UserGroup
) -> dict[str, Any] | None:
    """Render the group's primary member, or None while it has none."""
    primary = repository.find_primary(session, group.id)
    return member_block(session, principal, primary) if primary is not None else None


def record_group_event(
    session: Session,
    principal: Principal,
    group: UserGroup,
    name: EventName,
    request_id: str,
    *,
    member_added: dict[str, Any] | None = None,
    member_removed: dict[str, Any] | None = None,
) -> None:
    """Write groupCreated, groupUpdated, groupMemberAdded or groupMemberRemoved for ``group``."""
    data = group_event_data(
        group_id=group.id,
        group_name=group.name,
        primary_member=primary_block(session, principal, group),
        entered_by=entered_by(principal),
        changed_at=clock.now(),
        member_added=member_added,
        member_removed=member_removed,
    )
    record_event(
        session,
        org_id=principal.org_id,
        name=name,
        entity_id=group.id,
        data=data,
        api_request_id=request_id,
    )
