"""The delivery log of events, and replays (one event, a time window, what a webhook missed)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.config import Settings
from patron.errors import Invalid, NotFound
from patron.events.models import Event
from patron.kit import clock
from patron.webhooks import codes, repository
from patron.webhooks.fanout import new_delivery
from patron.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Webhook
from patron.webhooks.service import get_webhook
from patron.webhooks.views import render_event_log

MAX_LOG_EVENTS = 200
MAX_EPOCH_MS = 253402300799999  # 9999-12-31T23:59:59.999Z, the last moment a date holds


def _render(session: Session, events: Sequence[Event]) -> list[dict[str, Any]]:
    deliveries = repository.deliveries_of_events(session, [e.id for e in events])
    hooks = repository.webhooks_by_id(session, {d.webhook_id for d in deliveries})
    attempts: dict[int, list[DeliveryAttempt]] = defaultdict(list)
    for attempt in repository.attempts_of(session, [d.id for d in deliveries]):
        attempts[attempt.delivery_id].append(attempt)
    by_event: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        by_event[delivery.event_row_id].append(delivery)
    return [render_event_log(e, by_event[e.id], hooks, attempts) for e in events]


def event_log(session: Session, principal: Principal, event_id: str) -> dict[str, Any]:
    """Return one event with every delivery and attempt."""
    event = repository.find_event(session, principal.org_id, event_id)
    if event is None:
        raise NotFound(codes.EVENT_NOT_FOUND, f"Event {event_id} not found")
    return _render(session, [event])[0]


def search_event_log(
    session: Session,
    principal: Principal,
    *,
    request_id: str | None,
    ref_id: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Return the newest events of one API request or one ``refId``, with their deliveries."""
    if (request_id is None) == (ref_id is None):
        raise Invalid(codes.EVENT_LOG_QUERY_INVALID, "Give exactly one of requestId and refId")
    events = repository.find_events(
        session,
        principal.org_id,
        request_id=request_id,
        ref_id=ref_id,
        limit=max(1, min(limit, MAX_LOG_EVENTS)),
    )
    return _render(session, events)


def _rearm(delivery: Delivery, webhook: Webhook, now: dt.datetime) -> None:
    """Make a delivery due again (or paused if its webhook is inactive); history stays."""
    delivery.status = DeliveryStatus.PENDING if webhook.is_active else DeliveryStatus.PAUSED
    delivery.next_attempt_at = now
    delivery.started_at = None
    delivery.ended_at = None
    delivery.lease_owner = None
    delivery.lease_until = None
    delivery.replay_count += 1


def _is_in_flight(delivery: Delivery, now: dt.datetime) -> bool:
    return (
        delivery.status == DeliveryStatus.PENDING
        and delivery.lease_until is not None
        and delivery.lease_until > now
    )


def _replay(session: Session, webhook: Webhook, events: Sequence[Event], now: dt.datetime) -> int:
    """Re-arm the webhook's deliveries of ``events``, creating the missing ones."""
    existing = {
        d.event_row_id: d
        for d in repository.deliveries_for(session, webhook.id, [e.id for e in events])
    }
    rows = [new_delivery(webhook, e.id, now) for e in events if e.id not in existing]
    if rows:
        session.execute(insert(Delivery), rows)
    count = len(rows)
    for delivery in existing.values():
        if not _is_in_flight(delivery, now):
            _rearm(delivery, webhook, now)
            count += 1
    session.flush()
    return count


def replay_event(
    session: Session, principal: Principal, event_id: str, webhook_id: int | None
) -> int:
    """Send an event again, keeping its ``eventId``: to one webhook, or to all that had it."""
    event = repository.find_event(session, principal.org_id, event_id)
    if event is None:
        raise NotFound(codes.EVENT_NOT_FOUND, f"Event {event_id} not found")
    now = clock.now()
    if webhook_id is not None:
        webhook = get_webhook(session, principal, webhook_id)
        if not webhook.is_active:
            raise codes.webhook_inactive(webhook.id)
        if event.event_name not in webhook.event_names:
            raise Invalid(
                codes.EVENT_NAMES_INVALID,
                f"Webhook {webhook.id} does not subscribe to {event.event_name}",
            )
        return _replay(session, webhook, [event], now)
    deliveries = repository.deliveries_of_events(session, [event.id])
    hooks = repository.webhooks_by_id(session, {d.webhook_id for d in deliveries})
    count = 0
    for delivery in deliveries:
        if not _is_in_flight(delivery, now):
            _rearm(delivery, hooks[delivery.webhook_id], now)
            count += 1
    session.flush()
    return count


def _moment(value: int | str, what: str) -> dt.datetime:
    invalid = Invalid(
        codes.REPLAY_WINDOW_INVALID,
        f"{what} must be epoch milliseconds from 0 to {MAX_EPOCH_MS}, or ISO 8601",
    )
    if isinstance(value, int):
        if not 0 <= value <= MAX_EPOCH_MS:
            raise invalid
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC)
    try:
        # In UTC here: a moment that has none (year 1 east of UTC) is refused, not a 500 later.
        return clock.parse_datetime(value).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise invalid from None


def replay_window(
    session: Session,
    principal: Principal,
    webhook_id: int,
    start: int | str,
    end: int | str | None,
    settings: Settings,
) -> int:
    """Send again every event of the webhook's subscriptions created in ``[start, end)``."""
    webhook = get_webhook(session, principal, webhook_id)
    if not webhook.is_active:
        raise codes.webhook_inactive(webhook.id)
    now = clock.now()
    since = _moment(start, "from")
    until = _moment(end, "to") if end is not None else now
    if until <= since:
        raise Invalid(codes.REPLAY_WINDOW_INVALID, "to must be later than from")
    cap = settings.webhook_replay_max_events
    events = repository.events_in_window(
        session, principal.org_id, webhook.event_names, since, until, cap + 1
    )
    if len(events) > cap:
        raise Invalid(
            codes.REPLAY_WINDOW_INVALID,
            f"The window holds more than {cap} events: replay it in smaller windows",
        )
    # Events not fanned out yet reach the webhook through the normal path.
    return _replay(session, webhook, [e for e in events if e.fanned_out_at is not None], now)


def replay_missed(session: Session, principal: Principal, webhook_id: int) -> int:
    """Send everything the webhook missed while it was inactive or disabled."""
    webhook = get_webhook(session, principal, webhook_id)
    if not webhook.is_active:
        raise codes.webhook_inactive(webhook.id)
    now = clock.now()
    paused = repository.paused_deliveries(session, webhook.id)
    for delivery in paused:
        _rearm(delivery, webhook, now)
    session.flush()
    return len(paused)
