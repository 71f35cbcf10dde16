"""Background work of the loyalty domain: releasing delayed points, expiring due lots and
renewing or lowering tiers whose validity ended.

Each account is changed in a unit of work of its own, so one account's failure (logged) never
stops the others nor undoes their changes; a failed account stays due for the next sweep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import structlog
from sqlalchemy.orm import Session

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.kit.sweeper import Sweeper
from patron.loyalty.expiry import service as expiry
from patron.loyalty.tiers import service as tiers
from patron.orgs.config import OrgConfig

log = structlog.get_logger("patron.loyalty.tasks")

BATCH = 500

DueAccounts = Callable[[Session, int | None, dt.datetime, int, int], list[int]]


def _each_due_account(
    db: Database,
    org_id: int | None,
    now: dt.datetime,
    due: DueAccounts,
    work: Callable[[Session, int], None],
    step: str,
) -> int:
    """Run ``work`` for every due account, each in its own unit of work; return the failures."""
    failed = 0
    after = 0
    while True:
        with unit_of_work(db.read_session) as session:
            ids = due(session, org_id, now, after, BATCH)
        if not ids:
            return failed
        for account_id in ids:
            try:
                with unit_of_work(db.write_session) as session:
                    work(session, account_id)
            except Exception:  # one account's failure must not stop the others; it stays due
                failed += 1
                log.exception("loyalty_sweep_failed", step=step, account_id=account_id)
        after = ids[-1]


def _due_releases(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    return expiry.accounts_due_for_release(session, org_id, now, after=after, limit=limit)


def _due_expiries(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    return expiry.accounts_due_for_expiry(session, org_id, now, after=after, limit=limit)


def _due_renewals(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    return tiers.accounts_due_for_renewal(session, org_id, now, after=after, limit=limit)


def run_releases(
    db: Database, now: dt.datetime, org_id: int | None = None
) -> tuple[expiry.Swept, int]:
    """Release every delayed lot due by ``now``; return what was released and the failures."""
    total = [expiry.Swept()]

    def work(session: Session, account_id: int) -> None:
        total[0] += expiry.release_account(session, account_id, now)

    failed = _each_due_account(db, org_id, now, _due_releases, work, "release")
    return total[0], failed


def run_expiries(
    db: Database, now: dt.datetime, org_id: int | None = None
) -> tuple[expiry.Swept, int]:
    """Expire every lot due by ``now``; return what expired and the failures."""
    total = [expiry.Swept()]

    def work(session: Session, account_id: int) -> None:
        total[0] += expiry.expire_account(session, account_id, now)

    failed = _each_due_account(db, org_id, now, _due_expiries, work, "expiry")
    return total[0], failed


def run_renewals(
    db: Database, now: dt.datetime, org_id: int | None = None
) -> tuple[tiers.Renewals, int]:
    """Renew or lower every tier whose validity ended by ``now``; return the changes and the
    failures."""
    total = [tiers.Renewals()]
    orgs: dict[int, OrgConfig | None] = {}

    def work(session: Session, account_id: int) -> None:
        total[0] += tiers.renew_account(session, account_id, now, orgs)

    failed = _each_due_account(db, org_id, now, _due_renewals, work, "renewal")
    return total[0], failed


def run_loyalty_sweep(db: Database, now: dt.datetime | None = None) -> dict[str, int]:
    """Release delayed points, expire due lots and renew tiers; return the counts.

    A failing step is logged and counted in ``failed``, never raised.
    """
    moment = now or clock.now()
    counts = {"released": 0, "expired": 0, "renewed": 0, "downgraded": 0, "failed": 0}
    try:
        released, failed = run_releases(db, moment)
        counts["released"], counts["failed"] = released.lots, counts["failed"] + failed
    except Exception:  # the database may be away; the next sweep retries
        counts["failed"] += 1
        log.exception("loyalty_release_sweep_failed")
    try:
        expired, failed = run_expiries(db, moment)
        counts["expired"], counts["failed"] = expired.lots, counts["failed"] + failed
    except Exception:
        counts["failed"] += 1
        log.exception("loyalty_expiry_sweep_failed")
    try:
        renewals, failed = run_renewals(db, moment)
        counts["renewed"], counts["downgraded"] = renewals.renewed, renewals.downgraded
        counts["failed"] += failed
    except Exception:
        counts["failed"] += 1
        log.exception("loyalty_renewal_sweep_failed")
    if any(counts.values()):
        log.info("loyalty_sweep_done", **counts)
    return counts


class LoyaltySweeper(Sweeper):
    """Run the loyalty sweep in a background thread: when woken, and every ``interval``.

    The periodic sweep (``interval`` > 0) expires lots and lowers tiers shortly after they
    fall due; ``wake`` runs one at once.
    """

    name = "loyalty-sweeper"

    def __init__(self, db: Database, interval: float) -> None:
        super().__init__(interval)
        self._db = db

    def sweep(self) -> None:
        """Release, expire and renew what is due now."""
        run_loyalty_sweep(self._db)
