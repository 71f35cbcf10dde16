"""Extension points: what other domains do when a customer is merged away or scrubbed.

Domains that attach data to customers (subscriptions, images, later points and memberships)
register here through ``patron.wiring``, so the customers domain never imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.errors import Notice
from patron.kit.blobs import BlobStore
from patron.orgs.config import OrgConfig

if TYPE_CHECKING:
    from patron.customers.drafts import IdentifierDraft

# (session, org_id, victim_id, survivor_id): move everything of the victim to the survivor.
MergeHook = Callable[[Session, int, int, int], None]
# (session, org_id, customer_id, blobs): delete the customer's personal data held by the domain.
ScrubHook = Callable[[Session, int, int, BlobStore], None]
# (session, org, customer_id, base_url, detailed): the keys an ``embed=`` value adds to a fetch
# answer; ``detailed`` is set for ``lookup/customerDetails``, whose sample shows more.
EmbedHook = Callable[[Session, OrgConfig, int, str, bool], dict[str, Any]]
# (session, org, customer_id): keys added to a fetch answer's ``loyaltyInfo``.
LoyaltyInfoHook = Callable[[Session, OrgConfig, int], dict[str, Any]]


@dataclass(frozen=True)
class Enrolment:
    """One ``loyaltyProgramEnrollments`` item of a registration or an update."""

    program_id: int | None = None
    tier_number: int | None = None
    points: Decimal | None = None
    tier_expires_at: dt.datetime | None = None
    points_expire_at: dt.datetime | None = None


@dataclass
class Joined:
    """What joining loyalty gave the customer: side effects and warnings."""

    side_effects: list[dict[str, Any]] = field(default_factory=list)
    raw_side_effects: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)


# (session, principal, customer_id, enrolments): a loyalty customer was registered, converted
# to loyalty, or asked to be enrolled; idempotent per customer and program.
JoinHook = Callable[[Session, Principal, int, Sequence[Enrolment]], Joined]

# (session, principal, customer_id, adds, removes): check and link the cards the added
# ``cardnumber`` identifiers name to the customer, unlink the removed ones; may rewrite a
# draft's attrs to their canonical form, and raises the documented error of a refused card.
CardHook = Callable[
    [Session, Principal, int, "Sequence[IdentifierDraft]", "Sequence[IdentifierDraft]"], None
]
# (session, org, customer_id): the ``cardDetails`` items of the customer's cards, by number.
CardDetailsHook = Callable[[Session, OrgConfig, int], dict[str, dict[str, Any]]]

# (session, principal, customer_id, referral_code): a new customer registered with a top-level
# ``referralCode``; link it to its referrer and award the incentives, in the caller's unit of
# work; the side effects list the awards (the referrer's with ``isReferrer: true``).
ReferralHook = Callable[[Session, Principal, int, str], Joined]

merge_hooks: list[MergeHook] = []
referral_hooks: list[ReferralHook] = []
card_hooks: list[CardHook] = []
card_details_hooks: list[CardDetailsHook] = []
scrub_hooks: list[ScrubHook] = []
embed_hooks: dict[str, EmbedHook] = {}
loyalty_info_hooks: list[LoyaltyInfoHook] = []
join_hooks: list[JoinHook] = []


def run_join_hooks(
    session: Session, principal: Principal, customer_id: int, enrolments: Sequence[Enrolment]
) -> Joined:
    """Let the loyalty domain enrol a customer who joined loyalty; return what it gave."""
    joined = Joined()
    for hook in join_hooks:
        outcome = hook(session, principal, customer_id, enrolments)
        joined.side_effects.extend(outcome.side_effects)
        joined.raw_side_effects.extend(outcome.raw_side_effects)
        joined.warnings.extend(outcome.warnings)
    return joined


def run_referral_hooks(
    session: Session, principal: Principal, customer_id: int, referral_code: str
) -> Joined:
    """Let the referrals domain link a new customer to the referrer of ``referral_code``."""
    joined = Joined()
    for hook in referral_hooks:
        outcome = hook(session, principal, customer_id, referral_code)
        joined.side_effects.extend(outcome.side_effects)
        joined.raw_side_effects.extend(outcome.raw_side_effects)
        joined.warnings.extend(outcome.warnings)
    return joined


def loyalty_info(session: Session, org: OrgConfig, customer_id: int) -> dict[str, Any]:
    """Return the keys the loyalty domain adds to ``loyaltyInfo``."""
    out: dict[str, Any] = {}
    for hook in loyalty_info_hooks:
        out.update(hook(session, org, customer_id))
    return out


def run_merge_hooks(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Let every registered domain move the victim's data to the survivor."""
    for hook in merge_hooks:
        hook(session, org_id, victim_id, survivor_id)


def run_scrub_hooks(session: Session, org_id: int, customer_id: int, blobs: BlobStore) -> None:
    """Let every registered domain delete the customer's personal data."""
    for hook in scrub_hooks:
        hook(session, org_id, customer_id, blobs)


def run_card_hooks(
    session: Session,
    principal: Principal,
    customer_id: int,
    adds: Sequence[IdentifierDraft],
    removes: Sequence[IdentifierDraft] = (),
) -> None:
    """Let the cards domain link and unlink the cards of ``cardnumber`` identifiers."""
    if not any(d.type == "cardnumber" for d in (*adds, *removes)):
        return
    for hook in card_hooks:
        hook(session, principal, customer_id, adds, removes)


def card_details(session: Session, org: OrgConfig, customer_id: int) -> dict[str, dict[str, Any]]:
    """Return the ``cardDetails`` items the cards domain renders, by card number."""
    out: dict[str, dict[str, Any]] = {}
    for hook in card_details_hooks:
        out.update(hook(session, org, customer_id))
    return out
