"""Referees: a registration with a ``referralCode`` links the new customer to its referrer,
and the referee's purchases count for the referrer too.

An invalid code never fails the registration: the customer is registered, the answer warns
(1205 unknown code, 1203 inactive campaign, 1204 not eligible) and nobody is rewarded.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.hooks import Joined
from patron.customers.lookup import get_customer
from patron.errors import Notice, PatronError
from patron.kit import clock
from patron.loyalty.models import Bill
from patron.referrals import campaigns, repository
from patron.referrals.awards import count_event
from patron.referrals.models import ReferralLink
from patron.referrals.repository import REGISTRATION, TRANSACTION
from patron.referrals.service import referrer_of_code


def link_referee(
    session: Session, principal: Principal, referee_id: int, referral_code: str
) -> Joined:
    """Link a newly registered customer to the referrer of ``referral_code`` and give the
    campaign's registration incentives (in the registration's unit of work)."""
    org = principal.org
    try:
        code = referrer_of_code(session, org, referral_code)
        campaign = campaigns.by_id(org, code.campaign_id)
        assert campaign is not None
        campaigns.require_usable(org, campaign)
    except PatronError as error:
        return Joined(warnings=[error.notice])
    referee = get_customer(session, org.id, referee_id)
    if not campaigns.is_eligible(referee) or code.customer_id == referee_id:
        return Joined(
            warnings=[
                Notice(
                    campaigns.NOT_ELIGIBLE,
                    "The customer may not be eligible for the referral program: only a new "
                    "loyalty customer can be referred",
                )
            ]
        )
    primary = repository.primary_code(session, org.id, campaign.campaign_id, code.customer_id)
    counter = primary if primary is not None else code
    link = ReferralLink(
        org_id=org.id,
        campaign_id=campaign.campaign_id,
        referrer_id=code.customer_id,
        referee_id=referee_id,
        code_id=code.id,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            repository.add(session, link)
    except IntegrityError:
        return Joined(
            warnings=[
                Notice(
                    campaigns.NOT_ELIGIBLE,
                    "The customer may not be eligible for the referral program: already referred",
                )
            ]
        )
    return count_event(
        session, principal, campaign, counter.id, code.customer_id, referee_id, REGISTRATION
    )


def reward_referee_purchase(
    session: Session, principal: Principal, bill: Bill
) -> list[dict[str, Any]]:
    """Count a referee's stored purchase for its referrer (once per bill) and give the
    campaign's transaction incentives; return their side effects."""
    org = principal.org
    if not any(c.active for c in org.referral_campaigns):
        # Campaigns are org-file configuration only: no purchase of this org can count.
        return []
    link = repository.link_of_referee(session, org.id, bill.customer_id)
    if link is None:
        return []
    campaign = campaigns.by_id(org, link.campaign_id)
    if campaign is None or not campaign.active or org.program(campaign.loyalty_program_id) is None:
        return []
    if repository.event_of_bill(session, org.id, campaign.campaign_id, bill.id) is not None:
        return []
    primary = repository.primary_code(session, org.id, campaign.campaign_id, link.referrer_id)
    code_id = primary.id if primary is not None else link.code_id
    joined = count_event(
        session,
        principal,
        campaign,
        code_id,
        link.referrer_id,
        link.referee_id,
        TRANSACTION,
        bill_id=bill.id,
    )
    return joined.side_effects
