"""Register, fetch and look up customers."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic_core import to_jsonable_python

from patron.auth.dependencies import CurrentPrincipal
from patron.auth.principal import Principal
from patron.customers.lookup import locate_identifier, resolve_identifier
from patron.customers.registration import register_customer
from patron.customers.routes.common import (
    ERRORS,
    AccountId,
    Embed,
    IdentifierName,
    IdentifierValue,
    RawSideEffects,
    RequiredSource,
    Source,
    created,
    wants_side_effects,
)
from patron.customers.schemas import CreatedOut, LookupOut, RegisterCustomerIn
from patron.customers.sources import resolve_source_account
from patron.customers.views import fetch_customer, parse_embeds, render_customer
from patron.kit.context import current_request_id
from patron.web import JSON, PathId, ReadSession, Route, WriteSession


def own_till(principal: Principal) -> dict[int, dict[str, Any]]:
    """The caller's till attribution, known without a query."""
    return {principal.till_id: principal.attribution()}


class Rendered(JSON):
    """An answer rendered as FastAPI renders a ``dict[str, Any]`` response model: values JSON
    has no type for (datetimes, decimals…) as pydantic writes them."""

    def render(self, content: Any) -> bytes:
        options = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
        return orjson.dumps(content, default=to_jsonable_python, option=options)


router = APIRouter(prefix="/v2/customers", tags=["customers"], responses=ERRORS, route_class=Route)


RegisterSource = Annotated[
    str | None, Query(description="Legacy form: the source of profiles that name none")
]
RegisterAccountId = Annotated[
    str | None,
    Query(
        alias="accountId", description="Legacy form: the account of profiles that name no source"
    ),
]


@router.post(
    "", response_model=CreatedOut, response_model_by_alias=True, response_model_exclude_unset=True
)
def register(
    request: Request,
    body: RegisterCustomerIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    source: RegisterSource = None,
    account_id: RegisterAccountId = None,
    raw_side_effects: RawSideEffects = None,
) -> dict[str, Any]:
    """Register a customer in one or more sources.

    An identifier already registered in another source adds this source's profile to that
    customer (warning 8050, `createdId` is the existing customer). The legacy
    `?source=&accountId=` applies to profiles that name no source. A loyalty customer is
    enrolled in the default program (and those `loyaltyProgramEnrollments` name) and earns
    the registration points, listed in `sideEffects` (none with `WAIT_FOR_DOWNSTREAM: false`).
    """
    outcome = register_customer(
        session, principal, body, current_request_id(), source=source, account_id=account_id
    )
    return created(
        outcome.customer_id,
        outcome.warnings,
        outcome.joined,
        with_side_effects=wants_side_effects(request),
        raw=bool(raw_side_effects),
    )


# The reads below answer with the JSON they build (the documented shapes, declared as their
# response models): validating and re-serialising it would cost more than building it.
@router.get("/lookup", response_model=LookupOut)
def lookup(
    principal: CurrentPrincipal,
    session: ReadSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
) -> Response:
    """Return the id (`entity`) of the customer holding an identifier."""
    customer_id, _ = locate_identifier(
        session, principal.org, source, account_id, identifier_name, identifier_value
    )
    return JSON({"entity": customer_id, "warnings": []})


@router.get("/lookup/customerDetails")
def customer_details(
    request: Request,
    principal: CurrentPrincipal,
    session: ReadSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
    embed: Embed = None,
) -> dict[str, Any]:
    """Return the details of the customer holding an identifier."""
    embeds = parse_embeds(embed)
    customer, where = resolve_identifier(
        session, principal.org, source, account_id, identifier_name, identifier_value
    )
    return render_customer(
        session,
        principal.org,
        customer,
        where,
        embeds,
        str(request.base_url),
        own_till(principal),
        with_fraud_details=True,
    )


@router.get("/{customer_id:int}", response_model=dict[str, Any])
def fetch(
    customer_id: PathId,
    request: Request,
    principal: CurrentPrincipal,
    session: ReadSession,
    source: Source = None,
    account_id: AccountId = None,
    embed: Embed = None,
) -> Response:
    """Return a customer's details; `source=ALL` (or no source) returns every profile."""
    embeds = parse_embeds(embed)
    where = resolve_source_account(principal.org, source or "ALL", account_id, allow_all=True)
    body = fetch_customer(
        session,
        principal.org,
        customer_id,
        where,
        embeds,
        str(request.base_url),
        own_till(principal),
    )
    return Rendered(body)
