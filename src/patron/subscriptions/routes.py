"""HTTP endpoints of the subscriptions domain (``/v2/customers/{id}/subscriptions``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from patron.auth.dependencies import CurrentPrincipal
from patron.kit.context import current_request_id
from patron.subscriptions.schemas import (
    SubscriptionsOut,
    UpdatedSubscriptionsOut,
    UpdateSubscriptionsIn,
)
from patron.subscriptions.service import get_subscriptions, parse_customer_id, update_subscriptions
from patron.web import ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 1101 channel, 1102 priority, 1103 scope, 1104 customer id, "
        "1105 several scopes, 1106 status, 1107 campaign id, 1108 communication id, "
        "1109 no subscriptions, 8011/8012/8045 source account, 400 malformed body",
        401: "No or bad credentials",
        404: "Customer not found (8015) or merged into another (8069)",
        409: "A concurrent change prevented the update (1110)",
    }
)

router = APIRouter(
    prefix="/v2/customers", tags=["subscriptions"], responses=ERRORS, route_class=Route
)


@router.post(
    "/{customer_id}/subscriptions",
    response_model=UpdatedSubscriptionsOut,
    response_model_exclude_none=True,
)
def update(
    customer_id: str,
    body: UpdateSubscriptionsIn,
    principal: CurrentPrincipal,
    session: WriteSession,
) -> dict[str, Any]:
    """Opt a customer in to or out of transactional (`TRANS`) or bulk (`BULK`) messages.

    Each item names a channel (`mobile`/`SMS`, `email`, `wechat`, `whatsapp`, `ios`,
    `android`, `line`), a priority, `OPTIN` or `OPTOUT`, and the source account it applies
    to (`sourceName`, `accountId`; `INSTORE` when absent). A `customerSubscription` event
    reports every status that changed.
    """
    return update_subscriptions(
        session, principal, parse_customer_id(customer_id), body, current_request_id()
    )


@router.get(
    "/{customer_id}/subscriptions",
    response_model=SubscriptionsOut,
    response_model_exclude_none=True,
)
def fetch(customer_id: str, principal: CurrentPrincipal, session: ReadSession) -> dict[str, Any]:
    """Return a customer's subscription status per channel and priority.

    Email and SMS are always listed (`OPTIN` until changed); other channels and other source
    accounts appear once set, the latter with `sourceName` and `accountId`.
    """
    return get_subscriptions(session, principal.org_id, parse_customer_id(customer_id))
