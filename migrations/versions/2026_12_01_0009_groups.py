"""groups: hierarchies, companies, associations, user groups and members; group loyalty accounts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:34:04.643028
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# SQLite rebuilds a table to change it: the copy keeps AUTOINCREMENT, so ids are never reused.
KEEP_AUTOINCREMENT: dict[str, Any] = {"table_kwargs": {"sqlite_autoincrement": True}}


def upgrade() -> None:
    op.create_table(
        "group_hierarchies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("definition", JSON_DOC, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_hierarchies")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_group_hierarchies_org_id_code")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "group_companies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "hierarchy_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hierarchy_id"],
            ["group_hierarchies.id"],
            name=op.f("fk_group_companies_hierarchy_id_group_hierarchies"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["group_companies.id"],
            name=op.f("fk_group_companies_parent_id_group_companies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_companies")),
        sa.UniqueConstraint(
            "org_id", "external_id", name=op.f("uq_group_companies_org_id_external_id")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("group_companies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_companies_hierarchy_id"), ["hierarchy_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_companies_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "group_hierarchy_roles",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "hierarchy_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["hierarchy_id"],
            ["group_hierarchies.id"],
            name=op.f("fk_group_hierarchy_roles_hierarchy_id_group_hierarchies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_hierarchy_roles")),
        sa.UniqueConstraint(
            "hierarchy_id", "code", name=op.f("uq_group_hierarchy_roles_hierarchy_id_code")
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "group_associations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "hierarchy_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("role_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "parent_id IS NULL OR parent_id <> customer_id",
            name=op.f("ck_group_associations_not_own_parent"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["group_companies.id"],
            name=op.f("fk_group_associations_company_id_group_companies"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_group_associations_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hierarchy_id"],
            ["group_hierarchies.id"],
            name=op.f("fk_group_associations_hierarchy_id_group_hierarchies"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["customers.id"],
            name=op.f("fk_group_associations_parent_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["group_hierarchy_roles.id"],
            name=op.f("fk_group_associations_role_id_group_hierarchy_roles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_associations")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_group_associations_customer_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("group_associations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_associations_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_associations_hierarchy_id"), ["hierarchy_id"], unique=False
        )
        batch_op.create_index(
            "ix_group_associations_parent_id_id", ["parent_id", "id"], unique=False
        )

    op.create_table(
        "user_groups",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("max_size", sa.Integer(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("extended_fields", JSON_DOC, nullable=False),
        sa.Column(
            "hierarchy_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("max_size > 0", name=op.f("ck_user_groups_max_size_positive")),
        sa.CheckConstraint(
            "member_count <= max_size", name=op.f("ck_user_groups_member_count_within_max_size")
        ),
        sa.CheckConstraint(
            "member_count >= 0", name=op.f("ck_user_groups_member_count_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["hierarchy_id"],
            ["group_hierarchies.id"],
            name=op.f("fk_user_groups_hierarchy_id_group_hierarchies"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["customers.id"],
            name=op.f("fk_user_groups_owner_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_groups")),
        sa.UniqueConstraint(
            "org_id", "external_id", name=op.f("uq_user_groups_org_id_external_id")
        ),
        sa.UniqueConstraint("owner_id", name=op.f("uq_user_groups_owner_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "user_group_members",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.Column("permissions", JSON_DOC, nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("joined_by", sa.BigInteger(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_user_group_members_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["user_groups.id"],
            name=op.f("fk_user_group_members_group_id_user_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_group_members")),
        sa.UniqueConstraint(
            "group_id", "customer_id", name=op.f("uq_user_group_members_group_id_customer_id")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("user_group_members", schema=None) as batch_op:
        batch_op.create_index("ix_user_group_members_customer_id", ["customer_id"], unique=False)
        batch_op.create_index(
            "ix_user_group_members_one_primary",
            ["group_id"],
            unique=True,
            postgresql_where=sa.text("is_primary"),
            sqlite_where=sa.text("is_primary"),
        )
        batch_op.create_index(
            "ix_user_group_members_primary_once",
            ["customer_id"],
            unique=True,
            postgresql_where=sa.text("is_primary"),
            sqlite_where=sa.text("is_primary"),
        )

    with op.batch_alter_table("loyalty_accounts", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(
            sa.Column(
                "group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.alter_column("customer_id", existing_type=BIG_ID, nullable=True)
        batch_op.create_index(
            batch_op.f("ix_loyalty_accounts_group_id"), ["group_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_loyalty_accounts_org_id_group_id_program_id"),
            ["org_id", "group_id", "program_id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_loyalty_accounts_group_id_user_groups"),
            "user_groups",
            ["group_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_loyalty_accounts_one_owner"),
            "(customer_id IS NULL) <> (group_id IS NULL)",
        )

    with op.batch_alter_table("loyalty_bills", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(
            sa.Column(
                "group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_loyalty_bills_group_id_user_groups"),
            "user_groups",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("loyalty_requests", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column("group_id", BIG_ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_loyalty_requests_group_id_user_groups"),
            "user_groups",
            ["group_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("loyalty_transfers", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column("from_group_id", BIG_ID, nullable=True))
        batch_op.add_column(sa.Column("to_group_id", BIG_ID, nullable=True))
        batch_op.alter_column("from_customer_id", existing_type=BIG_ID, nullable=True)
        batch_op.alter_column("to_customer_id", existing_type=BIG_ID, nullable=True)
        batch_op.create_index(
            batch_op.f("ix_loyalty_transfers_from_group_id"), ["from_group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_loyalty_transfers_to_group_id"), ["to_group_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_loyalty_transfers_to_group_id_user_groups"),
            "user_groups",
            ["to_group_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_loyalty_transfers_from_group_id_user_groups"),
            "user_groups",
            ["from_group_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_loyalty_transfers_one_sender"),
            "(from_customer_id IS NULL) <> (from_group_id IS NULL)",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_loyalty_transfers_one_receiver"),
            "(to_customer_id IS NULL) <> (to_group_id IS NULL)",
        )

    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hierarchies", JSON_DOC, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("loyalty_transfers", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_loyalty_transfers_one_receiver"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_loyalty_transfers_one_sender"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_loyalty_transfers_from_group_id_user_groups"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_loyalty_transfers_to_group_id_user_groups"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_loyalty_transfers_to_group_id"))
        batch_op.drop_index(batch_op.f("ix_loyalty_transfers_from_group_id"))
        batch_op.alter_column("to_customer_id", existing_type=BIG_ID, nullable=False)
        batch_op.alter_column("from_customer_id", existing_type=BIG_ID, nullable=False)
        batch_op.drop_column("to_group_id")
        batch_op.drop_column("from_group_id")

    with op.batch_alter_table("loyalty_requests", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_loyalty_requests_group_id_user_groups"), type_="foreignkey"
        )
        batch_op.drop_column("group_id")

    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.drop_column("hierarchies")

    with op.batch_alter_table("loyalty_bills", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_loyalty_bills_group_id_user_groups"), type_="foreignkey"
        )
        batch_op.drop_column("group_id")

    with op.batch_alter_table("loyalty_accounts", schema=None, **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_loyalty_accounts_one_owner"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_loyalty_accounts_group_id_user_groups"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_loyalty_accounts_org_id_group_id_program_id"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_loyalty_accounts_group_id"))
        batch_op.alter_column("customer_id", existing_type=BIG_ID, nullable=False)
        batch_op.drop_column("group_id")

    with op.batch_alter_table("user_group_members", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_user_group_members_primary_once",
            postgresql_where=sa.text("is_primary"),
            sqlite_where=sa.text("is_primary"),
        )
        batch_op.drop_index(
            "ix_user_group_members_one_primary",
            postgresql_where=sa.text("is_primary"),
            sqlite_where=sa.text("is_primary"),
        )
        batch_op.drop_index("ix_user_group_members_customer_id")

    op.drop_table("user_group_members")
    op.drop_table("user_groups")
    with op.batch_alter_table("group_associations", schema=None) as batch_op:
        batch_op.drop_index("ix_group_associations_parent_id_id")
        batch_op.drop_index(batch_op.f("ix_group_associations_hierarchy_id"))
        batch_op.drop_index(batch_op.f("ix_group_associations_company_id"))

    op.drop_table("group_associations")
    op.drop_table("group_hierarchy_roles")
    with op.batch_alter_table("group_companies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_companies_parent_id"))
        batch_op.drop_index(batch_op.f("ix_group_companies_hierarchy_id"))

    op.drop_table("group_companies")
    op.drop_table("group_hierarchies")
