"""partner programs: customers' memberships of partner programs and their expiry reminders

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "partner_memberships",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", BIG_ID, nullable=False),
        sa.Column("partner_program_id", sa.Integer(), nullable=False),
        sa.Column("membership_number", sa.String(length=100), nullable=True),
        sa.Column("tier_number", sa.Integer(), nullable=True),
        sa.Column("tier_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linked_by", sa.BigInteger(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_partner_memberships_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_memberships")),
        sa.UniqueConstraint(
            "customer_id",
            "partner_program_id",
            name=op.f("uq_partner_memberships_customer_id_partner_program_id"),
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("partner_memberships", schema=None) as batch_op:
        batch_op.create_index("ix_partner_memberships_expires_at", ["expires_at"], unique=False)
        batch_op.create_index("ix_partner_memberships_remind_at", ["remind_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("partner_memberships", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_memberships_remind_at")
        batch_op.drop_index("ix_partner_memberships_expires_at")
    op.drop_table("partner_memberships")
