"""The two wire envelopes around an event's ``data``: enriched and raw."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from patron.events.models import Event
from patron.kit import clock

Shaper = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class EventShape:
    """How one event's stored ``data`` becomes the enriched and the raw ``data``."""

    enriched: Shaper
    raw: Shaper


def enriched_envelope(
    event: Event, data: dict[str, Any], consumer_group_id: str | None, sent_at_ms: int
) -> dict[str, Any]:
    """Wrap ``data`` in the enriched envelope (``eventType`` is ``<orgId>_<eventName>``)."""
    return {
        "eventId": event.event_id,
        "eventType": f"{event.org_id}_{event.event_name}",
        "consumerGroupId": consumer_group_id,
        "actionType": "START",
        "timeStamp": sent_at_ms,
        "attributes": {
            "createdAt": clock.epoch_ms(event.created_at),
            "data": data,
            "eventName": event.event_name,
            "refId": event.ref_id,
            "apiRequestId": event.api_request_id,
            "orgId": event.org_id,
        },
    }


def raw_envelope(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    """Wrap ``data`` in the raw envelope (``eventLogId`` is the outbox row id)."""
    return {
        "eventName": event.event_name,
        "eventLogId": event.id,
        "data": data,
        "refId": event.ref_id,
        "loyaltyEventId": None,
        "apiRequestId": event.api_request_id,
        "eventId": event.event_id,
        "createdAt": clock.epoch_ms(event.created_at),
        "traceAttributes": {},
        "orgId": event.org_id,
    }
