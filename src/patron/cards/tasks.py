"""Background work of the cards domain: expiring linked cards whose series' ``expiryDays``
have run out since their issue.

Due cards are expired a batch of one org at a time, each batch in a unit of work of its own,
by a conditional update (still linked, still due), so two sweepers, or one restarted, never
expire a card twice nor log its expiry twice: the second finds nothing left to move.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import structlog

from patron.cards.expiry import expire_due_cards
from patron.cards.repository import due_expiries
from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.kit.sweeper import Sweeper
from patron.orgs.service import load_org_config

log = structlog.get_logger("patron.cards.tasks")

BATCH = 500


def _expire_batch(db: Database, org_id: int, card_ids: list[int], now: dt.datetime) -> int:
    with unit_of_work(db.write_session) as session:
        org = load_org_config(session, org_id)
        if org is None:
            return 0
        return expire_due_cards(session, org, card_ids, now)


def run_card_sweep(
    db: Database, now: dt.datetime | None = None, org_id: int | None = None
) -> dict[str, int]:
    """Expire the linked cards whose expiry has passed by ``now``; return the counts.

    A failing batch is logged and its cards counted in ``failed``, never raised; they stay due
    for the next sweep.
    """
    moment = now or clock.now()
    counts = {"expired": 0, "failed": 0}
    after = 0
    try:
        while True:
            with unit_of_work(db.read_session) as session:
                due = due_expiries(session, org_id, moment, after, BATCH)
            if not due:
                break
            by_org: dict[int, list[int]] = defaultdict(list)
            for card_id, card_org in due:
                by_org[card_org].append(card_id)
            for card_org, card_ids in by_org.items():
                try:
                    counts["expired"] += _expire_batch(db, card_org, card_ids, moment)
                except Exception:  # one org's failure must not stop the others; they stay due
                    counts["failed"] += len(card_ids)
                    log.exception("card_sweep_failed", org_id=card_org, cards=len(card_ids))
            after = due[-1][0]
    except Exception:  # the database may be away; the next sweep retries
        counts["failed"] += 1
        log.exception("card_sweep_step_failed")
    if any(counts.values()):
        log.info("card_sweep_done", **counts)
    return counts


class CardSweeper(Sweeper):
    """Run the card sweep in a background thread: when woken, and every ``interval``."""

    name = "card-sweeper"

    def __init__(self, db: Database, interval: float) -> None:
        super().__init__(interval)
        self._db = db

    def sweep(self) -> None:
        """Expire the cards due now."""
        run_card_sweep(self._db)
