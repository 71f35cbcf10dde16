"""HTTP endpoints of the loyalty read views (``loyaltyDetails``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from patron.auth.dependencies import CurrentPrincipal
from patron.loyalty import members
from patron.loyalty.params import (
    AccountId,
    IdentifierName,
    IdentifierValue,
    ProgramId,
    RequiredSource,
)
from patron.loyalty.views import loyalty_details
from patron.web import PathId, ReadSession, Route, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 8012 source, 8013 identifier, 8089 program",
        404: "Customer not found (8015, 8065), merged (8069), not in the program (8089)",
    }
)

router = APIRouter(prefix="/v2/customers", tags=["loyalty"], responses=ERRORS, route_class=Route)


@router.get("/{customer_id:int}/loyaltyDetails")
def by_id(
    customer_id: PathId,
    principal: CurrentPrincipal,
    session: ReadSession,
    program_id: ProgramId = None,
) -> dict[str, Any]:
    """Return the customer's points, purchases and tier in each loyalty program of the org.

    Programs the customer is not enrolled in show zeros and `loyaltyId` -1; `programId`
    narrows the answer to one program (8089 when not enrolled in it).
    """
    customer = members.by_id(session, principal.org, customer_id)
    data = loyalty_details(session, principal.org, customer.id, program_id)
    return {"data": data, "warnings": [], "errors": []}


@router.get("/lookup/loyaltyDetails")
def by_identifier(
    principal: CurrentPrincipal,
    session: ReadSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
    program_id: ProgramId = None,
) -> dict[str, Any]:
    """Return the loyalty details of the customer holding an identifier (as by id)."""
    customer = members.by_identifier(
        session, principal.org, source, account_id, identifier_name, identifier_value
    )
    data = loyalty_details(session, principal.org, customer.id, program_id)
    return {"data": data, "warnings": [], "errors": []}
