"""Wire models of coupons (documented camelCase names; unknown keys are ignored).

Inputs the hosted API calls mandatory are optional here, so that the service answers a missing
one with its documented code (756) rather than a generic schema error.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.ids import MAX_ID

TEXT = 255
SeriesNumber = Annotated[int, Field(ge=1, le=2**31 - 1)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class CustomerIn(Wire):
    """A customer named by ``id``, ``mobile``, ``email`` or ``externalId`` (any source)."""

    id: RowId | None = None
    mobile: str | None = Field(default=None, max_length=TEXT)
    email: str | None = Field(default=None, max_length=TEXT)
    external_id: str | None = Field(default=None, alias="externalId", max_length=TEXT)


class IssueIn(Wire):
    """Body of ``POST /v2/coupon/issue``."""

    series_id: SeriesNumber | None = Field(default=None, alias="seriesId")
    customer: CustomerIn | None = None


class BulkIssueIn(Wire):
    """Body of ``POST /v2/coupon/bulk/issue``: one coupon of each series to one customer."""

    series_ids: list[SeriesNumber] | None = Field(default=None, alias="seriesIds", max_length=100)
    customer: CustomerIn | None = None


class CodeIn(Wire):
    """One coupon of a redemption request."""

    code: str | None = Field(default=None, max_length=100)


class RedeemIn(Wire):
    """Body of ``POST /v2/coupon/redeem`` (and each item of the bulk redemption)."""

    redemption_request_list: list[CodeIn] | None = Field(
        default=None, alias="redemptionRequestList", max_length=100
    )
    user: CustomerIn | None = None
    transaction_number: str | None = Field(default=None, alias="transactionNumber", max_length=100)
    # Checked by the service, so that a bad amount answers 733.
    bill_amount: Any = Field(default=None, alias="billAmount")
    redemption_time: str | None = Field(default=None, alias="redemptionTime", max_length=40)


class ReactivateIn(Wire):
    """Body of ``POST /v2/coupon/reactivate``."""

    redemption_ids: list[RowId] | None = Field(default=None, alias="redemptionIds", max_length=100)
