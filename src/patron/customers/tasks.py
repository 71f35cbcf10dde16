"""Background work of the customers domain, each item in a unit of work of its own."""

from __future__ import annotations

import structlog

from patron.customers.deletion import pending_deletions, scrub_customer
from patron.db import Database, unit_of_work
from patron.kit.blobs import BlobStore
from patron.kit.sweeper import Sweeper

log = structlog.get_logger("patron.customers.tasks")


def run_pii_deletions(db: Database, blobs: BlobStore, limit: int = 100) -> int:
    """Scrub every customer whose deletion is pending; return how many were scrubbed."""
    with unit_of_work(db.read_session) as session:
        due = pending_deletions(session, limit)
    done = 0
    for customer_id in due:
        try:
            with unit_of_work(db.write_session) as session:
                done += scrub_customer(session, customer_id, blobs)
        except Exception:  # one customer's failure must not stop the others; it stays pending
            log.exception("pii_deletion_failed", customer_id=customer_id)
    if done:
        log.info("pii_deletions_done", count=done)
    return done


class PiiSweeper(Sweeper):
    """Run pending PII deletions in a background thread: when woken, and every ``interval``.

    A status change to Pending deletion wakes the sweeper once it has committed, so the
    deletion follows the request at once; the periodic sweep (``interval`` > 0) catches what
    a crash or an outage left pending.
    """

    name = "pii-sweeper"

    def __init__(self, db: Database, blobs: BlobStore, interval: float) -> None:
        super().__init__(interval)
        self._db = db
        self._blobs = blobs

    def sweep(self) -> None:
        """Scrub every customer whose deletion is pending."""
        run_pii_deletions(self._db, self._blobs)
