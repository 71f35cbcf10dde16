"""Wire models of the webhooks API (documented camelCase names)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from patron.kit.ids import MAX_ID


def _whole_number(value: object) -> object:
    """Read an integral JSON number too large for 64 bits (parsed as a float) as an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer of any size, so the service answers an out-of-range value with the field's code.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
# A webhook id in a body: the range of a 64-bit key, as in paths and queries.
WebhookId = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=MAX_ID)]
# Epoch milliseconds (any size: the service checks the range) or ISO 8601 text.
Moment = Annotated[int | str, BeforeValidator(_whole_number)]


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class WebhookIn(_Wire):
    """A webhook as created or updated; omitted fields keep their value on update."""

    webhook_id: WebhookId | None = Field(default=None, alias="webHookId")
    name: str | None = None
    webhook_url: str | None = Field(default=None, alias="webHookUrl")
    method_type: str | None = Field(default=None, alias="methodType")
    webhook_headers: dict[str, str] | None = Field(default=None, alias="webHookHeaders")
    event_names: list[str] | None = Field(default=None, alias="eventNames")
    max_allowed_connections: WholeNumber | None = Field(default=None, alias="maxAllowedConnections")
    active: bool | None = None
    webhook_type: str | None = Field(default=None, alias="webHookType")
    sla_in_seconds: WholeNumber | None = Field(default=None, alias="slaInSeconds")
    customer_identifiers_to_be_enriched: list[str] | None = Field(
        default=None, alias="customerIdentifiersToBeEnriched"
    )
    payload_format: str | None = Field(default=None, alias="payloadFormat")


class ReplayEventIn(_Wire):
    """Replay one event: to every webhook that had it, or to one webhook."""

    webhook_id: WebhookId | None = Field(default=None, alias="webHookId")


class ReplayWindowIn(_Wire):
    """Replay an endpoint's events created in ``[from, to)`` (epoch ms or ISO 8601)."""

    start: Moment = Field(alias="from")
    end: Moment | None = Field(default=None, alias="to")
