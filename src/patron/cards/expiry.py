"""Card expiry: a linked card of a series with ``expiryDays`` expires that many days after its
issue (the moment it was linked, its ``issuedDate``), whatever status it took since, unless it
became EXPIRED or DELETED first or was unlinked. ``expiryDays`` 0 (or none) never expires.

The moment is fixed at issue: a series' ``expiryDays`` changed later applies to the cards
issued after the change. The sweep (``patron.cards.tasks``) moves due cards to EXPIRED with
the org's default EXPIRED label and a status log entry of reason ``expired``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.orm import Session

from patron.cards import repository
from patron.cards.labels import default_label, store_file_labels
from patron.cards.models import CardStatusChange
from patron.orgs.cards import CardSeriesDef, CardStatus
from patron.orgs.config import OrgConfig

REASON = "expired"


def expiry_moment(definition: CardSeriesDef, issued_at: dt.datetime) -> dt.datetime | None:
    """Return when a card of this series issued at ``issued_at`` expires (None: never)."""
    if definition.expiry_days <= 0:
        return None
    return issued_at + dt.timedelta(days=definition.expiry_days)


def expire_due_cards(
    session: Session, org: OrgConfig, card_ids: Sequence[int], now: dt.datetime
) -> int:
    """Move the cards of ``card_ids`` whose expiry has passed by ``now`` to EXPIRED, logging
    each; return how many moved (a card another sweep moved already is left alone)."""
    store_file_labels(session, org)
    label = default_label(session, org, CardStatus.EXPIRED)
    moved = repository.claim_expiries(session, org.id, card_ids, now, label.label)
    if not moved:
        return 0
    session.execute(
        insert(CardStatusChange),
        [
            {
                "org_id": org.id,
                "card_id": card_id,
                "status": CardStatus.EXPIRED.value,
                "label": label.label,
                "reason": REASON,
                "customer_id": customer_id,
                "created_by": None,
                "created_at": now,
            }
            for card_id, customer_id in moved
        ],
    )
    return len(moved)
