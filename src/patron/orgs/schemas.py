"""The org file (YAML) and wire shapes of the orgs domain."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from patron.kit import clock
from patron.orgs.cards import CardLabel, CardSeriesDef, CardStatus
from patron.orgs.catalog import (
    IDENTIFIER_TYPES,
    PRIMARY_IDENTIFIER_TYPES,
    CustomerStatus,
    FieldType,
    Source,
)
from patron.orgs.coupons import CouponSeriesDef
from patron.orgs.hierarchies import HierarchyDef
from patron.orgs.partners import PartnerProgramDef, PartnerProgramSettings
from patron.orgs.programs import Program
from patron.orgs.referrals import ReferralCampaignDef

_IDENTIFIER_BY_LOWER = {t.lower(): t for t in IDENTIFIER_TYPES}


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class SourceSpec(_Model):
    """An enabled source; multi-account sources list their accounts.

    ``requiredIdentifiers`` replaces the source's default list of identifier types of which a
    loyalty registration's profile in the source must carry one.
    """

    accounts: list[str] = Field(default_factory=list)
    required_identifiers: list[str] | None = Field(default=None, alias="requiredIdentifiers")

    @field_validator("required_identifiers")
    @classmethod
    def _known_identifiers(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("requiredIdentifiers needs at least one identifier type")
        known: list[str] = []
        for name in value:
            canonical = _IDENTIFIER_BY_LOWER.get(name.strip().lower())
            if canonical is None:
                raise ValueError(
                    f"requiredIdentifiers: unknown identifier type {name!r}"
                    f" (one of {', '.join(IDENTIFIER_TYPES)})"
                )
            if canonical not in known:
                known.append(canonical)
        return known


class TillSpec(_Model):
    """A till: the API principal. The password is hashed when the file is applied."""

    code: str
    name: str | None = None
    password: str | None = None
    active: bool = True


class StoreSpec(_Model):
    """A store and its tills."""

    code: str
    name: str
    external_id: str = Field(default="", alias="externalId")
    external_id1: str = Field(default="", alias="externalId1")
    external_id2: str = Field(default="", alias="externalId2")
    tills: list[TillSpec] = Field(default_factory=list)


class ApiClientSpec(_Model):
    """An OAuth client attributed to a till."""

    key: str
    secret: str | None = None
    till: str
    active: bool = True


class ExtendedFieldSpec(_Model):
    """An extended field of the customer catalogue."""

    name: str
    label: str | None = None
    data_type: FieldType = Field(alias="dataType")
    allowed_values: list[Any] | None = Field(default=None, alias="allowedValues")
    entity: str = "customer"


class CustomFieldSpec(_Model):
    """A custom field accepted on profiles."""

    name: str
    label: str | None = None


class StatusLabelSpec(_Model):
    """A label on a fixed status; the first label flagged default (or the first) is the default."""

    label: str
    status: CustomerStatus
    default: bool = False


class OrgFile(_Model):
    """An org as written in an org file; applying it creates or updates the org."""

    org_id: int = Field(alias="orgId", gt=0)
    name: str
    primary_identifier: str = Field(default="mobile", alias="primaryIdentifier")
    default_region: str | None = Field(default=None, alias="defaultRegion")
    timezone: str = "UTC"
    allow_private_webhooks: bool = Field(default=False, alias="allowPrivateWebhooks")
    sources: dict[Source, SourceSpec] = Field(default_factory=dict)
    stores: list[StoreSpec] = Field(default_factory=list)
    api_clients: list[ApiClientSpec] = Field(default_factory=list, alias="apiClients")
    extended_fields: list[ExtendedFieldSpec] = Field(default_factory=list, alias="extendedFields")
    custom_fields: list[CustomFieldSpec | str] = Field(default_factory=list, alias="customFields")
    status_labels: list[StatusLabelSpec] = Field(default_factory=list, alias="statusLabels")
    loyalty_programs: list[Program] = Field(default_factory=list, alias="loyaltyPrograms")
    hierarchies: list[HierarchyDef] = Field(default_factory=list)
    partner_programs: list[PartnerProgramDef] = Field(default_factory=list, alias="partnerPrograms")
    partner_program_settings: PartnerProgramSettings = Field(
        default_factory=PartnerProgramSettings, alias="partnerProgramSettings"
    )
    card_series: list[CardSeriesDef] = Field(default_factory=list, alias="cardSeries")
    card_status_labels: dict[CardStatus, list[CardLabel]] = Field(
        default_factory=dict, alias="cardStatusLabels"
    )
    coupon_series: list[CouponSeriesDef] = Field(default_factory=list, alias="couponSeries")
    referral_campaigns: list[ReferralCampaignDef] = Field(
        default_factory=list, alias="referralCampaigns"
    )

    @field_validator("loyalty_programs")
    @classmethod
    def _one_default_program(cls, value: list[Program]) -> list[Program]:
        ids = [p.program_id for p in value]
        if len(ids) != len(set(ids)):
            raise ValueError("loyaltyPrograms: programId must be unique")
        if sum(p.default for p in value) > 1:
            raise ValueError("loyaltyPrograms: at most one program is the default")
        return value

    @field_validator("hierarchies")
    @classmethod
    def _unique_hierarchies(cls, value: list[HierarchyDef]) -> list[HierarchyDef]:
        codes = [h.code.lower() for h in value]
        if len(codes) != len(set(codes)):
            raise ValueError("hierarchies: code must be unique")
        if sum(h.default for h in value) > 1:
            raise ValueError("hierarchies: at most one hierarchy is the default")
        return value

    @field_validator("partner_programs")
    @classmethod
    def _unique_partner_programs(cls, value: list[PartnerProgramDef]) -> list[PartnerProgramDef]:
        ids = [p.partner_program_id for p in value]
        names = [p.name.lower() for p in value]
        if len(ids) != len(set(ids)) or len(names) != len(set(names)):
            raise ValueError("partnerPrograms: partnerProgramId and name must be unique")
        return value

    @field_validator("card_series")
    @classmethod
    def _unique_card_series(cls, value: list[CardSeriesDef]) -> list[CardSeriesDef]:
        codes = [s.code.lower() for s in value]
        if len(codes) != len(set(codes)):
            raise ValueError("cardSeries: code must be unique")
        return value

    @field_validator("coupon_series")
    @classmethod
    def _unique_coupon_series(cls, value: list[CouponSeriesDef]) -> list[CouponSeriesDef]:
        ids = [s.series_id for s in value]
        codes = [s.series_code.lower() for s in value]
        if len(ids) != len(set(ids)) or len(codes) != len(set(codes)):
            raise ValueError("couponSeries: seriesId and seriesCode must be unique")
        return value

    @field_validator("referral_campaigns")
    @classmethod
    def _unique_referral_campaigns(
        cls, value: list[ReferralCampaignDef]
    ) -> list[ReferralCampaignDef]:
        ids = [c.campaign_id for c in value]
        tokens = [c.campaign_token.lower() for c in value]
        if len(ids) != len(set(ids)) or len(tokens) != len(set(tokens)):
            raise ValueError("referralCampaigns: campaignId and campaignToken must be unique")
        return value

    @field_validator("card_status_labels")
    @classmethod
    def _card_labels(
        cls, value: dict[CardStatus, list[CardLabel]]
    ) -> dict[CardStatus, list[CardLabel]]:
        seen: set[str] = set()
        for status, labels in value.items():
            if not labels or sum(label.default for label in labels) > 1:
                raise ValueError(f"cardStatusLabels.{status}: one or more labels, one default")
            for label in labels:
                if label.label.lower() in seen:
                    raise ValueError(f"cardStatusLabels: label {label.label} is used twice")
                seen.add(label.label.lower())
        return value

    @field_validator("primary_identifier")
    @classmethod
    def _known_primary(cls, value: str) -> str:
        if value not in PRIMARY_IDENTIFIER_TYPES:
            raise ValueError("primaryIdentifier must be mobile, email or externalId")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if not clock.is_zone_name(value):
            raise ValueError(
                f"timezone must be an IANA time zone name (e.g. Asia/Kolkata), not {value!r}"
            )
        return value

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_from_list(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {name: {} for name in value}
        if isinstance(value, dict):
            return {k: (v if v is not None else {}) for k, v in value.items()}
        return value
