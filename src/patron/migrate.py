"""Running the Alembic migrations that define the schema."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import patron


def migrations_dir() -> Path:
    """Locate the migrations folder (beside ``src/`` in a checkout)."""
    override = os.environ.get("PATRON_MIGRATIONS_DIR")
    if override:
        return Path(override)
    return Path(patron.__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str) -> Config:
    """Build an Alembic configuration for ``url``."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Upgrade the database at ``url`` to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def is_current(engine: Engine) -> bool:
    """Tell whether the database is at the newest revision."""
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    return set(current) == set(script.get_heads())
