"""Rendering webhooks and their delivery log in the documented wire shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from patron.events.models import Event
from patron.kit import clock
from patron.webhooks.models import Delivery, DeliveryAttempt, Webhook
from patron.webhooks.retry import RetryPolicy

MASK = "********"


def masked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Return the static headers with every value hidden."""
    return dict.fromkeys(headers, MASK)


def render_webhook(
    webhook: Webhook, policy: RetryPolicy, tz: dt.tzinfo, *, secret: str | None = None
) -> dict[str, Any]:
    """Render a webhook, its date-times in ``tz`` (the org's time zone); the signing secret
    only when it has just been created or rotated."""
    out: dict[str, Any] = {
        "webHookId": webhook.id,
        "name": webhook.name,
        "eventNames": list(webhook.event_names),
        "webHookUrl": webhook.url,
        "webHookType": webhook.kind,
        "methodType": webhook.method,
        "webHookHeaders": masked_headers(webhook.headers),
        "noOfRetryAttempts": policy.retry_attempts(),
        "maxAllowedConnections": webhook.max_connections,
        "active": webhook.is_active,
        "slaInSeconds": webhook.sla_seconds,
        "consumerGroupId": webhook.consumer_group_id,
        "attribution": {
            "createdOn": clock.iso(webhook.created_at, tz),
            "lastUpdatedOn": clock.iso(webhook.updated_at, tz),
            "createdBy": webhook.created_by,
            "lastUpdatedBy": webhook.updated_by,
        },
        # Both payload formats carry the till and store that made the change.
        "tillDetailsEnrichmentEnabled": True,
        "storeDetailsEnrichmentEnabled": True,
        "customerIdentifiersToBeEnriched": list(webhook.identifiers_to_enrich),
        "availablePointsBalanceEnrichmentEnabled": False,
        "payloadFormat": webhook.payload_format,
        "disabledReason": webhook.disabled_reason,
        "previousSecretExpiresOn": clock.iso(webhook.previous_secret_until, tz),
    }
    if secret is not None:
        out["secret"] = secret
    return out


def _ms(moment: dt.datetime | None) -> int | None:
    return None if moment is None else clock.epoch_ms(moment)


def render_attempt(attempt: DeliveryAttempt) -> dict[str, Any]:
    """Render one attempt of the delivery log."""
    return {
        "attemptedAt": _ms(attempt.started_at),
        "endedAt": _ms(attempt.ended_at),
        "httpStatus": attempt.status_code,
        "timeTakenMs": attempt.duration_ms,
        "outcome": attempt.outcome or "IN_FLIGHT",
        "error": attempt.error,
    }


def render_delivery(
    delivery: Delivery, webhook: Webhook, attempts: Sequence[DeliveryAttempt]
) -> dict[str, Any]:
    """Render one delivery with every attempt."""
    taken = None
    if delivery.ended_at is not None:
        taken = (delivery.ended_at - delivery.created_at).total_seconds()
    return {
        "webHookId": webhook.id,
        "webHookName": webhook.name,
        "webHookType": webhook.kind,
        "consumerGroupId": webhook.consumer_group_id,
        "status": delivery.status,
        "ingestedAt": _ms(delivery.created_at),
        "startedAt": _ms(delivery.started_at),
        "endedAt": _ms(delivery.ended_at),
        "nextAttemptAt": _ms(delivery.next_attempt_at) if delivery.status == "PENDING" else None,
        "httpStatus": delivery.last_status_code,
        "error": delivery.last_error,
        "attemptCount": delivery.attempt_count,
        "replayCount": delivery.replay_count,
        "slaBreached": bool(
            webhook.sla_seconds and taken is not None and taken > webhook.sla_seconds
        ),
        "attempts": [render_attempt(a) for a in attempts],
    }


def render_event_log(
    event: Event,
    deliveries: Sequence[Delivery],
    webhooks: Mapping[int, Webhook],
    attempts: Mapping[int, Sequence[DeliveryAttempt]],
) -> dict[str, Any]:
    """Render an event and what happened to it at every webhook."""
    return {
        "eventId": event.event_id,
        "eventName": event.event_name,
        "orgId": event.org_id,
        "refId": event.ref_id,
        "requestId": event.api_request_id,
        "createdAt": clock.epoch_ms(event.created_at),
        "ingestedAt": _ms(event.fanned_out_at),
        "deliveries": [
            render_delivery(d, webhooks[d.webhook_id], attempts.get(d.id, ()))
            for d in deliveries
            if d.webhook_id in webhooks
        ],
    }
