"""Queries of group loyalty: the group a member pools into, and memberships that may block."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from patron.groups.membership import ACTIVE
from patron.groups.models import GroupMember, UserGroup


def find_pooling_membership(
    session: Session, org_id: int, customer_id: int
) -> tuple[GroupMember, UserGroup] | None:
    """Return the customer's membership of an active group made by a points-pooling
    hierarchy (``hierarchy_id`` set), with the group; the default membership first."""
    query = (
        select(GroupMember, UserGroup)
        .join(UserGroup, UserGroup.id == GroupMember.group_id)
        .where(
            GroupMember.org_id == org_id,
            GroupMember.customer_id == customer_id,
            UserGroup.hierarchy_id.is_not(None),
            UserGroup.status == ACTIVE,
        )
        .order_by(GroupMember.is_default.desc(), GroupMember.id)
        .limit(1)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row is not None else None


def list_active_memberships(session: Session, org_id: int, customer_id: int) -> list[GroupMember]:
    """Return the customer's memberships of active groups."""
    query = (
        select(GroupMember)
        .join(UserGroup, UserGroup.id == GroupMember.group_id)
        .where(
            GroupMember.org_id == org_id,
            GroupMember.customer_id == customer_id,
            UserGroup.status == ACTIVE,
        )
        .order_by(GroupMember.id)
    )
    return list(session.scalars(query))


def first_member_id(session: Session, group_id: int) -> int | None:
    """Return the customer id of the group's primary member, else of its earliest member."""
    query = (
        select(GroupMember.customer_id)
        .where(GroupMember.group_id == group_id)
        .order_by(GroupMember.is_primary.desc(), GroupMember.id)
        .limit(1)
    )
    found = session.scalar(query)
    return int(found) if found is not None else None
