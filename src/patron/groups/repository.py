"""Queries of the groups domain."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from patron.groups.models import (
    Association,
    Company,
    GroupMember,
    Hierarchy,
    HierarchyRole,
    UserGroup,
)


def find_hierarchy(session: Session, org_id: int, code: str) -> Hierarchy | None:
    """Return the stored hierarchy ``code`` (exact spelling first, then any case)."""
    query = select(Hierarchy).where(Hierarchy.org_id == org_id)
    found = session.scalars(query.where(Hierarchy.code == code)).first()
    if found is not None:
        return found
    wanted = code.lower()
    return next((h for h in session.scalars(query) if h.code.lower() == wanted), None)


def get_hierarchy(session: Session, org_id: int, hierarchy_id: int) -> Hierarchy | None:
    """Return the stored hierarchy by id."""
    return session.scalars(
        select(Hierarchy).where(Hierarchy.org_id == org_id, Hierarchy.id == hierarchy_id)
    ).first()


def list_hierarchies(session: Session, org_id: int) -> list[Hierarchy]:
    """Return the org's stored hierarchies, oldest first."""
    query = select(Hierarchy).where(Hierarchy.org_id == org_id).order_by(Hierarchy.id)
    return list(session.scalars(query))


def list_roles(session: Session, hierarchy_id: int) -> list[HierarchyRole]:
    """Return a hierarchy's role rows."""
    query = select(HierarchyRole).where(HierarchyRole.hierarchy_id == hierarchy_id)
    return list(session.scalars(query.order_by(HierarchyRole.id)))


def find_company(session: Session, org_id: int, external_id: str) -> Company | None:
    """Return the company with ``external_id``."""
    return session.scalars(
        select(Company).where(Company.org_id == org_id, Company.external_id == external_id)
    ).first()


def get_company(session: Session, org_id: int, company_id: int) -> Company | None:
    """Return the company by id."""
    return session.scalars(
        select(Company).where(Company.org_id == org_id, Company.id == company_id)
    ).first()


def find_association(
    session: Session, org_id: int, customer_id: int, *, lock: bool = False
) -> Association | None:
    """Return the customer's association in a hierarchy (row-locked when ``lock``)."""
    query = select(Association).where(
        Association.org_id == org_id, Association.customer_id == customer_id
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def list_children(
    session: Session, org_id: int, parent_id: int, *, limit: int, offset: int, descending: bool
) -> list[Association]:
    """Return a page of the associations whose parent is ``parent_id``, by association id."""
    order = Association.id.desc() if descending else Association.id
    query = (
        select(Association)
        .where(Association.org_id == org_id, Association.parent_id == parent_id)
        .order_by(order)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def count_children(session: Session, org_id: int, parent_id: int) -> int:
    """Count the associations whose parent is ``parent_id``."""
    query = select(func.count(Association.id)).where(
        Association.org_id == org_id, Association.parent_id == parent_id
    )
    return int(session.scalar(query) or 0)


def get_group(
    session: Session, org_id: int, group_id: int, *, lock: bool = False
) -> UserGroup | None:
    """Return the user group by id (row-locked when ``lock``), deleted ones included."""
    query = select(UserGroup).where(UserGroup.org_id == org_id, UserGroup.id == group_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def find_group_by_external_id(
    session: Session, org_id: int, external_id: str, *, lock: bool = False
) -> UserGroup | None:
    """Return the user group with ``external_id`` (row-locked when ``lock``)."""
    query = select(UserGroup).where(
        UserGroup.org_id == org_id, UserGroup.external_id == external_id
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def find_group_of_owner(session: Session, org_id: int, owner_id: int) -> UserGroup | None:
    """Return the group an auto-grouping hierarchy created for ``owner_id``."""
    return session.scalars(
        select(UserGroup).where(UserGroup.org_id == org_id, UserGroup.owner_id == owner_id)
    ).first()


def take_place(session: Session, group_id: int) -> bool:
    """Count one more member unless the group is full; tell whether a place was taken.

    One conditional UPDATE, so two joins racing for the last place cannot both succeed.
    """
    result = session.execute(
        update(UserGroup)
        .where(UserGroup.id == group_id, UserGroup.member_count < UserGroup.max_size)
        .values(member_count=UserGroup.member_count + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def free_place(session: Session, group_id: int) -> None:
    """Count one member fewer."""
    session.execute(
        update(UserGroup)
        .where(UserGroup.id == group_id, UserGroup.member_count > 0)
        .values(member_count=UserGroup.member_count - 1)
        .execution_options(synchronize_session=False)
    )


def find_member(session: Session, group_id: int, customer_id: int) -> GroupMember | None:
    """Return the customer's membership of the group."""
    return session.scalars(
        select(GroupMember).where(
            GroupMember.group_id == group_id, GroupMember.customer_id == customer_id
        )
    ).first()


def find_primary(session: Session, group_id: int) -> GroupMember | None:
    """Return the group's primary member."""
    return session.scalars(
        select(GroupMember).where(GroupMember.group_id == group_id, GroupMember.is_primary)
    ).first()


def find_primary_membership(session: Session, org_id: int, customer_id: int) -> GroupMember | None:
    """Return the membership in which the customer is the primary member."""
    return session.scalars(
        select(GroupMember).where(
            GroupMember.org_id == org_id,
            GroupMember.customer_id == customer_id,
            GroupMember.is_primary,
        )
    ).first()


def list_members(session: Session, group_id: int) -> list[GroupMember]:
    """Return the group's members, the primary first, then by joining order."""
    query = (
        select(GroupMember)
        .where(GroupMember.group_id == group_id)
        .order_by(GroupMember.is_primary.desc(), GroupMember.id)
    )
    return list(session.scalars(query))


def list_memberships(session: Session, org_id: int, customer_id: int) -> list[GroupMember]:
    """Return the customer's memberships, the default group first."""
    query = (
        select(GroupMember)
        .where(GroupMember.org_id == org_id, GroupMember.customer_id == customer_id)
        .order_by(GroupMember.is_default.desc(), GroupMember.id)
    )
    return list(session.scalars(query))
