"""Shared parameters and error declarations of the customers routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request

from patron.customers.hooks import Joined
from patron.web import REQUIRED, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input (documented code in the envelope)",
        401: "No or bad credentials",
        404: "Customer not found (8009, 8015, 8065, 8069)",
        409: "Identifier conflict (1014, 1016, 1032, 1033, 8007, 8008, 8053, 8066, 8067)",
    }
)

Source = Annotated[str | None, Query(description="Source, or ALL for every source")]
# Mandatory in the API document; a missing one is answered 8012 / 8013 by the services.
RequiredSource = Annotated[
    str | None, Query(description="Source, or ALL for every source", json_schema_extra=REQUIRED)
]
AccountId = Annotated[
    str | None, Query(alias="accountId", description="Account of a multi-account source")
]
IdentifierName = Annotated[str | None, Query(alias="identifierName", json_schema_extra=REQUIRED)]
IdentifierValue = Annotated[str | None, Query(alias="identifierValue", json_schema_extra=REQUIRED)]
Embed = Annotated[
    str | None,
    Query(
        description="subscriptions, CUSTOMERIMAGE, points, mlp, promotionalPoints, "
        "expirySchedules, expiredPoints (comma-separated)"
    ),
]
UseAsync = Annotated[
    bool | None,
    Query(
        alias="use_async",
        description="true: answer without side effects (loyalty is still written before the answer)",
    ),
]
RawSideEffects = Annotated[
    bool | None,
    Query(alias="rawSideEffects", description="true: add `rawSideEffects`, the award details"),
]


def created(
    customer_id: int,
    warnings: list[Any],
    joined: Joined | None = None,
    *,
    with_side_effects: bool = True,
    raw: bool = False,
) -> dict[str, Any]:
    """Render the documented write answer: the id, warnings and what loyalty gave."""
    out: dict[str, Any] = {
        "createdId": customer_id,
        "warnings": [w.as_dict() for w in warnings],
        "sideEffects": joined.side_effects if joined is not None and with_side_effects else [],
    }
    if raw:
        out["rawSideEffects"] = (
            joined.raw_side_effects if joined is not None and with_side_effects else []
        )
    return out


def wants_side_effects(request: Request) -> bool:
    """Tell whether the caller waits for side effects: not with ``WAIT_FOR_DOWNSTREAM: false``
    or ``X-CAP-DIRECT-REPLAY: true`` (loyalty is written before the answer either way)."""
    if request.headers.get("WAIT_FOR_DOWNSTREAM", "").strip().lower() == "false":
        return False
    return request.headers.get("X-CAP-DIRECT-REPLAY", "").strip().lower() != "true"
