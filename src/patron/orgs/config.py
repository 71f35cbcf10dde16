"""An immutable snapshot of one org's configuration, as services consult it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from patron.kit import clock
from patron.orgs.cards import DEFAULT_CARD_LABELS, CardLabel, CardSeriesDef, CardStatus
from patron.orgs.catalog import (
    MULTI_ACCOUNT_SOURCES,
    CustomerStatus,
    Source,
    default_required_identifiers,
)
from patron.orgs.coupons import CouponSeriesDef
from patron.orgs.hierarchies import HierarchyDef
from patron.orgs.partners import PartnerProgramDef, PartnerProgramSettings
from patron.orgs.programs import Program
from patron.orgs.referrals import ReferralCampaignDef


@dataclass(frozen=True)
class ExtendedField:
    """One extended field of the catalogue."""

    id: int
    name: str
    label: str
    data_type: str
    allowed_values: tuple[Any, ...] | None
    parent_id: int | None
    entity: str = "customer"


@dataclass(frozen=True)
class StatusLabelDef:
    """An org label on a fixed status."""

    label: str
    status: CustomerStatus
    is_default: bool


@dataclass(frozen=True)
class StoreInfo:
    """A store as events and attributions show it."""

    id: int
    code: str
    name: str
    external_id: str
    external_id1: str
    external_id2: str


@dataclass(frozen=True)
class OrgConfig:
    """What services need to know about an org."""

    id: int
    name: str
    primary_identifier: str
    default_region: str | None
    timezone: str
    allow_private_webhooks: bool
    accounts: Mapping[Source, frozenset[str]] = field(default_factory=dict)
    extended_fields: Mapping[str, ExtendedField] = field(default_factory=dict)
    custom_fields: Mapping[str, str] = field(default_factory=dict)
    status_labels: tuple[StatusLabelDef, ...] = ()
    # The org file's requiredIdentifiers, by source; sources it leaves out use the defaults.
    required_overrides: Mapping[Source, tuple[str, ...]] = field(default_factory=dict)
    programs: tuple[Program, ...] = ()
    hierarchies: tuple[HierarchyDef, ...] = ()
    partner_programs: tuple[PartnerProgramDef, ...] = ()
    partner_program_settings: PartnerProgramSettings = field(default_factory=PartnerProgramSettings)
    card_series: tuple[CardSeriesDef, ...] = ()
    # The org file's card status labels; statuses it leaves out keep their own name as label.
    card_status_labels: Mapping[CardStatus, tuple[CardLabel, ...]] = field(default_factory=dict)
    coupon_series: tuple[CouponSeriesDef, ...] = ()
    referral_campaigns: tuple[ReferralCampaignDef, ...] = ()

    @property
    def default_program(self) -> Program | None:
        """Return the program activities without a ``programId`` belong to."""
        for program in self.programs:
            if program.default:
                return program
        return self.programs[0] if self.programs else None

    def program(self, program_id: int | None) -> Program | None:
        """Return the program ``program_id`` (None: the default program), or None."""
        if program_id is None:
            return self.default_program
        return next((p for p in self.programs if p.program_id == program_id), None)

    def hierarchy(self, code: str) -> HierarchyDef | None:
        """Return the org file's hierarchy ``code`` (compared case-insensitively), or None."""
        wanted = code.strip().lower()
        return next((h for h in self.hierarchies if h.code.lower() == wanted), None)

    def partner_program(self, name: str) -> PartnerProgramDef | None:
        """Return the partner program named ``name`` (compared case-insensitively), or None."""
        wanted = name.strip().lower()
        return next((p for p in self.partner_programs if p.name.lower() == wanted), None)

    def referral_campaign(self, token: str) -> ReferralCampaignDef | None:
        """Return the referral campaign of ``token`` (compared case-insensitively), or None."""
        wanted = token.strip().lower()
        return next(
            (c for c in self.referral_campaigns if c.campaign_token.lower() == wanted), None
        )

    def card_labels(self, status: CardStatus) -> tuple[CardLabel, ...]:
        """Return the labels of a card status (the file's, else the status's own name)."""
        return self.card_status_labels.get(status) or DEFAULT_CARD_LABELS[status]

    @property
    def zone(self) -> dt.tzinfo:
        """Return the org's time zone, in which its date-times are rendered."""
        return clock.zone(self.timezone)

    def is_enabled(self, source: Source) -> bool:
        """Tell whether ``source`` is enabled for the org."""
        return source in self.accounts

    def has_account(self, source: Source, account_id: str) -> bool:
        """Tell whether ``account_id`` is a configured account of ``source``."""
        return account_id in self.accounts.get(source, frozenset())

    @staticmethod
    def is_multi_account(source: Source) -> bool:
        """Tell whether ``source`` keeps separate accounts."""
        return source in MULTI_ACCOUNT_SOURCES

    def required_identifiers(self, source: Source) -> tuple[str, ...]:
        """Return the identifier types of which a loyalty profile in ``source`` needs one."""
        return self.required_overrides.get(source) or default_required_identifiers(
            source, self.primary_identifier
        )

    def extended_field(self, name: str) -> ExtendedField | None:
        """Find a customer extended field by name (case-insensitive)."""
        return self.extended_fields.get(name.lower())

    def custom_field_name(self, name: str) -> str | None:
        """Return the canonical name of a custom field (case-insensitive), or None."""
        return self.custom_fields.get(name.lower())

    @property
    def default_label(self) -> StatusLabelDef | None:
        """Return the label new customers get, if the org has one."""
        for label in self.status_labels:
            if label.is_default:
                return label
        return None

    def status_label(self, label: str) -> StatusLabelDef | None:
        """Find a status label by name (case-insensitive)."""
        wanted = label.strip().lower()
        for item in self.status_labels:
            if item.label.lower() == wanted:
                return item
        return None
