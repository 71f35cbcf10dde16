"""Claiming due deliveries under a lease, within each webhook's connection limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import orjson
from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from patron import __version__
from patron.events.models import Event
from patron.events.payloads import PayloadError, PayloadFormat, build_payload
from patron.kit import clock
from patron.orgs import repository as orgs_repository
from patron.webhooks import repository
from patron.webhooks.enrichment import stored_identifier_types
from patron.webhooks.fanout import lock_rows
from patron.webhooks.headers import request_headers
from patron.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Outcome,
    Webhook,
    WebhookType,
)
from patron.webhooks.senders.base import Job
from patron.webhooks.signing import signing_headers, signing_keys

USER_AGENT = f"patron-webhooks/{__version__}"
LOST = "the worker stopped before recording the outcome; it is unknown whether it arrived"


def _is_due(now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        Delivery.status == DeliveryStatus.PENDING,
        Delivery.next_attempt_at <= now,
        or_(Delivery.lease_until.is_(None), Delivery.lease_until <= now),
    )


def has_work(session: Session, now: dt.datetime) -> bool:
    """Tell cheaply, without locking, whether events await fan-out or deliveries are due."""
    waiting = select(Event.id).where(Event.fanned_out_at.is_(None)).limit(1)
    due = select(Delivery.id).where(_is_due(now)).limit(1)
    return session.scalar(waiting) is not None or session.scalar(due) is not None


def _in_flight(session: Session, webhook_ids: Sequence[int], now: dt.datetime) -> dict[int, int]:
    rows = session.execute(
        select(Delivery.webhook_id, func.count())
        .where(
            Delivery.webhook_id.in_(list(webhook_ids)),
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.lease_until > now,
        )
        .group_by(Delivery.webhook_id)
    ).all()
    return {int(webhook_id): int(count) for webhook_id, count in rows}


Claimed = tuple[Webhook, Delivery, Event]


def _claimable(session: Session, now: dt.datetime, limit: int) -> tuple[list[Claimed], bool]:
    due = _is_due(now)
    candidates = session.scalars(
        select(Delivery.webhook_id).where(due).order_by(Delivery.next_attempt_at).limit(limit)
    ).all()
    ids = sorted(set(candidates))
    if not ids:
        return [], False
    # Claims for one webhook are serialised by its row lock, so the connection cap holds
    # across workers; another worker claiming for the same webhook is skipped, not awaited.
    hooks = session.scalars(
        lock_rows(session, select(Webhook).where(Webhook.id.in_(ids)), key_share=True)
    ).all()
    in_flight = _in_flight(session, [h.id for h in hooks], now)
    claimed: list[Claimed] = []
    for hook in hooks:
        if not hook.is_active:
            repository.pause_pending(session, hook.id)
            continue
        room = min(hook.max_connections - in_flight.get(hook.id, 0), limit - len(claimed))
        if room <= 0:
            continue
        rows = session.execute(
            lock_rows(
                session,
                select(Delivery, Event)
                .join(Event, Event.id == Delivery.event_row_id)
                .where(Delivery.webhook_id == hook.id, due)
                .order_by(Delivery.next_attempt_at)
                .limit(room),
                of=Delivery,
            )
        ).all()
        claimed.extend((hook, delivery, event) for delivery, event in rows)
    return claimed, len(hooks) < len(ids)


def _settle_lost_attempts(
    session: Session, deliveries: Sequence[Delivery], now: dt.datetime
) -> None:
    """Mark the open attempts of deliveries whose lease lapsed as of unknown outcome."""
    lapsed = [d.id for d in deliveries if d.lease_owner is not None]
    if not lapsed:
        return
    session.execute(
        update(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(lapsed), DeliveryAttempt.outcome.is_(None))
        .values(outcome=Outcome.UNKNOWN, ended_at=now, error=LOST)
        .execution_options(synchronize_session=False)
    )


def claim_due(
    session: Session,
    owner: str,
    now: dt.datetime,
    lease: dt.timedelta,
    limit: int,
    *,
    allow_private: bool = False,
) -> tuple[list[Job], bool]:
    """Lease up to ``limit`` due deliveries to ``owner``, open an attempt for each, sign them.

    Also tell whether due work was skipped because another worker was claiming it.
    """
    claimed, contended = _claimable(session, now, limit)
    if not claimed:
        return [], contended
    deliveries = [d for _, d, _ in claimed]
    _settle_lost_attempts(session, deliveries, now)
    ids = [d.id for d in deliveries]
    session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids))
        .values(
            lease_owner=owner,
            lease_until=now + lease,
            attempt_count=Delivery.attempt_count + 1,
            started_at=func.coalesce(Delivery.started_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    attempt_ids = dict(
        session.execute(
            insert(DeliveryAttempt).returning(DeliveryAttempt.delivery_id, DeliveryAttempt.id),
            [{"delivery_id": i, "worker": owner, "started_at": now} for i in ids],
        ).all()
    )
    private = {
        org_id: allow_private or _org_allows_private(session, org_id)
        for org_id in {h.org_id for h, _, _ in claimed}
    }
    jobs = [
        _job(hook, delivery, event, attempt_ids[delivery.id], now, private)
        for hook, delivery, event in claimed
    ]
    return jobs, contended


def _org_allows_private(session: Session, org_id: int) -> bool:
    org = orgs_repository.get_org(session, org_id)
    return bool(org and org.allow_private_webhooks)


def render_body(event: Event, hook: Webhook, now: dt.datetime) -> bytes:
    """Render the payload the webhook receives for ``event``."""
    payload = build_payload(
        event,
        PayloadFormat(hook.payload_format),
        hook.consumer_group_id,
        sent_at_ms=clock.epoch_ms(now),
        identifier_types=stored_identifier_types(hook.identifiers_to_enrich),
    )
    return orjson.dumps(payload)


def _job(
    hook: Webhook,
    delivery: Delivery,
    event: Event,
    attempt_id: int,
    now: dt.datetime,
    private: dict[int, bool],
) -> Job:
    error = None
    try:
        body = render_body(event, hook, now)
    except PayloadError as exc:
        # Nothing is sent; the delivery fails and stays replayable once a builder can render it.
        body, error = b"", str(exc)
    timestamp = int(now.timestamp())
    keys = signing_keys(hook.secret, hook.previous_secret, hook.previous_secret_until, now)
    headers = request_headers(
        {"content-type": "application/json", "user-agent": USER_AGENT},
        hook.headers,
        signing_headers(keys, event.event_id, timestamp, body),
    )
    return Job(
        delivery_id=delivery.id,
        attempt_id=attempt_id,
        webhook_id=hook.id,
        org_id=hook.org_id,
        event_id=event.event_id,
        kind=WebhookType(hook.kind),
        url=hook.url,
        method=hook.method,
        headers=headers,
        body=body,
        allow_private=private[hook.org_id],
        endpoint_failing=hook.consecutive_failures > 0,
        error=error,
    )
