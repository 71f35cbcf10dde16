"""Fan-out: every committed event becomes one delivery per matching webhook of its org."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, TypeVarTuple

from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import Session

from patron.events.models import Event
from patron.webhooks import repository
from patron.webhooks.models import Delivery, DeliveryStatus, Webhook

Ts = TypeVarTuple("Ts")


def lock_rows(
    session: Session,
    query: Select[*Ts],
    *,
    skip_locked: bool = True,
    key_share: bool = False,
    of: Any = None,
) -> Select[*Ts]:
    """Lock the selected rows for this transaction: the one place with dialect-specific SQL.

    On PostgreSQL workers cooperate through ``FOR UPDATE SKIP LOCKED`` (``FOR NO KEY UPDATE``
    with ``key_share``, which still lets deliveries referencing the row be inserted). On SQLite
    the transaction began with ``BEGIN IMMEDIATE``, which already serialises writers. ``of``
    limits the lock to one entity of a join.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return query.with_for_update(skip_locked=skip_locked, key_share=key_share, of=of)
    return query


def new_delivery(webhook: Webhook, event_row_id: int, now: dt.datetime) -> dict[str, Any]:
    """Return the row of a new delivery (pending, or paused while the webhook is inactive)."""
    return {
        "org_id": webhook.org_id,
        "webhook_id": webhook.id,
        "event_row_id": event_row_id,
        "status": DeliveryStatus.PENDING if webhook.is_active else DeliveryStatus.PAUSED,
        "attempt_count": 0,
        "next_attempt_at": now,
        "created_at": now,
        "replay_count": 0,
    }


def fan_out(session: Session, now: dt.datetime, limit: int) -> int:
    """Create the deliveries of up to ``limit`` events not yet fanned out; return the count."""
    query = (
        select(Event.id, Event.org_id, Event.event_name)
        .where(Event.fanned_out_at.is_(None))
        .order_by(Event.id)
        .limit(limit)
    )
    events = session.execute(lock_rows(session, query)).all()
    if not events:
        return 0
    hooks: dict[int, list[Webhook]] = defaultdict(list)
    for webhook in repository.webhooks_of_orgs(session, {e.org_id for e in events}):
        hooks[webhook.org_id].append(webhook)
    rows = [
        new_delivery(webhook, event.id, now)
        for event in events
        for webhook in hooks.get(event.org_id, ())
        if event.event_name in webhook.event_names
    ]
    if rows:
        session.execute(insert(Delivery), rows)
    session.execute(
        update(Event)
        .where(Event.id.in_([e.id for e in events]))
        .values(fanned_out_at=now)
        .execution_options(synchronize_session=False)
    )
    return len(events)
