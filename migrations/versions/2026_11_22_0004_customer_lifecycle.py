"""customer lifecycle: change requests, status log, pending deletion, search indexes

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import patron.db

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Prefix-search indexes (customer search): lower-cased values, in pattern order on PostgreSQL.
PREFIX_INDEXES = (
    ("ix_profiles_first_name_prefix", "profiles", "first_name"),
    ("ix_profiles_last_name_prefix", "profiles", "last_name"),
    ("ix_identifiers_value_prefix", "identifiers", "value"),
)


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deletion_requested_at", patron.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("deletion_requested_by", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("deletion_reason", sa.String(length=500), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_customers_deletion_requested_at"),
            ["deletion_requested_at"],
            unique=False,
        )

    op.create_table(
        "change_requests",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("change_type", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("details", JSON_DOC, nullable=False),
        sa.Column("comments", sa.String(length=500), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=False),
        sa.Column("added_on", patron.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.Column("updated_on", patron.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    op.create_index(
        "ix_change_requests_customer",
        "change_requests",
        ["org_id", "customer_id", "id"],
        unique=False,
    )
    op.create_table(
        "status_log",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("prev_label", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_on", patron.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_log")),
    )
    op.create_index(
        "ix_status_log_customer", "status_log", ["org_id", "customer_id", "id"], unique=False
    )

    pattern_ops = " text_pattern_ops" if op.get_bind().dialect.name == "postgresql" else ""
    for name, table, column in PREFIX_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} (org_id, lower({column}){pattern_ops})")


def downgrade() -> None:
    for name, _table, _column in PREFIX_INDEXES:
        op.execute(f"DROP INDEX {name}")
    op.drop_index("ix_status_log_customer", table_name="status_log")
    op.drop_table("status_log")
    op.drop_index("ix_change_requests_customer", table_name="change_requests")
    op.drop_table("change_requests")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_deletion_requested_at"))
        batch_op.drop_column("deletion_reason")
        batch_op.drop_column("deletion_requested_by")
        batch_op.drop_column("deletion_requested_at")
