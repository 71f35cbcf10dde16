"""Referral campaigns of an org file.

The org file's ``referralCampaigns`` validate into these frozen models
(``OrgConfig.referral_campaigns``). A campaign gives each referrer a unique ``referralCode``;
referees who register with it (and later transact) earn the campaign's incentives for the
referrer, the referee, or both, in points or coupons.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Definition(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class IncentiveRecipient(StrEnum):
    """Who an incentive rewards."""

    REFERRER = "REFERRER"
    REFEREE = "REFEREE"


class IncentiveTrigger(StrEnum):
    """What referees do to earn an incentive."""

    REGISTRATION = "REGISTRATION"
    TRANSACTION = "TRANSACTION"


class CodeFormat(_Definition):
    """How referral codes are made: prefix, random characters (at least ``length``), suffix."""

    prefix: str = Field(default="", max_length=20)
    suffix: str = Field(default="", max_length=20)
    length: int = Field(default=8, ge=4, le=40)
    # Start the random part with the referrer's first name (letters only, upper case).
    name_based: bool = Field(default=False, alias="nameBased")


class Incentive(_Definition):
    """An award to ``recipient`` each ``every`` referee ``trigger`` events: points, a coupon of
    series ``couponSeriesCode``, or both."""

    recipient: IncentiveRecipient
    trigger: IncentiveTrigger = IncentiveTrigger.REGISTRATION
    every: int = Field(default=1, ge=1, le=1000)
    points: Decimal = Field(default=Decimal(0), ge=0)
    coupon_series_code: str | None = Field(default=None, alias="couponSeriesCode", max_length=50)

    @model_validator(mode="after")
    def _gives_something(self) -> Self:
        if self.points == 0 and self.coupon_series_code is None:
            raise ValueError("a referral incentive needs points or couponSeriesCode")
        return self


class ReferralCampaignDef(_Definition):
    """A referral campaign, named by its ``campaignToken``."""

    campaign_id: int = Field(alias="campaignId", ge=1, le=2**31 - 1)
    campaign_token: str = Field(alias="campaignToken", min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    # None: the org's default program receives point incentives.
    loyalty_program_id: int | None = Field(default=None, alias="loyaltyProgramId", ge=1)
    code_format: CodeFormat = Field(default_factory=CodeFormat, alias="codeFormat")
    # Days an invitation stays open (the ``till`` of an invitee).
    invitation_validity_days: int = Field(default=30, alias="invitationValidityDays", ge=1)
    incentives: tuple[Incentive, ...] = Field(min_length=1)
    active: bool = True
