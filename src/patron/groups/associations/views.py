"""Rendering associated customers the way ``/v2/customers/bulk`` answers them.

Profiles come from the customers domain's renderer; their attribution shows the till as the
document's full entity.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.customers.schemas import RegisterCustomerIn
from patron.customers.sources import SourceAccount
from patron.customers.views import render_customer
from patron.errors import NotFound, Notice, PatronError
from patron.groups import repository
from patron.groups.hierarchies import StoredHierarchy
from patron.groups.hierarchy.companies import company_ref
from patron.orgs.service import full_entity


def customer_block(
    session: Session,
    principal: Principal,
    customer: Customer,
    where: SourceAccount | None = None,
    *,
    attribution: bool = True,
) -> dict[str, Any]:
    """Render ``{id, profiles, loyaltyInfo, segments, extendedFields}`` of a customer; ``where``
    shows the profiles of one source account (all of them when the customer has none there)."""
    own = {principal.till_id: principal.attribution()}
    try:
        full = render_customer(session, principal.org, customer, where, known_tills=own)
    except NotFound:
        full = render_customer(session, principal.org, customer, None, known_tills=own)
    profiles = []
    for profile in full["profiles"]:
        if attribution:
            shown = profile["attribution"]
            shown["createdBy"] = full_entity(shown["createdBy"]) if shown["createdBy"] else {}
            shown["modifiedBy"] = full_entity(shown["modifiedBy"]) if shown["modifiedBy"] else {}
        else:
            profile.pop("attribution", None)
        profiles.append(profile)
    return {
        "id": customer.id,
        "profiles": profiles,
        "loyaltyInfo": {"loyaltyType": customer.loyalty_type},
        "segments": {},
        "extendedFields": customer.extended_fields or {},
    }


def relative_block(
    session: Session, principal: Principal, customer: Customer, where: SourceAccount | None = None
) -> dict[str, Any]:
    """Render a parent or child inside ``associationDetails``: ``{profiles, extendedFields}``."""
    block = customer_block(session, principal, customer, where)
    return {"profiles": block["profiles"], "extendedFields": block["extendedFields"]}


def association_details(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    customer: Customer,
    *,
    is_new: bool,
    children: list[dict[str, Any]] | None = None,
    child_role_code: str | None = None,
) -> dict[str, Any]:
    """Render the ``associationDetails`` of an item's customer: its hierarchy, role, parent,
    the children this call associated (when it named any) and its company."""
    association = repository.find_association(session, principal.org_id, customer.id)
    assert association is not None
    role = hierarchy.role_of_id(association.role_id)
    out: dict[str, Any] = {
        "hierarchyCode": hierarchy.code,
        "hierarchyId": hierarchy.id,
        "roleCode": role.code if role is not None else None,
    }
    if association.parent_id is not None:
        parent = session.get(Customer, association.parent_id)
        if parent is not None:
            out["parentCustomer"] = relative_block(session, principal, parent)
    if children is not None:
        out["childCustomers"] = children
    out["fleetCompany"] = _company(session, principal, association.company_id)
    if children is not None:
        out["childRoleCode"] = child_role_code
    out.update(
        {
            "skipLevelAllowed": hierarchy.definition.skip_role_allowed,
            "new": is_new,
            "childCustomer": False,
        }
    )
    return out


def child_details(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    customer: Customer,
    *,
    is_new: bool,
) -> dict[str, Any]:
    """Render the ``associationDetails`` of a child entity, with its parent's role id."""
    association = repository.find_association(session, principal.org_id, customer.id)
    assert association is not None
    role = hierarchy.role_of_id(association.role_id)
    parent = (
        repository.find_association(session, principal.org_id, association.parent_id)
        if association.parent_id is not None
        else None
    )
    return {
        "hierarchyId": hierarchy.id,
        "roleCode": role.code if role is not None else None,
        "fleetCompany": _company(session, principal, association.company_id),
        "parentRoleId": parent.role_id if parent is not None else None,
        "skipLevelAllowed": hierarchy.definition.skip_role_allowed,
        "new": is_new,
        "childCustomer": True,
    }


def _company(
    session: Session, principal: Principal, company_id: int | None
) -> dict[str, Any] | None:
    if company_id is None:
        return None
    return company_ref(repository.get_company(session, principal.org_id, company_id))


def notices(items: list[Notice]) -> list[dict[str, Any]]:
    """Render warnings or errors as ``{status, code, message}`` items."""
    return [n.as_dict() for n in items]


def failed_customer(body: RegisterCustomerIn | Any, error: PatronError) -> dict[str, Any]:
    """Render a customer that could not be written: what was sent, its errors and warnings."""
    if isinstance(body, RegisterCustomerIn):
        profiles = [p.model_dump(by_alias=True, exclude_none=True) for p in body.profiles or []]
    elif isinstance(body, dict) and isinstance(body.get("profiles"), list):
        profiles = body["profiles"]
    else:
        profiles = []
    return {
        "id": None,
        "profiles": profiles,
        "errors": [error.notice.as_dict()],
        "warnings": notices(error.warnings),
    }
