"""Turn outbox events into wire payloads, enriched or raw, per the event documents.

The outbox ``data`` of an event is the raw payload's ``data`` object; the raw format sends it
as stored and the enriched format reshapes it to the enriched samples (see docs/events.md).
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any

from patron.events.models import Event
from patron.events.payloads import customer, group, partner
from patron.events.payloads.common import restrict_customer_identifiers
from patron.events.payloads.envelope import EventShape, enriched_envelope, raw_envelope
from patron.kit import clock


class PayloadFormat(StrEnum):
    """The payload format a webhook receives."""

    ENRICHED = "ENRICHED"
    RAW = "RAW"


class PayloadError(ValueError):
    """An event that cannot be rendered: unknown name or ``data`` missing a documented key."""


class UnknownEventError(PayloadError):
    """An event name that no payload builder knows."""


SHAPES: dict[str, EventShape] = {
    name.value: shape for name, shape in (customer.SHAPES | group.SHAPES | partner.SHAPES).items()
}


def shape_for(event_name: str) -> EventShape:
    """Return the builders of ``event_name`` or raise UnknownEventError."""
    try:
        return SHAPES[event_name]
    except KeyError:
        raise UnknownEventError(
            f"no payload builder for event {event_name!r}; known: {', '.join(sorted(SHAPES))}"
        ) from None


def build_payload(
    event: Event,
    fmt: PayloadFormat,
    consumer_group_id: str | None = None,
    *,
    sent_at_ms: int | None = None,
    identifier_types: Collection[str] = (),
) -> dict[str, Any]:
    """Build the wire payload of ``event`` in format ``fmt``; ``sent_at_ms`` defaults to now.

    A non-empty ``identifier_types`` restricts the enriched ``customerIdentifiers`` blocks to
    those identifier types (see ``restricted_identifiers``); the raw format is never changed.
    """
    shape = shape_for(event.event_name)
    fmt = PayloadFormat(fmt)
    try:
        if fmt is PayloadFormat.RAW:
            return raw_envelope(event, shape.raw(event.data))
        data = shape.enriched(event.data)
        if identifier_types:
            data = restrict_customer_identifiers(data, identifier_types)
    except (KeyError, TypeError, AttributeError) as exc:
        raise PayloadError(
            f"event {event.event_id} ({event.event_name}) has malformed data: {exc!r}"
        ) from exc
    sent = sent_at_ms if sent_at_ms is not None else clock.epoch_ms(clock.now())
    return enriched_envelope(event, data, consumer_group_id, sent)


__all__ = [
    "PayloadError",
    "PayloadFormat",
    "UnknownEventError",
    "build_payload",
    "shape_for",
]
