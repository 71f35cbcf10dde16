"""Joining loyalty: enrolment on registration or conversion, and what merges and PII deletion
do to a customer's memberships.

A loyalty customer is enrolled in the org's default program and in every program its
``loyaltyProgramEnrollments`` name. An enrolment's ``loyaltyPoints`` are the opening balance
of that program in place of the registration rule. Enrolment happens once per customer and
program: registering again in another source, or converting twice, awards nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.hooks import Enrolment, Joined
from patron.errors import Notice
from patron.kit import clock
from patron.kit.blobs import BlobStore
from patron.loyalty import accounts, ledger, rewards
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Bill, Entry, Redemption, Request, Transfer
from patron.orgs.programs import Program
from patron.orgs.service import load_org_config

INVALID_PROGRAM = 1101
TIER_NOT_FOUND = 8923
NOT_APPLIED = 1010


def _targets(
    principal: Principal, enrolments: Sequence[Enrolment], warnings: list[Notice]
) -> dict[int, tuple[Program, Enrolment | None]]:
    org = principal.org
    default = org.default_program
    targets: dict[int, tuple[Program, Enrolment | None]] = {}
    if default is not None:
        targets[default.program_id] = (default, None)
    for item in enrolments:
        program = org.program(item.program_id)
        if program is None:
            if default is None:
                warnings.append(
                    Notice(INVALID_PROGRAM, "Invalid programId: the org has no program")
                )
                continue
            warnings.append(
                Notice(
                    INVALID_PROGRAM,
                    f"Invalid programId {item.program_id}: enrolled in the default program "
                    f"{default.program_id}",
                )
            )
            program = default
        targets[program.program_id] = (program, item)
    return targets


def join_loyalty(
    session: Session, principal: Principal, customer_id: int, enrolments: Sequence[Enrolment]
) -> Joined:
    """Enrol a loyalty customer in the default program and the programs its enrolments name."""
    org = principal.org
    now = clock.now()
    joined = Joined()
    for program, item in _targets(principal, enrolments, joined.warnings).values():
        if ledger.find_account(session, org.id, customer_id, program.program_id, lock=True):
            if item is not None:
                joined.warnings.append(
                    Notice(
                        NOT_APPLIED,
                        f"Customer is already enrolled in program {program.program_id}: "
                        "the enrolment is ignored",
                    )
                )
            continue
        tier_number = 1
        tier_expires_at = None
        points_expire_at = None
        opening: Decimal | None = None
        if item is not None:
            if item.tier_number is not None:
                if program.tier(item.tier_number) is None:
                    joined.warnings.append(
                        Notice(
                            TIER_NOT_FOUND,
                            f"Tier {item.tier_number} not found in program "
                            f"{program.program_id}: enrolled in tier 1",
                        )
                    )
                else:
                    tier_number = item.tier_number
            if item.tier_expires_at is not None:
                if item.tier_expires_at <= now:
                    joined.warnings.append(
                        Notice(NOT_APPLIED, "tierExpiryDate is in the past: the tier's own applies")
                    )
                else:
                    tier_expires_at = item.tier_expires_at
            if item.points_expire_at is not None:
                if item.points_expire_at <= now:
                    joined.warnings.append(
                        Notice(
                            NOT_APPLIED,
                            "pointsExpiryDate is in the past: the program's expiry applies",
                        )
                    )
                else:
                    points_expire_at = item.points_expire_at
            opening = item.points
        account = accounts.enrol(
            session,
            org,
            program,
            customer_id,
            now,
            tier_number=tier_number,
            tier_expires_at=tier_expires_at,
        )
        rule = program.earning.registration
        series_id = None if rule is None else rule.for_tier(tier_number).coupon_series_id
        if series_id is not None:
            joined.side_effects.append(
                rewards.issue_coupon(session, principal, customer_id, series_id)
            )
        if opening is not None:
            raw = opening
        elif rule is not None:
            raw = rule.for_tier(tier_number).raw_points(Decimal(0))
        else:
            continue
        posting = Posting(
            cause=Cause.CUSTOMER,
            cause_id=customer_id,
            till_id=principal.till_id,
            at=now,
            key=f"enrolment:{customer_id}:{program.program_id}",
        )
        award = accounts.award(
            session,
            org,
            program,
            account,
            raw,
            posting,
            kind=Kind.ENROLMENT,
            expires_at=points_expire_at,
            points=opening,
            source_type="Customer",
        )
        joined.side_effects.append(
            {"awardedPoints": ledger.render_points(award.points), "type": "points"}
        )
        joined.raw_side_effects.append(award.raw_side_effect(org.zone))
        slab = accounts.upgrade(session, org, program, account, now)
        if slab is not None:
            joined.side_effects.append(slab)
    return joined


def move_memberships(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Move the victim's points (lot by lot, keeping expiries), purchases, bills, requests,
    redemptions and transfers to the survivor, recorded as merge entries on both accounts."""
    org = load_org_config(session, org_id)
    now = clock.now()
    for victim in ledger.list_accounts(session, org_id, victim_id):
        locked = ledger.find_account(session, org_id, victim_id, victim.program_id, lock=True)
        assert locked is not None
        survivor = ledger.open_account(session, org_id, survivor_id, victim.program_id, now)
        posting = Posting(
            cause=Cause.MERGE, cause_id=victim_id, till_id=None, at=now, key=f"merge:{locked.id}"
        )
        ledger.move_account(session, locked, survivor, posting)
        survivor.purchases += locked.purchases
        locked.purchases = Decimal(0)
        program = org.program(victim.program_id) if org is not None else None
        session.flush()
        if program is not None and org is not None:
            accounts.upgrade(session, org, program, survivor, now)
    # Bills follow the purchases; requests follow so that a pending one can still be decided;
    # redemptions (to be reversed) and transfers (pointsTransfers) follow the points.
    for model in (Bill, Request, Redemption):
        session.execute(
            update(model)
            .where(model.org_id == org_id, model.customer_id == victim_id)
            .values(customer_id=survivor_id)
        )
    for column in ("from_customer_id", "to_customer_id"):
        session.execute(
            update(Transfer)
            .where(Transfer.org_id == org_id, getattr(Transfer, column) == victim_id)
            .values({column: survivor_id})
        )


def scrub_memberships(session: Session, org_id: int, customer_id: int, _: BlobStore) -> None:
    """Keep the customer's financial records but blank their free text (notes, reasons)."""
    account_ids = [a.id for a in ledger.list_accounts(session, org_id, customer_id)]
    if account_ids:
        session.execute(update(Entry).where(Entry.account_id.in_(account_ids)).values(notes=""))
    session.execute(
        update(Transfer)
        .where(
            Transfer.org_id == org_id,
            (Transfer.from_customer_id == customer_id) | (Transfer.to_customer_id == customer_id),
        )
        .values(notes="")
    )
    session.execute(
        update(Request)
        .where(Request.org_id == org_id, Request.customer_id == customer_id)
        .values(reason="", comments="", updated_comments=None)
    )
    for bill in session.scalars(
        select(Bill).where(Bill.org_id == org_id, Bill.customer_id == customer_id)
    ):
        details = dict(bill.details or {})
        for key in ("note", "customFields", "extendedFields", "notInterestedReason"):
            details.pop(key, None)
        bill.details = details
