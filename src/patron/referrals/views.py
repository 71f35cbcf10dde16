"""Referral statistics as the seed shows them: per campaign, the referrer's code, invitees,
referees (their registrations and purchases) and the incentives given."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from patron.customers import repository as customers
from patron.customers.models import Customer
from patron.customers.views import render_customer
from patron.kit import clock
from patron.loyalty.ledger import render_points
from patron.orgs.config import OrgConfig
from patron.orgs.referrals import ReferralCampaignDef
from patron.orgs.service import till_attributions
from patron.referrals import campaigns, repository
from patron.referrals.models import ReferralAward, ReferralEvent, ReferralInvitation
from patron.referrals.service import ensure_code

# The profile keys of the seed's ``customer`` block.
PROFILE_KEYS = (
    "firstName",
    "lastName",
    "fields",
    "identifiers",
    "commChannels",
    "userId",
    "accountId",
    "autoUpdateTime",
    "identifiersAll",
)
REFEREE_IDENTIFIERS = ("email", "mobile", "externalId")


def stamp(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """Render a moment as the seed does: ``YYYY-MM-DD HH:MM:SS.0`` in the org's zone."""
    return f"{clock.local_datetime(moment, zone)}.0"


def referral_stats(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    token: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """Return the customer's statistics in each active campaign (or the one ``token`` names);
    an eligible customer without a code in a campaign gets one."""
    chosen = [campaigns.by_token(org, token)] if token is not None else campaigns.active(org)
    page = chosen[offset : offset + limit]
    block = _customer_block(session, org, customer)
    data = [_campaign_stats(session, org, customer, c, block) for c in page]
    return {
        "pagination": {"limit": limit, "offset": offset, "total": len(chosen)},
        "data": data,
        "warnings": [],
        "errors": [],
    }


def _customer_block(session: Session, org: OrgConfig, customer: Customer) -> dict[str, Any]:
    rendered = render_customer(session, org, customer, None)
    profiles = [{k: p[k] for k in PROFILE_KEYS} for p in rendered["profiles"]]
    return {"id": customer.id, "profiles": profiles}


def _campaign_stats(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    campaign: ReferralCampaignDef,
    block: dict[str, Any],
) -> dict[str, Any]:
    code = ""
    if campaigns.is_eligible(customer):
        code = ensure_code(session, org, campaign, customer).code
    invitations = repository.invitations(session, org.id, campaign.campaign_id, customer.id)
    events = repository.events(session, org.id, campaign.campaign_id, customer.id)
    awards = repository.awards(session, org.id, campaign.campaign_id, customer.id)
    tills = till_attributions(
        session, org.id, {i.till_id for i in invitations if i.till_id is not None}
    )
    return {
        "customer": block,
        "referralCode": code,
        "invitees": [_invitee(i, tills, org.zone) for i in invitations],
        "referee": [_referee(session, e, org.zone) for e in events],
        "incentives": [item for a in awards for item in _incentives(a, events, org.zone)],
    }


def _invitee(
    invitation: ReferralInvitation, tills: dict[int, dict[str, Any]], zone: dt.tzinfo
) -> dict[str, Any]:
    till = tills.get(invitation.till_id or 0, {})
    return {
        "type": invitation.type,
        "identifier": invitation.identifier,
        "invitedOn": stamp(invitation.invited_at, zone),
        "till": {"code": till.get("code", ""), "name": till.get("name", "")},
    }


def _referee(session: Session, event: ReferralEvent, zone: dt.tzinfo) -> dict[str, Any]:
    profiles = customers.list_profiles(session, event.referee_id)
    first = profiles[0] if profiles else None
    out: dict[str, Any] = {
        "eventType": event.event_type,
        "userId": event.referee_id,
        "firstName": first.first_name if first else "",
        "lastName": first.last_name if first else "",
    }
    held: dict[str, str] = {}
    for ident in customers.list_identifiers(session, event.referee_id):
        held.setdefault(ident.type, ident.value)
    for name in REFEREE_IDENTIFIERS:
        if name in held:
            out[name] = held[name]
    out["addedOn"] = stamp(event.created_at, zone)
    return out


def _incentives(
    award: ReferralAward, events: list[ReferralEvent], zone: dt.tzinfo
) -> list[dict[str, Any]]:
    event = next((e for e in events if e.id == award.event_id), None)
    common: dict[str, Any] = {
        "eventType": event.event_type if event is not None else "",
        "refereeId": event.referee_id if event is not None else None,
        "customerId": award.customer_id,
        "isReferrer": award.recipient == "REFERRER",
        "issuedOn": stamp(award.created_at, zone),
    }
    out = []
    if award.points is not None:
        out.append({"type": "POINTS", "points": render_points(award.points), **common})
    if award.coupon_code is not None:
        out.append({"type": "COUPON", "couponCode": award.coupon_code, **common})
    return out
