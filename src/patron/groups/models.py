"""Tables of the groups domain: hierarchies and their roles, companies, associations of
customers in a hierarchy, user groups and their members."""

from __future__ import annotations

import datetime as dt
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

from patron.db import Base, BigId, JsonDoc, UTCDateTime


class Hierarchy(Base):
    """A hierarchy definition, from the org file (``origin`` FILE) or the API (``API``)."""

    __tablename__ = "group_hierarchies"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(50))
    origin: Mapped[str] = mapped_column(String(8))
    # The definition as validated (``patron.orgs.hierarchies.HierarchyDef``).
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class HierarchyRole(Base):
    """A role of a hierarchy, with the id answers show (``parentRoleId``)."""

    __tablename__ = "group_hierarchy_roles"
    __table_args__ = (UniqueConstraint("hierarchy_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    hierarchy_id: Mapped[int] = mapped_column(
        ForeignKey("group_hierarchies.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(50))


class Company(Base):
    """A fleet company in a hierarchy, with its parent company."""

    __tablename__ = "group_companies"
    __table_args__ = (UniqueConstraint("org_id", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    hierarchy_id: Mapped[int] = mapped_column(ForeignKey("group_hierarchies.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_companies.id"), nullable=True, index=True
    )
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Association(Base):
    """A customer's place in a hierarchy: role, parent customer and company (one per customer)."""

    __tablename__ = "group_associations"
    __table_args__ = (
        UniqueConstraint("customer_id"),
        Index("ix_group_associations_parent_id_id", "parent_id", "id"),
        CheckConstraint("parent_id IS NULL OR parent_id <> customer_id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    hierarchy_id: Mapped[int] = mapped_column(ForeignKey("group_hierarchies.id"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("group_hierarchy_roles.id"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_companies.id"), nullable=True, index=True
    )
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class UserGroup(Base):
    """A user group: members pool points in the group's own loyalty accounts.

    ``member_count`` is kept with every join and leave; the database refuses a count beyond
    ``max_size``, so two joins racing for the last place cannot both succeed.
    """

    __tablename__ = "user_groups"
    __table_args__ = (
        UniqueConstraint("org_id", "external_id"),
        CheckConstraint("max_size > 0", name="max_size_positive"),
        CheckConstraint("member_count >= 0", name="member_count_not_negative"),
        CheckConstraint("member_count <= max_size", name="member_count_within_max_size"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    external_id: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(50), default="")
    max_size: Mapped[int] = mapped_column(Integer)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    # ACTIVE, INACTIVE or DELETED.
    status: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    extended_fields: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    # Set for a group created by associating its owner in an auto-grouping hierarchy.
    hierarchy_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_hierarchies.id"), nullable=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class GroupMember(Base):
    """A customer's membership of a group; a group has at most one primary member, and a
    customer is the primary member of at most one group."""

    __tablename__ = "user_group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "customer_id"),
        Index("ix_user_group_members_customer_id", "customer_id"),
        Index(
            "ix_user_group_members_one_primary",
            "group_id",
            unique=True,
            postgresql_where=text("is_primary"),
            sqlite_where=text("is_primary"),
        ),
        Index(
            "ix_user_group_members_primary_once",
            "customer_id",
            unique=True,
            postgresql_where=text("is_primary"),
            sqlite_where=text("is_primary"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[int] = mapped_column(ForeignKey("user_groups.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # The role events show: the hierarchy role code, or PRIMARY / MEMBER in a plain group.
    role: Mapped[str] = mapped_column(String(50))
    # The member's permissions as given (``allow_…`` / ``block_…``), in order.
    permissions: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    # The first group a customer joined is its default group.
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_by: Mapped[int] = mapped_column(BigInteger)
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
