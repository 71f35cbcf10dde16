"""Read views of a customer's memberships: loyaltyDetails, pointsSummary, loyaltyProgramDetails;
and a user group's loyaltyDetails.

Every number comes from the account row, which the ledger keeps equal to the journal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from patron.errors import NotFound
from patron.kit import clock
from patron.loyalty import ledger
from patron.loyalty.accounts import require_program, shown_tier_expiry
from patron.loyalty.models import ZERO, Account
from patron.loyalty.partners_hook import linked_partner_programs
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

NOT_IN_PROGRAM = 8089
NOT_ENROLLED_ID = -1
_n = ledger.render_points


def _tier_keys(program: Program, account: Account | None, org: OrgConfig) -> dict[str, Any]:
    number = account.tier_number if account is not None else 1
    tier = program.tier(number) or program.tiers[0]
    following = program.tier(number + 1)
    zone = org.zone
    return {
        "currentSlab": tier.name,
        "nextSlab": following.name if following else "",
        "nextSlabSerialNumber": following.serial_number if following else -1,
        "nextSlabDescription": following.description if following else "",
        "slabSNo": tier.serial_number,
        "slabExpiryDate": clock.iso(shown_tier_expiry(account, zone), zone)
        if account is not None
        else None,
    }


def _details(
    org: OrgConfig, program: Program, account: Account | None, customer_id: int
) -> dict[str, Any]:
    """One program's item of ``loyaltyDetails`` (the seed's key order)."""
    a = account
    points = a.points if a else ZERO
    delayed = a.delayed if a else ZERO
    returned = a.returned if a else ZERO
    delayed_returned = a.delayed_returned if a else ZERO
    return {
        "redeemed": _n(a.redeemed if a else ZERO),
        "expired": _n(a.expired if a else ZERO),
        "returned": _n(returned),
        "adjusted": _n(a.adjusted if a else ZERO),
        "lifetimePoints": _n(a.lifetime if a else ZERO),
        "loyaltyPoints": _n(points),
        "cumulativePurchases": _n(a.purchases if a else ZERO),
        "loyaltyId": customer_id if a else NOT_ENROLLED_ID,
        **_tier_keys(program, a, org),
        "programId": program.program_id,
        "delayedPoints": _n(delayed),
        "delayedReturnedPoints": _n(delayed_returned),
        "totalAvailablePoints": _n(points + delayed),
        "totalReturnedPoints": _n(returned + delayed_returned),
        "linkedPartnerPrograms": [],
    }


def _memberships(
    session: Session, org: OrgConfig, customer_id: int
) -> list[tuple[Program, Account | None]]:
    """Every program of the org with the customer's account in it (None: not enrolled)."""
    accounts = {a.program_id: a for a in ledger.list_accounts(session, org.id, customer_id)}
    return [(p, accounts.get(p.program_id)) for p in org.programs]


def loyalty_details(
    session: Session, org: OrgConfig, customer_id: int, program_id: int | None = None
) -> list[dict[str, Any]]:
    """Return ``loyaltyDetails``: one item per program, or the one ``program_id`` names."""
    if program_id is not None:
        program = require_program(org, program_id, NOT_IN_PROGRAM)
        account = ledger.find_account(session, org.id, customer_id, program.program_id)
        if account is None:
            raise NotFound(NOT_IN_PROGRAM, f"Customer is not enrolled in program {program_id}")
        items = [_details(org, program, account, customer_id)]
    else:
        items = [
            _details(org, p, a, customer_id) for p, a in _memberships(session, org, customer_id)
        ]
    for item in items:
        item["linkedPartnerPrograms"] = linked_partner_programs(
            session, org, customer_id, item["programId"]
        )
    return items


def loyalty_details_with(
    session: Session, org: OrgConfig, customer_id: int, known: Account
) -> list[dict[str, Any]]:
    """Return ``loyaltyDetails`` as ``loyalty_details`` does, from the customer's account
    ``known`` the caller holds (current in its unit of work); the other accounts are read only
    when the org has other programs."""
    if any(p.program_id != known.program_id for p in org.programs):
        return loyalty_details(session, org, customer_id)
    items = [_details(org, p, known, customer_id) for p in org.programs]
    for item in items:
        item["linkedPartnerPrograms"] = linked_partner_programs(
            session, org, customer_id, item["programId"]
        )
    return items


def group_loyalty_details(
    session: Session, org: OrgConfig, group_id: int, program_id: int | None = None
) -> list[dict[str, Any]]:
    """Return a user group's ``loyaltyDetails``, item for item as a customer's (``loyaltyId``
    is the group's id): one per program, or the one ``program_id`` names."""
    if program_id is not None:
        program = require_program(org, program_id, NOT_IN_PROGRAM)
        account = ledger.find_group_account(session, org.id, group_id, program.program_id)
        if account is None:
            raise NotFound(NOT_IN_PROGRAM, f"User group is not enrolled in program {program_id}")
        return [_details(org, program, account, group_id)]
    return [
        _details(
            org, p, ledger.find_group_account(session, org.id, group_id, p.program_id), group_id
        )
        for p in org.programs
    ]


_DEFAULT_ACCOUNTS = "patron.loyalty.default_accounts"


def _default_account(
    session: Session, org: OrgConfig, program: Program, customer_id: int
) -> Account | None:
    """Return the customer's account in the default program.

    A fetch reads it twice (``lifetimePurchases``, ``embed=points``): the account found first
    is kept in the session and served again while the session still holds it unexpired,
    which is when reading it again would give back the same object untouched.
    """
    known: dict[tuple[int, int, int], Account] = session.info.setdefault(_DEFAULT_ACCOUNTS, {})
    key = (org.id, customer_id, program.program_id)
    account = known.get(key)
    if account is not None:
        state = inspect(account)
        if state.persistent and state.session is session and not state.expired_attributes:
            return account
    account = ledger.find_account(session, org.id, customer_id, program.program_id)
    if account is not None:
        known[key] = account
    return account


def points_summary(session: Session, org: OrgConfig, customer_id: int) -> dict[str, Any]:
    """Return ``embed=points``: the default program's summary (the seed's keys, sorted)."""
    program = org.default_program
    if program is None:
        return {}
    account = _default_account(session, org, program, customer_id)
    item = _details(org, program, account, customer_id)
    keys = (
        "adjusted",
        "cumulativePurchases",
        "currentSlab",
        "expired",
        "lifetimePoints",
        "loyaltyId",
        "loyaltyPoints",
        "nextSlab",
        "nextSlabDescription",
        "nextSlabSerialNumber",
        "redeemed",
        "returned",
        "slabExpiryDate",
        "slabSNo",
    )
    return {key: item[key] for key in keys}


# ``embed=mlp`` on a fetch by id shows these keys; lookup/customerDetails shows them all.
_SHORT_KEYS = (
    "redeemed",
    "expired",
    "returned",
    "adjusted",
    "lifetimePoints",
    "loyaltyPoints",
    "cumulativePurchases",
    "loyaltyId",
    "currentSlab",
    "nextSlab",
    "nextSlabSerialNumber",
    "nextSlabDescription",
    "slabSNo",
    "slabExpiryDate",
    "programId",
)


def program_details(
    session: Session, org: OrgConfig, customer_id: int, *, detailed: bool
) -> list[dict[str, Any]]:
    """Return ``loyaltyProgramDetails``: the customer's programs (``detailed`` adds the
    program's title, description and ratio, as lookup/customerDetails shows them)."""
    out = []
    for program, account in _memberships(session, org, customer_id):
        item = _details(org, program, account, customer_id)
        if detailed:
            item |= {
                "programTitle": program.name,
                "programDescription": program.description,
                "programPointsToCurrencyRatio": float(program.points_to_currency_ratio),
            }
        else:
            item = {key: item[key] for key in _SHORT_KEYS}
        out.append(item)
    return out


def promotional_points() -> dict[str, Any]:
    """Return ``embed=promotionalPoints``: empty while patron has no promotions."""
    return {
        "customerPromotionType": [],
        "transactionPromotionType": [],
        "lineitemPromotionType": [],
    }


def lifetime_purchases(session: Session, org: OrgConfig, customer_id: int) -> float:
    """Return the customer's purchases net of returns in the default program."""
    program = org.default_program
    if program is None:
        return 0.0
    account = _default_account(session, org, program, customer_id)
    return _n(account.purchases) if account is not None else 0.0
