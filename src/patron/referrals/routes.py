"""HTTP endpoints of referrals: invitations, statistics and code validation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from patron.auth.dependencies import CurrentPrincipal
from patron.customers.lookup import get_customer, resolve_identifier
from patron.customers.routes.common import (
    AccountId,
    IdentifierName,
    IdentifierValue,
    RequiredSource,
)
from patron.referrals import service
from patron.referrals.schemas import InviteIn
from patron.referrals.views import referral_stats
from patron.web import Limit, Offset, PathId, ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 1202 invalid campaign token, 1203 invalid campaign configured, "
        "1204 customer not eligible (not a loyalty customer), 8013 customer identifier, "
        "400 malformed body. Each invitee a call refuses carries its own `errors`: 1206 "
        "referral type not supported, 1701 invalid identifier or invitedOn",
        401: "No or bad credentials",
        404: "Customer not found (8015, 8065), merged (8069)",
        503: "1222 internal error of the referral system (no unused code could be drawn)",
    }
)

router = APIRouter(tags=["referrals"], responses=ERRORS, route_class=Route)

CampaignToken = Annotated[
    str | None,
    Query(alias="campaignToken", max_length=100, description="Only this referral campaign"),
]
Code = Annotated[str | None, Query(max_length=200, description="The referral code to check")]


@router.post("/v2/customers/{customer_id:int}/referrals")
def invite(
    customer_id: PathId, body: InviteIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Record the customer's invitations in each named campaign (`campaignToken`); the answer
    repeats the request, an invitee that is refused carrying its own `errors`."""
    return service.invite(session, principal, body, customer_id)


@router.post("/v2/customers/referrals")
def invite_by_identifier(
    body: InviteIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Record invitations of the referrers each item's `customer` names (`id`, `mobile`,
    `email` or `externalId`), as `POST /v2/customers/{id}/referrals` does."""
    return service.invite(session, principal, body)


@router.get("/v2/customers/{customer_id:int}/referrals")
def stats(
    customer_id: PathId,
    principal: CurrentPrincipal,
    session: WriteSession,
    campaign_token: CampaignToken = None,
    limit: Limit = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Return the customer's referral code, invitees, referees and incentives in each active
    campaign (or the one `campaignToken` names); the first read makes the code."""
    customer = get_customer(session, principal.org_id, customer_id)
    return referral_stats(session, principal.org, customer, campaign_token, limit, offset)


@router.get("/v2/customers/lookup/referrals")
def stats_by_identifier(
    principal: CurrentPrincipal,
    session: WriteSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
    campaign_token: CampaignToken = None,
    limit: Limit = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Return the referral statistics of the customer holding an identifier (as by id)."""
    customer, _ = resolve_identifier(
        session, principal.org, source, account_id, identifier_name, identifier_value
    )
    return referral_stats(session, principal.org, customer, campaign_token, limit, offset)


@router.get("/v2/referral/validate")
def validate(
    principal: CurrentPrincipal,
    session: ReadSession,
    code: Code = None,
    campaign_token: CampaignToken = None,
) -> dict[str, Any]:
    """Tell whether `code` is a referral code of an active campaign, and whose: `valid`,
    `referrer` (the customer id) and `warnings` (1205 when no referrer holds it)."""
    return service.validate_code(session, principal.org, code, campaign_token)
