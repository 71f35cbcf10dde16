"""Partner programs of an org file: external programs (with or without tiers) and supplementary
memberships with a period and an expiry reminder.

The org file's ``partnerPrograms`` and ``partnerProgramSettings`` validate into these frozen
models, which services consult (``OrgConfig.partner_programs``); programs have no create API.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Definition(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class PartnerProgramType(StrEnum):
    """An external partner's program, or a supplementary membership sold by the brand."""

    EXTERNAL = "EXTERNAL"
    SUPPLEMENTARY = "SUPPLEMENTARY"


class MembershipPeriodType(StrEnum):
    """How a supplementary membership's period is counted."""

    DAYS = "DAYS"
    MONTHS = "MONTHS"


class PartnerTier(_Definition):
    """A tier of a tier-based partner program; ``tierNumber`` 1 is the lowest."""

    tier_number: int = Field(alias="tierNumber", ge=1)
    tier_name: str = Field(alias="tierName", min_length=1, max_length=100)


class PartnerProgramDef(_Definition):
    """A partner program, attached to one loyalty program (None: the org's default)."""

    partner_program_id: int = Field(alias="partnerProgramId", ge=1)
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=500)
    type: PartnerProgramType
    loyalty_program_id: int | None = Field(default=None, alias="loyaltyProgramId", ge=1)
    tier_based: bool = Field(default=False, alias="tierBased")
    tiers: tuple[PartnerTier, ...] = ()
    points_exchange_rate: Decimal = Field(default=Decimal(1), alias="pointsExchangeRate", ge=0)
    membership_period_type: MembershipPeriodType | None = Field(
        default=None, alias="membershipPeriodType"
    )
    membership_period_value: int | None = Field(default=None, alias="membershipPeriodValue", ge=1)
    # Days before a supplementary membership's expiry that supplementaryMembershipExpiryReminder
    # is sent (None: no reminder).
    reminder_days_before_expiry: int | None = Field(
        default=None, alias="reminderDaysBeforeExpiry", ge=1
    )
    sync_with_loyalty_tier_on_downgrade: bool = Field(
        default=False, alias="syncWithLoyaltyTierOnDowngrade"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        numbers = [t.tier_number for t in self.tiers]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"partner program {self.name}: tiers are numbered 1, 2, … in order")
        names = [t.tier_name.lower() for t in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError(f"partner program {self.name}: tier names must be unique")
        if self.tier_based and not self.tiers:
            raise ValueError(f"partner program {self.name}: a tier-based program needs tiers")
        if not self.tier_based and self.tiers:
            raise ValueError(f"partner program {self.name}: tiers need tierBased: true")
        period = (self.membership_period_type, self.membership_period_value)
        if self.type is PartnerProgramType.SUPPLEMENTARY:
            if None in period:
                raise ValueError(
                    f"partner program {self.name}: a supplementary program needs "
                    "membershipPeriodType and membershipPeriodValue"
                )
        elif period != (None, None) or self.reminder_days_before_expiry is not None:
            raise ValueError(
                f"partner program {self.name}: only a supplementary program has a membership "
                "period and a reminder"
            )
        return self

    def tier(self, name: str) -> PartnerTier | None:
        """Return the tier named ``name`` (any case), or None."""
        wanted = name.strip().lower()
        return next((t for t in self.tiers if t.tier_name.lower() == wanted), None)


class PartnerProgramSettings(_Definition):
    """How links between a customer and partner programs behave across programs."""

    # A customer is linked to at most one partner program at a time.
    one_customer_one_scheme: bool = Field(default=False, alias="oneCustomerOneScheme")
    # With one scheme per customer: linking another program delinks the current one (else 2005).
    auto_delink_when_linking_another: bool = Field(
        default=False, alias="autoDelinkWhenLinkingAnother"
    )
