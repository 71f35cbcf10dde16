"""coupons: series, coupons and redemptions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "coupon_series",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("definition", JSON_DOC, nullable=False),
        sa.Column("max_create", sa.BigInteger(), nullable=False),
        sa.Column("max_redeem", sa.BigInteger(), nullable=False),
        sa.Column("num_issued", sa.BigInteger(), nullable=False),
        sa.Column("num_redeemed", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "num_issued >= 0 AND num_redeemed >= 0",
            name=op.f("ck_coupon_series_counters_positive"),
        ),
        sa.CheckConstraint(
            "max_create < 0 OR num_issued <= max_create",
            name=op.f("ck_coupon_series_issued_within_limit"),
        ),
        sa.CheckConstraint(
            "max_redeem < 0 OR num_redeemed <= max_redeem",
            name=op.f("ck_coupon_series_redeemed_within_limit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_series")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_coupon_series_org_id_code")),
        sa.UniqueConstraint("org_id", "series_id", name=op.f("uq_coupon_series_org_id_series_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "coupons",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("series_pk", BIG_ID, nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("holder_seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("code_key", sa.String(length=80), nullable=True),
        sa.Column("redemption_limit", sa.Integer(), nullable=False),
        sa.Column("redemption_count", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_till", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transaction_number", sa.String(length=100), nullable=True),
        sa.Column("issued_by", sa.BigInteger(), nullable=True),
        sa.Column("store_id", sa.BigInteger(), nullable=True),
        sa.Column("store_code", sa.String(length=100), nullable=False),
        sa.Column("store_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("redemption_count >= 0", name=op.f("ck_coupons_count_positive")),
        sa.CheckConstraint(
            "redemption_limit < 0 OR redemption_count <= redemption_limit",
            name=op.f("ck_coupons_redeemed_within_limit"),
        ),
        sa.ForeignKeyConstraint(
            ["series_pk"], ["coupon_series.id"], name=op.f("fk_coupons_series_pk_coupon_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
        sa.UniqueConstraint("org_id", "code_key", name=op.f("uq_coupons_org_id_code_key")),
        sa.UniqueConstraint(
            "series_pk",
            "customer_id",
            "holder_seq",
            name=op.f("uq_coupons_series_pk_customer_id_holder_seq"),
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupons_customer_id"), ["customer_id"], unique=False)
    op.create_table(
        "coupon_redemptions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", BIG_ID, nullable=False),
        sa.Column("series_pk", BIG_ID, nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("transaction_number", sa.String(length=100), nullable=True),
        sa.Column("bill_amount", sa.BigInteger(), nullable=False),
        sa.Column("coupon_value", sa.BigInteger(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("redeemed_by", sa.BigInteger(), nullable=True),
        sa.Column("store_code", sa.String(length=100), nullable=False),
        sa.Column("store_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reactivated_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coupon_id"], ["coupons.id"], name=op.f("fk_coupon_redemptions_coupon_id_coupons")
        ),
        sa.ForeignKeyConstraint(
            ["series_pk"],
            ["coupon_series.id"],
            name=op.f("fk_coupon_redemptions_series_pk_coupon_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_redemptions")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coupon_redemptions_coupon_id"), ["coupon_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coupon_redemptions_customer_id"),
            ["customer_id", "series_pk"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_redemptions_customer_id"))
        batch_op.drop_index(batch_op.f("ix_coupon_redemptions_coupon_id"))
    op.drop_table("coupon_redemptions")
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupons_customer_id"))
    op.drop_table("coupons")
    op.drop_table("coupon_series")
