"""Background work of the partners domain: applying queued relinks whose start has come,
delinking supplementary memberships whose expiry has passed and sending each membership's
expiry reminder once.

Each membership is changed in a unit of work of its own, by a conditional statement (delete
the relink still queued; delete the row still expired; clear the reminder still due), so two
sweepers, or one restarted, never relink, delink or remind a membership twice: the second finds
nothing left to change and writes no event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import structlog
from sqlalchemy.orm import Session

from patron.customers import repository as customers
from patron.db import Database, unit_of_work
from patron.errors import PatronError
from patron.kit import clock
from patron.kit.sweeper import Sweeper
from patron.orgs.config import OrgConfig
from patron.orgs.partners import PartnerProgramType
from patron.orgs.service import load_org_config
from patron.partners import repository
from patron.partners.events import record_partner_event, record_reminder
from patron.partners.relinks import apply_relink
from patron.partners.views import partner_program

log = structlog.get_logger("patron.partners.tasks")

BATCH = 500

Due = Callable[[Session, int | None, dt.datetime, int, int], list[int]]
# (session, membership id, now, org cache, request id): True when the membership was changed.
Work = Callable[[Session, int, dt.datetime, dict[int, OrgConfig | None], str], bool]


def _org(session: Session, org_id: int, orgs: dict[int, OrgConfig | None]) -> OrgConfig | None:
    if org_id not in orgs:
        orgs[org_id] = load_org_config(session, org_id)
    return orgs[org_id]


def relink_membership(
    session: Session,
    relink_id: int,
    now: dt.datetime,
    orgs: dict[int, OrgConfig | None],
    request_id: str,
) -> bool:
    """Renew a membership as the new period its queued relink starts, with
    partnerProgramLinked, once; a relink whose program is gone or no longer supplementary is
    dropped (logged)."""
    relink = repository.get_relink(session, relink_id)
    membership = repository.get_membership(session, relink.membership_id) if relink else None
    if relink is None or membership is None:
        return False
    # The customer's lock orders this with the calls about it (a cancellation, a delink).
    customer = customers.lock_customer(session, membership.org_id, membership.customer_id)
    if not repository.claim_relink(session, relink_id, now):
        return False
    session.refresh(membership)
    org = _org(session, membership.org_id, orgs)
    program = partner_program(org, membership.partner_program_id) if org is not None else None
    if (
        org is None
        or customer is None
        or program is None
        or program.type is not PartnerProgramType.SUPPLEMENTARY
    ):
        log.warning("partner_relink_dropped", relink_id=relink_id, membership_id=membership.id)
        return False
    try:
        with session.begin_nested():
            apply_relink(session, org, customer, program, membership, relink, request_id)
    except PatronError as error:  # the program's period no longer fits the calendar
        log.warning("partner_relink_dropped", relink_id=relink_id, reason=error.message)
        return False
    return True


def expire_membership(
    session: Session,
    membership_id: int,
    now: dt.datetime,
    orgs: dict[int, OrgConfig | None],
    request_id: str,
) -> bool:
    """Delink a membership whose expiry has passed, with partnerProgramDelinked."""
    membership = repository.get_membership(session, membership_id)
    if membership is None:
        return False
    org = _org(session, membership.org_id, orgs)
    customer_id, program_id = membership.customer_id, membership.partner_program_id
    if not repository.claim_expiry(session, membership_id, now):
        return False
    customer = customers.get_customer(session, membership.org_id, customer_id)
    program = partner_program(org, program_id) if org is not None else None
    if org is not None and customer is not None and program is not None:
        record_partner_event(session, org, customer, program, "delinked", request_id)
    return True


def remind_membership(
    session: Session,
    membership_id: int,
    now: dt.datetime,
    orgs: dict[int, OrgConfig | None],
    request_id: str,
) -> bool:
    """Write a membership's due supplementaryMembershipExpiryReminder, once."""
    membership = repository.get_membership(session, membership_id)
    if membership is None:
        return False
    org = _org(session, membership.org_id, orgs)
    if not repository.claim_reminder(session, membership_id, now):
        return False
    customer = customers.get_customer(session, membership.org_id, membership.customer_id)
    program = partner_program(org, membership.partner_program_id) if org is not None else None
    if org is not None and customer is not None and program is not None:
        record_reminder(session, org, customer, program, membership, request_id)
    return True


def _each_due(
    db: Database, org_id: int | None, now: dt.datetime, due: Due, work: Work, step: str
) -> tuple[int, int]:
    """Run ``work`` for every due membership, each in its own unit of work; return the
    changes and the failures."""
    changed = failed = after = 0
    orgs: dict[int, OrgConfig | None] = {}
    request_id = str(uuid.uuid4())
    while True:
        with unit_of_work(db.read_session) as session:
            ids = due(session, org_id, now, after, BATCH)
        if not ids:
            return changed, failed
        for membership_id in ids:
            try:
                with unit_of_work(db.write_session) as session:
                    changed += work(session, membership_id, now, orgs, request_id)
            except Exception:  # one membership's failure must not stop the others; it stays due
                failed += 1
                log.exception("partner_sweep_failed", step=step, membership_id=membership_id)
        after = ids[-1]


def run_partner_sweep(
    db: Database, now: dt.datetime | None = None, org_id: int | None = None
) -> dict[str, int]:
    """Apply due relinks, delink expired supplementary memberships, then send due reminders;
    return the counts.

    A failing step is logged and counted in ``failed``, never raised.
    """
    moment = now or clock.now()
    counts = {"relinked": 0, "delinked": 0, "reminded": 0, "failed": 0}
    steps = (
        ("relinked", repository.due_relinks, relink_membership),
        ("delinked", repository.due_expiries, expire_membership),
        ("reminded", repository.due_reminders, remind_membership),
    )
    for key, due, work in steps:
        try:
            changed, failed = _each_due(db, org_id, moment, due, work, key)
            counts[key], counts["failed"] = changed, counts["failed"] + failed
        except Exception:  # the database may be away; the next sweep retries
            counts["failed"] += 1
            log.exception("partner_sweep_step_failed", step=key)
    if any(counts.values()):
        log.info("partner_sweep_done", **counts)
    return counts


class PartnerSweeper(Sweeper):
    """Run the partner sweep in a background thread: when woken, and every ``interval``."""

    name = "partner-sweeper"

    def __init__(self, db: Database, interval: float) -> None:
        super().__init__(interval)
        self._db = db

    def sweep(self) -> None:
        """Relink, delink what expired and remind what is due now."""
        run_partner_sweep(self._db)
