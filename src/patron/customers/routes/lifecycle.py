"""Update customers, change identifiers, search, status and change history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from patron.auth.dependencies import CurrentPrincipal
from patron.customers.change_identifier import change_identifiers
from patron.customers.history import ChangeFilter, list_changes, render_changes
from patron.customers.identifiers import PRIMARY_CANDIDATES, canonical_lookup_name
from patron.customers.lookup import get_customer, resolve_identifier
from patron.customers.routes.common import (
    ERRORS,
    AccountId,
    IdentifierName,
    IdentifierValue,
    RequiredSource,
    Source,
    UseAsync,
    created,
)
from patron.customers.schemas import IdentifierChangeIn, StatusChangeIn, UpdateCustomerIn
from patron.customers.search import search_customers
from patron.customers.sources import resolve_source_account
from patron.customers.status import change_status, status_log
from patron.customers.updates import update_customer
from patron.db import after_commit
from patron.errors import Invalid
from patron.kit.context import current_request_id
from patron.kit.pagination import Page
from patron.web import Limit, Offset, PathId, QueryId, ReadSession, Route, WriteSession

router = APIRouter(prefix="/v2/customers", tags=["customers"], responses=ERRORS, route_class=Route)


def _update_identifier_name(name: str | None) -> str | None:
    canonical = canonical_lookup_name(name)
    if canonical not in PRIMARY_CANDIDATES:
        raise Invalid(
            8013,
            f"Customer identifier is invalid: identifierName must be mobile, email or externalId, not {name!r}",
        )
    return canonical


@router.put("/lookup")
def update_by_identifier(
    body: UpdateCustomerIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
    use_async: UseAsync = None,
) -> dict[str, Any]:
    """Update the details of the customer holding a mobile, email or external id.

    Body profiles apply as in `PUT /v2/customers/{id}`.
    """
    name = _update_identifier_name(identifier_name)
    customer, where = resolve_identifier(
        session, principal.org, source, account_id, name, identifier_value
    )
    if where is None:
        raise Invalid(8012, "Invalid source passed: updates need one source, not ALL")
    outcome = update_customer(session, principal, customer.id, where, body, current_request_id())
    return created(
        outcome.customer_id, outcome.warnings, outcome.joined, with_side_effects=not use_async
    )


@router.put("/lookup/status")
def update_status(
    body: StatusChangeIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    request: Request,
    source: RequiredSource = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
) -> dict[str, Any]:
    """Move the customer to another status label; a Pending deletion label starts PII deletion."""
    name = _update_identifier_name(identifier_name)
    customer, _ = resolve_identifier(
        session, principal.org, source, account_id, name, identifier_value
    )
    change_status(session, principal, customer, body, current_request_id())
    if customer.deletion_requested_at is not None:
        # The deletion runs in the sweeper once this change is stored, never before.
        after_commit(session, request.app.state.pii_sweeper.wake)
    return {"warnings": [], "error": []}


@router.get("/search")
def search(
    principal: CurrentPrincipal,
    session: ReadSession,
    q: Annotated[
        str | None, Query(description="Prefix of a first name, last name or identifier")
    ] = None,
    limit: Limit = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Find customers whose first name, last name or any identifier starts with `q`."""
    return search_customers(session, principal.org, q, Page(limit=limit, offset=offset))


@router.put("/{customer_id:int}")
def update(
    customer_id: PathId,
    body: UpdateCustomerIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    use_async: UseAsync = None,
) -> dict[str, Any]:
    """Update names, custom and extended fields, channels and loyalty type of the customer.

    Each body profile changes the customer's profile in the source account it names (the
    query's when it names no source); one the customer lacks is skipped with a warning (91016
    WECHAT, 91017 WEB_ENGAGE, 8065 other sources). Identifiers already on a profile never
    change here (use changeIdentifier); identifier types the profile lacks are added.
    """
    where = resolve_source_account(principal.org, source, account_id)
    assert where is not None
    outcome = update_customer(session, principal, customer_id, where, body, current_request_id())
    return created(
        outcome.customer_id, outcome.warnings, outcome.joined, with_side_effects=not use_async
    )


@router.post("/{customer_id:int}/changeIdentifier", operation_id="changeIdentifier")
@router.put("/{customer_id:int}/changeIdentifier", operation_id="changeIdentifierWithPut")
def change_identifier(
    customer_id: PathId,
    body: IdentifierChangeIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    use_async: UseAsync = None,
) -> dict[str, Any]:
    """Add or remove identifiers and cards of one source profile.

    An added identifier that another customer holds in another source merges this customer
    into that one (warning 8051; `createdId` is the surviving customer).
    """
    where = resolve_source_account(principal.org, source, account_id)
    assert where is not None
    outcome = change_identifiers(session, principal, customer_id, where, body, current_request_id())
    return {"createdId": outcome.customer_id, "warnings": [w.as_dict() for w in outcome.warnings]}


@router.get("/{customer_id:int}/changeRequest")
def change_requests(
    customer_id: PathId,
    principal: CurrentPrincipal,
    session: ReadSession,
    change_type: Annotated[str | None, Query(alias="changeType")] = None,
    source: Source = None,
    start_date: Annotated[str | None, Query(alias="startDate")] = None,
    end_date: Annotated[str | None, Query(alias="endDate")] = None,
    start_id: Annotated[QueryId, Query(alias="startId")] = None,
    end_id: Annotated[QueryId, Query(alias="endId")] = None,
    limit: Limit = 10,
    offset: Offset = 0,
    sort_by: Annotated[str | None, Query(alias="sortBy")] = None,
    sort_order: Annotated[str | None, Query(alias="sortOrder")] = None,
) -> dict[str, Any]:
    """List the customer's mobile, email and external id changes and merges.

    Status changes are in the status log; date-times are in the org's time zone, and
    `startDate`/`endDate` are days there.
    """
    customer = get_customer(session, principal.org_id, customer_id)
    flt = ChangeFilter(
        change_type, source, start_date, end_date, start_id, end_id, sort_by, sort_order
    )
    page = Page(limit=limit, offset=offset)
    zone = principal.org.zone
    rows, total = list_changes(session, principal.org_id, customer.id, flt, page, zone)
    return {
        "pagination": page.as_dict(total),
        "data": render_changes(session, principal.org_id, rows, zone),
        "warnings": [],
        "errors": [],
    }


@router.get("/{customer_id:int}/statusLog")
def get_status_log(
    customer_id: PathId, principal: CurrentPrincipal, session: ReadSession
) -> dict[str, Any]:
    """List the customer's status label changes, newest first."""
    customer = get_customer(session, principal.org_id, customer_id)
    return {
        "data": status_log(session, principal.org_id, customer.id, principal.org.zone),
        "warnings": [],
        "errors": [],
    }
