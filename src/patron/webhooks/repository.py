"""Queries of the webhooks domain: endpoints, deliveries, attempts and the events they carry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from patron.events.models import Event
from patron.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Webhook


def get_webhook(session: Session, org_id: int, webhook_id: int) -> Webhook | None:
    """Return the org's webhook ``webhook_id``, or None."""
    return session.scalar(select(Webhook).where(Webhook.org_id == org_id, Webhook.id == webhook_id))


def list_webhooks(session: Session, org_id: int) -> list[Webhook]:
    """Return the org's webhooks, oldest first."""
    return list(
        session.scalars(select(Webhook).where(Webhook.org_id == org_id).order_by(Webhook.id))
    )


def pause_pending(session: Session, webhook_id: int) -> int:
    """Pause the webhook's pending deliveries (they stay replayable); return how many."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.webhook_id == webhook_id, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.PAUSED, lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def find_event(session: Session, org_id: int, event_id: str) -> Event | None:
    """Return the org's event with ``eventId`` ``event_id``, or None."""
    return session.scalar(select(Event).where(Event.org_id == org_id, Event.event_id == event_id))


def find_events(
    session: Session,
    org_id: int,
    *,
    request_id: str | None = None,
    ref_id: str | None = None,
    limit: int = 50,
) -> list[Event]:
    """Return the org's newest events written by one API request or about one ``refId``."""
    query = select(Event).where(Event.org_id == org_id)
    if request_id is not None:
        query = query.where(Event.api_request_id == request_id)
    if ref_id is not None:
        query = query.where(Event.ref_id == ref_id)
    return list(session.scalars(query.order_by(Event.id.desc()).limit(limit)))


def events_in_window(
    session: Session,
    org_id: int,
    names: Sequence[str],
    start: dt.datetime,
    end: dt.datetime,
    limit: int,
) -> list[Event]:
    """Return up to ``limit`` of the org's events named ``names`` created in ``[start, end)``."""
    return list(
        session.scalars(
            select(Event)
            .where(
                Event.org_id == org_id,
                Event.event_name.in_(list(names)),
                Event.created_at >= start,
                Event.created_at < end,
            )
            .order_by(Event.id)
            .limit(limit)
        )
    )


def deliveries_of_events(session: Session, event_row_ids: Sequence[int]) -> list[Delivery]:
    """Return the deliveries of the given events."""
    if not event_row_ids:
        return []
    return list(
        session.scalars(
            select(Delivery)
            .where(Delivery.event_row_id.in_(list(event_row_ids)))
            .order_by(Delivery.id)
        )
    )


def deliveries_for(
    session: Session, webhook_id: int, event_row_ids: Sequence[int]
) -> list[Delivery]:
    """Return the webhook's deliveries of the given events."""
    if not event_row_ids:
        return []
    return list(
        session.scalars(
            select(Delivery).where(
                Delivery.webhook_id == webhook_id, Delivery.event_row_id.in_(list(event_row_ids))
            )
        )
    )


def paused_deliveries(session: Session, webhook_id: int) -> list[Delivery]:
    """Return the webhook's paused deliveries."""
    return list(
        session.scalars(
            select(Delivery).where(
                Delivery.webhook_id == webhook_id, Delivery.status == DeliveryStatus.PAUSED
            )
        )
    )


def attempts_of(session: Session, delivery_ids: Sequence[int]) -> list[DeliveryAttempt]:
    """Return the attempts of the given deliveries in the order they were made."""
    if not delivery_ids:
        return []
    return list(
        session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id.in_(list(delivery_ids)))
            .order_by(DeliveryAttempt.id)
        )
    )


def webhooks_by_id(session: Session, webhook_ids: Iterable[int]) -> dict[int, Webhook]:
    """Return the given webhooks by id."""
    ids = sorted(set(webhook_ids))
    if not ids:
        return {}
    return {w.id: w for w in session.scalars(select(Webhook).where(Webhook.id.in_(ids)))}
