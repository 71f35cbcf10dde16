"""Fan-out: every committed event becomes one delivery per matching webhook of its org."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import Any, TypeVarTuple, cast

from sqlalchemy import Select, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from patron.events.models import Event
from patron.webhooks.models import DELIVERIES, WEBHOOKS, DeliveryStatus, Webhook

Ts = TypeVarTuple("Ts")
EVENTS = cast(Table, Event.__table__)


def locking(
    query: Select[*Ts],
    *,
    postgres: bool,
    skip_locked: bool = True,
    key_share: bool = False,
    of: Any = None,
) -> Select[*Ts]:
    """Lock the selected rows for this transaction: the one place with dialect-specific SQL.

    On PostgreSQL workers cooperate through ``FOR UPDATE SKIP LOCKED`` (``FOR NO KEY UPDATE``
    with ``key_share``, which still lets deliveries referencing the row be inserted). On SQLite
    the transaction began with ``BEGIN IMMEDIATE``, which already serialises writers. ``of``
    limits the lock to one table of a join.
    """
    if postgres:
        return query.with_for_update(skip_locked=skip_locked, key_share=key_share, of=of)
    return query


def lock_rows(
    session: Session,
    query: Select[*Ts],
    *,
    skip_locked: bool = True,
    key_share: bool = False,
    of: Any = None,
) -> Select[*Ts]:
    """Lock the selected rows as ``locking`` does, for the dialect of ``session``."""
    postgres = session.get_bind().dialect.name == "postgresql"
    return locking(query, postgres=postgres, skip_locked=skip_locked, key_share=key_share, of=of)


def delivery_row(
    org_id: int, webhook_id: int, is_active: bool, event_row_id: int, now: dt.datetime
) -> dict[str, Any]:
    """Return the row of a new delivery (pending, or paused while the webhook is inactive)."""
    return {
        "org_id": org_id,
        "webhook_id": webhook_id,
        "event_row_id": event_row_id,
        "status": DeliveryStatus.PENDING if is_active else DeliveryStatus.PAUSED,
        "attempt_count": 0,
        "next_attempt_at": now,
        "created_at": now,
        "replay_count": 0,
    }


def new_delivery(webhook: Webhook, event_row_id: int, now: dt.datetime) -> dict[str, Any]:
    """Return the row of a new delivery of ``webhook``."""
    return delivery_row(webhook.org_id, webhook.id, webhook.is_active, event_row_id, now)


@functools.cache
def _fan_out_statements(dialect: str) -> tuple[ReturningUpdate[int, int, str], Select[Any]]:
    waiting = locking(
        select(EVENTS.c.id)
        .where(EVENTS.c.fanned_out_at.is_(None))
        .order_by(EVENTS.c.id)
        .limit(bindparam("limit")),
        postgres=dialect == "postgresql",
    )
    take = (
        update(EVENTS)
        .where(EVENTS.c.id.in_(waiting.scalar_subquery()))
        .values(fanned_out_at=bindparam("now"))
        .returning(EVENTS.c.id, EVENTS.c.org_id, EVENTS.c.event_name)
    )
    subscribed = select(
        WEBHOOKS.c.id, WEBHOOKS.c.org_id, WEBHOOKS.c.is_active, WEBHOOKS.c.event_names
    ).where(WEBHOOKS.c.org_id.in_(bindparam("org_ids", expanding=True)))
    return take, subscribed


def fan_out(session: Session, now: dt.datetime, limit: int) -> int:
    """Create the deliveries of up to ``limit`` events not yet fanned out; return the count.

    Three statements whatever the count: mark the events fanned out (returning them), read
    their orgs' webhooks, insert every delivery in one multi-row INSERT.
    """
    take, subscribed = _fan_out_statements(session.get_bind().dialect.name)
    connection = session.connection()
    events = connection.execute(take, {"now": now, "limit": limit}).all()
    if not events:
        return 0
    hooks: dict[int, list[Any]] = defaultdict(list)
    for hook in connection.execute(subscribed, {"org_ids": sorted({e.org_id for e in events})}):
        hooks[hook.org_id].append(hook)
    rows = [
        delivery_row(hook.org_id, hook.id, hook.is_active, event.id, now)
        for event in sorted(events, key=lambda e: e.id)
        for hook in hooks.get(event.org_id, ())
        if event.event_name in hook.event_names
    ]
    if rows:
        connection.execute(insert(DELIVERIES), rows)
    return len(events)
