"""HTTP endpoints of user groups: ``/v2/userGroup2``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Response

from patron.auth.dependencies import CurrentPrincipal
from patron.groups.membership import GroupRef
from patron.groups.usergroups import members, service
from patron.groups.usergroups.schemas import (
    EntityOut,
    GroupChangeIn,
    GroupIn,
    GroupOut,
    JoinBody,
    LeftOut,
    MembersChangedOut,
    MembersOut,
    PermissionsBody,
    TransferIn,
)
from patron.groups.usergroups.service import Lookup
from patron.kit.context import current_request_id
from patron.kit.wire import ErrorEnvelope
from patron.web import ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 1619 no group named, 1632 malformed group id, 1640 size not "
        "positive or below the member count, 8013 customer identifier, 8011/8012/8045 source "
        "account, 400 malformed body",
        401: "No or bad credentials",
        404: "No such group or a deleted one (1619), customer not found (8015), not in the "
        "source (8065) or merged (8069), not a member (1620)",
        409: "External id exists (1633), the primary member cannot leave (1624), the customer "
        "is the primary member of another group (1642)",
    }
)
# Join, transfer and permissions answer 400 with their own body when every member failed.
ALL_FAILED: dict[int | str, dict[str, Any]] = {
    400: {
        "model": MembersChangedOut | ErrorEnvelope,
        "description": "Every member failed (the same body as 200), or the call is invalid "
        "(the error envelope: 1619, 1632, 400)",
    }
}

router = APIRouter(tags=["groups"], responses=ERRORS, route_class=Route)


def group_ref(
    group_id: Annotated[str | None, Query(alias="id", description="The group id")] = None,
    external_id: Annotated[
        str | None, Query(alias="externalId", description="The group's external id")
    ] = None,
    primary_user_id: Annotated[
        str | None,
        Query(alias="primaryUserId", description="The customer id of the group's primary member"),
    ] = None,
) -> GroupRef:
    """Read which group a call names (``id``, else ``externalId``, else ``primaryUserId``)."""
    return GroupRef(group_id, external_id, primary_user_id)


def customer_lookup(
    source: Annotated[str | None, Query(description="Source (absent or ALL: any)")] = None,
    account_id: Annotated[str | None, Query(alias="accountId")] = None,
    identifier_name: Annotated[
        str | None,
        Query(alias="identifierName", description="`id` (the customer id) or an identifier type"),
    ] = None,
    identifier_value: Annotated[str | None, Query(alias="identifierValue")] = None,
) -> Lookup:
    """Read which customer a call names."""
    return Lookup(source, account_id, identifier_name, identifier_value)


GroupQuery = Annotated[GroupRef, Depends(group_ref)]
CustomerQuery = Annotated[Lookup, Depends(customer_lookup)]


def _status(response: Response, answer: tuple[dict[str, Any], bool]) -> dict[str, Any]:
    body, any_succeeded = answer
    if not any_succeeded:
        response.status_code = 400
    return body


@router.post("/v2/userGroup2", response_model=EntityOut)
def create_group(body: GroupIn, principal: CurrentPrincipal, session: WriteSession) -> Any:
    """Create a user group of up to `maxGroupSize` members; `externalId` is unique in the org
    (1633). With `primaryUserId` that customer joins as the group's primary member at once.
    Writes groupCreated."""
    return service.create(session, principal, body, current_request_id())


@router.put("/v2/userGroup2", response_model=EntityOut)
def update_group(body: GroupChangeIn, principal: CurrentPrincipal, session: WriteSession) -> Any:
    """Change a group's `groupName`, `maxGroupSize` (not below its member count: 1640),
    `extendedFields` (replaced) or, when `id` names it, its `externalId`. Writes groupUpdated
    when anything changed."""
    return service.change(session, principal, body, current_request_id())


@router.get("/v2/userGroup2", response_model=GroupOut)
def get_group(group: GroupQuery, principal: CurrentPrincipal, session: ReadSession) -> Any:
    """Return a group, a deleted one too (`groupStatus` DELETED)."""
    return service.read(session, principal.org, group)


@router.delete("/v2/userGroup2", response_model=EntityOut)
def delete_group(group: GroupQuery, principal: CurrentPrincipal, session: WriteSession) -> Any:
    """Delete a group: its status becomes DELETED, its members are released and it takes no
    more members (1619). Writes groupUpdated."""
    return service.delete(session, principal, group, current_request_id())


@router.post("/v2/userGroup2/join", response_model=MembersChangedOut, responses=ALL_FAILED)
def join_group(
    body: Annotated[JoinBody, Body(description="1 to 100 members")],
    group: GroupQuery,
    principal: CurrentPrincipal,
    session: WriteSession,
    response: Response,
) -> Any:
    """Add customers to a group, each on its own; one primary member per group, never changed.
    Writes groupMemberAdded per member added. 200 when any member was added, else 400."""
    answer = members.join(session, principal, group, body, current_request_id())
    return _status(response, answer)


@router.delete("/v2/userGroup2/{groupId}/leave", response_model=LeftOut)
def leave_group(
    group_id: Annotated[str, Path(alias="groupId", description="The group id")],
    customer: CustomerQuery,
    principal: CurrentPrincipal,
    session: WriteSession,
) -> Any:
    """Take a customer out of a group (the primary member stays: 1624). Writes
    groupMemberRemoved."""
    return members.leave(session, principal, group_id, customer, current_request_id())


@router.post("/v2/userGroup2/transfer", response_model=MembersChangedOut, responses=ALL_FAILED)
def transfer_members(
    body: TransferIn, principal: CurrentPrincipal, session: WriteSession, response: Response
) -> Any:
    """Move customers from `leaveGroupId` to `joinGroupId`, each on its own, keeping role and
    permissions; one that cannot join stays where it was. Writes groupMemberRemoved then
    groupMemberAdded per member moved. 200 when any member moved, else 400."""
    answer = members.transfer(session, principal, body, current_request_id())
    return _status(response, answer)


@router.put(
    "/v2/userGroup2/members/permissions", response_model=MembersChangedOut, responses=ALL_FAILED
)
def set_permissions(
    body: Annotated[PermissionsBody, Body(description="1 to 100 members")],
    group: GroupQuery,
    principal: CurrentPrincipal,
    session: WriteSession,
    response: Response,
) -> Any:
    """Allow or block members' points redemption and transfer; an action a member's list does
    not name keeps its setting. 200 when any member changed, else 400."""
    return _status(response, members.set_permissions(session, principal, group, body))


@router.get("/v2/userGroup2/members", response_model=MembersOut)
def list_members(
    group: GroupQuery, customer: CustomerQuery, principal: CurrentPrincipal, session: ReadSession
) -> Any:
    """List one group's members (name the group), or every group of a customer with its
    members (name the customer); members come primary first, then by joining order."""
    return service.list_members(session, principal.org, group, customer)
