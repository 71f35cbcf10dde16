"""Giving a campaign's incentives for a referee's registration or purchase.

Points go through the loyalty ledger (a goodwill-kind credit whose key is the event's and the
incentive's, so it is written once) in the recipient's account of the campaign's program;
coupons are issued by the coupons domain. Both happen in the caller's unit of work, with the
event they reward, and are listed in ``sideEffects`` with ``customerId`` and ``isReferrer``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.hooks import Joined
from patron.customers.lookup import get_customer
from patron.errors import Notice, PatronError
from patron.kit import clock
from patron.loyalty import accounts
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.orgs.referrals import Incentive, IncentiveRecipient, ReferralCampaignDef
from patron.referrals import campaigns, repository
from patron.referrals.models import ReferralAward, ReferralEvent

IssueReward = Callable[[Session, Principal, int, str], dict[str, Any]]


def count_event(
    session: Session,
    principal: Principal,
    campaign: ReferralCampaignDef,
    code_id: int,
    referrer_id: int,
    referee_id: int,
    event_type: str,
    bill_id: int | None = None,
) -> Joined:
    """Count a referee's event for its referrer and give the incentives it reaches."""
    sequence = repository.count_up(session, code_id, event_type)
    event = ReferralEvent(
        org_id=principal.org_id,
        campaign_id=campaign.campaign_id,
        referrer_id=referrer_id,
        referee_id=referee_id,
        event_type=event_type,
        sequence=sequence,
        bill_id=bill_id,
        till_id=principal.till_id,
        created_at=clock.now(),
    )
    repository.add(session, event)
    joined = Joined()
    for number, incentive in enumerate(campaign.incentives, start=1):
        if incentive.trigger.value == event_type and sequence % incentive.every == 0:
            _give(session, principal, campaign, event, number, incentive, joined)
    return joined


def _give(
    session: Session,
    principal: Principal,
    campaign: ReferralCampaignDef,
    event: ReferralEvent,
    number: int,
    incentive: Incentive,
    joined: Joined,
) -> None:
    is_referrer = incentive.recipient is IncentiveRecipient.REFERRER
    recipient_id = event.referrer_id if is_referrer else event.referee_id
    recipient = get_customer(session, principal.org_id, recipient_id)
    if not campaigns.is_eligible(recipient):
        joined.warnings.append(
            Notice(
                campaigns.NOT_ELIGIBLE,
                f"The customer may not be eligible for the referral program: customer "
                f"{recipient_id} is not a loyalty customer and receives no incentive",
            )
        )
        return
    award = ReferralAward(
        org_id=principal.org_id,
        campaign_id=campaign.campaign_id,
        event_id=event.id,
        incentive_no=number,
        referrer_id=event.referrer_id,
        customer_id=recipient_id,
        recipient=incentive.recipient.value,
        created_at=clock.now(),
    )
    repository.add(session, award)
    tag = {"customerId": recipient_id, "isReferrer": is_referrer}
    if incentive.points > 0:
        _give_points(session, principal, campaign, award, incentive, tag, joined)
    if incentive.coupon_series_code is not None:
        _give_coupon(session, principal, award, incentive.coupon_series_code, tag, joined)
    session.flush()


def _give_coupon(
    session: Session,
    principal: Principal,
    award: ReferralAward,
    series_code: str,
    tag: dict[str, Any],
    joined: Joined,
) -> None:
    """Issue the incentive's coupon; a series that refuses (a limit reached) only warns."""
    try:
        with session.begin_nested():
            item = _issue_reward()(session, principal, award.customer_id, series_code)
    except PatronError as error:
        joined.warnings.append(error.notice)
        return
    award.coupon_code = _coupon_code(item)
    joined.side_effects.append({**item, **tag})


def _give_points(
    session: Session,
    principal: Principal,
    campaign: ReferralCampaignDef,
    award: ReferralAward,
    incentive: Incentive,
    tag: dict[str, Any],
    joined: Joined,
) -> None:
    org = principal.org
    program = accounts.require_program(org, campaign.loyalty_program_id, campaigns.INVALID_CAMPAIGN)
    at = award.created_at
    account = accounts.enrol(session, org, program, award.customer_id, at)
    posting = Posting(
        cause=Cause.CUSTOMER,
        cause_id=award.customer_id,
        till_id=principal.till_id,
        at=at,
        key=f"referral:{award.event_id}:{award.incentive_no}",
        notes=f"referral campaign {campaign.campaign_token}",
    )
    given = accounts.award(
        session,
        org,
        program,
        account,
        incentive.points,
        posting,
        kind=Kind.REFERRAL,
        points=incentive.points,
        source_type="Customer",
    )
    given.extra = {"isReferrer": tag["isReferrer"], "customerId": tag["customerId"]}
    award.points = given.points
    award.entry_id = given.entry.id
    joined.side_effects.append({**given.side_effect(), **tag})
    joined.raw_side_effects.append(given.raw_side_effect(org.zone))
    slab = accounts.upgrade(session, org, program, account, at)
    if slab is not None:
        joined.side_effects.append({**slab, **tag})


def _issue_reward() -> IssueReward:
    """The coupons domain's ``issue_reward`` (imported on use: the domain is optional)."""
    module = importlib.import_module("patron.coupons.service")
    return cast(IssueReward, module.issue_reward)


def _coupon_code(item: dict[str, Any]) -> str | None:
    for key in ("couponCode", "code", "couponcode"):
        value = item.get(key)
        if isinstance(value, str):
            return value[:100]
    return None
