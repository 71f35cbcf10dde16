"""Keeping groups consistent when customers merge or have their personal data deleted.

A merged victim's memberships, association, children and owned group move to the survivor;
where the survivor has its own already, the survivor's stays and the victim's goes (a victim
that was a group's primary member makes the survivor primary when it can be). A customer whose
personal data is deleted leaves every group, each with groupMemberRemoved.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from patron.auth.service import principal_of_till
from patron.customers.lookup import get_customer
from patron.groups import repository
from patron.groups.membership import MEMBER_ROLE, PRIMARY_ROLE, keep_a_default, leave_group
from patron.groups.models import Association, GroupMember, UserGroup
from patron.kit.blobs import BlobStore


def move_groups(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Move the victim's memberships, association, children and owned group to the survivor."""
    survivor_primary = repository.find_primary_membership(session, org_id, survivor_id)
    has_default = any(
        m.is_default for m in repository.list_memberships(session, org_id, survivor_id)
    )
    for member in repository.list_memberships(session, org_id, victim_id):
        kept = repository.find_member(session, member.group_id, survivor_id)
        if kept is None:
            member.customer_id = survivor_id
            if member.is_default and has_default:
                member.is_default = False
            has_default = has_default or member.is_default
            if member.is_primary and survivor_primary is not None:
                member.is_primary = False
                if member.role == PRIMARY_ROLE:
                    member.role = MEMBER_ROLE
            elif member.is_primary:
                survivor_primary = member
            session.flush()
            continue
        promote = member.is_primary and survivor_primary is None
        # The victim's row goes first: a group has one primary member at any moment.
        session.delete(member)
        session.flush()
        repository.free_place(session, member.group_id)
        if promote:
            kept.is_primary = True
            kept.role = member.role
            survivor_primary = kept
            session.flush()
    keep_a_default(session, org_id, survivor_id)
    _move_association(session, org_id, victim_id, survivor_id)
    session.execute(
        update(Association)
        .where(Association.org_id == org_id, Association.parent_id == victim_id)
        .values(parent_id=survivor_id)
        .execution_options(synchronize_session=False)
    )
    if repository.find_group_of_owner(session, org_id, survivor_id) is None:
        session.execute(
            update(UserGroup)
            .where(UserGroup.org_id == org_id, UserGroup.owner_id == victim_id)
            .values(owner_id=survivor_id)
            .execution_options(synchronize_session=False)
        )
    session.flush()


def _move_association(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    association = repository.find_association(session, org_id, victim_id, lock=True)
    if association is None:
        return
    if repository.find_association(session, org_id, survivor_id) is None:
        association.customer_id = survivor_id
        if association.parent_id == survivor_id:
            association.parent_id = None
    else:
        session.delete(association)
    session.flush()


def leave_all_groups(session: Session, org_id: int, customer_id: int, _: BlobStore) -> None:
    """Take a customer whose personal data is deleted out of every group, with its events.

    Runs before the customer's identifiers are scrubbed, so each event still says who left.
    """
    customer = get_customer(session, org_id, customer_id)
    principal = principal_of_till(session, customer.deletion_requested_by or 0, active_only=False)
    memberships: list[GroupMember] = repository.list_memberships(session, org_id, customer_id)
    for member in memberships:
        if principal is None:
            # The requesting till is gone: nobody to attribute an event to, but the place frees.
            session.delete(member)
            session.flush()
            repository.free_place(session, member.group_id)
            continue
        group = repository.get_group(session, org_id, member.group_id, lock=True)
        assert group is not None
        leave_group(session, principal, group, customer_id, "", allow_primary=True)
