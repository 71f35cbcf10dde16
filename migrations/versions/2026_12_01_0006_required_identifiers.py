"""org sources: requiredIdentifiers of the org file

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # Nullable: existing sources keep their defaults until an org file names a list.
    with op.batch_alter_table("org_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required_identifiers", JSON_DOC, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("org_sources", schema=None) as batch_op:
        batch_op.drop_column("required_identifiers")
