"""Claiming due deliveries under a lease, within each webhook's connection limit.

A claim is a handful of Core statements whatever the batch size: lock the webhooks with due
work, lock each one's due deliveries (as many as it has free connections) with their events,
lease them and open their attempts in two batched statements. Payloads are rendered and signed
after the claim commits (``prepare_jobs``), so the webhook locks are held only for the SQL.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    Update,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from patron import __version__
from patron.events.models import Event
from patron.events.payloads import PayloadError, PayloadFormat, build_payload
from patron.kit import clock
from patron.orgs import repository as orgs_repository
from patron.webhooks import repository
from patron.webhooks.enrichment import stored_identifier_types
from patron.webhooks.fanout import EVENTS, locking
from patron.webhooks.headers import request_headers
from patron.webhooks.models import (
    ATTEMPTS,
    DELIVERIES,
    WEBHOOKS,
    DeliveryStatus,
    Outcome,
    WebhookType,
)
from patron.webhooks.senders.base import Job
from patron.webhooks.signing import signing_headers, signing_keys

USER_AGENT = f"patron-webhooks/{__version__}"
LOST = "the worker stopped before recording the outcome; it is unknown whether it arrived"
D, W = DELIVERIES.c, WEBHOOKS.c
EVENT_COLUMNS = tuple(EVENTS.c[name] for name in ("id", "event_id", "org_id", "event_name",
    "ref_id", "api_request_id", "entity_id", "created_at", "data"))  # fmt: skip


@dataclass(frozen=True)
class Endpoint:
    """What a delivery needs of its webhook, read when it is claimed."""

    id: int
    org_id: int
    kind: str
    url: str
    method: str
    headers: dict[str, str]
    payload_format: str
    consumer_group_id: str
    identifiers_to_enrich: list[str]
    secret: str
    previous_secret: str | None
    previous_secret_until: dt.datetime | None
    consecutive_failures: int


ENDPOINT_COLUMNS = tuple(WEBHOOKS.c[name] for name in Endpoint.__dataclass_fields__)


@dataclass(frozen=True)
class Claim:
    """A delivery leased to this worker, with its open attempt, not yet rendered."""

    endpoint: Endpoint
    delivery_id: int
    attempt_id: int
    event: Event
    allow_private: bool


def _is_due() -> ColumnElement[bool]:
    return and_(
        D.status == DeliveryStatus.PENDING,
        D.next_attempt_at <= bindparam("now"),
        or_(D.lease_until.is_(None), D.lease_until <= bindparam("now")),
    )


@dataclass(frozen=True)
class _Statements:
    """The claim's statements, built once per dialect (their parameters are bound names)."""

    waiting_event: Select[int]
    due_delivery: Select[int]
    lock_webhooks: Select[Any]
    lock_deliveries: Select[Any]
    settle_lost: Update
    lease: Update
    open_attempts: ReturningInsert[int, int]

    @classmethod
    @functools.cache
    def of(cls, dialect: str) -> _Statements:
        """Return the statements of ``dialect``."""
        postgres = dialect == "postgresql"
        due_webhooks = (
            select(D.webhook_id)
            .where(_is_due())
            .order_by(D.next_attempt_at)
            .limit(bindparam("limit"))
        )
        # Claims for one webhook are serialised by its row lock, so the connection cap holds
        # across workers; another worker claiming for the same webhook is skipped, not awaited.
        lock_webhooks = locking(
            select(W.is_active, W.max_connections, *ENDPOINT_COLUMNS)
            .where(W.id.in_(due_webhooks.scalar_subquery()))
            .order_by(W.id),
            postgres=postgres,
            key_share=True,
        )
        # The webhook's free connections (its cap less its live leases, counted under its lock),
        # at most the worker's room: the LIMIT of the claim, evaluated once, in the same trip.
        free = (
            select((bindparam("max_connections", type_=Integer) - func.count()).label("free"))
            .where(
                D.webhook_id == bindparam("webhook_id"),
                D.status == DeliveryStatus.PENDING,
                D.lease_until > bindparam("now"),
            )
            .subquery()
        )
        room = bindparam("room", type_=Integer)
        limit = select(
            case((free.c.free >= room, room), (free.c.free > 0, free.c.free), else_=0)
        ).scalar_subquery()
        # Lock the first due deliveries, then join their events: the limit applies before the
        # join, however long the webhook's queue.
        leased = locking(
            select(D.id, D.lease_owner, D.event_row_id)
            .where(D.webhook_id == bindparam("webhook_id"), _is_due())
            .order_by(D.next_attempt_at)
            .limit(limit),
            postgres=postgres,
        ).subquery()
        return cls(
            waiting_event=select(EVENTS.c.id).where(EVENTS.c.fanned_out_at.is_(None)).limit(1),
            due_delivery=select(D.id).where(_is_due()).limit(1),
            lock_webhooks=lock_webhooks,
            lock_deliveries=select(
                leased.c.id.label("delivery_id"),
                leased.c.lease_owner,
                *EVENT_COLUMNS,
            ).select_from(leased.join(EVENTS, EVENTS.c.id == leased.c.event_row_id)),
            settle_lost=update(ATTEMPTS)
            .where(
                ATTEMPTS.c.delivery_id.in_(bindparam("ids", expanding=True)),
                ATTEMPTS.c.outcome.is_(None),
            )
            .values(outcome=Outcome.UNKNOWN, ended_at=bindparam("now"), error=LOST),
            lease=update(DELIVERIES)
            .where(D.id.in_(bindparam("ids", expanding=True)))
            .values(
                lease_owner=bindparam("owner"),
                lease_until=bindparam("lease_until"),
                attempt_count=D.attempt_count + 1,
                started_at=func.coalesce(D.started_at, bindparam("now")),
            ),
            open_attempts=insert(ATTEMPTS).returning(ATTEMPTS.c.delivery_id, ATTEMPTS.c.id),
        )


def _statements(session: Session) -> _Statements:
    return _Statements.of(session.get_bind().dialect.name)


def has_work(session: Session, now: dt.datetime) -> bool:
    """Tell cheaply, without locking, whether events await fan-out or deliveries are due."""
    sql, connection = _statements(session), session.connection()
    return (
        connection.execute(sql.waiting_event).first() is not None
        or connection.execute(sql.due_delivery, {"now": now}).first() is not None
    )


Due = tuple[Endpoint, Row[Any]]


def _claimable(session: Session, now: dt.datetime, limit: int) -> tuple[list[Due], bool]:
    sql, connection = _statements(session), session.connection()
    locked = connection.execute(sql.lock_webhooks, {"now": now, "limit": limit}).all()
    if not locked:
        # Nothing due, or another worker holds every webhook with due work: tell which.
        return [], connection.execute(sql.due_delivery, {"now": now}).first() is not None
    claimable: list[Due] = []
    for hook in locked:
        if not hook.is_active:
            repository.pause_pending(session, hook.id)
            continue
        room = limit - len(claimable)
        if room <= 0:
            break
        endpoint = Endpoint(*hook[2:])
        parameters = {"webhook_id": hook.id, "now": now, "room": room,
                      "max_connections": hook.max_connections}  # fmt: skip
        rows = connection.execute(sql.lock_deliveries, parameters).all()
        claimable.extend((endpoint, row) for row in rows)
    return claimable, False


def claim_due(
    session: Session,
    owner: str,
    now: dt.datetime,
    lease: dt.timedelta,
    limit: int,
    *,
    allow_private: bool = False,
) -> tuple[list[Claim], bool]:
    """Lease up to ``limit`` due deliveries to ``owner`` and open an attempt for each.

    Also tell whether due work was skipped because another worker was claiming it.
    """
    claimable, contended = _claimable(session, now, limit)
    if not claimable:
        return [], contended
    sql, connection = _statements(session), session.connection()
    ids = [row.delivery_id for _, row in claimable]
    lapsed = [row.delivery_id for _, row in claimable if row.lease_owner is not None]
    if lapsed:
        # The attempts of a lapsed lease are of unknown outcome: the worker died with them.
        connection.execute(sql.settle_lost, {"ids": lapsed, "now": now})
    connection.execute(
        sql.lease, {"ids": ids, "owner": owner, "lease_until": now + lease, "now": now}
    )
    opened = connection.execute(
        sql.open_attempts,
        [{"delivery_id": i, "worker": owner, "started_at": now} for i in ids],
    )
    attempt_ids = {int(delivery_id): int(attempt_id) for delivery_id, attempt_id in opened}
    private = {
        org_id: allow_private or _org_allows_private(session, org_id)
        for org_id in {endpoint.org_id for endpoint, _ in claimable}
    }
    claims = [
        Claim(
            endpoint,
            row.delivery_id,
            attempt_ids[row.delivery_id],
            Event(**{column.name: row._mapping[column.name] for column in EVENT_COLUMNS}),
            private[endpoint.org_id],
        )
        for endpoint, row in claimable
    ]
    return claims, contended


def _org_allows_private(session: Session, org_id: int) -> bool:
    org = orgs_repository.get_org(session, org_id)
    return bool(org and org.allow_private_webhooks)


def render_body(event: Event, endpoint: Endpoint, now: dt.datetime) -> bytes:
    """Render the payload the webhook receives for ``event``."""
    payload = build_payload(
        event,
        PayloadFormat(endpoint.payload_format),
        endpoint.consumer_group_id,
        sent_at_ms=clock.epoch_ms(now),
        identifier_types=stored_identifier_types(endpoint.identifiers_to_enrich),
    )
    return orjson.dumps(payload)


def prepare_jobs(claims: Sequence[Claim], now: dt.datetime) -> list[Job]:
    """Render and sign the claimed deliveries (outside the claim's transaction)."""
    return [_job(claim, now) for claim in claims]


def _job(claim: Claim, now: dt.datetime) -> Job:
    endpoint, event = claim.endpoint, claim.event
    error = None
    try:
        body = render_body(event, endpoint, now)
    except PayloadError as exc:
        # Nothing is sent; the delivery fails and stays replayable once a builder can render it.
        body, error = b"", str(exc)
    timestamp = int(now.timestamp())
    keys = signing_keys(
        endpoint.secret, endpoint.previous_secret, endpoint.previous_secret_until, now
    )
    headers = request_headers(
        {"content-type": "application/json", "user-agent": USER_AGENT},
        endpoint.headers,
        signing_headers(keys, event.event_id, timestamp, body),
    )
    return Job(
        delivery_id=claim.delivery_id,
        attempt_id=claim.attempt_id,
        webhook_id=endpoint.id,
        org_id=endpoint.org_id,
        event_id=event.event_id,
        kind=WebhookType(endpoint.kind),
        url=endpoint.url,
        method=endpoint.method,
        headers=headers,
        body=body,
        allow_private=claim.allow_private,
        endpoint_failing=endpoint.consecutive_failures > 0,
        error=error,
    )
