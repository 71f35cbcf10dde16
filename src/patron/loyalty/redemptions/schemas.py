"""Wire models of redemption, reversal and negative adjustment (documented camelCase names).

Amounts and ids are taken as given (``Any``) so the service answers a bad one with its points
code (801, 901…) instead of a generic schema error; unknown keys are ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored, numbers taken as text."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", coerce_numbers_to_str=True)


class RedeemIn(Wire):
    """Body of ``POST /v2/customers/{id}/redemptions``."""

    redemption_type: str | None = Field(default=None, alias="redemptionType")
    points: Any = None
    transaction_number: str | None = Field(default=None, alias="transactionNumber", max_length=100)
    validation_code: str | None = Field(default=None, alias="validationCode", max_length=100)
    source: str | None = None
    commit: bool = True
    external_reference_number: str | None = Field(
        default=None, alias="externalReferenceNumber", max_length=100
    )
    program_id: Any = Field(default=None, alias="programId")


class RedemptionOut(BaseModel):
    """Answer of ``POST /v2/customers/{id}/redemptions``."""

    model_config = ConfigDict(populate_by_name=True)

    redemption_id: int | None = Field(alias="redemptionId")
    customer_id: int = Field(alias="customerId")
    points: float
    points_to_currency: float = Field(alias="pointsToCurrency")
    balance: float
    program_id: int = Field(alias="programId")
    transaction_number: str | None = Field(alias="transactionNumber")
    external_reference_number: str | None = Field(alias="externalReferenceNumber")
    commit: bool
    redeemed_on: str | None = Field(alias="redeemedOn")
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)


class IdentifierIn(Wire):
    """A customer identifier of a points call: ``{type: ID|MOBILE|EXTERNAL_ID|EMAIL, value}``."""

    type: str | None = None
    value: str | None = None


class ReverseIn(Wire):
    """Body of ``POST /v2/points/reverse``."""

    redemption_id: Any = Field(default=None, alias="redemptionId")
    points_to_be_reversed: Any = Field(default=None, alias="pointsToBeReversed")
    identifier: IdentifierIn | None = None


class IdentifierOut(BaseModel):
    """The identifier a reversal named, echoed."""

    type: str | None
    value: str | None


class ReversalOut(BaseModel):
    """Answer of ``POST /v2/points/reverse``."""

    model_config = ConfigDict(populate_by_name=True)

    redemption_id: int = Field(alias="redemptionId")
    points_to_be_reversed: float = Field(alias="pointsToBeReversed")
    org_id: int = Field(alias="orgId")
    identifier: IdentifierOut | None
    customer_id: int = Field(alias="customerId")
    points_reversed: float = Field(alias="pointsReversed")
    reversal_id: int = Field(alias="reversalId")
    warnings: list[NoticeOut] = Field(default_factory=list)


class AdjustIn(Wire):
    """Body of ``POST /v2/customers/lookup/negativePointsAdjustment``."""

    points_to_be_adjusted: Any = Field(default=None, alias="pointsToBeAdjusted")
    reason_of_return: str | None = Field(default=None, alias="reasonOfReturn", max_length=500)
    program_id: Any = Field(default=None, alias="programId")


class AdjustmentOut(BaseModel):
    """Answer of ``POST /v2/customers/lookup/negativePointsAdjustment``."""

    model_config = ConfigDict(populate_by_name=True)

    adjustment_id: int = Field(alias="adjustmentId")
    customer_id: int = Field(alias="customerId")
    program_id: int = Field(alias="programId")
    points_adjusted: float = Field(alias="pointsAdjusted")
    balance: float
    reason_of_return: str = Field(alias="reasonOfReturn")
    adjusted_on: str = Field(alias="adjustedOn")
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)
