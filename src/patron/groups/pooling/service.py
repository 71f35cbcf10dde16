"""Group loyalty rules: which group a member's bill earns for, whether a membership blocks
redemption or transfer, which group a request names, and the group's loyalty details.

The loyalty domain asks through ``patron.loyalty.pooling``; ``patron.wiring`` registers the
functions of this module there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import NotFound, PatronError
from patron.groups import repository
from patron.groups.hierarchies import get_hierarchy
from patron.groups.membership import (
    ACTIVE,
    INVALID_GROUP,
    NOT_A_MEMBER,
    GroupRef,
    find_group,
    is_blocked,
)
from patron.groups.models import GroupMember, UserGroup
from patron.groups.pooling import repository as pooling_repository
from patron.loyalty.pooling import Action, GroupEarning, GroupTags, GroupTarget
from patron.loyalty.views import group_loyalty_details
from patron.orgs.config import OrgConfig
from patron.orgs.hierarchies import PermissionCode


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def group_ref(tags: GroupTags) -> GroupRef:
    """Return the groups domain's reference of the group ``tags`` name."""
    return GroupRef(
        group_id=_text(tags.group_id),
        external_id=_text(tags.external_id),
        primary_user_id=_text(tags.primary_user_id),
    )


def active_group(session: Session, org_id: int, ref: GroupRef) -> UserGroup:
    """Return the group ``ref`` names if it is active: 1632 a malformed id, 1619 no such group
    or one that is not active."""
    group = find_group(session, org_id, ref)
    if group.status != ACTIVE:
        raise NotFound(INVALID_GROUP, "Invalid group: the user group is not active")
    return group


def may_earn(session: Session, org: OrgConfig, group: UserGroup, member: GroupMember) -> bool:
    """Tell whether the member earns for the group: in a hierarchy's group, unless its role
    sets ``earn_points`` false; in any other group, always."""
    if group.hierarchy_id is None:
        return True
    hierarchy = get_hierarchy(session, org, group.hierarchy_id)
    role = hierarchy.role(member.role)
    return role is None or role.allows(PermissionCode.EARN_POINTS)


def resolve_earning(
    session: Session, principal: Principal, customer: Customer, tags: GroupTags
) -> GroupEarning | None:
    """Return the group the customer's bill earns for: the group the tags name (1632
    malformed id, 1619 no such active group, 1620 the customer is not a member), else the
    points-pooling group the customer belongs to, else None."""
    org = principal.org
    if not tags.is_empty:
        group = active_group(session, org.id, group_ref(tags))
        member = repository.find_member(session, group.id, customer.id)
        if member is None:
            raise NotFound(
                NOT_A_MEMBER, f"Customer {customer.id} is not a member of user group {group.id}"
            )
    else:
        found = pooling_repository.find_pooling_membership(session, org.id, customer.id)
        if found is None:
            return None
        member, group = found
    return GroupEarning(group_id=group.id, may_earn=may_earn(session, org, group, member))


def is_member_blocked(session: Session, org: OrgConfig, customer_id: int, action: Action) -> bool:
    """Tell whether a membership of an active group blocks the customer's ``action``."""
    memberships = pooling_repository.list_active_memberships(session, org.id, customer_id)
    return any(is_blocked(member, action.value) for member in memberships)


def find_target(session: Session, org: OrgConfig, tags: GroupTags) -> GroupTarget | None:
    """Return the active group ``tags`` name with the member its requests are filed under, or
    None when they name none."""
    try:
        group = active_group(session, org.id, group_ref(tags))
    except PatronError:
        return None
    return GroupTarget(group.id, pooling_repository.first_member_id(session, group.id))


def group_loyalty(
    session: Session, principal: Principal, ref: GroupRef, program_id: int | None
) -> dict[str, Any]:
    """Return a group's loyalty details: per program, the group's id, externalId and name and
    its points, purchases and tier as a customer's ``loyaltyDetails`` shows them."""
    org = principal.org
    group = find_group(session, org.id, ref)
    header = {"groupId": group.id, "externalId": group.external_id, "groupName": group.name}
    items = group_loyalty_details(session, org, group.id, program_id)
    return {"data": [header | item for item in items], "warnings": [], "errors": []}
