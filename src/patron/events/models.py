"""Tables of the events domain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, JsonDoc, UTCDateTime


class Event(Base):
    """An event written in the same transaction as the change it reports (the outbox).

    ``data`` carries everything both payload formats need; ``event_id`` never changes across
    retries and replays.
    """

    __tablename__ = "events"
    __table_args__ = (
        # The dispatcher's queue of events not yet fanned out to webhooks.
        Index(
            "ix_events_fanout_pending",
            "id",
            postgresql_where=text("fanned_out_at IS NULL"),
            sqlite_where=text("fanned_out_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    org_id: Mapped[int] = mapped_column(Integer, index=True)
    event_name: Mapped[str] = mapped_column(String(64))
    ref_id: Mapped[str] = mapped_column(String(128), index=True)
    api_request_id: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    fanned_out_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
