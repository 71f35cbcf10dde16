"""Tables of the coupons domain: series, coupons and redemptions.

Limits are held by the database: a series' counters may not pass its limits (``CHECK``), a
coupon's redemption count may not pass its own limit, and a customer's n-th coupon of a series
is unique, so concurrent units of work cannot issue or redeem past a limit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, JsonDoc, Milli, UTCDateTime


class CouponSeries(Base):
    """A coupon series of an org, from the org file (``origin`` FILE) or the API (``API``).

    ``series_id`` is the org's own number of the series (``seriesId``): the file fixes it, the
    API allocates one above every stored one. ``max_create``/``max_redeem`` (-1: unlimited)
    bound the counters ``num_issued``/``num_redeemed``.
    """

    __tablename__ = "coupon_series"
    __table_args__ = (
        UniqueConstraint("org_id", "series_id"),
        UniqueConstraint("org_id", "code"),
        CheckConstraint("num_issued >= 0 AND num_redeemed >= 0", name="counters_positive"),
        CheckConstraint("max_create < 0 OR num_issued <= max_create", name="issued_within_limit"),
        CheckConstraint(
            "max_redeem < 0 OR num_redeemed <= max_redeem", name="redeemed_within_limit"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    series_id: Mapped[int] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(50))
    origin: Mapped[str] = mapped_column(String(8))
    # The definition as validated (``patron.orgs.coupons.CouponSeriesDef``).
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    max_create: Mapped[int] = mapped_column(BigInteger)
    max_redeem: Mapped[int] = mapped_column(BigInteger)
    num_issued: Mapped[int] = mapped_column(BigInteger, default=0)
    num_redeemed: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_used: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Coupon(Base):
    """A coupon issued to a customer.

    ``code_key`` is the upper-cased code of a coupon with a code of its own (unique in the
    org); coupons of a GENERIC series share the series' code and leave it null.
    ``holder_seq`` numbers a customer's coupons of one series (1, 2, …), unique, so the
    per-customer limit holds under concurrent issues.
    """

    __tablename__ = "coupons"
    __table_args__ = (
        UniqueConstraint("org_id", "code_key"),
        UniqueConstraint("series_pk", "customer_id", "holder_seq"),
        Index(None, "customer_id"),
        CheckConstraint("redemption_count >= 0", name="count_positive"),
        CheckConstraint(
            "redemption_limit < 0 OR redemption_count <= redemption_limit",
            name="redeemed_within_limit",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    series_pk: Mapped[int] = mapped_column(ForeignKey("coupon_series.id"))
    customer_id: Mapped[int] = mapped_column(BigInteger)
    holder_seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(80))
    code_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    redemption_limit: Mapped[int] = mapped_column(Integer)
    redemption_count: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    valid_till: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    transaction_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    issued_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    store_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    store_code: Mapped[str] = mapped_column(String(100), default="")
    store_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CouponRedemption(Base):
    """One use of a coupon on a bill; ``reactivated_at`` is set when it was undone."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (
        Index(None, "coupon_id"),
        Index(None, "customer_id", "series_pk"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id"))
    series_pk: Mapped[int] = mapped_column(ForeignKey("coupon_series.id"))
    customer_id: Mapped[int] = mapped_column(BigInteger)
    transaction_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    bill_amount: Mapped[Decimal] = mapped_column(Milli)
    coupon_value: Mapped[Decimal] = mapped_column(Milli)
    redeemed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    redeemed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    store_code: Mapped[str] = mapped_column(String(100), default="")
    store_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reactivated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reactivated_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
