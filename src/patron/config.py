"""Runtime settings, read from the environment (prefix ``PATRON_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything patron can be told at start-up; defaults give a working embedded setup."""

    model_config = SettingsConfigDict(env_prefix="PATRON_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to an SQLite file in the data directory.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "INFO"
    log_json: bool = True
    create_demo_org: bool = True
    token_ttl_seconds: int = Field(default=3600, ge=60, le=3600)
    db_pool_size: int = 10
    credential_cache_seconds: float = 60.0
    org_cache_seconds: float = 5.0

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to ``<data_dir>/patron.db``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'patron.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the configured database is SQLite."""
        return self.resolved_database_url.startswith("sqlite")
