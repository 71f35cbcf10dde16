"""org file: coupon series and referral campaigns

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("coupon_series", JSON_DOC, nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("referral_campaigns", JSON_DOC, nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.drop_column("referral_campaigns")
        batch_op.drop_column("coupon_series")
