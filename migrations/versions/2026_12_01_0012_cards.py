"""cards: series, cards, status labels and the status log

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "card_series",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("definition", JSON_DOC, nullable=False),
        sa.Column("next_number", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_series")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_card_series_org_id_code")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "card_labels",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_labels")),
        sa.UniqueConstraint("org_id", "label", name=op.f("uq_card_labels_org_id_label")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "cards",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("series_id", BIG_ID, nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("custom_fields", JSON_DOC, nullable=False),
        sa.Column("extended_fields", JSON_DOC, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"], ["card_series.id"], name=op.f("fk_cards_series_id_card_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
        sa.UniqueConstraint("org_id", "external_id", name=op.f("uq_cards_org_id_external_id")),
        sa.UniqueConstraint("org_id", "number", name=op.f("uq_cards_org_id_number")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cards_series_id"), ["series_id"], unique=False)
    op.create_table(
        "card_status_log",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("card_id", BIG_ID, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["cards.id"],
            name=op.f("fk_card_status_log_card_id_cards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_status_log")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("card_status_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_card_status_log_card_id"), ["card_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("card_status_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_status_log_card_id"))
    op.drop_table("card_status_log")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cards_series_id"))
        batch_op.drop_index(batch_op.f("ix_cards_customer_id"))
    op.drop_table("cards")
    op.drop_table("card_labels")
    op.drop_table("card_series")
