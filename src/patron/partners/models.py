"""Tables of the partners domain: a customer's membership of a partner program, and the relink
queued to renew a supplementary membership at a future start."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, UTCDateTime


class PartnerMembership(Base):
    """A customer linked to a partner program of the org file (one row per program).

    ``expires_at`` is a supplementary membership's end (the last second of its last day in the
    org's zone). ``remind_at`` is when its expiry reminder falls due (None: none due, or sent);
    the unit of work that writes the reminder clears it and sets ``reminded_at``, so the
    reminder of one expiry is never sent twice. A renewal sets a new ``remind_at``.
    """

    __tablename__ = "partner_memberships"
    __table_args__ = (
        UniqueConstraint("customer_id", "partner_program_id"),
        Index("ix_partner_memberships_expires_at", "expires_at"),
        Index("ix_partner_memberships_remind_at", "remind_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    partner_program_id: Mapped[int] = mapped_column(Integer)
    # ``partnerMembershipId``: the customer's number in the partner's own program.
    membership_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    tier_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tier_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    remind_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    linked_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PartnerRelink(Base):
    """A future-dated relink of a supplementary membership (at most one per membership).

    From ``starts_at`` (the first moment of the start day in the org's zone) the membership
    runs a new period: the sweep applies it, deleting this row in the unit of work that renews
    the membership and writes partnerProgramLinked, so it is applied once. It goes with its
    membership (delink, expiry, PII deletion); ``MEMBERSHIP_RELINKING_CANCELLED`` deletes it.
    ``membership_number`` and the tier fields, when given, replace the membership's at the start.
    """

    __tablename__ = "partner_relinks"
    __table_args__ = (
        UniqueConstraint("membership_id"),
        Index("ix_partner_relinks_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("partner_memberships.id", ondelete="CASCADE")
    )
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    membership_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    tier_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tier_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    queued_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
