"""Background work of the customers domain, each item in a unit of work of its own."""

from __future__ import annotations

import structlog

from patron.customers.deletion import pending_deletions, scrub_customer
from patron.db import Database, unit_of_work

log = structlog.get_logger("patron.customers.tasks")


def run_pii_deletions(db: Database, limit: int = 100) -> int:
    """Scrub every customer whose deletion is pending; return how many were scrubbed."""
    with unit_of_work(db.read_session) as session:
        due = pending_deletions(session, limit)
    done = 0
    for customer_id in due:
        try:
            with unit_of_work(db.write_session) as session:
                done += scrub_customer(session, customer_id)
        except Exception:  # one customer's failure must not stop the others; it stays pending
            log.exception("pii_deletion_failed", customer_id=customer_id)
    if done:
        log.info("pii_deletions_done", count=done)
    return done
