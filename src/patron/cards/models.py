"""Tables of the cards domain: series, cards, status labels added through the API, and the
log of every status a card has had."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, JsonDoc, UTCDateTime


class CardSeries(Base):
    """A card series, from the org file (``origin`` FILE) or the API (``API``).

    ``next_number`` is the counter the next generated card number is made of.
    """

    __tablename__ = "card_series"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(50))
    origin: Mapped[str] = mapped_column(String(8))
    # The definition as validated (``patron.orgs.cards.CardSeriesDef``).
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    next_number: Mapped[int] = mapped_column(BigInteger, default=1)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Card(Base):
    """A card of a series; ``customer_id`` is set while the card is linked (issued).

    ``expires_at`` is set while a linked card waits to expire: from its issue, when its series
    has ``expiryDays``, until the sweep (or a status change, or unlinking) ends its wait.
    """

    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("org_id", "number"),
        UniqueConstraint("org_id", "external_id"),
        Index(None, "customer_id"),
        Index(None, "series_id"),
        Index(None, "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    series_id: Mapped[int] = mapped_column(ForeignKey("card_series.id"))
    number: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    status: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(50))
    customer_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    extended_fields: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CardLabelRow(Base):
    """A card status label with a stable id: the org file's (``origin`` FILE, stored when first
    needed) or one added through ``labelMapping`` (``API``)."""

    __tablename__ = "card_labels"
    __table_args__ = (UniqueConstraint("org_id", "label"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(12))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CardStatusChange(Base):
    """One status a card took (its creation included), with who set it and why."""

    __tablename__ = "card_status_log"
    __table_args__ = (Index(None, "card_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(String(500), default="")
    customer_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
