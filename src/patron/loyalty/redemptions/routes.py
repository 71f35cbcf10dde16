"""HTTP endpoints of loyalty redemptions, their reversal and negative points adjustment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from patron.auth.dependencies import CurrentPrincipal
from patron.loyalty.params import AccountId, IdentifierName, IdentifierValue
from patron.loyalty.params import RequiredSource as Source
from patron.loyalty.redemptions.schemas import (
    AdjustIn,
    AdjustmentOut,
    RedeemIn,
    RedemptionOut,
    ReversalOut,
    ReverseIn,
)
from patron.loyalty.redemptions.service import adjust, redeem, reverse
from patron.web import PathId, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 801 invalid points, 804 insufficient points, 807 not a multiple, "
        "819 above the maximum, 821 below the minimum, 881 not in loyalty, 885 invalid "
        "program, 901 invalid redemption id, 903 invalid identifier, 904 another customer's "
        "redemption, 905 more than is left to reverse, 3802 already reversed, 8012/8011/8045 "
        "source, 8013 identifier, 400 malformed body",
        401: "No or bad credentials",
        404: "Customer not found (8015, 8065, 903), merged (8069), or redemption not found (902)",
        409: "externalReferenceNumber already used for another redemption (409)",
    }
)

router = APIRouter(tags=["loyalty"], responses=ERRORS, route_class=Route)


@router.post(
    "/v2/customers/{customer_id:int}/redemptions",
    response_model=RedemptionOut,
    response_model_by_alias=True,
)
def redeem_points(
    customer_id: PathId, body: RedeemIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Redeem a customer's points in a program (`programId`, else the default program).

    The program's rules apply: a positive number of points (801), in multiples of its
    `multiplesOf` (807), at least its `minimum` (821), at most its `maximum` (819), and no
    more than the redeemable balance (804). Points are taken from the lots that expire first.
    `commit: false` checks every rule and answers without redeeming. `transactionNumber` tags
    the redemption to a bill. A repeated `externalReferenceNumber` answers the redemption it
    already made (warning 409) instead of redeeming again.
    """
    return redeem(session, principal, customer_id, body)


@router.post("/v2/points/reverse", response_model=ReversalOut, response_model_by_alias=True)
def reverse_redemption(
    body: ReverseIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Give back points a redemption took: `pointsToBeReversed`, or all that is left.

    The points return in a new lot that expires when the latest of the redeemed lots does (or
    by the program's expiry from now, when that moment has passed). `identifier` (`ID`,
    `MOBILE`, `EMAIL`, `EXTERNAL_ID`) must name the redemption's customer (903, 904).
    """
    return reverse(session, principal, body)


@router.post(
    "/v2/customers/lookup/negativePointsAdjustment",
    response_model=AdjustmentOut,
    response_model_by_alias=True,
)
def deduct_points(
    body: AdjustIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    source: Source = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
) -> dict[str, Any]:
    """Deduct `pointsToBeAdjusted` points from a customer, for `reasonOfReturn` (a manual
    correction counted in `adjusted`); never more than the redeemable balance (804)."""
    return adjust(session, principal, source, account_id, identifier_name, identifier_value, body)
