"""HTTP endpoints of partner programs: the org's programs, and linking customers to them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from patron.auth.dependencies import CurrentPrincipal
from patron.partners import service
from patron.partners.schemas import (
    DelinkedOut,
    DelinkIn,
    LinkedOut,
    LinkIn,
    ProgramsOut,
    UpdatedOut,
    UpdateIn,
)
from patron.partners.views import organization_programs
from patron.web import Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 2008 more than 50 customers, 400 malformed body. Each program "
        "item answers in its own partnerLinkStatus: 2001 cannot process (a bad date, no "
        "pending relink, a relink starting after the day following the current expiry), 2002 "
        "empty partnerProgramName, 2003 tier expiry date in the past, 2004 not linked (link "
        "first), 2005 already linked (or a relink already queued), 2006 program not found, "
        "2007 tier not found, 2009 bad updateType, 8013/8015/8069 customer identifier",
        401: "No or bad credentials",
    }
)

router = APIRouter(tags=["partner programs"], responses=ERRORS, route_class=Route)


@router.get("/v2/organization/programs", response_model=ProgramsOut, response_model_by_alias=True)
def programs(principal: CurrentPrincipal) -> dict[str, Any]:
    """List the org's loyalty programs, each with the partner programs attached to it."""
    return organization_programs(principal.org)


@router.post(
    "/v2/partnerProgram/linkCustomer", response_model=LinkedOut, response_model_by_alias=True
)
def link_customer(
    body: LinkIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Link up to 50 customers (by `mobile`, `email` or `externalId`) to partner programs;
    a supplementary membership runs from `membershipStartDate` (else today) for the
    program's period. A future `membershipStartDate` for a customer already linked to that
    supplementary program queues a relink: the membership runs a new period from that day."""
    return service.link_customers(session, principal, body)


@router.post(
    "/v2/partnerProgram/customerPartnerProgramUpdate",
    response_model=UpdatedOut,
    response_model_by_alias=True,
)
def update_customer(
    body: UpdateIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Change linked customers' partner tiers (`UPGRADE`, `DOWNGRADE`, `UPDATE`), renew a
    supplementary membership for another period (`RENEWAL`, `RENEW`) or cancel its queued
    relink (`MEMBERSHIP_RELINKING_CANCELLED`)."""
    return service.update_customers(session, principal, body)


@router.post(
    "/v2/partnerProgram/deLinkCustomer", response_model=DelinkedOut, response_model_by_alias=True
)
def delink_customer(
    body: DelinkIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Delink up to 50 customers from partner programs."""
    return service.delink_customers(session, principal, body)
