"""Memberships: finding the program, opening accounts, awarding points and upgrading tiers.

Every other loyalty module earns and upgrades through these functions, so a rule (rounding,
expiry, delayed accrual, the tier a balance reaches) is applied one way everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy.orm import Session

from patron.errors import Invalid, NotFound
from patron.kit import clock
from patron.loyalty import ledger, tier_hooks
from patron.loyalty.ledger import Kind, Posting
from patron.loyalty.models import ZERO, Account, Bill, Entry, Lot
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Criterion, Program, Tier, end_of_day

INVALID_PROGRAM = 885
THOUSANDTH = Decimal("0.001")
# The base tier never lapses; it is shown expiring a century after it began.
BASE_TIER_YEARS = 100


def require_program(org: OrgConfig, program_id: int | None, code: int = INVALID_PROGRAM) -> Program:
    """Return the program ``program_id`` (None: the default), or refuse with ``code``."""
    program = org.program(program_id)
    if program is None:
        if program_id is None:
            raise NotFound(code, "Invalid program: the org has no loyalty program")
        raise Invalid(code, f"Invalid program id {program_id}")
    return program


def tier_expiry(
    program: Program, tier: Tier, since: dt.datetime, tz: dt.tzinfo
) -> dt.datetime | None:
    """Return when a tier reached at ``since`` lapses (None: the base tier, which never does)."""
    if tier.serial_number == 1 or tier.validity_days is None:
        return None
    return end_of_day(since.astimezone(tz).date() + dt.timedelta(days=tier.validity_days), tz)


def shown_tier_expiry(account: Account, tz: dt.tzinfo) -> dt.datetime:
    """Return the tier expiry the read views show (the base tier's lies a century ahead)."""
    if account.tier_expires_at is not None:
        return account.tier_expires_at
    since = account.tier_since.astimezone(tz).date()
    return end_of_day(since.replace(year=since.year + BASE_TIER_YEARS), tz)


def enrol(
    session: Session,
    org: OrgConfig,
    program: Program,
    customer_id: int,
    at: dt.datetime,
    *,
    tier_number: int = 1,
    tier_expires_at: dt.datetime | None = None,
) -> Account:
    """Return the customer's account in ``program``, locked, opening it in ``tier_number``."""
    tier = program.tier(tier_number) or program.tiers[0]
    expires = tier_expires_at or tier_expiry(program, tier, at, org.zone)
    return ledger.open_account(
        session,
        org.id,
        customer_id,
        program.program_id,
        at,
        tier_number=tier.serial_number,
        tier_expires_at=expires,
    )


def enrol_group(
    session: Session, org: OrgConfig, program: Program, group_id: int, at: dt.datetime
) -> Account:
    """Return the user group's account in ``program``, locked, opening it in the base tier."""
    tier = program.tiers[0]
    return ledger.open_group_account(
        session,
        org.id,
        group_id,
        program.program_id,
        at,
        tier_number=tier.serial_number,
        tier_expires_at=tier_expiry(program, tier, at, org.zone),
    )


@dataclass
class Award:
    """Points credited by one rule, with what the side effects report."""

    entry: Entry
    lot: Lot | None
    raw: Decimal
    points: Decimal
    expires_at: dt.datetime | None
    program_id: int
    bill_number: str | None = None
    source_type: str = "Bill"
    award_on: str = "BILL"
    extra: dict[str, Any] = field(default_factory=dict)

    def side_effect(self, entity_type: str = "USER") -> dict[str, Any]:
        """Render the documented points side effect."""
        return {
            "entityType": entity_type,
            "rawAwardedPoints": ledger.render_points(self.raw),
            "awardedPoints": ledger.render_points(self.points),
            "type": "points",
        }

    def raw_side_effect(self, tz: dt.tzinfo) -> dict[str, Any]:
        """Render the documented raw side effect (``rawSideEffects=true``)."""
        at = self.entry.created_at
        return {
            "awardOn": self.award_on,
            "awardStrategyId": -1,
            "awardedOn": clock.iso(at, tz),
            "awardedOnMillis": clock.epoch_ms(at),
            "billNumber": self.bill_number,
            "expiryDate": clock.iso(self.expires_at, tz),
            "expiryDateMillis": clock.epoch_ms(self.expires_at) if self.expires_at else None,
            "expiryStrategyId": -1,
            "lineItemId": None,
            "pointTypeName": "Promised" if self.lot is not None and self.lot.is_delayed else "Main",
            "pointTypeIsRedeemable": not (self.lot is not None and self.lot.is_delayed),
            "points": ledger.render_points(self.points),
            "pointsBeforeCapping": ledger.render_points(self.raw),
            "programId": self.program_id,
            "promoId": None,
            "ruleId": None,
            "sourceType": self.source_type,
            "isReferrer": False,
            "type": "AWARD",
            **self.extra,
        }


def award(
    session: Session,
    org: OrgConfig,
    program: Program,
    account: Account,
    raw: Decimal,
    posting: Posting,
    *,
    kind: Kind = Kind.AWARD,
    expires_at: dt.datetime | None = None,
    points: Decimal | None = None,
    bill_number: str | None = None,
    source_type: str = "Bill",
) -> Award:
    """Credit ``raw`` points rounded by the program (or exactly ``points``), with its expiry."""
    rounded = program.earning.rounded(raw) if points is None else points
    # The journal keeps raw points to three places; the award is rounded from the exact value.
    raw = raw.quantize(THOUSANDTH, rounding=ROUND_DOWN)
    expiry = expires_at or program.expiry.expires_at(posting.at, org.zone)
    delay = program.earning.delayed_accrual_days if kind is Kind.AWARD else 0
    available_at = posting.at + dt.timedelta(days=delay) if delay else None
    entry, lot = ledger.credit(
        session,
        account,
        kind,
        rounded,
        posting,
        expires_at=expiry,
        available_at=available_at,
        raw=raw,
    )
    return Award(
        entry=entry,
        lot=lot,
        raw=raw,
        points=rounded,
        expires_at=expiry,
        program_id=program.program_id,
        bill_number=bill_number,
        source_type=source_type,
        award_on="BILL" if source_type == "Bill" else "CUSTOMER",
    )


def measure(account: Account, criterion: Criterion) -> Decimal:
    """Return the account's standing on ``criterion`` for an upgrade: lifetime purchases and
    points count from the tier's last downgrade (from enrolment when it never had one)."""
    if criterion is Criterion.LIFETIME_PURCHASES:
        return account.purchases - account.baseline_purchases
    if criterion is Criterion.LIFETIME_POINTS:
        return account.lifetime - account.baseline_lifetime
    return account.points


def reached_tier(program: Program, account: Account) -> Tier:
    """Return the highest tier whose upgrade criterion the account meets."""
    reached = program.tiers[0]
    for tier in program.tiers[1:]:
        if measure(account, tier.criterion) >= tier.threshold:
            reached = tier
    return reached


def slab_side_effect(
    program: Program, before: int, account: Account, tz: dt.tzinfo, entity_type: str = "USER"
) -> dict[str, Any]:
    """Render the documented ``slab`` side effect of a tier change."""
    previous = program.tier(before)
    current = program.tier(account.tier_number)
    assert previous is not None
    assert current is not None
    return {
        "entityType": entity_type,
        "previousSlabName": previous.name,
        "previousSlabNumber": previous.serial_number,
        "upgradedSlabName": current.name,
        "upgradedSlabNumber": current.serial_number,
        "slabExpiryDate": clock.iso(shown_tier_expiry(account, tz), tz),
        "type": "slab",
    }


def set_tier(
    account: Account,
    program: Program,
    tier: Tier,
    at: dt.datetime,
    tz: dt.tzinfo,
    expires_at: dt.datetime | None = None,
) -> None:
    """Put the account in ``tier`` from ``at`` (its validity runs from then).

    Lowering the tier sets the upgrade baselines, so the purchases and points that reached the
    old tier do not lift the account straight back into it.
    """
    if tier.serial_number < account.tier_number:
        account.baseline_purchases = account.purchases
        account.baseline_lifetime = account.lifetime
        tier_hooks.tier_lowered(account, tier.serial_number, at)
    account.tier_number = tier.serial_number
    account.tier_since = at
    account.tier_expires_at = expires_at or tier_expiry(program, tier, at, tz)
    account.updated_at = at
    account.version = (account.version or 0) + 1


def upgrade(
    session: Session, org: OrgConfig, program: Program, account: Account, at: dt.datetime
) -> dict[str, Any] | None:
    """Upgrade the account at once when it meets a higher tier's criterion; return the side effect."""
    tier = reached_tier(program, account)
    if tier.serial_number <= account.tier_number:
        return None
    before = account.tier_number
    set_tier(account, program, tier, at, org.zone)
    session.flush()
    return slab_side_effect(program, before, account, org.zone)


def find_program_account(
    session: Session, org: OrgConfig, customer_id: int, program: Program, *, lock: bool = False
) -> Account | None:
    """Return the customer's account in ``program``, if enrolled."""
    return ledger.find_account(session, org.id, customer_id, program.program_id, lock=lock)


@dataclass
class BillEarning:
    """What a purchase earned: its award (None when the program has no transaction rule), the
    tier it earned in and the tier change it caused."""

    award: Award | None
    slab: dict[str, Any] | None
    tier_number: int

    def side_effects(self, entity_type: str = "USER") -> list[dict[str, Any]]:
        """Render the documented side effects (points, then slab) of ``entity_type``."""
        out = [] if self.award is None else [self.award.side_effect(entity_type)]
        if self.slab is not None:
            out.append({**self.slab, "entityType": entity_type})
        return out


def earn_for_bill(
    session: Session,
    org: OrgConfig,
    program: Program,
    account: Account,
    bill: Bill,
    posting: Posting,
    *,
    may_earn: bool = True,
) -> BillEarning:
    """Earn a stored purchase on ``account`` (a customer's or a user group's, opened):
    ``count_purchase``, the bill's points, then ``award_purchase``."""
    counted = count_purchase(
        session,
        org,
        program,
        bill.amount,
        posting.at,
        customer_id=account.customer_id,
        group_id=account.group_id,
        may_earn=may_earn,
    )
    if counted.points is not None:
        bill.points = counted.points
    return award_purchase(session, org, program, counted, bill, posting)


@dataclass(frozen=True)
class PurchaseCount:
    """A purchase counted on an account: the account as updated, the tier the purchase earns
    in, and the points it earns, rounded, and raw to three places (None: it awards nothing,
    the program having no transaction rule or the member's role not earning)."""

    account: Account
    tier_number: int
    points: Decimal | None
    raw: Decimal | None


def count_purchase(
    session: Session,
    org: OrgConfig,
    program: Program,
    amount: Decimal,
    at: dt.datetime,
    *,
    customer_id: int | None = None,
    group_id: int | None = None,
    may_earn: bool = True,
) -> PurchaseCount:
    """Add a purchase of ``amount`` to the customer's account in ``program`` (the user
    group's when ``group_id`` is given; opened in the base tier when there is none) and credit
    its balances with the points of the rule of the account's current tier, in one statement
    that also takes the row lock; ``award_purchase`` then writes the award's entry.

    The award is rounded from the exact raw points, which the journal keeps to three places.
    Without ``may_earn`` (a group member whose role does not earn) the purchase counts towards
    the purchases and tiers but awards nothing.
    """
    rule = program.earning.transaction if may_earn else None
    by_tier = None
    if rule is not None:
        rounded = program.earning.rounded
        by_tier = ledger.TierPoints(
            {tier: rounded(r.raw_points(amount)) for tier, r in rule.by_tier.items()},
            rounded(rule.raw_points(amount)),
        )

    def count() -> Account | None:
        return ledger.count_purchase(
            session,
            org.id,
            program.program_id,
            amount,
            by_tier,
            at,
            customer_id=customer_id,
            group_id=group_id,
            delayed=program.earning.delayed_accrual_days > 0,
        )

    account = count()
    if account is None:
        if group_id is None:
            assert customer_id is not None
            enrol(session, org, program, customer_id, at)
        else:
            enrol_group(session, org, program, group_id, at)
        account = count()
        assert account is not None
    tier = account.tier_number
    if rule is None or by_tier is None:
        return PurchaseCount(account=account, tier_number=tier, points=None, raw=None)
    raw = rule.for_tier(tier).raw_points(amount).quantize(THOUSANDTH, rounding=ROUND_DOWN)
    return PurchaseCount(account=account, tier_number=tier, points=by_tier.of(tier), raw=raw)


def award_purchase(
    session: Session,
    org: OrgConfig,
    program: Program,
    counted: PurchaseCount,
    bill: Bill,
    posting: Posting,
) -> BillEarning:
    """Write the award of a purchase ``count_purchase`` counted (its entry and lot, the bill
    being stored), then upgrade the tier when a criterion is met (the bill that crosses a
    threshold earns at the tier it was made in)."""
    account = counted.account
    earned: Award | None = None
    if counted.points is not None:
        delay = program.earning.delayed_accrual_days
        expiry = program.expiry.expires_at(posting.at, org.zone)
        entry, lot = ledger.append_credit(
            session,
            account,
            Kind.AWARD,
            counted.points,
            posting,
            expires_at=expiry,
            available_at=posting.at + dt.timedelta(days=delay) if delay else None,
            raw=counted.raw,
        )
        earned = Award(
            entry=entry,
            lot=lot,
            raw=counted.raw if counted.raw is not None else ZERO,
            points=counted.points,
            expires_at=expiry,
            program_id=program.program_id,
            bill_number=bill.bill_number,
        )
    slab = upgrade(session, org, program, account, posting.at)
    return BillEarning(award=earned, slab=slab, tier_number=counted.tier_number)
