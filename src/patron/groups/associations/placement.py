"""Placing a customer in a hierarchy: its role, its parent and its company.

A customer has one association. Its hierarchy never changes (1626) nor does its role (1627);
its parent and company may. A parent must be associated in the same hierarchy in the role
right above (or, with ``skipRoleAllowed``, any role above) the customer's (1625), and may have
at most its role's ``maxChild`` children (1607; the parent's association row is locked while
they are counted, so two associations racing for the last place cannot both take it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import Conflict, Invalid
from patron.groups import repository
from patron.groups.associations.autogroups import settle_groups
from patron.groups.associations.roles import may_be_below, parent_role
from patron.groups.hierarchies import StoredHierarchy
from patron.groups.models import Association, Company
from patron.kit import clock
from patron.orgs.hierarchies import RoleDef

MAX_CHILDREN_REACHED = 1607
PARENT_NOT_MAPPED = 1625
OTHER_HIERARCHY = 1626
ROLE_FIXED = 1627


@dataclass
class Placed:
    """A customer's association after a call, and whether the call created it."""

    association: Association
    role: RoleDef
    created: bool


def place(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    customer: Customer,
    role: RoleDef,
    request_id: str,
    *,
    parent: Customer | None = None,
    company: Company | None = None,
) -> Placed:
    """Associate ``customer`` in ``role`` (below ``parent``, with ``company``), or update its
    association; then settle its auto group memberships.

    A customer given no company takes its parent's when it is first associated.
    """
    org_id = principal.org_id
    current = repository.find_association(session, org_id, customer.id, lock=True)
    if current is not None:
        _refuse_change(hierarchy, current, role, customer)
    parent_row = None
    if parent is not None and (current is None or current.parent_id != parent.id):
        parent_row = _check_parent(session, principal, hierarchy, customer, role, parent)
    now = clock.now()
    if current is None:
        inherited = parent_row.company_id if parent_row is not None else None
        association = Association(
            org_id=org_id,
            customer_id=customer.id,
            hierarchy_id=hierarchy.id,
            role_id=hierarchy.role_id(role),
            parent_id=parent.id if parent is not None else None,
            company_id=company.id if company is not None else inherited,
            created_by=principal.till_id,
            created_at=now,
            updated_at=now,
        )
        _insert(session, association, customer)
        settle_groups(session, principal, hierarchy, association, request_id)
        return Placed(association, role, created=True)
    moved = parent_row is not None
    if moved:
        assert parent is not None
        current.parent_id = parent.id
    if company is not None and company.id != current.company_id:
        current.company_id = company.id
        current.updated_at = now
    if moved:
        current.updated_at = now
    session.flush()
    settle_groups(session, principal, hierarchy, current, request_id, with_descendants=moved)
    return Placed(current, role, created=False)


def place_parent(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    parent: Customer,
    role: RoleDef,
    request_id: str,
    *,
    company: Company | None,
) -> None:
    """Associate a named parent of a customer of ``role`` in the role above, unless it is
    associated already (the customer's own placement then checks it: 1625)."""
    above = parent_role(hierarchy, role)
    if above is None:
        raise Invalid(
            PARENT_NOT_MAPPED,
            f"Parent is not mapped in the hierarchy: {role.code} is the top role of "
            f"{hierarchy.code} and has no parent",
        )
    if repository.find_association(session, principal.org_id, parent.id) is None:
        place(session, principal, hierarchy, parent, above, request_id, company=company)


def _refuse_change(
    hierarchy: StoredHierarchy, current: Association, role: RoleDef, customer: Customer
) -> None:
    if current.hierarchy_id != hierarchy.id:
        raise Conflict(
            OTHER_HIERARCHY,
            f"Customer {customer.id} is already associated with another hierarchy",
        )
    if current.role_id != hierarchy.role_id(role):
        held = hierarchy.role_of_id(current.role_id)
        raise Conflict(
            ROLE_FIXED,
            f"The role of customer {customer.id} cannot change: it is "
            f"{held.code if held else current.role_id}, not {role.code}",
        )


def _check_parent(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    customer: Customer,
    role: RoleDef,
    parent: Customer,
) -> Association:
    """Check ``parent`` may take ``customer`` as a new child; return its (locked) association."""
    if parent.id == customer.id:
        raise Invalid(
            PARENT_NOT_MAPPED, "Parent is not mapped: a customer cannot be its own parent"
        )
    row = repository.find_association(session, principal.org_id, parent.id, lock=True)
    if row is None or row.hierarchy_id != hierarchy.id:
        raise Invalid(
            PARENT_NOT_MAPPED,
            f"Parent is not mapped in the hierarchy: customer {parent.id} is not associated "
            f"with {hierarchy.code}",
        )
    held = hierarchy.role_of_id(row.role_id)
    if held is None or not may_be_below(hierarchy, held, role):
        raise Invalid(
            PARENT_NOT_MAPPED,
            f"Parent is not mapped in the hierarchy: customer {parent.id} is "
            f"{held.code if held else 'in no role'}, which cannot have {role.code} children",
        )
    limit = held.max_child
    if (
        limit is not None
        and repository.count_children(session, principal.org_id, parent.id) >= limit
    ):
        raise Conflict(
            MAX_CHILDREN_REACHED,
            f"Customer {parent.id} has its maximum of {limit} children ({held.code})",
        )
    return row


def _insert(session: Session, association: Association, customer: Customer) -> None:
    try:
        with session.begin_nested():
            session.add(association)
            session.flush()
    except IntegrityError:
        # A concurrent call associated the customer first.
        raise Conflict(
            OTHER_HIERARCHY,
            f"Customer {customer.id} was associated by a concurrent call; retry to update it",
        ) from None
