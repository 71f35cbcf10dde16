"""Shared parameters and error declarations of the customers routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from patron.web import error_responses

ERRORS = error_responses(
    {
        400: "Invalid input (documented code in the envelope)",
        401: "No or bad credentials",
        404: "Customer not found (8009, 8015, 8065, 8069)",
        409: "Identifier conflict (1014, 1016, 1032, 1033, 8007, 8008, 8053, 8066, 8067)",
    }
)

Source = Annotated[str | None, Query(description="Source, or ALL for every source")]
AccountId = Annotated[
    str | None, Query(alias="accountId", description="Account of a multi-account source")
]
IdentifierName = Annotated[str | None, Query(alias="identifierName")]
IdentifierValue = Annotated[str | None, Query(alias="identifierValue")]
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
