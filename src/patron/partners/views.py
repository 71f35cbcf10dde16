"""Read views of partner programs: the org's programs and a customer's linked programs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.kit import clock
from patron.orgs.config import OrgConfig
from patron.orgs.partners import PartnerProgramDef
from patron.partners import repository
from patron.partners.events import loyalty_program_id


def partner_program(org: OrgConfig, partner_program_id: int) -> PartnerProgramDef | None:
    """Return the org's partner program of that id, or None."""
    return next(
        (p for p in org.partner_programs if p.partner_program_id == partner_program_id), None
    )


def _partner_program_item(program: PartnerProgramDef) -> dict[str, Any]:
    period = program.membership_period_type
    return {
        "partnerProgramId": program.partner_program_id,
        "partnerProgramName": program.name,
        "partnerProgramDescription": program.description,
        "partnerProgramTiers": [
            {"tierNumber": t.tier_number, "tierName": t.tier_name} for t in program.tiers
        ],
        "pointsExchangeRate": float(program.points_exchange_rate),
        "partnerProgramType": program.type.value,
        "membershipPeriodType": period.value if period is not None else None,
        "membershipPeriodValue": program.membership_period_value,
        "tierBased": program.tier_based,
    }


def organization_programs(org: OrgConfig) -> dict[str, Any]:
    """Return ``GET /v2/organization/programs``: each loyalty program and its partner programs."""
    default = org.default_program
    data = [
        {
            "programId": p.program_id,
            "programName": p.name,
            "pointsToCurrencyRatio": float(p.points_to_currency_ratio),
            "programDescription": p.description,
            "default": default is not None and p.program_id == default.program_id,
            "partnerPrograms": [
                _partner_program_item(pp)
                for pp in org.partner_programs
                if loyalty_program_id(org, pp) == p.program_id
            ],
        }
        for p in org.programs
    ]
    return {"data": data, "warnings": [], "errors": []}


def linked_partner_programs(
    session: Session, org: OrgConfig, customer_id: int, program_id: int
) -> list[dict[str, Any]]:
    """Return ``linkedPartnerPrograms`` of a customer in one loyalty program (the seed's keys;
    tier keys only for tier-based programs)."""
    out: list[dict[str, Any]] = []
    if not any(loyalty_program_id(org, p) == program_id for p in org.partner_programs):
        # Programs are org-file configuration only: no membership could be shown.
        return out
    for membership in repository.list_memberships(session, org.id, customer_id):
        program = partner_program(org, membership.partner_program_id)
        if program is None or loyalty_program_id(org, program) != program_id:
            continue
        item: dict[str, Any] = {
            "partnerProgramId": program.partner_program_id,
            "partnerProgramName": program.name,
            "partnerProgramDescription": program.description,
        }
        if program.tier_based:
            tier = next((t for t in program.tiers if t.tier_number == membership.tier_number), None)
            item["partnerTierNumber"] = membership.tier_number
            item["partnerTierName"] = tier.tier_name if tier is not None else None
            item["partnerTierExpiryDate"] = clock.iso(membership.tier_expires_at, org.zone)
        item["partnerMembershipId"] = membership.membership_number
        item["partnerProgramType"] = program.type.value
        item["tierBased"] = program.tier_based
        out.append(item)
    return out
