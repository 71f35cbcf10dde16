"""Coupon series (offers) of an org file.

The org file's ``couponSeries`` validate into these frozen models (``OrgConfig.coupon_series``);
series can also be created and changed through ``/v2/coupon/series``, which the coupons
domain stores beside these. The keys are those of the hosted ``CouponSeriesV2`` object.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Bounds that every backend stores and renders exactly.
MAX_COUNT = 2**31 - 1
MAX_AMOUNT = Decimal("1e12")


def parse_moment(text: str, zone: dt.tzinfo, *, end_of_day: bool) -> dt.datetime:
    """Read a series date: an ISO date-time (without an offset: in ``zone``) or a date, which
    stands for its last second (``end_of_day``) or its first one; raise ValueError if neither."""
    value = text.strip()
    if len(value) == len("YYYY-MM-DD"):
        day = dt.date.fromisoformat(value)
        moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
        moment = moment.replace(microsecond=0, tzinfo=zone)
    else:
        if value.endswith(("Z", "z")):
            value = value[:-1] + "+00:00"
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
    if not 1900 <= moment.year <= 9998:
        raise ValueError(f"{text!r} is out of range")
    return moment.astimezone(dt.UTC)


class _Definition(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class DiscountType(StrEnum):
    """An absolute amount off, or a percentage of the bill."""

    ABS = "ABS"
    PERC = "PERC"


class ClientHandlingType(StrEnum):
    """How codes are made: one code per coupon, one shared (generic) code, or code and pin."""

    DISC_CODE = "DISC_CODE"
    GENERIC = "GENERIC"
    DISC_CODE_PIN = "DISC_CODE_PIN"


class ExpiryStrategyType(StrEnum):
    """When an issued coupon expires: with its series, N days after issue, or at month end."""

    SERIES_EXPIRY = "SERIES_EXPIRY"
    DAYS = "DAYS"
    MONTHS_END = "MONTHS_END"


class CouponSeriesDef(_Definition):
    """A coupon series; ``seriesId`` is fixed by the file so clients can name it."""

    series_id: int = Field(alias="seriesId", ge=1, le=2**31 - 1)
    series_code: str = Field(alias="seriesCode", min_length=1, max_length=50)
    description: str = Field(min_length=1, max_length=500)
    discount_code: str = Field(alias="discountCode", min_length=1, max_length=50)
    discount_type: DiscountType = Field(alias="discountType")
    discount_value: Decimal = Field(alias="discountValue", ge=0, le=MAX_AMOUNT, decimal_places=3)
    # The cap on a percentage discount (0: none).
    discount_upto: Decimal = Field(
        default=Decimal(0), alias="discountUpto", ge=0, le=MAX_AMOUNT, decimal_places=3
    )
    client_handling_type: ClientHandlingType = Field(
        default=ClientHandlingType.DISC_CODE, alias="clientHandlingType"
    )
    generic_code: str | None = Field(default=None, alias="genericCode", max_length=50)
    code_prefix: str = Field(default="", alias="codePrefix", max_length=20)
    random_code_length: int = Field(default=8, alias="randomCodeLength", ge=4, le=40)
    alpha_numeric: bool = Field(default=True, alias="alphaNumeric")
    # The series' own end; ISO date-time or date in the org's time zone.
    valid_till_date: str = Field(alias="validTillDate", min_length=10, max_length=40)
    expiry_strategy_type: ExpiryStrategyType = Field(
        default=ExpiryStrategyType.SERIES_EXPIRY, alias="expiryStrategyType"
    )
    expiry_strategy_value: int = Field(default=0, alias="expiryStrategyValue", ge=0, le=36500)
    any_user: bool = Field(default=False, alias="anyUser")
    # -1: unlimited.
    max_create: int = Field(default=-1, alias="maxCreate", ge=-1, le=MAX_COUNT)
    max_redeem: int = Field(default=-1, alias="maxRedeem", ge=-1, le=MAX_COUNT)
    redemption_per_coupon_max_limit: int = Field(
        default=1, alias="redemptionPerCouponMaxLimit", ge=-1, le=MAX_COUNT
    )
    same_user_multiple_redeem: bool = Field(default=False, alias="sameUserMultipleRedeem")
    is_multiple_vouchers_per_user_allowed: bool = Field(
        default=True, alias="isMultipleVouchersPerUserAllowed"
    )
    max_vouchers_per_user: int = Field(default=-1, alias="maxVouchersPerUser", ge=-1, le=MAX_COUNT)
    max_redemptions_in_series_per_user: int = Field(
        default=-1, alias="maxRedemptionsInSeriesPerUser", ge=-1, le=MAX_COUNT
    )
    min_days_between_redemption: int = Field(
        default=-1, alias="minDaysBetweenRedemption", ge=-1, le=36500
    )
    min_bill_amount: Decimal = Field(
        default=Decimal(0), alias="minBillAmount", ge=0, le=MAX_AMOUNT, decimal_places=3
    )
    max_bill_amount: Decimal | None = Field(
        default=None, alias="maxBillAmount", ge=0, le=MAX_AMOUNT, decimal_places=3
    )
    redemption_valid_from: str | None = Field(
        default=None, alias="redemptionValidFrom", max_length=40
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.client_handling_type is ClientHandlingType.GENERIC and not self.generic_code:
            raise ValueError(
                f"coupon series {self.series_code}: a GENERIC series needs genericCode"
            )
        if (
            self.expiry_strategy_type is not ExpiryStrategyType.SERIES_EXPIRY
            and self.expiry_strategy_value < 1
        ):
            raise ValueError(
                f"coupon series {self.series_code}: {self.expiry_strategy_type.value} expiry "
                "needs expiryStrategyValue ≥ 1"
            )
        if self.discount_type is DiscountType.PERC and self.discount_value > 100:
            raise ValueError(f"coupon series {self.series_code}: a percentage is at most 100")
        for name, text in (
            ("validTillDate", self.valid_till_date),
            ("redemptionValidFrom", self.redemption_valid_from),
        ):
            if text is not None:
                try:
                    parse_moment(text, dt.UTC, end_of_day=True)
                except ValueError:
                    raise ValueError(
                        f"coupon series {self.series_code}: {name} {text!r} is not a date"
                    ) from None
        return self

    @property
    def redemption_limit(self) -> int:
        """How often one coupon may be redeemed (-1: without limit; 0 counts as 1)."""
        limit = self.redemption_per_coupon_max_limit
        return -1 if limit < 0 else max(limit, 1)

    @property
    def vouchers_per_user(self) -> int:
        """How many coupons of the series one customer may hold (-1: without limit)."""
        if not self.is_multiple_vouchers_per_user_allowed:
            return 1
        return self.max_vouchers_per_user
