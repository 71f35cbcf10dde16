"""HTTP endpoints of loyalty points transfers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from patron.auth.dependencies import CurrentPrincipal
from patron.loyalty.transfers.schemas import (
    TransferCheckOut,
    TransferIn,
    TransferredOut,
    TransfersOut,
)
from patron.loyalty.transfers.service import check_transfer, list_transfers, transfer
from patron.web import PathId, ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 422 pointsTobeTransferred missing, 807 not a positive whole number, "
        "885 invalid program, 8013 identifier missing or invalid, 418 same customer, "
        "419 merged customer, 881 not in loyalty, 414/415 sender/receiver marked as fraud, "
        "818 sender has no points in the program, 804 insufficient points, 400 malformed body",
        401: "No or bad credentials",
        403: "The program does not allow points transfer (403), or the sender's user group "
        "blocks its points transfer (1644)",
        404: "Customer not found (8015) or merged into another (8069, pointsTransfers)",
    }
)

router = APIRouter(tags=["loyalty"], responses=ERRORS, route_class=Route)


@router.post(
    "/v2/points/isTransferrable", response_model=TransferCheckOut, response_model_by_alias=True
)
def is_transferrable(
    body: TransferIn, principal: CurrentPrincipal, session: ReadSession
) -> dict[str, Any]:
    """Check whether `pointsTobeTransferred` whole points can move from one customer to
    another now; a rule it breaks is answered with its code, and nothing is written."""
    return check_transfer(session, principal, body)


@router.post("/v2/points/transfer", response_model=TransferredOut, response_model_by_alias=True)
def transfer_points(
    body: TransferIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Move `pointsTobeTransferred` whole points from `fromCustomerIdentifier` to
    `toCustomerIdentifier` (`type` `ID`, `MOBILE`, `EMAIL` or `EXTERNAL_ID`) in `programId`
    (else the default program). The points leave the sender's lots that expire first and keep
    their expiry dates at the receiver."""
    return transfer(session, principal, body)


@router.get(
    "/v2/customers/{customer_id:int}/pointsTransfers",
    response_model=TransfersOut,
    response_model_by_alias=True,
)
def points_transfers(
    customer_id: PathId, principal: CurrentPrincipal, session: ReadSession
) -> dict[str, Any]:
    """List the points a customer transferred (`DEDUCTION`) and received (`ADDITION`),
    newest first; both customers see a transfer under the same `transferId`."""
    return list_transfers(session, principal.org, customer_id)
