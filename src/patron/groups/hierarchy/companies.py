"""Fleet companies: created through ``POST /v2/companies`` or, in a hierarchy that is not
strict, by the first association that names them; each belongs to one hierarchy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.errors import Conflict, Invalid, NotFound
from patron.groups import repository
from patron.groups.hierarchies import StoredHierarchy, get_hierarchy, require_hierarchy
from patron.groups.models import Company
from patron.kit import clock
from patron.kit.clock import iso
from patron.orgs.config import OrgConfig

COMPANY_EXISTS = 1605
INVALID_COMPANY = 1606
INVALID_HIERARCHY = 1602
MAX_EXTERNAL_ID = 100
MAX_NAME = 200


@dataclass(frozen=True)
class NewCompany:
    """What ``POST /v2/companies`` asks for."""

    name: str | None
    external_id: str | None
    hierarchy_code: str | None
    parent_external_id: str | None


def clean_external_id(value: str | None, label: str = "externalId") -> str:
    """Return a company external id trimmed, or refuse an empty or over-long one (400)."""
    text = (value or "").strip()
    if not text:
        raise Invalid(400, f"Input is invalid: {label} is required")
    if len(text) > MAX_EXTERNAL_ID:
        raise Invalid(400, f"Input is invalid: {label} is longer than {MAX_EXTERNAL_ID} characters")
    return text


def create_company(session: Session, principal: Principal, wanted: NewCompany) -> Company:
    """Create a company of a hierarchy: 1602 unknown hierarchy, 1605 externalId taken, 1606
    unknown parent company (or one of another hierarchy)."""
    external_id = clean_external_id(wanted.external_id)
    name = (wanted.name or "").strip()
    if not name:
        raise Invalid(400, "Input is invalid: name is required")
    if len(name) > MAX_NAME:
        raise Invalid(400, f"Input is invalid: name is longer than {MAX_NAME} characters")
    if not (wanted.hierarchy_code or "").strip():
        raise Invalid(
            INVALID_HIERARCHY, "Invalid hierarchy code: hierarchyDefinitionCode is required"
        )
    hierarchy = require_hierarchy(session, principal.org, wanted.hierarchy_code)
    parent = None
    if wanted.parent_external_id is not None:
        parent_id = clean_external_id(wanted.parent_external_id, "parentCompany.externalId")
        parent = repository.find_company(session, principal.org_id, parent_id)
        if parent is None:
            raise NotFound(
                INVALID_COMPANY, f"Invalid company: no company has externalId {parent_id}"
            )
        if parent.hierarchy_id != hierarchy.id:
            raise Invalid(
                INVALID_COMPANY,
                f"Invalid company: parent company {parent_id} belongs to another hierarchy",
            )
    if repository.find_company(session, principal.org_id, external_id) is not None:
        raise Conflict(COMPANY_EXISTS, f"Company externalId {external_id} already exists")
    return _insert(session, principal, hierarchy, external_id, name, parent)


def company_for_association(
    session: Session, principal: Principal, hierarchy: StoredHierarchy, external_id: str | None
) -> Company | None:
    """Return the company an association names (None: it names none).

    A company of another hierarchy is refused (1606); an unknown one is created when the
    hierarchy is not strict, else refused (1606).
    """
    if external_id is None:
        return None
    wanted = clean_external_id(external_id, "fleetCompany.externalId")
    company = repository.find_company(session, principal.org_id, wanted)
    if company is not None:
        if company.hierarchy_id != hierarchy.id:
            raise Invalid(
                INVALID_COMPANY,
                f"Invalid company: {wanted} is a company of another hierarchy",
            )
        return company
    if hierarchy.definition.hierarchy_creation_strict:
        raise NotFound(
            INVALID_COMPANY,
            f"Invalid company: no company has externalId {wanted} "
            f"(hierarchy {hierarchy.code} is strict: create it first)",
        )
    try:
        return _insert(session, principal, hierarchy, wanted, wanted, None)
    except Conflict:
        # A concurrent association created it first.
        found = repository.find_company(session, principal.org_id, wanted)
        if found is None or found.hierarchy_id != hierarchy.id:
            raise
        return found


def _insert(
    session: Session,
    principal: Principal,
    hierarchy: StoredHierarchy,
    external_id: str,
    name: str,
    parent: Company | None,
) -> Company:
    company = Company(
        org_id=principal.org_id,
        external_id=external_id,
        name=name,
        hierarchy_id=hierarchy.id,
        parent_id=parent.id if parent is not None else None,
        created_by=principal.till_id,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(company)
            session.flush()
    except IntegrityError:
        raise Conflict(COMPANY_EXISTS, f"Company externalId {external_id} already exists") from None
    return company


def show_company(session: Session, org: OrgConfig, external_id: str | None) -> dict[str, Any]:
    """Render the company with ``external_id``, or answer 1606."""
    wanted = clean_external_id(external_id)
    company = repository.find_company(session, org.id, wanted)
    if company is None:
        raise NotFound(INVALID_COMPANY, f"Invalid company: no company has externalId {wanted}")
    hierarchy = get_hierarchy(session, org, company.hierarchy_id)
    parent = (
        repository.get_company(session, org.id, company.parent_id)
        if company.parent_id is not None
        else None
    )
    return {
        "id": company.id,
        "externalId": company.external_id,
        "name": company.name,
        "hierarchyCode": hierarchy.code,
        "hierarchyId": hierarchy.id,
        "parentCompany": company_ref(parent),
        "createdOn": iso(company.created_at, org.zone),
    }


def company_ref(company: Company | None) -> dict[str, Any] | None:
    """Render a company as associations show it: ``{externalId, companyId}``."""
    if company is None:
        return None
    return {"externalId": company.external_id, "companyId": company.id}
