"""Auto group creation: in a hierarchy with ``autoGroupCreationEnabled``, a customer associated
in the points-aggregation role gets a user group of its own, and every customer associated
below it (children, grandchildren…) is a member of that group.

The group is made by ``patron.groups.membership.create_group`` (groupCreated) with its owner as
the primary member; members join and leave through ``join_group`` / ``leave_group``
(groupMemberAdded, groupMemberRemoved), so every change writes its event.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import customer_names, get_customer
from patron.customers.models import Customer
from patron.groups import repository
from patron.groups.hierarchies import StoredHierarchy
from patron.groups.membership import (
    ACTIVE,
    BLOCK_REDEMPTION,
    BLOCK_TRANSFER,
    MAX_EXTERNAL_ID,
    MAX_NAME,
    create_group,
    join_group,
    leave_group,
)
from patron.groups.models import Association, UserGroup
from patron.orgs.hierarchies import PermissionCode, RoleDef

# The size of a group whose members' roles set no maxChild somewhere below its owner.
DEFAULT_GROUP_SIZE = 1000
MAX_GROUP_SIZE = 1_000_000
# More levels than a hierarchy may have: a walk up or down stops there whatever the data says.
MAX_DEPTH = 8
_PAGE = 500


def group_size(hierarchy: StoredHierarchy, owner_role: RoleDef) -> int:
    """Return how many members the owner's group holds: the owner and as many customers as
    the roles' ``maxChild`` allow below it (``DEFAULT_GROUP_SIZE`` when one sets no limit)."""
    size, width = 1, 1
    role: RoleDef | None = owner_role
    for _ in range(MAX_DEPTH):
        if role is None or not role.child_role_code:
            break
        if role.max_child is None:
            return DEFAULT_GROUP_SIZE
        width *= role.max_child
        size += width
        role = hierarchy.role(role.child_role_code)
    return min(size, MAX_GROUP_SIZE)


def member_permissions(role: RoleDef) -> list[str]:
    """Return the permissions a member of ``role`` joins with: its role's blocks."""
    out = []
    if role.allows(PermissionCode.BLOCK_POINTS_REDEMPTION):
        out.append(BLOCK_REDEMPTION)
    if role.allows(PermissionCode.BLOCK_POINTS_TRANSFER):
        out.append(BLOCK_TRANSFER)
    return out


def settle_groups(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    association: Association,
    request_id: str,
    *,
    with_descendants: bool = False,
) -> UserGroup | None:
    """Bring the customer's auto group memberships in line with its place in the hierarchy.

    An aggregating customer gets its group (created when it has none); any other joins the
    group of its nearest aggregating ancestor and leaves the auto groups of the hierarchy it
    no longer belongs to. ``with_descendants`` does the same for everyone below it (after a
    move). Return the group the customer is in, or None.
    """
    if not hierarchy.definition.auto_group_creation_enabled:
        return None
    role = hierarchy.role_of_id(association.role_id)
    if role is None:
        return None
    customer = get_customer(session, principal.org_id, association.customer_id)
    if role.points_aggregation_role:
        group, created = _own_group(session, principal, hierarchy, customer, role, request_id)
        if created or with_descendants:
            _settle_below(session, principal, hierarchy, association, request_id)
        return group
    target = _ancestor_group(session, principal, association)
    _leave_other_auto_groups(session, principal, hierarchy, customer.id, target, request_id)
    if target is not None and repository.find_member(session, target.id, customer.id) is None:
        join_group(
            session,
            principal,
            target,
            customer,
            request_id,
            permissions=member_permissions(role),
            role=role.code,
        )
    if with_descendants:
        _settle_below(session, principal, hierarchy, association, request_id)
    return target


def _own_group(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    owner: Customer,
    role: RoleDef,
    request_id: str,
) -> tuple[UserGroup, bool]:
    group = repository.find_group_of_owner(session, principal.org_id, owner.id)
    if group is not None:
        return group, False
    first, last = customer_names(session, {owner.id})[owner.id]
    name = f"{first} {last}".strip() or hierarchy.definition.name or hierarchy.code
    group = create_group(
        session,
        principal,
        request_id,
        external_id=_free_external_id(session, principal.org_id, hierarchy.code, owner.id),
        name=name[:MAX_NAME],
        max_size=group_size(hierarchy, role),
        primary=owner,
        primary_role=role.code,
        hierarchy_id=hierarchy.id,
    )
    return group, True


def _free_external_id(session: Session, org_id: int, code: str, owner_id: int) -> str:
    """Return ``<hierarchyCode>-<customerId>`` (numbered when a group already has it)."""
    for attempt in range(1, 100):
        suffix = f"-{owner_id}" if attempt == 1 else f"-{owner_id}-{attempt}"
        wanted = code[: MAX_EXTERNAL_ID - len(suffix)] + suffix
        if repository.find_group_by_external_id(session, org_id, wanted) is None:
            return wanted
    return f"{owner_id}"[:MAX_EXTERNAL_ID]


def _ancestor_group(
    session: Session, principal: Principal, association: Association
) -> UserGroup | None:
    """Return the active group of the customer's nearest ancestor that owns one."""
    parent_id = association.parent_id
    for _ in range(MAX_DEPTH):
        if parent_id is None:
            return None
        group = repository.find_group_of_owner(session, principal.org_id, parent_id)
        if group is not None:
            return group if group.status == ACTIVE else None
        above = repository.find_association(session, principal.org_id, parent_id)
        parent_id = above.parent_id if above is not None else None
    return None


def _leave_other_auto_groups(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    customer_id: int,
    keep: UserGroup | None,
    request_id: str,
) -> None:
    for member in repository.list_memberships(session, principal.org_id, customer_id):
        if member.is_primary or (keep is not None and member.group_id == keep.id):
            continue
        group = repository.get_group(session, principal.org_id, member.group_id, lock=True)
        if group is None or group.hierarchy_id != hierarchy.id or group.owner_id is None:
            continue
        leave_group(session, principal, group, customer_id, request_id)


def _settle_below(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    top: Association,
    request_id: str,
) -> None:
    """Settle everyone below ``top``, level by level."""
    level = [top.customer_id]
    for _ in range(MAX_DEPTH):
        below: list[Association] = []
        for parent_id in level:
            offset = 0
            while True:
                page = repository.list_children(
                    session,
                    principal.org_id,
                    parent_id,
                    limit=_PAGE,
                    offset=offset,
                    descending=False,
                )
                below.extend(page)
                if len(page) < _PAGE:
                    break
                offset += _PAGE
        if not below:
            return
        for child in below:
            settle_groups(session, principal, hierarchy, child, request_id)
        level = [child.customer_id for child in below]
