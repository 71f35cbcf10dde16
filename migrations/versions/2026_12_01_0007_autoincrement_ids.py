"""surrogate ids are never reused: AUTOINCREMENT keys on SQLite

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00

SQLite gives a plain INTEGER PRIMARY KEY the largest rowid plus one, so the id of the newest
row, once deleted, goes to the next row. AUTOINCREMENT keys never go back; SQLite can only add
them by recreating the table, which batch mode does keeping the rows, the constraints and the
indexes it can reflect. Expression indexes it cannot reflect are re-created from their stored
SQL. PostgreSQL sequences never hand out a number twice: nothing changes there.
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table with a surrogate integer key at this revision.
TABLES = (
    "api_clients",
    "change_requests",
    "comm_channels",
    "custom_field_defs",
    "customer_images",
    "customers",
    "deliveries",
    "delivery_attempts",
    "events",
    "extended_field_defs",
    "identifiers",
    "org_sources",
    "profiles",
    "status_labels",
    "status_log",
    "stores",
    "subscriptions",
    "tills",
    "webhooks",
)


def upgrade() -> None:
    _recreate(autoincrement=True)


def downgrade() -> None:
    _recreate(autoincrement=False)


def _index_sql(bind: sa.Connection, table: str) -> dict[str, str]:
    rows = bind.execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"
        ),
        {"table": table},
    )
    return {str(name): str(sql) for name, sql in rows}


def _recreate(*, autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # Dropping the old table with foreign keys enforced would cascade into its children.
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("run this migration with SQLite foreign keys off (PRAGMA foreign_keys)")
    for table in TABLES:
        indexes = _index_sql(bind, table)
        with warnings.catch_warnings():
            # The expression indexes batch mode skips are re-created below.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
            ):
                pass
        recreated = _index_sql(bind, table)
        for name, sql in indexes.items():
            if recreated.get(name) != sql:
                op.execute(sa.text(f'DROP INDEX IF EXISTS "{name}"'))
                op.execute(sa.text(sql))
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"foreign keys broken by the table copies: {broken[:5]}")
