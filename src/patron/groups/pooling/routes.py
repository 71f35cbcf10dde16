"""HTTP endpoints of group loyalty: a group's loyalty details and group points transfers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from patron.auth.dependencies import CurrentPrincipal
from patron.groups.membership import GroupRef
from patron.groups.pooling import transfers
from patron.groups.pooling.schemas import (
    GroupLoyaltyOut,
    GroupTransferCheckOut,
    GroupTransferIn,
    GroupTransferredOut,
)
from patron.groups.pooling.service import group_loyalty
from patron.loyalty.params import ProgramId
from patron.web import ReadSession, Route, WriteSession, error_responses

DETAILS_ERRORS = error_responses(
    {
        400: "Invalid input: 1632 malformed group id, 1619 no group named, 8089 program",
        401: "No or bad credentials",
        404: "No such active user group (1619), or not enrolled in the program (8089)",
    }
)
TRANSFER_ERRORS = error_responses(
    {
        400: "Invalid input: 422 pointsTobeTransferred missing, 807 not a positive whole "
        "number, 885 invalid program, 400 not exactly one party per side or no group side, "
        "1632 malformed group id, 8013 customer identifier, 418 same group, 419 merged "
        "customer, 881 not in loyalty, 414/415 sender/receiver marked as fraud, 818 the "
        "sender has no points in the program, 804 insufficient points",
        401: "No or bad credentials",
        403: "The program does not allow points transfer (403), or the member's group "
        "permissions block its points transfer (1644)",
        404: "No such active user group (1619), the customer is not a member of the group "
        "(1620), customer not found (8015)",
    }
)

router = APIRouter(tags=["groups"], route_class=Route)

GroupId = Annotated[str | None, Query(alias="id", description="The group's id")]
ExternalId = Annotated[str | None, Query(alias="externalId", description="The group's externalId")]
PrimaryUserId = Annotated[
    str | None,
    Query(alias="primaryUserId", description="The customer id of the group's primary member"),
]


@router.get(
    "/v2/userGroup2/loyaltyDetails",
    response_model=GroupLoyaltyOut,
    responses=DETAILS_ERRORS,
)
def loyalty_details(
    principal: CurrentPrincipal,
    session: ReadSession,
    group_id: GroupId = None,
    external_id: ExternalId = None,
    primary_user_id: PrimaryUserId = None,
    program_id: ProgramId = None,
) -> dict[str, Any]:
    """Return a user group's points, purchases and tier in each loyalty program of the org.

    Name the group with `id`, `externalId` or `primaryUserId`. Each item is the group's
    `groupId`, `externalId` and `groupName`, then the keys of a customer's `loyaltyDetails`
    item (`loyaltyId` is the group's id; -1 in a program the group has never earned in);
    `programId` narrows the answer to one program (8089 when the group is not enrolled in it).
    """
    ref = GroupRef(group_id=group_id, external_id=external_id, primary_user_id=primary_user_id)
    return group_loyalty(session, principal, ref, program_id)


@router.post(
    "/v2/points/userGroup2/isTransferrable",
    response_model=GroupTransferCheckOut,
    response_model_by_alias=True,
    responses=TRANSFER_ERRORS,
)
def is_transferrable(
    body: GroupTransferIn, principal: CurrentPrincipal, session: ReadSession
) -> dict[str, Any]:
    """Check whether `pointsTobeTransferred` whole points can move between a user group and
    one of its members, or between two groups, now; nothing is written."""
    return transfers.check_transfer(session, principal, body)


@router.post(
    "/v2/points/userGroup2/transfer",
    response_model=GroupTransferredOut,
    response_model_by_alias=True,
    responses=TRANSFER_ERRORS,
)
def transfer_points(
    body: GroupTransferIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Move `pointsTobeTransferred` whole points between a user group and one of its members,
    or between two groups, in `programId` (else the default program).

    Each side names exactly one of `…UserGroup2Id`, `…UserGroup2ExternalId` and
    `…CustomerIdentifier` (`type` `ID`, `MOBILE`, `EMAIL` or `EXTERNAL_ID`), and one side at
    least is a group. A member whose group permissions block points transfer is refused
    (1644). The points leave the sender's lots that expire first and keep their expiry dates
    at the receiver; `transferId` is the id of the deduction.
    """
    return transfers.transfer(session, principal, body)
