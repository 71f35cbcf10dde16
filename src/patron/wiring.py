"""Connecting domains that attach data to customers with the customers domain's extension points."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.cards.linking import (
    delete_cards,
    issue_registration_cards,
    link_cards,
    move_cards,
)
from patron.cards.views import customer_card_details
from patron.config import Settings
from patron.coupons.lifecycle import move_coupons
from patron.coupons.service import has_series, issue_reward_of_series
from patron.customers import hooks
from patron.groups.lifecycle import leave_all_groups, move_groups
from patron.groups.pooling.events import record_contribution
from patron.groups.pooling.service import find_target, is_member_blocked, resolve_earning
from patron.images.service import delete_image, image_embed, move_image
from patron.kit.blobs import BlobStore, FileSystemBlobStore
from patron.loyalty import partners_hook, pooling, rewards, tier_hooks
from patron.loyalty import views as loyalty_views
from patron.loyalty.enrolment import join_loyalty, move_memberships, scrub_memberships
from patron.loyalty.expiry.service import expired_points, expiry_schedules
from patron.orgs.config import OrgConfig
from patron.partners.lifecycle import delete_partner_memberships, move_partner_memberships
from patron.partners.tier_sync import follow_loyalty_downgrade
from patron.partners.views import linked_partner_programs
from patron.referrals.lifecycle import move_referrals, scrub_referrals
from patron.referrals.linking import link_referee, reward_referee_purchase
from patron.subscriptions.service import delete_subscriptions, move_subscriptions, subscription_info


def open_blobs(settings: Settings) -> BlobStore:
    """Return the blob store of the configured data directory."""
    return FileSystemBlobStore(settings.data_dir / "blobs")


def _scrub_subscriptions(session: Session, org_id: int, customer_id: int, _: BlobStore) -> None:
    delete_subscriptions(session, org_id, customer_id)


def _embed_subscriptions(
    session: Session, org: OrgConfig, customer_id: int, _: str, __: bool
) -> dict[str, Any]:
    return {"subscriptionInfo": subscription_info(session, org.id, customer_id)}


def _embed_image(
    session: Session, org: OrgConfig, customer_id: int, base_url: str, _: bool
) -> dict[str, Any]:
    return {"customerImage": image_embed(session, org, customer_id, base_url)}


def _embed_points(
    session: Session, org: OrgConfig, customer_id: int, _: str, __: bool
) -> dict[str, Any]:
    return {"pointsSummary": loyalty_views.points_summary(session, org, customer_id)}


def _embed_programs(
    session: Session, org: OrgConfig, customer_id: int, _: str, detailed: bool
) -> dict[str, Any]:
    details = loyalty_views.program_details(session, org, customer_id, detailed=detailed)
    return {"loyaltyProgramDetails": details}


def _embed_promotional(
    session: Session, org: OrgConfig, customer_id: int, _: str, __: bool
) -> dict[str, Any]:
    return {"promotionalPoints": loyalty_views.promotional_points()}


def _embed_expiry_schedules(
    session: Session, org: OrgConfig, customer_id: int, _: str, __: bool
) -> dict[str, Any]:
    return {"expirySchedules": expiry_schedules(session, org, customer_id)}


def _embed_expired_points(
    session: Session, org: OrgConfig, customer_id: int, _: str, __: bool
) -> dict[str, Any]:
    return {"expiredPoints": expired_points(session, org, customer_id)}


def _loyalty_info(session: Session, org: OrgConfig, customer_id: int) -> dict[str, Any]:
    return {"lifetimePurchases": loyalty_views.lifetime_purchases(session, org, customer_id)}


def install_hooks() -> None:
    """Register every domain's merge, scrub, embed, join and loyalty-info hooks (idempotent)."""
    hooks.merge_hooks[:] = [
        move_subscriptions,
        move_image,
        move_memberships,
        move_groups,
        move_partner_memberships,
    ]
    hooks.scrub_hooks[:] = [
        _scrub_subscriptions,
        delete_image,
        scrub_memberships,
        leave_all_groups,
        delete_partner_memberships,
    ]
    hooks.join_hooks[:] = [join_loyalty]
    hooks.loyalty_info_hooks[:] = [_loyalty_info]
    hooks.embed_hooks.clear()
    hooks.embed_hooks.update(
        {
            "subscriptions": _embed_subscriptions,
            "customerimage": _embed_image,
            "points": _embed_points,
            "mlp": _embed_programs,
            "promotionalpoints": _embed_promotional,
            "expiryschedules": _embed_expiry_schedules,
            "expiredpoints": _embed_expired_points,
        }
    )
    # Group loyalty: the groups domain answers the loyalty domain's pooling questions.
    pooling.resolvers[:] = [resolve_earning]
    pooling.contribution_hooks[:] = [record_contribution]
    pooling.guards[:] = [is_member_blocked]
    pooling.group_finders[:] = [find_target]
    # Partner programs: the partners domain lists a customer's links in loyaltyDetails.
    partners_hook.linked_partner_hooks[:] = [linked_partner_programs]
    # ... and lowers synced supplementary partner tiers with a lowered loyalty tier.
    tier_hooks.tier_lowered_hooks[:] = [follow_loyalty_downgrade]
    # Cards: linked through cardnumber identifiers, shown in cardDetails, moved by merges,
    # deleted with a scrubbed customer, and issued to new loyalty customers by REGISTRATION
    # series (the lists appended to were just reset above).
    hooks.card_hooks[:] = [link_cards]
    hooks.card_details_hooks[:] = [customer_card_details]
    hooks.merge_hooks.append(move_cards)
    # Coupons: a merge gives the survivor the victim's coupons; earn rules and goodwill
    # coupon requests issue coupons through the loyalty domain's coupon issuer.
    hooks.merge_hooks.append(move_coupons)
    rewards.coupon_issuers[:] = [issue_reward_of_series]
    rewards.coupon_series_checks[:] = [has_series]
    hooks.scrub_hooks.append(delete_cards)
    hooks.join_hooks.append(issue_registration_cards)
    # Referrals: a registration's referralCode links the referee, a referee's purchases count
    # for its referrer; merges move codes and referees, PII deletion drops invitations.
    hooks.referral_hooks[:] = [link_referee]
    if reward_referee_purchase not in rewards.purchase_hooks:
        rewards.purchase_hooks.append(reward_referee_purchase)
    hooks.merge_hooks.append(move_referrals)
    hooks.scrub_hooks.append(scrub_referrals)
