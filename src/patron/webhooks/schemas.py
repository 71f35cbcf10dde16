"""Wire models of the webhooks API (documented camelCase names)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class WebhookIn(_Wire):
    """A webhook as created or updated; omitted fields keep their value on update."""

    webhook_id: int | None = Field(default=None, alias="webHookId")
    name: str | None = None
    webhook_url: str | None = Field(default=None, alias="webHookUrl")
    method_type: str | None = Field(default=None, alias="methodType")
    webhook_headers: dict[str, str] | None = Field(default=None, alias="webHookHeaders")
    event_names: list[str] | None = Field(default=None, alias="eventNames")
    max_allowed_connections: int | None = Field(default=None, alias="maxAllowedConnections")
    active: bool | None = None
    webhook_type: str | None = Field(default=None, alias="webHookType")
    sla_in_seconds: int | None = Field(default=None, alias="slaInSeconds")
    customer_identifiers_to_be_enriched: list[str] | None = Field(
        default=None, alias="customerIdentifiersToBeEnriched"
    )
    payload_format: str | None = Field(default=None, alias="payloadFormat")


class ReplayEventIn(_Wire):
    """Replay one event: to every webhook that had it, or to one webhook."""

    webhook_id: int | None = Field(default=None, alias="webHookId")


class ReplayWindowIn(_Wire):
    """Replay an endpoint's events created in ``[from, to)`` (epoch ms or ISO 8601)."""

    start: int | str = Field(alias="from")
    end: int | str | None = Field(default=None, alias="to")
