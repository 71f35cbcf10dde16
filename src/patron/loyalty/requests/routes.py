"""HTTP endpoints of loyalty requests: goodwill points and retro transactions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from patron.auth.dependencies import CurrentPrincipal
from patron.kit.pagination import Page
from patron.loyalty.requests.inputs import Identification
from patron.loyalty.requests.schemas import DecisionIn, RequestIn
from patron.loyalty.requests.service import create_request, decide_requests
from patron.loyalty.requests.views import (
    GoodwillQuery,
    RetroQuery,
    goodwill_requests,
    retro_requests,
)
from patron.web import (
    Limit,
    Offset,
    PathId,
    QueryId,
    ReadSession,
    Route,
    WriteSession,
    error_responses,
)

ERRORS = error_responses(
    {
        400: "Invalid input: 400 malformed body or parameter, 801 points, 881 not in loyalty, "
        "1060 more than 10 requests, 1101 program, 9006 type, 9008 baseType, "
        "9009 bill not convertible, 93026 no active user group named (USERGROUP2), "
        "8013 identifier",
        404: "Customer not found (8015, 8065) or merged (8069); bill not found (625)",
    }
)

router = APIRouter(tags=["loyalty"], responses=ERRORS, route_class=Route)

ProgramId = Annotated[
    int | None, Query(alias="programId", ge=1, le=2**31 - 1, description="Only this program")
]


@router.post("/v2/requests")
def create(
    body: RequestIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    identifier_name: Annotated[str | None, Query(alias="identifierName")] = None,
    identifier_value: Annotated[str | None, Query(alias="identifierValue")] = None,
    source: Annotated[str | None, Query()] = None,
    account_id: Annotated[str | None, Query(alias="accountId")] = None,
) -> dict[str, Any]:
    """File a goodwill points request (`GOODWILL`/`POINTS`) or a retro request
    (`TRANSACTION_UPDATE`/`RETRO`, converting a NOT_INTERESTED bill) for a loyalty customer.

    Name the customer with `customerId` (or `userId`) in the body, or with `identifierName`,
    `identifierValue` and `source` (body or query). A goodwill request for a user group has
    `earningEntityType: USERGROUP2` and names the group with `userGroup2Id`,
    `userGroup2ExternalId` or `userGroup2PrimaryUserId`; approved, it credits the group. A
    request stays `PENDING` until another till decides it with `PUT /v2/requests`, unless the
    program auto-approves goodwill. `createdId` is the request's id.
    """
    identification = Identification(
        identifier_name=identifier_name,
        identifier_value=identifier_value,
        source=source,
        account_id=account_id,
    )
    request = create_request(session, principal, body, identification)
    return {"createdId": request.id, "warnings": []}


@router.put("/v2/requests")
def decide(
    body: list[DecisionIn], principal: CurrentPrincipal, session: WriteSession, response: Response
) -> dict[str, Any]:
    """Approve (`APPROVED`), reject (`REJECTED`) or reopen (`PENDING`) up to 10 requests.

    Each item succeeds or fails on its own; its outcome lists its errors (9050 unknown
    request, 9051 decided by the till that made it, 9052 invalid status change, 801 bad
    `approvedValue`). An approved goodwill request credits `approvedValue`, else the points
    asked for; an approved retro request makes its bill a purchase that earns. The answer is
    200 when at least one item succeeded, else 400 with the same body.
    """
    outcomes = decide_requests(session, principal, body)
    if not any(o.is_success for o in outcomes):
        response.status_code = 400
    return {"data": [o.as_dict() for o in outcomes], "warnings": [], "errors": []}


@router.get("/v2/customers/{customer_id:int}/goodwillRequest")
def goodwill(
    customer_id: PathId,
    principal: CurrentPrincipal,
    session: ReadSession,
    request_id: Annotated[QueryId, Query(alias="requestId")] = None,
    is_one_step_change: bool | None = None,
    program_id: ProgramId = None,
    auto_approve: Annotated[bool | None, Query(alias="autoApprove")] = None,
    limit: Limit = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List the customer's goodwill points requests, newest first.

    `approvedValue` shows on approved requests, `updatedComments` on decided ones.
    """
    query = GoodwillQuery(request_id, is_one_step_change, program_id, auto_approve)
    page = Page(limit=limit, offset=offset)
    return goodwill_requests(session, principal.org, customer_id, query, page)


@router.get("/v2/customers/{customer_id:int}/retroRequest")
def retro(
    customer_id: PathId,
    principal: CurrentPrincipal,
    session: ReadSession,
    change_type: Annotated[str | None, Query(alias="changeType")] = None,
    start_date: Annotated[str | None, Query(alias="startDate")] = None,
    end_date: Annotated[str | None, Query(alias="endDate")] = None,
    start_id: Annotated[QueryId, Query(alias="startId")] = None,
    end_id: Annotated[QueryId, Query(alias="endId")] = None,
    limit: Limit = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List the customer's retro requests (not-interested bills to convert), newest first.

    Only `changeType=RETRO` (the default) has rows here; `startDate`/`endDate` are days
    (`YYYY-MM-DD`) in the org's time zone, both included.
    """
    query = RetroQuery(change_type, start_date, end_date, start_id, end_id)
    page = Page(limit=limit, offset=offset)
    return retro_requests(session, principal.org, customer_id, query, page)
