"""Wire models of referrals (documented camelCase names)."""

from __future__ import annotations

from pydantic import Field

from patron.customers.schemas import Wire
from patron.kit.ids import MAX_ID

TEXT = 255
DATE_TEXT = 40
MAX_CUSTOMERS = 10
MAX_GROUPS = 10
MAX_INVITEES = 100


class InviteeIn(Wire):
    """One of ``referral[]``: someone invited, by the identifier its group's ``type`` names."""

    name: str | None = Field(default=None, max_length=200)
    identifier: str | None = Field(default=None, max_length=TEXT)
    invited_on: str | None = Field(default=None, alias="invitedOn", max_length=DATE_TEXT)


class InviteeGroupIn(Wire):
    """One of ``referrals[]``: invitees reached through one channel (``MOBILE``, ``EMAIL``)."""

    type: str | None = Field(default=None, max_length=20)
    referral: list[InviteeIn] = Field(default_factory=list, max_length=MAX_INVITEES)


class ReferrerIn(Wire):
    """The referrer an item names: ``id``, ``mobile``, ``email`` or ``externalId``."""

    id: int | None = Field(default=None, ge=1, le=MAX_ID)
    mobile: str | None = Field(default=None, max_length=TEXT)
    email: str | None = Field(default=None, max_length=TEXT)
    external_id: str | None = Field(default=None, alias="externalId", max_length=TEXT)


class CustomerReferralIn(Wire):
    """One of ``customerReferrals[]``: a referrer's invitations in one campaign."""

    customer: ReferrerIn | None = None
    campaign_token: str | None = Field(default=None, alias="campaignToken", max_length=100)
    referrals: list[InviteeGroupIn] = Field(default_factory=list, max_length=MAX_GROUPS)


class InviteIn(Wire):
    """Body of ``POST /v2/customers/{id}/referrals`` and ``POST /v2/customers/referrals``."""

    customer_referrals: list[CustomerReferralIn] = Field(
        alias="customerReferrals", min_length=1, max_length=MAX_CUSTOMERS
    )
