"""Wire models of loyalty requests (documented camelCase names; unknown keys ignored).

Request fields are read as text so that the service can answer a bad value with its
documented code (9006, 9008, 801, 1101…) rather than a generic schema error.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

TEXT = 500


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored, numbers taken as text."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", coerce_numbers_to_str=True)


class GoodwillIn(Wire):
    """The goodwill part of a request: the points asked for and why."""

    points: str | None = None
    # A goodwill coupon request (``baseType: COUPON``): the coupon series to issue from.
    series_id: str | None = Field(default=None, alias="seriesId")
    reason: str | None = Field(default=None, max_length=TEXT)
    comments: str | None = Field(default=None, max_length=TEXT)


class RequestIn(Wire):
    """Body of ``POST /v2/requests``: a goodwill (points or coupon) or a retro (transaction
    update) request."""

    type: str | None = None
    base_type: str | None = Field(default=None, alias="baseType")
    goodwill_request: GoodwillIn | None = Field(default=None, alias="goodwillRequest")
    earning_entity_type: str | None = Field(default=None, alias="earningEntityType")
    customer_id: str | None = Field(default=None, alias="customerId")
    user_id: str | None = Field(default=None, alias="userId")
    identifier_name: str | None = Field(default=None, alias="identifierName")
    identifier_value: str | None = Field(default=None, alias="identifierValue")
    source: str | None = None
    account_id: str | None = Field(default=None, alias="accountId")
    program_id: str | None = Field(default=None, alias="programId")
    transaction_id: str | None = Field(default=None, alias="transactionId")
    bill_number: str | None = Field(default=None, alias="billNumber")
    reason: str | None = Field(default=None, max_length=TEXT)
    comments: str | None = Field(default=None, max_length=TEXT)
    user_group2_id: str | None = Field(
        default=None, alias="userGroup2Id", description="The group (`earningEntityType` USERGROUP2)"
    )
    user_group2_external_id: str | None = Field(
        default=None, alias="userGroup2ExternalId", description="The group by its externalId"
    )
    user_group2_primary_user_id: str | None = Field(
        default=None,
        alias="userGroup2PrimaryUserId",
        description="The group by the customer id of its primary member",
    )


class DecisionIn(Wire):
    """One item of ``PUT /v2/requests``: approve, reject or reopen one request."""

    type: str | None = None
    base_type: str | None = Field(default=None, alias="baseType")
    id: str | None = None
    status: str | None = None
    comments: str | None = Field(default=None, max_length=TEXT)
    approved_value: str | None = Field(default=None, alias="approvedValue")
