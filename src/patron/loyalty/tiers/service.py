"""Rules of tier renewal: when a tier's validity ends, it is renewed if its own criterion was
met again within the validity window, or else lowered by one tier.

A renewed tier's new validity runs from its old expiry; so does a lower tier's, except the
base tier's, which never lapses. An account is evaluated window after window until its tier
expires in the future (or never), so a sweep that ran late catches up in one run and a second
run finds nothing due. Every change is logged (``tier_renewed``, ``tier_downgraded``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import structlog
from sqlalchemy.orm import Session

from patron.loyalty import accounts
from patron.loyalty.models import Account
from patron.loyalty.tiers import repository
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Criterion, Program, Tier
from patron.orgs.service import load_org_config

log = structlog.get_logger("patron.loyalty.tiers")

BATCH = 1000
# Windows evaluated for one account in one run (a validity of one day, missed for years).
MAX_WINDOWS = 10_000


@dataclass(frozen=True)
class Renewals:
    """What a renewal run changed: tiers renewed and tiers lowered (counted per window)."""

    renewed: int = 0
    downgraded: int = 0

    def __add__(self, other: Renewals) -> Renewals:
        return Renewals(self.renewed + other.renewed, self.downgraded + other.downgraded)


def standing(
    session: Session,
    program: Program,
    account: Account,
    criterion: Criterion,
    since: dt.datetime,
    until: dt.datetime,
) -> Decimal:
    """Return the account's standing on ``criterion`` within the window [since, until]: net
    purchases billed in it, points earned in it, or (current points) today's balance."""
    if criterion is Criterion.LIFETIME_PURCHASES:
        return repository.net_purchases(session, account, program.default, since, until)
    if criterion is Criterion.LIFETIME_POINTS:
        return repository.points_earned(session, account.id, since, until)
    return account.points


def _is_due(account: Account, now: dt.datetime) -> bool:
    return (
        account.tier_number > 1
        and account.tier_expires_at is not None
        and account.tier_expires_at <= now
    )


def _current_tier(program: Program, account: Account) -> Tier:
    # A tier the program no longer has counts as its highest.
    return program.tier(account.tier_number) or program.tiers[-1]


def renew_tier(
    session: Session, org: OrgConfig, program: Program, account: Account, now: dt.datetime
) -> Renewals:
    """Renew or lower the locked account's tier for every validity window ended by ``now``."""
    done = Renewals()
    for _ in range(MAX_WINDOWS):
        if not _is_due(account, now):
            break
        tier = _current_tier(program, account)
        since, until = account.tier_since, account.tier_expires_at
        assert until is not None
        met = standing(session, program, account, tier.criterion, since, until)
        renewed = met >= tier.threshold
        target = tier if renewed else program.tier(tier.serial_number - 1) or program.tiers[0]
        done += Renewals(renewed=1) if renewed else Renewals(downgraded=1)
        accounts.set_tier(account, program, target, until, org.zone)
        account.updated_at = now
        log.info(
            "tier_renewed" if renewed else "tier_downgraded",
            org_id=account.org_id,
            account_id=account.id,
            customer_id=account.customer_id,
            program_id=account.program_id,
            tier=tier.name,
            to_tier=target.name,
            criterion=tier.criterion.value,
            standing=str(met),
            threshold=str(tier.threshold),
            valid_until=account.tier_expires_at.isoformat() if account.tier_expires_at else None,
        )
    else:
        log.warning("tier_renewal_incomplete", account_id=account.id)
    session.flush()
    return done


def renew_account(
    session: Session,
    account_id: int,
    now: dt.datetime,
    orgs: dict[int, OrgConfig | None] | None = None,
) -> Renewals:
    """Lock one account and renew or lower its tier if its validity has ended.

    ``orgs`` caches org configurations across the accounts of one run.
    """
    account = repository.lock_account(session, account_id)
    if account is None or not _is_due(account, now):
        return Renewals()
    cache = orgs if orgs is not None else {}
    if account.org_id not in cache:
        cache[account.org_id] = load_org_config(session, account.org_id)
    org = cache[account.org_id]
    program = org.program(account.program_id) if org is not None else None
    if org is None or program is None:
        log.warning("tier_renewal_without_program", account_id=account.id)
        return Renewals()
    return renew_tier(session, org, program, account, now)


def accounts_due_for_renewal(
    session: Session, org_id: int | None, now: dt.datetime, *, after: int = 0, limit: int = BATCH
) -> list[int]:
    """Return the ids of accounts (above ``after``, ascending) whose tier validity has ended."""
    return repository.accounts_due_for_renewal(session, org_id, now, after, limit)


def renew_due(
    session: Session, now: dt.datetime, org_id: int | None = None, limit: int = BATCH
) -> Renewals:
    """Renew or lower the tiers of up to ``limit`` due accounts, in one unit of work."""
    done = Renewals()
    orgs: dict[int, OrgConfig | None] = {}
    for account_id in accounts_due_for_renewal(session, org_id, now, limit=limit):
        done += renew_account(session, account_id, now, orgs)
    return done
