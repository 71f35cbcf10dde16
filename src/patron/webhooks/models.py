"""Tables of the webhooks domain: endpoints, deliveries (one per event and endpoint), attempts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import cast

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, JsonDoc, UTCDateTime


class WebhookType(StrEnum):
    """Where a webhook delivers: an HTTP endpoint or a broker stream."""

    HTTP = "HTTP"
    QUEUE = "QUEUE"


class DeliveryStatus(StrEnum):
    """The state of one event's delivery to one webhook."""

    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    PAUSED = "PAUSED"


class Outcome(StrEnum):
    """How one attempt ended (NULL in the table while it is in flight)."""

    SUCCESS = "SUCCESS"
    RETRY = "RETRY"
    FAILED = "FAILED"
    GONE = "GONE"
    UNKNOWN = "UNKNOWN"


class Webhook(Base):
    """A subscriber of an org's events: an HTTP endpoint or a broker subject."""

    __tablename__ = "webhooks"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(8))
    headers: Mapped[dict[str, str]] = mapped_column(JsonDoc)
    event_names: Mapped[list[str]] = mapped_column(JsonDoc)
    max_connections: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean)
    sla_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    identifiers_to_enrich: Mapped[list[str]] = mapped_column(JsonDoc)
    payload_format: Mapped[str] = mapped_column(String(16))
    consumer_group_id: Mapped[str] = mapped_column(String(36))
    secret: Mapped[str] = mapped_column(String(128))
    previous_secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    previous_secret_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    failing_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


class Delivery(Base):
    """One event on its way to one webhook; it keeps the event's ``eventId`` forever."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_row_id"),
        # The claim queue: pending deliveries by due time.
        Index(
            "ix_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'PENDING'"),
            sqlite_where=text("status = 'PENDING'"),
        ),
        Index("ix_deliveries_webhook_status", "webhook_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_row_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    replay_count: Mapped[int] = mapped_column(Integer, default=0)


class DeliveryAttempt(Base):
    """One request (or publish) made for a delivery, and what came of it."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    worker: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)


# The tables themselves, for the dispatcher's batched Core statements (no ORM loads there).
WEBHOOKS = cast(Table, Webhook.__table__)
DELIVERIES = cast(Table, Delivery.__table__)
ATTEMPTS = cast(Table, DeliveryAttempt.__table__)
