"""Query parameters the loyalty endpoints share: who the customer is, and which program."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from patron.web import REQUIRED, QueryId

# Mandatory in the API document; a missing one is answered 8012 / 8013 by the services.
RequiredSource = Annotated[
    str | None, Query(description="Source, or ALL for every source", json_schema_extra=REQUIRED)
]
AccountId = Annotated[
    str | None, Query(alias="accountId", description="Account of a multi-account source")
]
IdentifierName = Annotated[str | None, Query(alias="identifierName", json_schema_extra=REQUIRED)]
IdentifierValue = Annotated[str | None, Query(alias="identifierValue", json_schema_extra=REQUIRED)]
ProgramId = Annotated[QueryId, Query(alias="programId", description="Only this loyalty program")]
