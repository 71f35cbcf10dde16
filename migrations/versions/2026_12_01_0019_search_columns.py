"""customer search: stored lower-cased names and identifier values, covering prefix indexes

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 19:00:00.000000

The lower-cased copies are generated columns, so every write path keeps them right by itself:
STORED on PostgreSQL, VIRTUAL on SQLite (which cannot add a STORED column to a table; its index
stores the value all the same). Each index holds the org, the lower-cased value in pattern order
and the customer id, so a search counts and pages its matches from the indexes alone. They
replace the expression indexes of migration 0004.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, new column, source column, its length)
COLUMNS = (
    ("profiles", "first_name_lower", "first_name", 200),
    ("profiles", "last_name_lower", "last_name", 200),
    ("identifiers", "value_lower", "value", 255),
)
# (name, table, columns after org_id): the lower-cased value first, then what a search reads.
INDEXES = (
    ("ix_profiles_search_first_name", "profiles", ("first_name_lower", "customer_id")),
    ("ix_profiles_search_last_name", "profiles", ("last_name_lower", "customer_id")),
    ("ix_identifiers_search_value", "identifiers", ("value_lower", "customer_id", "type")),
)
# The expression indexes of migration 0004 these replace.
OLD_INDEXES = (
    ("ix_profiles_first_name_prefix", "profiles", "first_name"),
    ("ix_profiles_last_name_prefix", "profiles", "last_name"),
    ("ix_identifiers_value_prefix", "identifiers", "value"),
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in ("profiles", "identifiers"):
        added = [
            f"ADD COLUMN {column} VARCHAR({length}) GENERATED ALWAYS AS (lower({source}))"
            f" {'STORED' if postgres else 'VIRTUAL'}"
            for name, column, source, length in COLUMNS
            if name == table
        ]
        if postgres:
            # One statement per table: PostgreSQL rewrites the table once for all its columns.
            op.execute(f"ALTER TABLE {table} {', '.join(added)}")
        else:
            for clause in added:
                op.execute(f"ALTER TABLE {table} {clause}")
    for name, table, columns in INDEXES:
        op.create_index(
            name,
            table,
            ["org_id", *columns],
            unique=False,
            postgresql_ops={columns[0]: "text_pattern_ops"},
        )
    for name, _table, _column in OLD_INDEXES:
        op.execute(f"DROP INDEX {name}")


def downgrade() -> None:
    pattern_ops = " text_pattern_ops" if op.get_bind().dialect.name == "postgresql" else ""
    for name, table, column in OLD_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} (org_id, lower({column}){pattern_ops})")
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    for table, column, _source, _length in COLUMNS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
