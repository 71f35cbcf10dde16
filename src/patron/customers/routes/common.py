"""Shared parameters and error declarations of the customers routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

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
    Query(description="subscriptions, CUSTOMERIMAGE (comma-separated); loyalty embeds warn 91001"),
]
UseAsync = Annotated[
    bool | None, Query(alias="use_async", description="Accepted; patron has no side effects yet")
]


def created(customer_id: int, warnings: list[Any]) -> dict[str, Any]:
    """Render the documented write answer."""
    return {
        "createdId": customer_id,
        "warnings": [w.as_dict() for w in warnings],
        "sideEffects": [],
    }
