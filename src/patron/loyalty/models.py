"""Tables of the loyalty domain: accounts, the points journal and its lots, and their causes.

Points and amounts are exact decimals (``Milli``). The journal (``loyalty_entries``) is
append-only; an account's balances are a cache of it kept in the same unit of work, and the
database refuses a negative balance or lot whatever the code path.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, JsonDoc, Milli, UTCDateTime

ZERO = Decimal(0)


class Account(Base):
    """A customer's (or a user group's) membership of one program: tier and balances (a cache
    of the journal). Exactly one of ``customer_id`` and ``group_id`` names the owner."""

    __tablename__ = "loyalty_accounts"
    __table_args__ = (
        UniqueConstraint("org_id", "customer_id", "program_id"),
        UniqueConstraint("org_id", "group_id", "program_id"),
        CheckConstraint("(customer_id IS NULL) <> (group_id IS NULL)", name="one_owner"),
        CheckConstraint("points >= 0", name="points_not_negative"),
        CheckConstraint("delayed >= 0", name="delayed_not_negative"),
        CheckConstraint("tier_number >= 1", name="tier_number_positive"),
        # The renewal sweep looks for tiers whose validity has ended.
        Index("ix_loyalty_accounts_tier_expires_at", "tier_expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True, nullable=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_groups.id", ondelete="CASCADE"), index=True, nullable=True
    )
    program_id: Mapped[int] = mapped_column(Integer)
    tier_number: Mapped[int] = mapped_column(Integer, default=1)
    tier_since: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    tier_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Redeemable points, and awarded points not redeemable yet (delayed accrual).
    points: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    delayed: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    lifetime: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    redeemed: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    expired: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    returned: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    delayed_returned: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    adjusted: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    transferred_out: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    purchases: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    # Purchases and lifetime points when the tier was last lowered: a higher tier is reached
    # again only by what comes after, so a downgrade is not undone by the next bill.
    baseline_purchases: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    baseline_lifetime: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)


class Entry(Base):
    """One signed movement of an account's points, with its cause; never updated or deleted.

    ``points`` changes the redeemable balance, ``delayed`` the not-yet-redeemable one. ``key``
    is the natural key of the cause where it has one, so a retried request cannot credit twice.
    """

    __tablename__ = "loyalty_entries"
    __table_args__ = (
        UniqueConstraint("org_id", "key"),
        Index("ix_loyalty_entries_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("loyalty_accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    points: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    delayed: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    # Before rounding, for awards (``rawAwardedPoints``).
    raw_points: Mapped[Decimal | None] = mapped_column(Milli, nullable=True)
    cause_type: Mapped[str] = mapped_column(String(16))
    cause_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    till_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    notes: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Lot(Base):
    """Points opened by one credit, with their expiry; debits consume lots first-expiring-first."""

    __tablename__ = "loyalty_lots"
    __table_args__ = (
        CheckConstraint("remaining >= 0", name="remaining_not_negative"),
        CheckConstraint("remaining <= points", name="remaining_within_points"),
        Index("ix_loyalty_lots_account_id_expires_at", "account_id", "expires_at"),
        # The sweeps look only at lots with points left: spent and expired lots stay out.
        Index(
            "ix_loyalty_lots_expires_at",
            "expires_at",
            postgresql_where=text("remaining > 0"),
            sqlite_where=text("remaining > 0"),
        ),
        Index(
            "ix_loyalty_lots_available_at",
            "available_at",
            postgresql_where=text("is_delayed"),
            sqlite_where=text("is_delayed"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("loyalty_accounts.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("loyalty_entries.id"))
    points: Mapped[Decimal] = mapped_column(Milli)
    remaining: Mapped[Decimal] = mapped_column(Milli)
    # None: never expires.
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set while the lot's points are delayed (promised): redeemable from this moment.
    available_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    is_delayed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LotMove(Base):
    """How much of a lot one entry took (negative) or gave back (positive)."""

    __tablename__ = "loyalty_lot_moves"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("loyalty_entries.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("loyalty_lots.id"), index=True)
    points: Mapped[Decimal] = mapped_column(Milli)


class Bill(Base):
    """A transaction: a purchase, a return or a not-interested bill.

    ``purchase_key`` is the bill number of a purchase (None for returns), unique per org, so a
    bill number is added once while its returns refer to it.
    """

    __tablename__ = "loyalty_bills"
    __table_args__ = (
        UniqueConstraint("org_id", "purchase_key"),
        Index("ix_loyalty_bills_org_id_bill_number", "org_id", "bill_number"),
        CheckConstraint("amount_returned <= amount", name="return_within_amount"),
        CheckConstraint("points_returned <= points", name="points_returned_within_points"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The user group the bill earned for (tagged, or pooled by a hierarchy); None: the customer.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_groups.id", ondelete="SET NULL"), nullable=True
    )
    type: Mapped[str] = mapped_column(String(24))
    bill_number: Mapped[str] = mapped_column(String(100))
    purchase_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("loyalty_bills.id"), nullable=True)
    return_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    amount: Mapped[Decimal] = mapped_column(Milli)
    # For purchases: what returns have taken back so far (amount and points).
    amount_returned: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    points: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    points_returned: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    billing_date: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    till_id: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16), default="INSTORE")
    # The rest of the body as given: line items, payment modes, fields, statuses, note.
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Redemption(Base):
    """Points a customer redeemed; reversals give part or all of them back."""

    __tablename__ = "loyalty_redemptions"
    __table_args__ = (
        CheckConstraint("reversed <= points", name="reversed_within_points"),
        UniqueConstraint("org_id", "external_reference"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("loyalty_accounts.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(Integer)
    points: Mapped[Decimal] = mapped_column(Milli)
    reversed: Mapped[Decimal] = mapped_column(Milli, default=ZERO)
    bill_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    external_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("loyalty_entries.id"))
    till_id: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16), default="INSTORE")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Transfer(Base):
    """Points moved in one program from one owner to another: customers, or a user group and
    a customer, or two groups; exactly one owner names each side."""

    __tablename__ = "loyalty_transfers"
    __table_args__ = (
        CheckConstraint("(from_customer_id IS NULL) <> (from_group_id IS NULL)", name="one_sender"),
        CheckConstraint("(to_customer_id IS NULL) <> (to_group_id IS NULL)", name="one_receiver"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    program_id: Mapped[int] = mapped_column(Integer)
    from_customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True, nullable=True
    )
    to_customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True, nullable=True
    )
    from_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_groups.id", ondelete="CASCADE"), index=True, nullable=True
    )
    to_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_groups.id", ondelete="CASCADE"), index=True, nullable=True
    )
    points: Mapped[Decimal] = mapped_column(Milli)
    notes: Mapped[str] = mapped_column(String(500), default="")
    till_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Request(Base):
    """A goodwill (points) or retro (transaction update) request and its decision."""

    __tablename__ = "loyalty_requests"
    __table_args__ = (Index("ix_loyalty_requests_customer_id_type", "customer_id", "type"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    # A user group's goodwill request: the group it credits (filed under its primary member).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_groups.id", ondelete="CASCADE"), nullable=True
    )
    program_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    type: Mapped[str] = mapped_column(String(24))  # GOODWILL | TRANSACTION_UPDATE
    base_type: Mapped[str] = mapped_column(String(16))  # POINTS | COUPON | RETRO | GROUP_POINTS
    status: Mapped[str] = mapped_column(String(16))  # PENDING | APPROVED | REJECTED
    points: Mapped[Decimal | None] = mapped_column(Milli, nullable=True)
    approved_value: Mapped[Decimal | None] = mapped_column(Milli, nullable=True)
    # A goodwill coupon request: the series asked for, and the coupon its approval issued.
    coupon_series_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    coupon_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("loyalty_bills.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    comments: Mapped[str] = mapped_column(String(500), default="")
    updated_comments: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    is_auto_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    is_one_step: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
