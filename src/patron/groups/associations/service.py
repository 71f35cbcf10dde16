"""Associating customers in batches: ``POST /v2/customers/bulk`` registers and associates,
``PUT /v2/customers/bulk`` and ``PUT /v2/bulk`` update existing customers' details and
associations.

Each item has a savepoint of its own, and so has each of its child customers: an item that
fails leaves the others written, and a child that fails leaves its parent and its siblings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.customers.schemas import RegisterCustomerIn
from patron.customers.sources import SourceAccount, resolve_source_account
from patron.customers.updates import update_customer
from patron.errors import Invalid, Notice, PatronError
from patron.groups import repository
from patron.groups.associations.people import find_or_register, require_named
from patron.groups.associations.placement import PARENT_NOT_MAPPED, place, place_parent
from patron.groups.associations.roles import (
    INVALID_ROLE,
    child_role,
    hierarchy_for,
    require_role,
)
from patron.groups.associations.schemas import (
    AssociatedCustomerIn,
    AssociationIn,
    read_child,
    read_item,
)
from patron.groups.associations.views import (
    association_details,
    child_details,
    customer_block,
    failed_customer,
    notices,
)
from patron.groups.hierarchies import StoredHierarchy, get_hierarchy, require_hierarchy
from patron.groups.hierarchy.companies import company_for_association
from patron.groups.models import Association, Company
from patron.orgs.hierarchies import RoleDef

BATCH_LIMIT = 1060
INVALID_INPUT = 400
MAX_ITEMS = 10
MAX_CHILDREN = 20


@dataclass
class Plan:
    """Where an item's customer and its children go, checked before anything is written."""

    hierarchy: StoredHierarchy
    role: RoleDef
    child_role: RoleDef | None
    company: Company | None


@dataclass
class Children:
    """What became of an item's child customers."""

    entities: list[dict[str, Any]]
    associated: list[dict[str, Any]]

    def counts(self) -> dict[str, int]:
        """Render ``childCount``, ``childFailureCount`` and ``childSuccessCount``."""
        ok = len(self.associated)
        return {
            "childCount": len(self.entities),
            "childFailureCount": len(self.entities) - ok,
            "childSuccessCount": ok,
        }


def batch_items(body: Any) -> list[Any]:
    """Return the items of a batch (one object is a batch of one): 1 to ``MAX_ITEMS`` (1060)."""
    items = [body] if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise Invalid(INVALID_INPUT, "Input is invalid: expected a list of customers")
    if not items:
        raise Invalid(INVALID_INPUT, "Input is invalid: the batch has no customers")
    if len(items) > MAX_ITEMS:
        raise Invalid(BATCH_LIMIT, f"Batch limit exceeded: at most {MAX_ITEMS} customers a call")
    return items


def associate_customers(
    session: Session, principal: Principal, body: Any, request_id: str
) -> tuple[list[dict[str, Any]], bool]:
    """Register and associate a batch; return the per-item answers and whether any was written."""
    results = [_post_item(session, principal, raw, request_id) for raw in batch_items(body)]
    return [answer for answer, _ in results], any(ok for _, ok in results)


def update_associations(
    session: Session,
    principal: Principal,
    body: Any,
    request_id: str,
    *,
    source: str | None,
    account_id: str | None,
) -> tuple[list[dict[str, Any]], bool]:
    """Update a batch of existing customers and their associations; return the per-item
    answers and whether any was written. ``source``/``accountId`` name the profile updated
    (absent: each item's first profile's)."""
    where = resolve_source_account(principal.org, source, account_id) if source else None
    results = [_put_item(session, principal, raw, request_id, where) for raw in batch_items(body)]
    return [answer for answer, _ in results], any(ok for _, ok in results)


def _post_item(
    session: Session, principal: Principal, raw: Any, request_id: str
) -> tuple[dict[str, Any], bool]:
    item: AssociatedCustomerIn | None = None
    try:
        item = read_item(raw)
        with session.begin_nested():
            return _post(session, principal, item, request_id), True
    except PatronError as error:
        sent = _sent_children(item, raw)
        return {
            "entity": failed_customer(item if item is not None else raw, error),
            "childEntities": [],
            "childCount": sent,
            "childFailureCount": sent,
            "childSuccessCount": 0,
        }, False


def _sent_children(item: AssociatedCustomerIn | None, raw: Any) -> int:
    if item is not None and item.association_details is not None:
        return len(item.association_details.child_customers or [])
    details = raw.get("associationDetails") if isinstance(raw, dict) else None
    children = details.get("childCustomers") if isinstance(details, dict) else None
    return len(children) if isinstance(children, list) else 0


def _post(
    session: Session, principal: Principal, item: AssociatedCustomerIn, request_id: str
) -> dict[str, Any]:
    details = item.association_details
    plan = _plan(session, principal, details, None) if details is not None else None
    named = find_or_register(session, principal, item, request_id, loyalty_type=None)
    warnings = list(named.warnings)
    children = Children([], [])
    if details is not None and plan is not None:
        warnings += _associate(session, principal, plan, details, named.customer, request_id)
        children = _add_children(session, principal, plan, details, named.customer, request_id)
    entity = _entity(session, principal, item, named.customer, None)
    if details is not None and plan is not None:
        entity["associationDetails"] = association_details(
            session,
            principal,
            plan.hierarchy,
            named.customer,
            is_new=named.is_new,
            children=children.associated if details.child_customers is not None else None,
            child_role_code=plan.child_role.code if plan.child_role is not None else None,
        )
    entity["extendedFields"] = named.customer.extended_fields or {}
    entity["warnings"] = notices(warnings)
    return {"entity": entity, "childEntities": children.entities, **children.counts()}


def _put_item(
    session: Session,
    principal: Principal,
    raw: Any,
    request_id: str,
    where: SourceAccount | None,
) -> tuple[dict[str, Any], bool]:
    item: AssociatedCustomerIn | None = None
    try:
        item = read_item(raw)
        with session.begin_nested():
            return _put(session, principal, item, request_id, where), True
    except PatronError as error:
        return failed_customer(item if item is not None else raw, error), False


def _put(
    session: Session,
    principal: Principal,
    item: AssociatedCustomerIn,
    request_id: str,
    where: SourceAccount | None,
) -> dict[str, Any]:
    customer = require_named(session, principal, item, where)
    target = where or _first_source(principal, item)
    warnings: list[Notice] = list(
        update_customer(session, principal, customer.id, target, item, request_id).warnings
    )
    details = item.association_details
    children: Children | None = None
    plan = None
    if details is not None:
        current = repository.find_association(session, principal.org_id, customer.id)
        plan = _plan(session, principal, details, current)
        warnings += _associate(session, principal, plan, details, customer, request_id)
        if details.child_customers is not None:
            children = _add_children(session, principal, plan, details, customer, request_id, where)
    entity = _entity(session, principal, item, customer, where)
    if details is not None and plan is not None:
        entity["associationDetails"] = association_details(
            session,
            principal,
            plan.hierarchy,
            customer,
            is_new=False,
            children=children.associated if children is not None else None,
            child_role_code=plan.child_role.code if plan.child_role is not None else None,
        )
    entity["extendedFields"] = customer.extended_fields or {}
    entity["warnings"] = notices(warnings)
    entity["errors"] = []
    if children is not None:
        entity["childEntities"] = children.entities
        entity.update(children.counts())
    return entity


def _first_source(principal: Principal, item: AssociatedCustomerIn) -> SourceAccount:
    """Return the source account of the item's first profile naming one (8012 none)."""
    named = next((p for p in item.profiles or [] if (p.source or "").strip()), None)
    found = resolve_source_account(
        principal.org,
        named.source if named is not None else None,
        named.account_id if named is not None else None,
    )
    assert found is not None
    return found


def _plan(
    session: Session,
    principal: Principal,
    details: AssociationIn,
    current: Association | None,
) -> Plan:
    """Check an item's hierarchy, roles and company (created when the hierarchy allows)."""
    org = principal.org
    if current is not None and not (details.hierarchy_code or "").strip():
        hierarchy = require_hierarchy(
            session, org, get_hierarchy(session, org, current.hierarchy_id).code
        )
    else:
        hierarchy = hierarchy_for(session, org, details.hierarchy_code)
    held = hierarchy.role_of_id(current.role_id) if current is not None else None
    if held is not None and not (details.role_code or "").strip():
        role = held
    else:
        role = require_role(hierarchy, details.role_code)
    sent = details.child_customers or []
    if len(sent) > MAX_CHILDREN:
        raise Invalid(
            BATCH_LIMIT, f"Batch limit exceeded: at most {MAX_CHILDREN} childCustomers a customer"
        )
    below = child_role(hierarchy, role, details.child_role_code)
    if sent and below is None:
        raise Invalid(INVALID_ROLE, f"Invalid role code: {role.code} has no child role")
    company = company_for_association(session, principal, hierarchy, details.company_external_id)
    return Plan(hierarchy, role, below, company)


def _associate(
    session: Session,
    principal: Principal,
    plan: Plan,
    details: AssociationIn,
    customer: Customer,
    request_id: str,
) -> list[Notice]:
    """Place the item's customer (and its named parent first); return the parent's warnings."""
    parent = None
    warnings: list[Notice] = []
    if details.parent_customer is not None:
        named = find_or_register(
            session,
            principal,
            details.parent_customer,
            request_id,
            loyalty_type=customer.loyalty_type,
        )
        warnings = named.warnings
        parent = named.customer
        if parent.id == customer.id:
            raise Invalid(
                PARENT_NOT_MAPPED, "Parent is not mapped: a customer cannot be its own parent"
            )
        place_parent(
            session, principal, plan.hierarchy, parent, plan.role, request_id, company=plan.company
        )
    place(
        session,
        principal,
        plan.hierarchy,
        customer,
        plan.role,
        request_id,
        parent=parent,
        company=plan.company,
    )
    return warnings


def _add_children(
    session: Session,
    principal: Principal,
    plan: Plan,
    details: AssociationIn,
    parent: Customer,
    request_id: str,
    where: SourceAccount | None = None,
) -> Children:
    children = Children([], [])
    for raw in details.child_customers or []:
        entity, relative = _add_child(session, principal, plan, parent, raw, request_id, where)
        children.entities.append(entity)
        if relative is not None:
            children.associated.append(relative)
    return children


def _add_child(
    session: Session,
    principal: Principal,
    plan: Plan,
    parent: Customer,
    raw: Any,
    request_id: str,
    where: SourceAccount | None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    body: RegisterCustomerIn | None = None
    assert plan.child_role is not None
    try:
        body = read_child(raw)
        with session.begin_nested():
            named = find_or_register(
                session, principal, body, request_id, loyalty_type=parent.loyalty_type, where=where
            )
            place(
                session,
                principal,
                plan.hierarchy,
                named.customer,
                plan.child_role,
                request_id,
                parent=parent,
                company=plan.company,
            )
            block = customer_block(session, principal, named.customer)
            extended = block.pop("extendedFields")
            entity = {
                **block,
                "associationDetails": child_details(
                    session, principal, plan.hierarchy, named.customer, is_new=named.is_new
                ),
                "extendedFields": extended,
                "warnings": notices(named.warnings),
            }
            return entity, {"profiles": block["profiles"], "extendedFields": extended}
    except PatronError as error:
        return failed_customer(body if body is not None else raw, error), None


def _entity(
    session: Session,
    principal: Principal,
    item: AssociatedCustomerIn,
    customer: Customer,
    where: SourceAccount | None,
) -> dict[str, Any]:
    """Start an item's entity: the customer and its referral code (details follow)."""
    block = customer_block(session, principal, customer, where)
    block.pop("extendedFields")
    return {**block, "referralCode": item.referral_code or "", "associationDetails": None}
