"""loyalty requests: goodwill coupons

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("loyalty_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coupon_series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("coupon_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("loyalty_requests", schema=None) as batch_op:
        batch_op.drop_column("coupon_id")
        batch_op.drop_column("coupon_series_id")
