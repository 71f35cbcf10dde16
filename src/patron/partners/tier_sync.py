"""``syncWithLoyaltyTierOnDowngrade``: a tier-based supplementary membership follows the
customer's loyalty tier down.

When the customer's tier in a loyalty program is lowered (a failed renewal, a manual
DOWNGRADE), each of its memberships of a supplementary, tier-based program of that loyalty
program with the setting on is lowered to the partner tier of the same number (the partner's
highest when it has fewer tiers), with partnerProgramUpdated (``updateType`` DOWNGRADE), in the
unit of work of the loyalty change. A partner tier at or below it is left as it is: the sync
only lowers.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from patron.customers import repository as customers
from patron.loyalty.tier_hooks import TierLowered
from patron.orgs.partners import PartnerProgramDef, PartnerProgramType
from patron.orgs.service import load_org_config
from patron.partners import repository
from patron.partners.events import loyalty_program_id, record_update
from patron.partners.views import partner_program

DOWNGRADE = "DOWNGRADE"


def _follows(program: PartnerProgramDef | None) -> bool:
    return (
        program is not None
        and program.type is PartnerProgramType.SUPPLEMENTARY
        and program.tier_based
        and program.sync_with_loyalty_tier_on_downgrade
    )


def follow_loyalty_downgrade(session: Session, lowered: TierLowered) -> None:
    """Lower the customer's synced supplementary partner tiers to its new loyalty tier."""
    memberships = repository.list_memberships(
        session, lowered.org_id, lowered.customer_id, lock=True
    )
    if not memberships:
        return
    org = load_org_config(session, lowered.org_id)
    customer = customers.get_customer(session, lowered.org_id, lowered.customer_id)
    if org is None or customer is None:
        return
    for membership in memberships:
        program = partner_program(org, membership.partner_program_id)
        if program is None or not _follows(program):
            continue
        if loyalty_program_id(org, program) != lowered.program_id:
            continue
        target = min(lowered.tier_number, len(program.tiers))
        if membership.tier_number is not None and membership.tier_number <= target:
            continue
        membership.tier_number = target
        record_update(session, org, customer, program, membership, DOWNGRADE)
