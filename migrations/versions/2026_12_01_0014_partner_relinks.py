"""partner programs: relinks queued for a future start

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "partner_relinks",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", BIG_ID, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("membership_number", sa.String(length=100), nullable=True),
        sa.Column("tier_number", sa.Integer(), nullable=True),
        sa.Column("tier_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queued_by", sa.BigInteger(), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["partner_memberships.id"],
            name=op.f("fk_partner_relinks_membership_id_partner_memberships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_relinks")),
        sa.UniqueConstraint("membership_id", name=op.f("uq_partner_relinks_membership_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("partner_relinks", schema=None) as batch_op:
        batch_op.create_index("ix_partner_relinks_starts_at", ["starts_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("partner_relinks", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_relinks_starts_at")
    op.drop_table("partner_relinks")
