"""HTTP endpoints of hierarchy definitions and companies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from patron.auth.dependencies import CurrentPrincipal
from patron.groups.hierarchy.companies import NewCompany, create_company, show_company
from patron.groups.hierarchy.schemas import CompanyIn, EntityOut, ListOut
from patron.groups.hierarchy.service import (
    define_hierarchy,
    list_all_hierarchies,
    show_hierarchy,
)
from patron.web import REQUIRED, ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 1603 invalid hierarchy definition, 1602 hierarchyDefinitionCode "
        "missing, 1606 parent company of another hierarchy, 400 name or externalId missing "
        "or too long, malformed body",
        401: "No or bad credentials",
        404: "Unknown hierarchy code (1602) or company (1606)",
        409: "Hierarchy code (1601) or company externalId (1605) already exists",
    }
)

router = APIRouter(tags=["groups"], responses=ERRORS, route_class=Route)


@router.post("/v2/fleetHierarchy", response_model=EntityOut)
def define(
    body: Annotated[
        dict[str, Any],
        Body(
            description="`{code*, name, description, roles[{code*, name, childRoleCode, "
            "maxChild, pointsAggregationRole, permissions[{permissionCode, permissionValue}]}], "
            "autoGroupCreationEnabled, hierarchyCreationStrict, skipRoleAllowed, default}`"
        ),
    ],
    principal: CurrentPrincipal,
    session: WriteSession,
) -> dict[str, Any]:
    """Define a hierarchy: 2 to 8 roles chained from one top role by `childRoleCode`.

    A definition the rules refuse answers 1603 with the problem; a code the org file or an
    earlier call already uses answers 1601. The answer is the stored hierarchy with its id
    and its roles' ids.
    """
    return {"entity": define_hierarchy(session, principal, body), "warnings": []}


@router.get("/v2/fleetHierarchy")
def hierarchies(
    principal: CurrentPrincipal,
    session: ReadSession,
    code: Annotated[str | None, Query(description="One hierarchy (absent: all of them)")] = None,
) -> dict[str, Any]:
    """Return the hierarchy `code` as `entity`, or without `code` every hierarchy of the org
    (the org file's, then those defined through the API) as `data`. An org file's hierarchy
    shows `id: null` until a call first uses it."""
    if code is not None:
        return {"entity": show_hierarchy(session, principal.org, code), "warnings": []}
    return ListOut(data=list_all_hierarchies(session, principal.org)).model_dump()


@router.post("/v2/companies", response_model=EntityOut)
def add_company(
    body: CompanyIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Create a fleet company of a hierarchy (`hierarchyDefinitionCode`), optionally below a
    `parentCompany` of the same hierarchy; `entity` is the new company's id."""
    parent = body.parent_company.external_id if body.parent_company is not None else None
    wanted = NewCompany(body.name, body.external_id, body.hierarchy_definition_code, parent)
    return {"entity": create_company(session, principal, wanted).id, "warnings": []}


@router.get("/v2/companies", response_model=EntityOut)
def company(
    principal: CurrentPrincipal,
    session: ReadSession,
    external_id: Annotated[
        str | None, Query(alias="externalId", json_schema_extra=REQUIRED)
    ] = None,
) -> dict[str, Any]:
    """Return the company with `externalId`: its id, name, hierarchy and parent company."""
    return {"entity": show_company(session, principal.org, external_id), "warnings": []}
