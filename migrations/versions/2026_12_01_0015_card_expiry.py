"""cards: expiry

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 18:00:00.000000

Each linked card of a series with ``expiryDays`` gets the moment it expires: its issue plus
that many days. Cards linked before this revision get theirs from their issue time, so the
first sweep expires those already past it.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import patron.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP_AUTOINCREMENT: dict[str, Any] = {"table_kwargs": {"sqlite_autoincrement": True}}
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
HELD = ("ISSUED", "ACTIVE", "SUSPENDED")

cards = sa.table(
    "cards",
    sa.column("id", sa.BigInteger()),
    sa.column("series_id", sa.BigInteger()),
    sa.column("status", sa.String()),
    sa.column("issued_at", patron.db.UTCDateTime()),
    sa.column("expires_at", patron.db.UTCDateTime()),
)
card_series = sa.table(
    "card_series", sa.column("id", sa.BigInteger()), sa.column("definition", JSON_DOC)
)


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_cards_expires_at"), ["expires_at"], unique=False)
    _backfill(op.get_bind())


def _backfill(bind: sa.Connection) -> None:
    query = (
        sa.select(cards.c.id, cards.c.issued_at, card_series.c.definition)
        .join(card_series, card_series.c.id == cards.c.series_id)
        .where(cards.c.issued_at.is_not(None), cards.c.status.in_(HELD))
    )
    updates: list[dict[str, Any]] = []
    for card_id, issued_at, definition in bind.execute(query):
        days = int((definition or {}).get("expiryDays") or 0)
        if days > 0:
            updates.append({"card_id": card_id, "moment": issued_at + dt.timedelta(days=days)})
    if updates:
        statement = (
            sa.update(cards)
            .where(cards.c.id == sa.bindparam("card_id"))
            .values(expires_at=sa.bindparam("moment"))
        )
        bind.execute(statement, updates)


def downgrade() -> None:
    with op.batch_alter_table("cards", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cards_expires_at"))
        batch_op.drop_column("expires_at")
