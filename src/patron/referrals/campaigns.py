"""Which campaign a call is about, and who may refer in it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from patron.customers.lookup import get_customer
from patron.customers.models import Customer
from patron.errors import Invalid, NotFound
from patron.orgs.config import OrgConfig
from patron.orgs.referrals import ReferralCampaignDef

INVALID_TOKEN = 1202
INVALID_CAMPAIGN = 1203
NOT_ELIGIBLE = 1204
REFERRER_NOT_FOUND = 1205
TYPE_UNSUPPORTED = 1206
INVALID_INVITEE = 1701
SYSTEM_ERROR = 1222


def by_token(org: OrgConfig, token: str | None) -> ReferralCampaignDef:
    """Return the active campaign of ``token`` (1202 missing or unknown, 1203 inactive or
    pointing at a program the org does not have)."""
    text = (token or "").strip()
    if not text:
        raise Invalid(INVALID_TOKEN, "Invalid campaign token: campaignToken is required")
    campaign = org.referral_campaign(text)
    if campaign is None:
        raise Invalid(INVALID_TOKEN, f"Invalid campaign token {text!r}")
    require_usable(org, campaign)
    return campaign


def by_id(org: OrgConfig, campaign_id: int) -> ReferralCampaignDef | None:
    """Return the org's campaign ``campaign_id`` (active or not), or None."""
    return next((c for c in org.referral_campaigns if c.campaign_id == campaign_id), None)


def require_usable(org: OrgConfig, campaign: ReferralCampaignDef) -> None:
    """Refuse an inactive campaign, or one whose program the org does not have (1203)."""
    if not campaign.active:
        raise Invalid(
            INVALID_CAMPAIGN, f"Invalid campaign configured: {campaign.campaign_token} is inactive"
        )
    if org.program(campaign.loyalty_program_id) is None:
        raise Invalid(
            INVALID_CAMPAIGN,
            f"Invalid campaign configured: {campaign.campaign_token} names no loyalty program "
            "of the org",
        )


def active(org: OrgConfig) -> list[ReferralCampaignDef]:
    """Return the org's active campaigns, by campaign id."""
    return sorted((c for c in org.referral_campaigns if c.active), key=lambda c: c.campaign_id)


def is_eligible(customer: Customer) -> bool:
    """Tell whether the customer takes part in referral programs (loyalty customers do)."""
    return customer.loyalty_type == "loyalty"


def eligible_referrer(session: Session, org: OrgConfig, customer_id: int) -> Customer:
    """Return the referrer ``customer_id`` (8015, 8069), refusing a non-loyalty one (1204)."""
    customer = get_customer(session, org.id, customer_id)
    if not is_eligible(customer):
        raise Invalid(
            NOT_ELIGIBLE,
            "The customer may not be eligible for the referral program: not a loyalty customer",
        )
    return customer


def unknown_code(code: str) -> NotFound:
    """The error of a code no referrer holds (1205)."""
    return NotFound(
        REFERRER_NOT_FOUND,
        f"Unable to find the referrer in the specific campaign: unknown referral code {code!r}",
    )
