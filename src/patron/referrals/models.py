"""Tables of the referrals domain: codes, invitations, referee links, their events and awards.

A referrer has one primary code per campaign; a merge may hand the survivor the victim's
code as a secondary one, so that a code already shared keeps naming a referrer. The primary
code carries the campaign's counters of the referrer's referee registrations and
transactions, which order every-N incentives.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, Milli, UTCDateTime


class ReferralCode(Base):
    """A referrer's ``referralCode`` in a campaign (unique in the org, stored upper case)."""

    __tablename__ = "referral_codes"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        Index(
            "ix_referral_codes_one_primary",
            "org_id",
            "campaign_id",
            "customer_id",
            unique=True,
            postgresql_where=text("is_primary"),
            sqlite_where=text("is_primary"),
        ),
        Index(None, "customer_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(100))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=True)
    # Referee registrations and transactions counted so far (on the primary code only).
    registrations: Mapped[int] = mapped_column(Integer, default=0)
    transactions: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReferralInvitation(Base):
    """Someone a referrer invited, by mobile or email (personal data of the invitee)."""

    __tablename__ = "referral_invitations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "referrer_id", "type", "identifier"),
        Index(None, "referrer_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int] = mapped_column(Integer)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(8))
    identifier: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200), default="")
    invited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    till_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReferralLink(Base):
    """A referee and its referrer: one referrer per referee, whatever the campaign."""

    __tablename__ = "referral_links"
    __table_args__ = (
        UniqueConstraint("org_id", "referee_id"),
        Index(None, "referrer_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int] = mapped_column(Integer)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    referee_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("referral_codes.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReferralEvent(Base):
    """A referee's registration or purchase counted for its referrer (``referee[]``).

    ``sequence`` is the event's number among the referrer's events of its type in the campaign;
    a purchase is counted once (``bill_id`` is unique per campaign).
    """

    __tablename__ = "referral_events"
    __table_args__ = (
        UniqueConstraint("org_id", "campaign_id", "bill_id"),
        Index(None, "referrer_id"),
        Index(None, "referee_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int] = mapped_column(Integer)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    referee_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    bill_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    till_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReferralAward(Base):
    """An incentive given for an event (``incentives[]``): points (``entry_id`` is the ledger's
    entry) or a coupon; one per event and incentive of the campaign."""

    __tablename__ = "referral_awards"
    __table_args__ = (
        UniqueConstraint("event_id", "incentive_no"),
        Index(None, "referrer_id"),
        Index(None, "customer_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[int] = mapped_column(ForeignKey("referral_events.id", ondelete="CASCADE"))
    incentive_no: Mapped[int] = mapped_column(Integer)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # Who received it: the referrer or the referee.
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(8))
    points: Mapped[Decimal | None] = mapped_column(Milli, nullable=True)
    entry_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    coupon_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
