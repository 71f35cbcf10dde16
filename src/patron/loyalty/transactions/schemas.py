"""Wire models of transactions (documented camelCase names; unknown keys ignored).

Fields whose bad value has a documented code of its own (``type`` 605, ``billNumber`` 602,
``billAmount`` 601, ``programId`` 1101, ``purchaseTime`` 624) are read loosely so the service
can answer that code rather than a generic schema error.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut

MAX_LINE_ITEMS = 1000
MAX_PAYMENT_MODES = 100
MAX_TEXT = 1000

# Read as any JSON value, declared as the number the API document names.
LooseNumber = Annotated[Any, Field(json_schema_extra={"type": "number"})]
LooseInteger = Annotated[Any, Field(json_schema_extra={"type": "integer"})]
LooseText = Annotated[Any, Field(json_schema_extra={"type": "string"})]


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored, numbers read as text
    where text is expected, no NaN or infinity."""

    model_config = ConfigDict(
        populate_by_name=True, extra="ignore", coerce_numbers_to_str=True, allow_inf_nan=False
    )


class PaymentModeIn(Wire):
    """One way the bill was paid."""

    mode: str | None = Field(default=None, max_length=100)
    value: float | None = None
    notes: str | None = Field(default=None, max_length=MAX_TEXT)
    attributes: dict[str, Any] | None = None


class LineItemIn(Wire):
    """One line of the bill: `amount` is `value - discount`, `value` is `rate * qty`."""

    item_code: str | None = Field(default=None, alias="itemCode", max_length=200)
    amount: float | None = None
    rate: float | None = None
    qty: float | None = None
    value: float | None = None
    discount: float | None = None
    description: str | None = Field(default=None, max_length=MAX_TEXT)
    serial: str | None = Field(default=None, max_length=200)
    returnable: bool | None = None
    returnable_days: int | None = Field(default=None, alias="returnableDays", ge=0, le=36500)
    attributes: dict[str, Any] | None = None
    custom_fields: dict[str, Any] | None = Field(default=None, alias="customFields")
    extended_fields: dict[str, Any] | None = Field(default=None, alias="extendedFields")
    type: str | None = Field(default=None, max_length=30)
    return_type: str | None = Field(default=None, alias="returnType", max_length=30)
    parent_bill_number: str | None = Field(default=None, alias="parentBillNumber", max_length=100)
    purchase_time: str | None = Field(default=None, alias="purchaseTime", max_length=64)


class RedemptionsIn(Wire):
    """Redemptions made for this bill, tagged to it by id."""

    points_redemptions: list[LooseInteger] | None = Field(
        default=None, alias="pointsRedemptions", max_length=100
    )
    coupon_redemptions: list[LooseInteger] | None = Field(
        default=None, alias="couponRedemptions", max_length=100
    )


class TransactionIn(Wire):
    """Body of ``POST /v2/transactions``."""

    type: LooseText = Field(
        default=None, description="REGULAR, RETURN, NOT_INTERESTED or NOT_INTERESTED_RETURN"
    )
    bill_number: str | None = Field(
        default=None,
        alias="billNumber",
        description="Unique per org for a purchase; for a return, the purchase's number",
    )
    bill_amount: LooseNumber = Field(default=None, alias="billAmount")
    billing_date: str | None = Field(default=None, alias="billingDate", max_length=64)
    discount: float | None = None
    gross_amount: float | None = Field(default=None, alias="grossAmount")
    note: str | None = Field(default=None, max_length=MAX_TEXT)
    return_type: str | None = Field(
        default=None, alias="returnType", description="AMOUNT, FULL, LINE_ITEM or CANCELLED"
    )
    purchase_time: str | None = Field(default=None, alias="purchaseTime", max_length=64)
    not_interested_reason: str | None = Field(
        default=None, alias="notInterestedReason", max_length=255
    )
    delivery_status: str | None = Field(
        default=None,
        alias="deliveryStatus",
        description="PLACED, PROCESSED, SHIPPED, DELIVERED or RETURNED",
    )
    outlier_status: str | None = Field(
        default=None,
        alias="outlierStatus",
        description="NORMAL, INTERNAL, FRAUD, OUTLIER, TEST, DELETED, FAILED or OTHER",
    )
    currency_code: str | None = Field(default=None, alias="currencyCode", max_length=10)
    extended_fields: dict[str, Any] | None = Field(default=None, alias="extendedFields")
    custom_fields: dict[str, Any] | None = Field(default=None, alias="customFields")
    payment_modes: list[PaymentModeIn] | None = Field(
        default=None, alias="paymentModes", max_length=MAX_PAYMENT_MODES
    )
    line_items: list[LineItemIn] | None = Field(
        default=None, alias="lineItemsV2", max_length=MAX_LINE_ITEMS
    )
    redemptions: RedemptionsIn | None = None
    program_id: LooseInteger = Field(default=None, alias="programId")
    user_group2_id: LooseText = Field(default=None, alias="userGroup2Id")
    user_group2_primary_user_id: LooseText = Field(default=None, alias="userGroup2PrimaryUserId")
    user_group2_external_id: LooseText = Field(default=None, alias="userGroup2ExternalId")


class BulkTransactionIn(TransactionIn):
    """One item of ``POST /v2/transactions/bulk``: a transaction and whose it is."""

    identifier_type: str | None = Field(default=None, alias="identifierType")
    identifier_value: str | None = Field(default=None, alias="identifierValue")
    source: str | None = None
    account_id: str | None = Field(default=None, alias="accountId")


class CustomerInfoOut(BaseModel):
    """The customer's names."""

    model_config = ConfigDict(populate_by_name=True)

    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")


class TransactionOut(BaseModel):
    """Answer of ``POST /v2/transactions``."""

    model_config = ConfigDict(populate_by_name=True)

    created_id: int = Field(alias="createdId")
    warnings: list[NoticeOut]
    errors: list[NoticeOut]
    side_effects: list[dict[str, Any]] = Field(alias="sideEffects")
    raw_side_effects: list[dict[str, Any]] | None = Field(default=None, alias="rawSideEffects")
    loyalty_details: list[dict[str, Any]] = Field(alias="loyaltyDetails")
    customer_info: CustomerInfoOut = Field(alias="customerInfo")


class BulkItemOut(BaseModel):
    """The outcome of one bulk item: its bill id and answer, or its errors."""

    model_config = ConfigDict(populate_by_name=True)

    entity_id: int | None = Field(alias="entityId")
    result: TransactionOut | None
    errors: list[NoticeOut]
    warnings: list[NoticeOut]


class BulkOut(BaseModel):
    """Answer of ``POST /v2/transactions/bulk``."""

    model_config = ConfigDict(populate_by_name=True)

    response: list[BulkItemOut]
    total_count: int = Field(alias="totalCount")
    failure_count: int = Field(alias="failureCount")
