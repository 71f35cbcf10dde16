"""Member calls of ``/v2/userGroup2``: join, leave, transfer and permissions.

Join, transfer and permissions take a list and answer one item per member, in order; each
member is written in a savepoint of its own, so one that fails undoes nothing of the others.
The group (both groups of a transfer, the smaller id first) is locked before any member is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import get_customer
from patron.errors import Conflict, Invalid, NotFound, PatronError
from patron.groups import repository
from patron.groups.membership import (
    INVALID_GROUP_ID,
    NOT_A_MEMBER,
    REPEATED_IN_CALL,
    GroupRef,
    change_permissions,
    clean_permissions,
    find_group,
    join_group,
    leave_group,
    merge_permissions,
    move_member,
)
from patron.groups.models import GroupMember, UserGroup
from patron.groups.usergroups.schemas import JoinIn, PermissionsIn, TransferIn
from patron.groups.usergroups.service import Lookup, find_customer
from patron.groups.usergroups.views import membership_item, render_membership
from patron.kit.ids import parse_id

INVALID_INPUT = 400
Item = TypeVar("Item")


def _failure(error: PatronError) -> dict[str, Any]:
    return {
        "entityId": None,
        "result": None,
        "warnings": [w.as_dict() for w in error.warnings],
        "errors": [error.notice.as_dict()],
    }


def _each(
    session: Session,
    principal: Principal,
    items: Sequence[Item],
    user_of: Callable[[Item], int],
    write: Callable[[Item], tuple[GroupMember, UserGroup]],
) -> tuple[dict[str, Any], bool]:
    """Run ``write`` for each item in a savepoint; return the answer and whether any succeeded.

    A user given again in the same call answers 1636.
    """
    seen: set[int] = set()
    results: list[dict[str, Any]] = []
    for item in items:
        user_id = user_of(item)
        try:
            if user_id in seen:
                raise Conflict(REPEATED_IN_CALL, f"Customer {user_id} is given more than once")
            seen.add(user_id)
            with session.begin_nested():
                member, group = write(item)
        except PatronError as error:
            results.append(_failure(error))
            continue
        results.append(membership_item(principal.org, member, group))
    failures = sum(1 for r in results if r["errors"])
    answer = {"response": results, "totalCount": len(results), "failureCount": failures}
    return answer, failures < len(results)


def join(
    session: Session,
    principal: Principal,
    ref: GroupRef,
    items: Sequence[JoinIn],
    request_id: str,
) -> tuple[dict[str, Any], bool]:
    """Add each customer to the group (1623, 1637, 1638, 1641, 1642, 8015, 8069 per item)."""
    group = find_group(session, principal.org_id, ref, lock=True)

    def write(item: JoinIn) -> tuple[GroupMember, UserGroup]:
        permissions = merge_permissions([], clean_permissions(item.permissions))
        customer = get_customer(session, principal.org_id, item.user_id)
        member = join_group(
            session,
            principal,
            group,
            customer,
            request_id,
            is_primary=item.primary_member,
            permissions=permissions,
        )
        return member, group

    return _each(session, principal, items, _user_of, write)


def _user_of(item: JoinIn | PermissionsIn) -> int:
    return item.user_id


def leave(
    session: Session, principal: Principal, group_id: str, lookup: Lookup, request_id: str
) -> dict[str, Any]:
    """Take the customer out of the group: 1620 not a member, 1624 the primary member."""
    group = find_group(session, principal.org_id, GroupRef(group_id=group_id), lock=True)
    customer = find_customer(session, principal.org, lookup)
    member = repository.find_member(session, group.id, customer.id)
    if member is None:
        raise NotFound(NOT_A_MEMBER, f"Customer {customer.id} is not a member of the group")
    entity = render_membership(member, active=False)
    leave_group(session, principal, group, customer.id, request_id)
    return {"entity": entity, "warnings": []}


def transfer(
    session: Session, principal: Principal, body: TransferIn, request_id: str
) -> tuple[dict[str, Any], bool]:
    """Move each customer from one group to the other (1620, 1623, 1624, 1638 per item)."""
    for value in (body.leave_group_id, body.join_group_id):
        if parse_id(value) is None:
            raise Invalid(INVALID_GROUP_ID, f"Invalid group id {value!r}")
    if body.leave_group_id == body.join_group_id:
        raise Invalid(INVALID_INPUT, "Input is invalid: leaveGroupId and joinGroupId are the same")
    locked = {
        group_id: find_group(session, principal.org_id, GroupRef(group_id=group_id), lock=True)
        for group_id in sorted((body.leave_group_id, body.join_group_id))
    }
    source, target = locked[body.leave_group_id], locked[body.join_group_id]

    def write(user_id: int) -> tuple[GroupMember, UserGroup]:
        customer = get_customer(session, principal.org_id, user_id)
        return move_member(session, principal, source, target, customer, request_id), target

    return _each(session, principal, body.user_ids, int, write)


def set_permissions(
    session: Session, principal: Principal, ref: GroupRef, items: Sequence[PermissionsIn]
) -> tuple[dict[str, Any], bool]:
    """Change members' permissions (1620 not a member, 1641 an unknown permission per item)."""
    group = find_group(session, principal.org_id, ref, lock=True)

    def write(item: PermissionsIn) -> tuple[GroupMember, UserGroup]:
        given = clean_permissions(item.permissions)
        customer = get_customer(session, principal.org_id, item.user_id)
        member = repository.find_member(session, group.id, customer.id)
        if member is None:
            raise NotFound(NOT_A_MEMBER, f"Customer {customer.id} is not a member of the group")
        change_permissions(session, member, given)
        return member, group

    return _each(session, principal, items, _user_of, write)
