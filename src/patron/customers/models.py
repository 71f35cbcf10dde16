"""Tables of the customers domain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, JsonDoc, UTCDateTime


class Customer(Base):
    """One person of an org, seen through one profile per source account."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    loyalty_type: Mapped[str] = mapped_column(String(16))
    status_label: Mapped[str | None] = mapped_column(String(100), nullable=True)
    extended_fields: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    associated_with: Mapped[str | None] = mapped_column(String(100), nullable=True)
    merged_into_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("customers.id"), nullable=True, index=True
    )
    # Set while a PII deletion is pending; the scrub job picks these customers up.
    deletion_requested_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True
    )
    deletion_requested_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    deletion_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int] = mapped_column(BigInteger)


class Profile(Base):
    """The customer as one source account knows it."""

    __tablename__ = "profiles"
    __table_args__ = (
        UniqueConstraint("customer_id", "source", "account_id"),
        # Customer search: a prefix range of the lower-cased name, the customer id beside it.
        Index(
            "ix_profiles_search_first_name",
            "org_id",
            "first_name_lower",
            "customer_id",
            postgresql_ops={"first_name_lower": "text_pattern_ops"},
        ),
        Index(
            "ix_profiles_search_last_name",
            "org_id",
            "last_name_lower",
            "customer_id",
            postgresql_ops={"last_name_lower": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str] = mapped_column(String(64), default="")
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    # Lower-cased copies kept by the database itself, read by customer search.
    first_name_lower: Mapped[str] = mapped_column(
        String(200), Computed("lower(first_name)", persisted=True)
    )
    last_name_lower: Mapped[str] = mapped_column(
        String(200), Computed("lower(last_name)", persisted=True)
    )
    fields: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int] = mapped_column(BigInteger)


class Identifier(Base):
    """An identifier of a profile; (org, source, account, type, value) is unique."""

    __tablename__ = "identifiers"
    __table_args__ = (
        UniqueConstraint(
            "org_id", "source", "account_id", "type", "value", name="uq_identifiers_source_value"
        ),
        Index("ix_identifiers_org_type_value", "org_id", "type", "value"),
        # Customer search: a prefix range of the lower-cased value; the type serves mobile forms.
        Index(
            "ix_identifiers_search_value",
            "org_id",
            "value_lower",
            "customer_id",
            "type",
            postgresql_ops={"value_lower": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str] = mapped_column(String(64), default="")
    type: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(255))
    # A lower-cased copy kept by the database itself, read by customer search.
    value_lower: Mapped[str] = mapped_column(String(255), Computed("lower(value)", persisted=True))
    attrs: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Identity(Base):
    """Which customer an identifier value belongs to, across all sources of the org.

    One row per (org, type, value): two customers can never hold the same identifier in
    different sources, so concurrent registrations cannot split one person in two.
    """

    __tablename__ = "identities"

    org_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(255), primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )


class CommChannel(Base):
    """A communication channel of a profile (mobile, email, mobilePush…)."""

    __tablename__ = "comm_channels"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(255))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    meta: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)


class ChangeRequest(Base):
    """A recorded change of a customer: identifier changes, merges and status changes."""

    __tablename__ = "change_requests"
    __table_args__ = (Index("ix_change_requests_customer", "org_id", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(BigInteger)
    change_type: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), default="")
    account_id: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="APPROVED")
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    comments: Mapped[str] = mapped_column(String(500), default="")
    added_by: Mapped[int] = mapped_column(BigInteger)
    added_on: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int] = mapped_column(BigInteger)
    updated_on: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class StatusLogEntry(Base):
    """One change of a customer's status label."""

    __tablename__ = "status_log"
    __table_args__ = (Index("ix_status_log_customer", "org_id", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(BigInteger)
    label: Mapped[str] = mapped_column(String(100))
    prev_label: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_on: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(BigInteger)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
