"""HTTP endpoints of loyalty transactions (``/v2/transactions``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response

from patron.auth.dependencies import CurrentPrincipal
from patron.kit.wire import ErrorEnvelope
from patron.loyalty.params import AccountId, IdentifierValue
from patron.loyalty.transactions.schemas import BulkOut, TransactionIn, TransactionOut
from patron.loyalty.transactions.service import (
    Lookup,
    Options,
    add_transaction,
    add_transactions,
)
from patron.web import REQUIRED, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 601 amount, 602 bill number, 605 type, 606 identifier missing, "
        "621 billing date in the future, 624 purchaseTime missing, 626 return exceeds the "
        "purchase, 632 returnType missing, 633 LINE_ITEM return without lines, 672 batch "
        "limit, 1101 program, 8011/8012/8045 source account, 8013 identifier, 400 malformed",
        401: "No or bad credentials",
        404: "Customer not found (8015), not in the source (8065), merged (8069), or the "
        "returned bill not found (625)",
        409: "Bill number already exists (604)",
    }
)

router = APIRouter(tags=["loyalty"], responses=ERRORS, route_class=Route)

IdentifierName = Annotated[
    str | None,
    Query(
        alias="identifierName",
        description="mobile, email, externalId, id, wechat, martjackId, fbId, cardnumber, "
        "cardExternalId",
        json_schema_extra=REQUIRED,
    ),
]
Source = Annotated[
    str | None, Query(description="Source of the customer's profile (absent: any source)")
]
UseAsync = Annotated[
    bool | None,
    Query(alias="use_async", description="true: written at once all the same; no sideEffects"),
]
RawSideEffects = Annotated[
    bool | None,
    Query(alias="rawSideEffects", description="true: add `rawSideEffects`, the award details"),
]
DirectReplay = Annotated[
    str | None,
    Header(
        alias="X-CAP-DIRECT-REPLAY",
        description="true: written at once all the same; no sideEffects",
    ),
]


def _options(use_async: bool | None, raw: bool | None, replay: str | None) -> Options:
    replayed = (replay or "").strip().lower() == "true"
    return Options(raw=bool(raw), deferred=bool(use_async) or replayed)


@router.post("/v2/transactions", response_model=TransactionOut, response_model_exclude_unset=True)
def add(
    body: TransactionIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
    source: Source = None,
    account_id: AccountId = None,
    use_async: UseAsync = None,
    raw_side_effects: RawSideEffects = None,
    direct_replay: DirectReplay = None,
) -> dict[str, Any]:
    """Add a transaction of the customer the identifier names.

    `REGULAR`: a purchase. A loyalty customer earns by the current tier's rule (the demo
    program: 1 % in BRONZE, 1.5 % in SILVER, 2 % in GOLD, rounded half up) and the amount counts
    towards the tiers, which are upgraded at once; `sideEffects` lists the points and any tier
    change. A non-loyalty customer's purchase is stored and earns nothing. `billNumber` is
    unique per org (604).

    `RETURN`: returns the customer's purchase `billNumber` — `FULL` or `CANCELLED`
    (everything not yet returned), `AMOUNT` (`billAmount`) or `LINE_ITEM` (the sum of
    `lineItemsV2` amounts) — and takes its points back pro rata (negative `awardedPoints`);
    points already spent are not taken. `purchaseTime` is required (624).

    `NOT_INTERESTED`: stored, earns nothing; `NOT_INTERESTED_RETURN` returns one.

    Everything is written before the answer, also with `use_async=true` or
    `X-CAP-DIRECT-REPLAY: true`, which only leave `sideEffects` empty.
    """
    lookup = Lookup(identifier_name, identifier_value, source, account_id)
    options = _options(use_async, raw_side_effects, direct_replay)
    return add_transaction(session, principal, lookup, body, options)


@router.post(
    "/v2/transactions/bulk",
    response_model=BulkOut,
    response_model_exclude_unset=True,
    responses={
        400: {
            "model": BulkOut | ErrorEnvelope,
            "description": "Every item failed (the same body as 200), or the body is malformed "
            "(the error envelope: 400, 672)",
        }
    },
)
def add_bulk(
    body: Annotated[
        list[Any],
        Body(
            description="1 to 100 transactions: each is a `POST /v2/transactions` body with "
            "`identifierType`, `identifierValue`, `source` and `accountId`"
        ),
    ],
    principal: CurrentPrincipal,
    session: WriteSession,
    response: Response,
    use_async: UseAsync = None,
    raw_side_effects: RawSideEffects = None,
) -> dict[str, Any]:
    """Add up to 100 transactions of existing customers, each on its own.

    Each item is a transaction body naming its customer (`identifierType`, `identifierValue`,
    `source`, `accountId`); no customer is registered. One item failing undoes none of the
    others: each answers its bill id (`entityId`) and result, or its errors. The answer is
    200 when at least one item succeeded, else 400 with the same body; more than 100 items
    answer 672.
    """
    options = _options(use_async, raw_side_effects, None)
    answer, any_stored = add_transactions(session, principal, body, options)
    if not any_stored:
        response.status_code = 400
    return answer
