"""org file: partner programs and card series

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:09:01.717238
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("partner_programs", JSON_DOC, nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("partner_program_settings", JSON_DOC, nullable=False, server_default="{}")
        )
        batch_op.add_column(sa.Column("card_series", JSON_DOC, nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("card_status_labels", JSON_DOC, nullable=False, server_default="{}")
        )


def downgrade() -> None:
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.drop_column("card_status_labels")
        batch_op.drop_column("card_series")
        batch_op.drop_column("partner_program_settings")
        batch_op.drop_column("partner_programs")
