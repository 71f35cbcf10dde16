"""Wire models of partner programs (documented camelCase names).

Requests are read loosely (unknown keys ignored, every field optional) so that every rule a
program item breaks is answered in its own ``partnerLinkStatus`` with a 2001-2009 code.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.ids import MAX_ID


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored, text taken as text."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


TEXT = 200
DATE_TEXT = 40
# Items per list beyond the 50 customers a call may name are refused by the schema.
MAX_ITEMS = 1000


class CustomerIn(Wire):
    """The customer an item names: ``mobile``, ``email``, ``externalId`` or ``id``, any source."""

    mobile: str | None = Field(default=None, max_length=TEXT)
    email: str | None = Field(default=None, max_length=TEXT)
    external_id: str | None = Field(default=None, alias="externalId", max_length=TEXT)
    id: int | None = Field(default=None, ge=1, le=MAX_ID)


class PartnerReferenceIn(Wire):
    """``customerPartnerReference``: the customer's number and tier in the partner program."""

    partner_membership_id: str | None = Field(
        default=None, alias="partnerMembershipId", max_length=TEXT
    )
    partner_tier_name: str | None = Field(default=None, alias="partnerTierName", max_length=TEXT)
    partner_tier_expiry_date: str | None = Field(
        default=None, alias="partnerTierExpiryDate", max_length=DATE_TEXT
    )
    membership_start_date: str | None = Field(
        default=None, alias="membershipStartDate", max_length=DATE_TEXT
    )


class LinkProgramIn(Wire):
    """One program of ``linkToPartnerPrograms``."""

    partner_program_name: str | None = Field(
        default=None, alias="partnerProgramName", max_length=TEXT
    )
    customer_partner_reference: PartnerReferenceIn | None = Field(
        default=None, alias="customerPartnerReference"
    )
    membership_start_date: str | None = Field(
        default=None, alias="membershipStartDate", max_length=DATE_TEXT
    )


class LinkCustomerIn(Wire):
    """One customer of ``linkCustomers``."""

    customer: CustomerIn | None = None
    link_to_partner_programs: list[LinkProgramIn] = Field(
        default_factory=list, alias="linkToPartnerPrograms", max_length=MAX_ITEMS
    )


class LinkIn(Wire):
    """Body of ``POST /v2/partnerProgram/linkCustomer``."""

    link_customers: list[LinkCustomerIn] = Field(
        default_factory=list, alias="linkCustomers", max_length=MAX_ITEMS
    )


class UpdateDetailsIn(Wire):
    """``updateDetails`` of a program update."""

    updated_tier_name: str | None = Field(default=None, alias="updatedTierName", max_length=TEXT)
    updated_tier_expiry_date: str | None = Field(
        default=None, alias="updatedTierExpiryDate", max_length=DATE_TEXT
    )


class UpdateProgramIn(Wire):
    """One program of ``partnerProgramUpdates``."""

    partner_program_name: str | None = Field(
        default=None, alias="partnerProgramName", max_length=TEXT
    )
    update_type: str | None = Field(default=None, alias="updateType", max_length=TEXT)
    update_details: UpdateDetailsIn | None = Field(default=None, alias="updateDetails")


class UpdateCustomerIn(Wire):
    """One customer of ``customersPartnerUpdates``."""

    customer: CustomerIn | None = None
    partner_program_updates: list[UpdateProgramIn] = Field(
        default_factory=list, alias="partnerProgramUpdates", max_length=MAX_ITEMS
    )


class UpdateIn(Wire):
    """Body of ``POST /v2/partnerProgram/customerPartnerProgramUpdate``."""

    customers_partner_updates: list[UpdateCustomerIn] = Field(
        default_factory=list, alias="customersPartnerUpdates", max_length=MAX_ITEMS
    )


class DelinkProgramIn(Wire):
    """One program of ``deLinkFromPartnerPrograms``."""

    partner_program_name: str | None = Field(
        default=None, alias="partnerProgramName", max_length=TEXT
    )


class DelinkCustomerIn(Wire):
    """One customer of ``deLinkCustomers``."""

    customer: CustomerIn | None = None
    de_link_from_partner_programs: list[DelinkProgramIn] = Field(
        default_factory=list, alias="deLinkFromPartnerPrograms", max_length=MAX_ITEMS
    )


class DelinkIn(Wire):
    """Body of ``POST /v2/partnerProgram/deLinkCustomer``."""

    de_link_customers: list[DelinkCustomerIn] = Field(
        default_factory=list, alias="deLinkCustomers", max_length=MAX_ITEMS
    )


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class LinkedOut(_Out):
    """Answer of linkCustomer: each customer's programs, each with its ``partnerLinkStatus``."""

    link_customers: list[dict[str, Any]] = Field(alias="linkCustomers")
    warnings: list[Any]


class UpdatedOut(_Out):
    """Answer of customerPartnerProgramUpdate, item by item as the request."""

    customers_partner_updates: list[dict[str, Any]] = Field(alias="customersPartnerUpdates")
    warnings: list[Any]


class DelinkedOut(_Out):
    """Answer of deLinkCustomer, item by item as the request."""

    de_link_customers: list[dict[str, Any]] = Field(alias="deLinkCustomers")
    warnings: list[Any]


class PartnerTierOut(_Out):
    """A tier of a partner program."""

    tier_number: int = Field(alias="tierNumber")
    tier_name: str = Field(alias="tierName")


class PartnerProgramOut(_Out):
    """A partner program of a loyalty program."""

    partner_program_id: int = Field(alias="partnerProgramId")
    partner_program_name: str = Field(alias="partnerProgramName")
    partner_program_description: str = Field(alias="partnerProgramDescription")
    partner_program_tiers: list[PartnerTierOut] = Field(alias="partnerProgramTiers")
    points_exchange_rate: float = Field(alias="pointsExchangeRate")
    partner_program_type: str = Field(alias="partnerProgramType")
    membership_period_type: str | None = Field(alias="membershipPeriodType")
    membership_period_value: int | None = Field(alias="membershipPeriodValue")
    tier_based: bool = Field(alias="tierBased")


class ProgramOut(_Out):
    """A loyalty program with its partner programs."""

    program_id: int = Field(alias="programId")
    program_name: str = Field(alias="programName")
    points_to_currency_ratio: float = Field(alias="pointsToCurrencyRatio")
    program_description: str = Field(alias="programDescription")
    default: bool
    partner_programs: list[PartnerProgramOut] = Field(alias="partnerPrograms")


class ProgramsOut(_Out):
    """Answer of ``GET /v2/organization/programs``."""

    data: list[ProgramOut]
    warnings: list[Any]
    errors: list[Any]
