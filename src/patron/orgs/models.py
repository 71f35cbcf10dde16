"""Tables of the orgs domain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, JsonDoc, UTCDateTime


class Org(Base):
    """A tenant. Everything else belongs to exactly one org."""

    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    primary_identifier: Mapped[str] = mapped_column(String(32), default="mobile")
    default_region: Mapped[str | None] = mapped_column(String(2), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    allow_private_webhooks: Mapped[bool] = mapped_column(Boolean, default=False)
    # The org file's loyaltyPrograms, as validated (see ``patron.orgs.programs``).
    loyalty_programs: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    # The org file's hierarchies, as validated (see ``patron.orgs.hierarchies``).
    hierarchies: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    # The org file's partnerPrograms and partnerProgramSettings (``patron.orgs.partners``).
    partner_programs: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    partner_program_settings: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    # The org file's cardSeries and cardStatusLabels (``patron.orgs.cards``).
    card_series: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    card_status_labels: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    # The org file's couponSeries (``patron.orgs.coupons``) and referralCampaigns
    # (``patron.orgs.referrals``).
    coupon_series: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    referral_campaigns: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OrgSource(Base):
    """An enabled source of an org; multi-account sources have one row per account."""

    __tablename__ = "org_sources"
    __table_args__ = (UniqueConstraint("org_id", "source", "account_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    # The source's requiredIdentifiers from the org file (the same on every account row);
    # null means the source's default list.
    required_identifiers: Mapped[list[str] | None] = mapped_column(JsonDoc, nullable=True)


class Store(Base):
    """A store of an org; tills belong to stores."""

    __tablename__ = "stores"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(100), default="")
    external_id1: Mapped[str] = mapped_column(String(100), default="")
    external_id2: Mapped[str] = mapped_column(String(100), default="")


class Till(Base):
    """An API principal: Basic authentication uses its code and the MD5 of its password."""

    __tablename__ = "tills"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ApiClient(Base):
    """An OAuth client (key and hashed secret) whose calls are attributed to a till."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ExtendedFieldDef(Base):
    """An extended field of the org's catalogue (name, data type, allowed values)."""

    __tablename__ = "extended_field_defs"
    __table_args__ = (UniqueConstraint("org_id", "entity", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(32), default="customer")
    name: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200))
    data_type: Mapped[str] = mapped_column(String(16))
    allowed_values: Mapped[list[Any] | None] = mapped_column(JsonDoc, nullable=True)
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CustomFieldDef(Base):
    """A custom field the org accepts on customer profiles."""

    __tablename__ = "custom_field_defs"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200))


class StatusLabel(Base):
    """An org's label on one of the fixed customer statuses; the default label is flagged."""

    __tablename__ = "status_labels"
    __table_args__ = (UniqueConstraint("org_id", "label"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(32))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
