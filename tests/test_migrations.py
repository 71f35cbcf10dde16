"""The schema comes from the migrations, and they agree with the models."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from patron.db import Database
from patron.migrate import is_current
from patron.tables import metadata


def test_database_is_at_head(db: Database) -> None:
    assert is_current(db.writer)


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_models_and_migrations_agree(db: Database) -> None:
    with db.writer.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _declared_in_models}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def _declared_in_models(obj: Any, name: str | None, type_: str, reflected: bool, _: Any) -> bool:
    # Expression indexes for prefix search are dialect-specific DDL that only migrations hold.
    return not (type_ == "index" and name is not None and name.endswith("_prefix"))
