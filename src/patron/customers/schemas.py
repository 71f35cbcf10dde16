"""Wire models of the customers domain (documented camelCase names; unknown keys ignored).

Models are deliberately permissive: the service checks what is required and answers with the
documented code, which a schema error could not carry.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored, numbers taken as text."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", coerce_numbers_to_str=True)


class IdentifierIn(Wire):
    """An identifier ``{type, value}``; cards carry their series, status and card fields."""

    type: str | None = None
    value: str | None = None
    series_id: int | None = Field(default=None, alias="seriesId")
    series_code: str | None = Field(default=None, alias="seriesCode")
    status_label: str | None = Field(default=None, alias="statusLabel")
    card_external_id: str | None = Field(default=None, alias="cardExternalId")
    extended_fields: dict[str, Any] | None = Field(default=None, alias="extendedFields")
    custom_fields: dict[str, Any] | None = Field(default=None, alias="customFields")


class CommChannelIn(Wire):
    """A communication channel of a profile."""

    type: str | None = None
    value: str | None = None
    primary: bool | None = None
    verified: bool | None = None
    subscribed: bool | None = None
    meta: dict[str, Any] | None = None
    attributes: dict[str, Any] | None = None


class ProfileIn(Wire):
    """A source profile of the customer."""

    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")
    identifiers: list[IdentifierIn] | None = None
    comm_channels: list[CommChannelIn] | None = Field(default=None, alias="commChannels")
    fields: dict[str, Any] | None = None
    source: str | None = None
    account_id: str | None = Field(default=None, alias="accountId")


class LoyaltyInfoIn(Wire):
    """Loyalty status of the customer."""

    loyalty_type: str | None = Field(default=None, alias="loyaltyType")


class EnrolmentIn(Wire):
    """A ``loyaltyProgramEnrollments`` item: the program, tier and opening points."""

    program_id: int | None = Field(default=None, alias="programId")
    tier_number: int | None = Field(default=None, alias="tierNumber")
    loyalty_points: float | None = Field(default=None, alias="loyaltyPoints")
    tier_expiry_date: str | None = Field(default=None, alias="tierExpiryDate")
    points_expiry_date: str | None = Field(default=None, alias="pointsExpiryDate")


class UpdateCustomerIn(Wire):
    """Body of ``PUT /v2/customers/{id}`` and ``PUT /v2/customers/lookup``."""

    loyalty_info: LoyaltyInfoIn | None = Field(default=None, alias="loyaltyInfo")
    loyalty_program_enrollments: list[EnrolmentIn] | None = Field(
        default=None, alias="loyaltyProgramEnrollments"
    )
    loyalty_type: str | None = Field(default=None, alias="loyaltyType")
    profiles: list[ProfileIn] | None = None
    extended_fields: dict[str, Any] | None = Field(default=None, alias="extendedFields")

    @property
    def requested_loyalty_type(self) -> str | None:
        """The loyalty type, from ``loyaltyInfo`` or the top level."""
        if self.loyalty_info and self.loyalty_info.loyalty_type:
            return self.loyalty_info.loyalty_type
        return self.loyalty_type


class RegisterCustomerIn(UpdateCustomerIn):
    """Body of ``POST /v2/customers``."""

    # Mandatory in the document; the service answers a missing one with 1015.
    model_config = ConfigDict(json_schema_extra={"required": ["profiles"]})

    associated_with: str | None = Field(default=None, alias="associatedWith")
    create_date: str | None = Field(default=None, alias="createDate")
    # A referrer's code: the new customer is its referee (``patron.customers.hooks``).
    referral_code: str | None = Field(default=None, alias="referralCode", max_length=100)


class IdentifierChangeIn(Wire):
    """Body of ``POST /v2/customers/{id}/changeIdentifier``."""

    add: list[IdentifierIn] | None = None
    remove: list[IdentifierIn] | None = None


class StatusChangeIn(Wire):
    """Body of ``PUT /v2/customers/lookup/status``."""

    # Mandatory in the document; the service answers a missing one with 400.
    model_config = ConfigDict(json_schema_extra={"required": ["reason", "label"]})

    reason: str | None = None
    label: str | None = None
    created_on: str | None = Field(default=None, alias="createdOn")


class CreatedOut(BaseModel):
    """Answer of a write: the customer id, warnings and side effects."""

    model_config = ConfigDict(populate_by_name=True)

    created_id: int = Field(alias="createdId")
    warnings: list[NoticeOut] = Field(default_factory=list)
    side_effects: list[dict[str, Any]] = Field(default_factory=list, alias="sideEffects")
    # Only with ``rawSideEffects=true``.
    raw_side_effects: list[dict[str, Any]] | None = Field(default=None, alias="rawSideEffects")


class LookupOut(BaseModel):
    """Answer of ``GET /v2/customers/lookup``."""

    entity: int
    warnings: list[NoticeOut] = Field(default_factory=list)
