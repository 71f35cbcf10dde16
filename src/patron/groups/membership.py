"""User groups and their members: creating a group, finding one, joining, leaving, moving to
another group and member permissions.

Capacity is kept by ``user_groups.member_count`` (one conditional UPDATE per join, and a
``CHECK`` beyond it); a group's single primary member and a customer's single primary
membership are unique indexes. Each change writes its event in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import Conflict, Invalid, NotFound
from patron.events.catalogue import EventName
from patron.groups import repository
from patron.groups.events import member_block, record_group_event
from patron.groups.models import GroupMember, UserGroup
from patron.kit import clock
from patron.kit.ids import parse_id

INVALID_GROUP = 1619
NOT_A_MEMBER = 1620
ALREADY_MEMBER = 1623
PRIMARY_CANNOT_MOVE = 1624
INVALID_GROUP_ID = 1632
EXTERNAL_ID_EXISTS = 1633
REPEATED_IN_CALL = 1636
PRIMARY_EXISTS = 1637
GROUP_FULL = 1638
SIZE_NOT_POSITIVE = 1640
INVALID_PERMISSION = 1641
PRIMARY_ELSEWHERE = 1642

ACTIVE = "ACTIVE"
DELETED = "DELETED"
PRIMARY_ROLE = "PRIMARY"
MEMBER_ROLE = "MEMBER"
MAX_EXTERNAL_ID = 50
MAX_NAME = 50
# ``user_groups.max_size`` is a 32-bit integer.
MAX_GROUP_SIZE = 2**31 - 1

ALLOW_REDEMPTION = "allow_points_redemption"
ALLOW_TRANSFER = "allow_points_transfer"
BLOCK_REDEMPTION = "block_points_redemption"
BLOCK_TRANSFER = "block_points_transfer"
PERMISSIONS = (ALLOW_REDEMPTION, ALLOW_TRANSFER, BLOCK_REDEMPTION, BLOCK_TRANSFER)
# What a permission allows or blocks, in the order answers list them.
ACTIONS = ("points_redemption", "points_transfer")


@dataclass(frozen=True)
class GroupRef:
    """How a call names a group: its id, its external id, or its primary member's id."""

    group_id: str | int | None = None
    external_id: str | None = None
    primary_user_id: str | int | None = None

    @property
    def is_empty(self) -> bool:
        """Tell whether the call named no group at all."""
        return all(
            value is None or not str(value).strip()
            for value in (self.group_id, self.external_id, self.primary_user_id)
        )


def clean_permissions(values: Sequence[Any]) -> list[str]:
    """Return member permissions in their documented spelling, or refuse an unknown one (1641)."""
    out: list[str] = []
    for value in values:
        text = str(value).strip().lower() if isinstance(value, str) else None
        if text not in PERMISSIONS:
            raise Invalid(INVALID_PERMISSION, f"Invalid permission {value!r}")
        if text not in out:
            out.append(text)
    return out


def is_blocked(member: GroupMember, action: str) -> bool:
    """Tell whether ``member`` may not do ``action`` (``points_redemption``/``points_transfer``):
    the last of ``allow_<action>`` and ``block_<action>`` given wins."""
    blocked = False
    for permission in member.permissions or []:
        if permission == f"block_{action}":
            blocked = True
        elif permission == f"allow_{action}":
            blocked = False
    return blocked


def find_group(session: Session, org_id: int, ref: GroupRef, *, lock: bool = False) -> UserGroup:
    """Return the active group ``ref`` names: 1632 a malformed id, 1619 no such group."""
    group = find_any_group(session, org_id, ref, lock=lock)
    if group.status == DELETED:
        raise NotFound(INVALID_GROUP, "Invalid group: no such user group")
    return group


def find_any_group(
    session: Session, org_id: int, ref: GroupRef, *, lock: bool = False
) -> UserGroup:
    """Return the group ``ref`` names, deleted ones included: 1632 a malformed id, 1619 none."""
    group: UserGroup | None = None
    if ref.group_id is not None and str(ref.group_id).strip():
        group_id = parse_id(str(ref.group_id).strip())
        if group_id is None:
            raise Invalid(INVALID_GROUP_ID, f"Invalid group id {ref.group_id!r}")
        group = repository.get_group(session, org_id, group_id, lock=lock)
    elif ref.external_id is not None and ref.external_id.strip():
        group = repository.find_group_by_external_id(
            session, org_id, ref.external_id.strip(), lock=lock
        )
    elif ref.primary_user_id is not None and str(ref.primary_user_id).strip():
        user_id = parse_id(str(ref.primary_user_id).strip())
        primary = (
            repository.find_primary_membership(session, org_id, user_id)
            if user_id is not None
            else None
        )
        if primary is not None:
            group = repository.get_group(session, org_id, primary.group_id, lock=lock)
    else:
        raise Invalid(INVALID_GROUP, "Invalid group: id, externalId or primaryUserId is required")
    if group is None:
        raise NotFound(INVALID_GROUP, "Invalid group: no such user group")
    return group


def create_group(
    session: Session,
    principal: Principal,
    request_id: str,
    *,
    external_id: str,
    name: str,
    max_size: int,
    extended_fields: dict[str, Any] | None = None,
    primary: Customer | None = None,
    primary_role: str = PRIMARY_ROLE,
    hierarchy_id: int | None = None,
) -> UserGroup:
    """Create a group (its primary member joined when given) and write groupCreated.

    A group made for a hierarchy's aggregating customer (``hierarchy_id``) is owned by it.
    """
    external_id = external_id.strip()
    if not external_id or len(external_id) > MAX_EXTERNAL_ID:
        raise Invalid(400, f"Input is invalid: externalId is required, at most {MAX_EXTERNAL_ID}")
    if len(name) > MAX_NAME:
        raise Invalid(400, f"Input is invalid: groupName is longer than {MAX_NAME} characters")
    if max_size <= 0:
        raise Invalid(SIZE_NOT_POSITIVE, "Group size must be a positive number")
    if repository.find_group_by_external_id(session, principal.org_id, external_id):
        raise Conflict(EXTERNAL_ID_EXISTS, f"Group externalId {external_id} already exists")
    now = clock.now()
    group = UserGroup(
        org_id=principal.org_id,
        external_id=external_id,
        name=name,
        max_size=max_size,
        member_count=0,
        status=ACTIVE,
        extended_fields=extended_fields or {},
        hierarchy_id=hierarchy_id,
        owner_id=primary.id if primary is not None and hierarchy_id is not None else None,
        created_by=principal.till_id,
        created_at=now,
        updated_by=principal.till_id,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(group)
            session.flush()
    except IntegrityError:
        raise Conflict(
            EXTERNAL_ID_EXISTS, f"Group externalId {external_id} already exists"
        ) from None
    if primary is not None:
        _insert_member(session, principal, group, primary, True, [], primary_role)
    record_group_event(session, principal, group, EventName.GROUP_CREATED, request_id)
    return group


def join_group(
    session: Session,
    principal: Principal,
    group: UserGroup,
    customer: Customer,
    request_id: str,
    *,
    is_primary: bool = False,
    permissions: Sequence[str] = (),
    role: str | None = None,
) -> GroupMember:
    """Add a member (one primary per group, never changed) and write groupMemberAdded.

    1623 already a member, 1637 the group has a primary, 1642 the customer is the primary of
    another group, 1638 the group is full.
    """
    if group.status != ACTIVE:
        raise NotFound(INVALID_GROUP, "Invalid group: the user group is not active")
    if repository.find_member(session, group.id, customer.id) is not None:
        raise Conflict(ALREADY_MEMBER, f"Customer {customer.id} is already a member of the group")
    if is_primary:
        if repository.find_primary(session, group.id) is not None:
            raise Conflict(PRIMARY_EXISTS, "The group has a primary member already")
        if repository.find_primary_membership(session, principal.org_id, customer.id):
            raise Conflict(
                PRIMARY_ELSEWHERE, f"Customer {customer.id} is the primary member of another group"
            )
    chosen = role or (PRIMARY_ROLE if is_primary else MEMBER_ROLE)
    member = _insert_member(
        session, principal, group, customer, is_primary, list(permissions), chosen
    )
    record_group_event(
        session,
        principal,
        group,
        EventName.GROUP_MEMBER_ADDED,
        request_id,
        member_added=member_block(session, principal, member),
    )
    return member


def _insert_member(
    session: Session,
    principal: Principal,
    group: UserGroup,
    customer: Customer,
    is_primary: bool,
    permissions: list[str],
    role: str,
) -> GroupMember:
    """Take a place and add the member row; a concurrent join decides through the indexes."""
    member = GroupMember(
        org_id=principal.org_id,
        group_id=group.id,
        customer_id=customer.id,
        is_primary=is_primary,
        role=role,
        permissions=permissions,
        is_default=not repository.list_memberships(session, principal.org_id, customer.id),
        joined_by=principal.till_id,
        joined_at=clock.now(),
    )
    try:
        with session.begin_nested():
            if not repository.take_place(session, group.id):
                raise Conflict(GROUP_FULL, "The group has reached its maximum size")
            session.add(member)
            session.flush()
    except IntegrityError:
        if is_primary and repository.find_primary(session, group.id) is not None:
            raise Conflict(PRIMARY_EXISTS, "The group has a primary member already") from None
        if is_primary:
            raise Conflict(
                PRIMARY_ELSEWHERE, f"Customer {customer.id} is the primary member of another group"
            ) from None
        raise Conflict(
            ALREADY_MEMBER, f"Customer {customer.id} is already a member of the group"
        ) from None
    session.refresh(group)
    return member


def leave_group(
    session: Session,
    principal: Principal,
    group: UserGroup,
    customer_id: int,
    request_id: str,
    *,
    allow_primary: bool = False,
) -> dict[str, Any]:
    """Remove a member and write groupMemberRemoved; return the member as the event shows it.

    1620 not a member; the primary member stays (1624) unless ``allow_primary`` (a customer
    whose personal data is deleted leaves every group).
    """
    member = repository.find_member(session, group.id, customer_id)
    if member is None:
        raise NotFound(NOT_A_MEMBER, f"Customer {customer_id} is not a member of the group")
    if member.is_primary and not allow_primary:
        raise Conflict(PRIMARY_CANNOT_MOVE, "The primary member cannot leave or move")
    block = member_block(session, principal, member)
    session.delete(member)
    session.flush()
    repository.free_place(session, group.id)
    session.refresh(group)
    keep_a_default(session, principal.org_id, customer_id)
    record_group_event(
        session, principal, group, EventName.GROUP_MEMBER_REMOVED, request_id, member_removed=block
    )
    return block


def keep_a_default(session: Session, org_id: int, customer_id: int) -> None:
    """Make the customer's oldest membership its default group when it left its default one."""
    memberships = repository.list_memberships(session, org_id, customer_id)
    if memberships and not any(m.is_default for m in memberships):
        min(memberships, key=lambda m: m.id).is_default = True
        session.flush()


def move_member(
    session: Session,
    principal: Principal,
    leave: UserGroup,
    join: UserGroup,
    customer: Customer,
    request_id: str,
) -> GroupMember:
    """Move a member from ``leave`` to ``join`` with its role and permissions, writing
    groupMemberRemoved then groupMemberAdded.

    1620 not a member of ``leave``, 1624 its primary member, 1623 already in ``join``, 1638
    ``join`` is full. The caller locks both groups and runs this in a savepoint, so a join that
    fails leaves the member where it was.
    """
    member = repository.find_member(session, leave.id, customer.id)
    if member is None:
        raise NotFound(NOT_A_MEMBER, f"Customer {customer.id} is not a member of the group")
    if member.is_primary:
        raise Conflict(PRIMARY_CANNOT_MOVE, "The primary member cannot leave or move")
    if join.status != ACTIVE:
        raise NotFound(INVALID_GROUP, "Invalid group: the user group is not active")
    if repository.find_member(session, join.id, customer.id) is not None:
        raise Conflict(ALREADY_MEMBER, f"Customer {customer.id} is already a member of the group")
    if join.member_count >= join.max_size:
        raise Conflict(GROUP_FULL, "The group has reached its maximum size")
    role, permissions = member.role, list(member.permissions or [])
    leave_group(session, principal, leave, customer.id, request_id)
    return join_group(
        session, principal, join, customer, request_id, permissions=permissions, role=role
    )


def merge_permissions(current: Sequence[str], given: Sequence[str]) -> list[str]:
    """Return ``current`` changed by ``given``: per action (redemption, transfer) the last
    ``allow_``/``block_`` given wins, and an action ``given`` does not name keeps its setting."""
    chosen: dict[str, str] = {}
    for permission in [*current, *given]:
        if permission in PERMISSIONS:
            chosen[permission.split("_", 1)[1]] = permission
    return [chosen[action] for action in ACTIONS if action in chosen]


def change_permissions(session: Session, member: GroupMember, given: Sequence[str]) -> None:
    """Apply cleaned permissions to a member (see ``merge_permissions``)."""
    member.permissions = merge_permissions(member.permissions or [], given)
    session.flush()
