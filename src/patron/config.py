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
    db_pool_size: int = Field(
        default=20, ge=1, description="Connections per process (and as many again on bursts)."
    )
    credential_cache_seconds: float = 60.0
    org_cache_seconds: float = 5.0
    # Failed logins answered with 429 once a threshold is reached; counted per process.
    login_failures_per_till: int = Field(
        default=10, ge=1, description="Failed Basic logins of one till code per window."
    )
    login_failures_per_client: int = Field(
        default=10, ge=1, description="Failed token requests of one API client key per window."
    )
    login_failures_per_address: int = Field(
        default=30, ge=1, description="Failed logins and token misses of one client address."
    )
    login_failure_window_seconds: int = Field(
        default=60, ge=1, description="The moving window the failure thresholds count in."
    )
    pii_sweep_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How often pending PII deletions are swept (0: only when a request starts one).",
    )
    loyalty_sweep_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How often due points are expired and released and tiers renewed (0: never).",
    )
    partner_sweep_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How often expired supplementary memberships are delinked and expiry "
        "reminders sent (0: never).",
    )
    card_sweep_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How often linked cards past their series' expiryDays are expired (0: never).",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        gt=0,
        description="Largest request body accepted (image uploads have their own limit), in bytes.",
    )
    image_max_bytes: int = Field(
        default=5 * 1024 * 1024, gt=0, description="Largest customer image accepted, in bytes."
    )
    # Webhook delivery (see docs/webhooks.md); every delay is configurable so tests run fast.
    dispatcher: bool = Field(default=True, description="Run a dispatcher inside `patron serve`.")
    dispatcher_poll_seconds: float = Field(default=0.2, gt=0)
    dispatcher_batch_size: int = Field(default=200, ge=1)
    dispatcher_concurrency: int = Field(
        default=64, ge=1, description="Requests in flight per worker."
    )
    dispatcher_shutdown_seconds: float = Field(default=10.0, ge=0)
    webhook_lease_seconds: float = Field(default=120.0, gt=0)
    webhook_timeout_seconds: float = Field(default=15.0, gt=0)
    webhook_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0)
    webhook_retry_max_delay_seconds: float = Field(default=6 * 3600.0, gt=0)
    webhook_retry_window_seconds: float = Field(default=7 * 86400.0, gt=0)
    webhook_disable_after_seconds: float = Field(default=5 * 86400.0, ge=0)
    webhook_disable_after_failures: int = Field(default=50, ge=1)
    webhook_secret_overlap_seconds: float = Field(default=86400.0, ge=0)
    webhook_allow_private_addresses: bool = False
    webhook_replay_max_events: int = Field(default=100_000, ge=1)

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
