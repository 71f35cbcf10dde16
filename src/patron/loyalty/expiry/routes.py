"""HTTP endpoints of loyalty expiry: the expiry schedule and moving an award's expiry."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from patron.auth.dependencies import CurrentPrincipal
from patron.loyalty.expiry.schemas import PointsExpiryScheduleOut, UpdateExpiryIn, UpdateExpiryOut
from patron.loyalty.expiry.service import (
    points_expiry_schedule,
    points_expiry_schedule_by_identifier,
)
from patron.loyalty.expiry.updates import update_expiry
from patron.loyalty.params import (
    AccountId,
    IdentifierName,
    IdentifierValue,
    ProgramId,
    RequiredSource,
)
from patron.web import PathId, ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 885 program, 8013 identifier, 8011/8012/8045 source, "
        "1060 more than 10 items, 400 malformed body",
        404: "Customer not found (8015, 8065), merged (8069), or not enrolled (1218)",
    }
)

router = APIRouter(tags=["loyalty"], responses=ERRORS, route_class=Route)


@router.get(
    "/v2/customers/{customer_id:int}/pointsExpirySchedule",
    response_model=PointsExpiryScheduleOut,
)
def expiry_schedule(
    customer_id: PathId,
    principal: CurrentPrincipal,
    session: ReadSession,
    program_id: ProgramId = None,
) -> dict[str, Any]:
    """List the customer's points that will expire, by day, program and type.

    `expiryDate` is the last day of the points in the org's time zone (they expire at its
    end); `pointsType` is `REGULAR`, or `PROMISED` for delayed points not redeemable yet.
    Points that never expire are not listed. A customer in no program answers 1218.
    """
    return points_expiry_schedule(session, principal.org, customer_id, program_id)


@router.get("/v2/customers/lookup/pointsExpirySchedule", response_model=PointsExpiryScheduleOut)
def expiry_schedule_by_identifier(
    principal: CurrentPrincipal,
    session: ReadSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
    program_id: ProgramId = None,
) -> dict[str, Any]:
    """List the expiry schedule of the customer holding an identifier (`source` may be `ALL`)."""
    return points_expiry_schedule_by_identifier(
        session, principal.org, source, account_id, identifier_name, identifier_value, program_id
    )


@router.post("/v2/points/updateExpiry", response_model=UpdateExpiryOut)
def change_expiry(
    body: UpdateExpiryIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Move the expiry of the points of one award: later (`EXTEND_EXPIRY`) or earlier
    (`EARLY_EXPIRY`).

    `pointsAwardedRefType` `BILL` names a bill id (the points it awarded); `AWARD` (or
    `ENTRY`, `POINT_AWARDED`) names a points entry id. `expiryDate.expiryType` `FIXED_DATE`
    takes a `YYYY-MM-DD` day, `FIXED_DAYS` a number of days from today; points expire at the
    end of that day in the org's time zone, and at once when that is already past. Up to 10
    items; each answers for itself in `response` (its `errors` empty when applied).
    """
    return update_expiry(session, principal.org, body)
