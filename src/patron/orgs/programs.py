"""Loyalty programs of an org file: tiers, earn rules, expiry, redemption, transfers, goodwill.

The org file's ``loyaltyPrograms`` validate into these frozen models, which are also the
configuration services consult (``OrgConfig.programs``): there is one spelling of a rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Rule(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class Criterion(StrEnum):
    """What a tier's upgrade (and renewal) threshold is measured on."""

    LIFETIME_PURCHASES = "LIFETIME_PURCHASES"
    LIFETIME_POINTS = "LIFETIME_POINTS"
    CURRENT_POINTS = "CURRENT_POINTS"


class EarnKind(StrEnum):
    """How an activity's points are computed."""

    FIXED = "FIXED"  # ``points`` per event
    PRORATED = "PRORATED"  # ``percent`` % of the bill amount
    STEP = "STEP"  # ``points`` for each full ``every`` of the bill amount


class Rounding(StrEnum):
    """How raw points become awarded points."""

    HALF_UP = "HALF_UP"
    DOWN = "DOWN"
    NONE = "NONE"  # keep up to three decimals


class ExpiryKind(StrEnum):
    """When an award's points expire."""

    DAYS = "DAYS"  # end of the day ``value`` days after the award
    END_OF_MONTH = "END_OF_MONTH"  # end of the last day of the month ``value`` months after
    NEVER = "NEVER"


class Tier(_Rule):
    """A tier (slab); ``serialNumber`` 1 is the lowest and has no threshold."""

    serial_number: int = Field(alias="serialNumber", ge=1)
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=500)
    criterion: Criterion = Criterion.LIFETIME_PURCHASES
    threshold: Decimal = Field(default=Decimal(0), ge=0)
    validity_days: int | None = Field(default=None, alias="validityDays", ge=1, le=36500)


class EarnRule(_Rule):
    """An earn condition; ``byTier`` overrides it for the tiers it names (by serial number)."""

    kind: EarnKind
    points: Decimal = Field(default=Decimal(0), ge=0)
    percent: Decimal = Field(default=Decimal(0), ge=0, le=1000)
    every: Decimal = Field(default=Decimal(1), gt=0)
    # A coupon of this series is issued each time the rule applies (listed in sideEffects).
    coupon_series_id: int | None = Field(default=None, alias="couponSeriesId", ge=1, le=2**31 - 1)

    def raw_points(self, amount: Decimal) -> Decimal:
        """Return the unrounded points this rule gives for an activity of ``amount``."""
        if self.kind is EarnKind.FIXED:
            return self.points
        if self.kind is EarnKind.PRORATED:
            return amount * self.percent / 100
        return (amount // self.every) * self.points if amount > 0 else Decimal(0)


class TieredEarnRule(EarnRule):
    """An earn rule with per-tier variants."""

    by_tier: dict[int, EarnRule] = Field(default_factory=dict, alias="byTier")

    def for_tier(self, serial_number: int) -> EarnRule:
        """Return the rule that applies in tier ``serial_number``."""
        return self.by_tier.get(serial_number, self)


class EarnRules(_Rule):
    """Earn rules per activity; an activity without a rule earns nothing."""

    registration: TieredEarnRule | None = None
    transaction: TieredEarnRule | None = None
    rounding: Rounding = Rounding.HALF_UP
    delayed_accrual_days: int = Field(default=0, alias="delayedAccrualDays", ge=0, le=3650)

    def rounded(self, raw: Decimal) -> Decimal:
        """Round raw points as the program says (never below zero)."""
        if raw <= 0:
            return Decimal(0)
        if self.rounding is Rounding.HALF_UP:
            return raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if self.rounding is Rounding.DOWN:
            return raw.quantize(Decimal(1), rounding=ROUND_DOWN)
        return raw.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


class Expiry(_Rule):
    """The expiry strategy of awarded points; expiry falls at the end of a day in the org's zone."""

    kind: ExpiryKind = ExpiryKind.DAYS
    value: int = Field(default=365, ge=0, le=36500)

    def expires_at(self, awarded: dt.datetime, tz: dt.tzinfo) -> dt.datetime | None:
        """Return the moment points awarded at ``awarded`` expire (None: never)."""
        if self.kind is ExpiryKind.NEVER:
            return None
        day = awarded.astimezone(tz).date()
        if self.kind is ExpiryKind.DAYS:
            last = day + dt.timedelta(days=self.value)
        else:
            following = day.year * 12 + day.month + self.value  # the month after, 0-based
            last = dt.date(following // 12, following % 12 + 1, 1) - dt.timedelta(days=1)
        return end_of_day(last, tz)


def end_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Return the last second of ``day`` in ``tz``, in UTC."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz).astimezone(dt.UTC)


class Redemption(_Rule):
    """Redemption rules; points are redeemable up to the available balance."""

    minimum: Decimal = Field(default=Decimal(0), ge=0)
    maximum: Decimal | None = Field(default=None, gt=0)
    multiples_of: Decimal | None = Field(default=Decimal(1), alias="multiplesOf", gt=0)


class Program(_Rule):
    """A loyalty program of the org."""

    program_id: int = Field(alias="programId", ge=1, le=2**31 - 1)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=500)
    default: bool = False
    points_to_currency_ratio: Decimal = Field(
        default=Decimal(1), alias="pointsToCurrencyRatio", gt=0
    )
    tiers: tuple[Tier, ...] = Field(min_length=1)
    earning: EarnRules = Field(default_factory=EarnRules)
    expiry: Expiry = Field(default_factory=Expiry)
    redemption: Redemption = Field(default_factory=Redemption)
    allow_transfer: bool = Field(default=False, alias="allowTransfer")
    auto_approve_goodwill: bool = Field(default=False, alias="autoApproveGoodwill")

    @model_validator(mode="after")
    def _tiers_in_order(self) -> Self:
        numbers = [t.serial_number for t in self.tiers]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("tiers must be numbered 1, 2, 3… in order (serialNumber)")
        return self

    def tier(self, serial_number: int) -> Tier | None:
        """Return the tier with ``serial_number``."""
        if 1 <= serial_number <= len(self.tiers):
            return self.tiers[serial_number - 1]
        return None

    def tier_named(self, name: str) -> Tier | None:
        """Find a tier by name (case-insensitive)."""
        wanted = name.strip().lower()
        return next((t for t in self.tiers if t.name.lower() == wanted), None)
