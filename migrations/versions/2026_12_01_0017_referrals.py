"""referrals: codes, invitations, referees and incentives

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _customer_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["customers.id"],
        name=op.f(f"fk_{table}_{column}_customers"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "referral_codes",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", BIG_ID, nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("registrations", sa.Integer(), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _customer_fk("referral_codes", "customer_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_codes")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_referral_codes_org_id_code")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("referral_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_codes_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_referral_codes_one_primary",
            ["org_id", "campaign_id", "customer_id"],
            unique=True,
            postgresql_where=sa.text("is_primary"),
            sqlite_where=sa.text("is_primary"),
        )
    op.create_table(
        "referral_invitations",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", BIG_ID, nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("identifier", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("invited_at", WHEN, nullable=False),
        sa.Column("till_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        _customer_fk("referral_invitations", "referrer_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_invitations")),
        sa.UniqueConstraint(
            "campaign_id",
            "referrer_id",
            "type",
            "identifier",
            name=op.f("uq_referral_invitations_campaign_id_referrer_id_type_identifier"),
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("referral_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_invitations_referrer_id"), ["referrer_id"], unique=False
        )
    op.create_table(
        "referral_links",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", BIG_ID, nullable=False),
        sa.Column("referee_id", BIG_ID, nullable=False),
        sa.Column("code_id", BIG_ID, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _customer_fk("referral_links", "referrer_id"),
        _customer_fk("referral_links", "referee_id"),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["referral_codes.id"],
            name=op.f("fk_referral_links_code_id_referral_codes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_links")),
        sa.UniqueConstraint(
            "org_id", "referee_id", name=op.f("uq_referral_links_org_id_referee_id")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("referral_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_links_referrer_id"), ["referrer_id"], unique=False
        )
    op.create_table(
        "referral_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", BIG_ID, nullable=False),
        sa.Column("referee_id", BIG_ID, nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.BigInteger(), nullable=True),
        sa.Column("till_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        _customer_fk("referral_events", "referrer_id"),
        _customer_fk("referral_events", "referee_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_events")),
        sa.UniqueConstraint(
            "org_id",
            "campaign_id",
            "bill_id",
            name=op.f("uq_referral_events_org_id_campaign_id_bill_id"),
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_events_referee_id"), ["referee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referral_events_referrer_id"), ["referrer_id"], unique=False
        )
    op.create_table(
        "referral_awards",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("event_id", BIG_ID, nullable=False),
        sa.Column("incentive_no", sa.Integer(), nullable=False),
        sa.Column("referrer_id", BIG_ID, nullable=False),
        sa.Column("customer_id", BIG_ID, nullable=False),
        sa.Column("recipient", sa.String(length=8), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=True),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column("coupon_code", sa.String(length=100), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        _customer_fk("referral_awards", "referrer_id"),
        _customer_fk("referral_awards", "customer_id"),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["referral_events.id"],
            name=op.f("fk_referral_awards_event_id_referral_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_awards")),
        sa.UniqueConstraint(
            "event_id", "incentive_no", name=op.f("uq_referral_awards_event_id_incentive_no")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("referral_awards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_awards_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referral_awards_referrer_id"), ["referrer_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("referral_awards")
    op.drop_table("referral_events")
    op.drop_table("referral_links")
    op.drop_table("referral_invitations")
    op.drop_table("referral_codes")
