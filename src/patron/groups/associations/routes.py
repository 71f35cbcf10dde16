"""HTTP endpoints of associations: ``/v2/customers/bulk`` and ``/v2/bulk``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from patron.auth.dependencies import CurrentPrincipal
from patron.groups.associations.listing import ChildrenQuery, list_children
from patron.groups.associations.service import associate_customers, update_associations
from patron.kit.context import current_request_id
from patron.kit.wire import ErrorEnvelope
from patron.web import REQUIRED, Limit, Offset, ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        401: "No or bad credentials",
        404: "Parent customer not found (8015, 8065, 8069)",
    }
)
BATCH_ANSWERS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": list[dict[str, Any]] | ErrorEnvelope,
        "description": "Every item failed (the same body as 200, each with its `errors`), or "
        "the call is refused: 1060 more than 10 items, 400 an empty or malformed batch, "
        "8012/8011/8045 the query's source account",
    }
}

router = APIRouter(tags=["groups"], responses=ERRORS, route_class=Route)

Batch = Annotated[
    list[Any] | dict[str, Any],
    Body(
        description="1 to 10 customers (one object is a batch of one): each a "
        "`POST /v2/customers` body with `associationDetails` {hierarchyCode, roleCode, "
        "childRoleCode, childCustomers[], parentCustomer{}, fleetCompany{externalId}} and "
        "`referralCode`"
    ),
]
Source = Annotated[
    str | None, Query(description="Source of the profile updated (absent: each item's first)")
]
AccountId = Annotated[
    str | None, Query(alias="accountId", description="Account of a multi-account source")
]


@router.post("/v2/customers/bulk", responses=BATCH_ANSWERS)
def associate(
    body: Batch, principal: CurrentPrincipal, session: WriteSession, response: Response
) -> list[dict[str, Any]]:
    """Register customers, their parents and children where new, and associate them.

    Each customer named (the item's, its `parentCustomer`, its `childCustomers`) is found by
    an identifier it holds in its profile's source account, else registered as by
    `POST /v2/customers` (customerAdded). The item's customer takes `roleCode` in
    `hierarchyCode` (absent: the org's default hierarchy), its parent the role above, its
    children `childRoleCode` (absent: the role's child role). In a hierarchy with auto group
    creation, a customer in the points-aggregation role gets a user group that everyone
    associated below it joins. Each item and each child is written or refused on its own:
    the answer is 200 when at least one item was written, else 400 with the same body.
    """
    answers, any_written = associate_customers(session, principal, body, current_request_id())
    if not any_written:
        response.status_code = 400
    return answers


@router.put("/v2/customers/bulk", responses=BATCH_ANSWERS, operation_id="updateAssociations")
@router.put("/v2/bulk", responses=BATCH_ANSWERS, operation_id="updateGroupCustomers")
def update(
    body: Batch,
    principal: CurrentPrincipal,
    session: WriteSession,
    response: Response,
    source: Source = None,
    account_id: AccountId = None,
) -> list[dict[str, Any]]:
    """Update existing customers (found by their profiles' identifiers; 8015 unknown) and
    their associations.

    Names, fields and extended fields change as by `PUT /v2/customers/{id}` (customerUpdated)
    in the `source`/`accountId` profile; `parentCustomer` moves the customer (and everyone
    below it) under another parent, between auto groups; `fleetCompany` changes its company;
    `childCustomers` adds children, registering new ones. 200 when at least one item was
    written, else 400 with the same body.
    """
    answers, any_written = update_associations(
        session, principal, body, current_request_id(), source=source, account_id=account_id
    )
    if not any_written:
        response.status_code = 400
    return answers


@router.get("/v2/customers/bulk")
def children(
    principal: CurrentPrincipal,
    session: ReadSession,
    source: Annotated[
        str | None, Query(description="Source, or ALL", json_schema_extra=REQUIRED)
    ] = None,
    account_id: AccountId = None,
    entity_type: Annotated[
        str | None,
        Query(alias="associationEntityType", description="parentCustomer (the default)"),
    ] = None,
    identifier_type: Annotated[
        str | None, Query(alias="associationEntityIdentifierType", json_schema_extra=REQUIRED)
    ] = None,
    identifier_value: Annotated[
        str | None, Query(alias="associationEntityIdentifierValue", json_schema_extra=REQUIRED)
    ] = None,
    limit: Limit = 10,
    offset: Offset = 0,
    sort_by: Annotated[
        str | None, Query(alias="sortBy", description="createdon (default) or lastUpdatedOn")
    ] = None,
    sort_order: Annotated[
        str | None, Query(alias="sortOrder", description="ASC (default) or DESC")
    ] = None,
) -> dict[str, Any]:
    """List the child customers of the parent customer an identifier names, a page at a time;
    `count` is how many children it has in all."""
    query = ChildrenQuery(
        source,
        account_id,
        entity_type,
        identifier_type,
        identifier_value,
        limit,
        offset,
        sort_by,
        sort_order,
    )
    return list_children(session, principal, query)
