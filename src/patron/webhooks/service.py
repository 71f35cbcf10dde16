"""Configuring webhooks: create, read, update, delete, and rotate the signing secret."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.config import Settings
from patron.db import INT32_MAX
from patron.errors import Invalid
from patron.events.catalogue import EventName
from patron.events.payloads import PayloadFormat
from patron.kit import clock
from patron.webhooks import codes, repository
from patron.webhooks.addresses import check_destination, parse_destination
from patron.webhooks.enrichment import identifier_types
from patron.webhooks.headers import static_headers
from patron.webhooks.models import Webhook, WebhookType
from patron.webhooks.schemas import WebhookIn
from patron.webhooks.signing import new_secret

METHODS = ("POST", "PUT", "PATCH")
MAX_NAME = 200
EVENT_NAMES = frozenset(e.value for e in EventName)
# Other names of a webhook type: the hosted API calls its queue type QUEUE_INT.
TYPE_ALIASES = {"QUEUE_INT": WebhookType.QUEUE.value}


@dataclass(frozen=True)
class Created:
    """A new webhook and its signing secret (shown to the caller only now)."""

    webhook: Webhook
    secret: str


def may_reach_private(principal: Principal, settings: Settings) -> bool:
    """Tell whether this org's webhooks may target loopback, private or link-local hosts."""
    return settings.webhook_allow_private_addresses or principal.org.allow_private_webhooks


def _enum(
    value: str | None,
    allowed: tuple[str, ...],
    code: int,
    what: str,
    aliases: dict[str, str] | None = None,
) -> str | None:
    if value is None:
        return None
    upper = value.strip().upper()
    upper = (aliases or {}).get(upper, upper)
    if upper not in allowed:
        names = ", ".join((*allowed, *(aliases or {})))
        raise Invalid(code, f"Invalid {what} {value!r}: use one of {names}")
    return upper


def _name(value: str | None) -> str | None:
    if value is None:
        return None
    name = value.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid(codes.NAME_INVALID, f"name must be 1 to {MAX_NAME} characters")
    return name


def _event_names(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    names = list(dict.fromkeys(v.strip() for v in values))
    if not names:
        raise Invalid(codes.EVENT_NAMES_INVALID, "eventNames must name at least one event")
    unknown = [n for n in names if n not in EVENT_NAMES]
    if unknown:
        raise Invalid(codes.EVENT_NAMES_INVALID, f"Unknown event name(s): {', '.join(unknown)}")
    return names


def _max_connections(value: int | None, *, required: bool) -> int | None:
    if value is None:
        if required:
            raise Invalid(codes.MAX_CONNECTIONS_MISSING, "maxAllowedConnections is required")
        return None
    if not 0 < value <= INT32_MAX:
        raise Invalid(
            codes.MAX_CONNECTIONS_INVALID,
            f"maxAllowedConnections must be more than 0 and at most {INT32_MAX}",
        )
    return value


def _sla(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= INT32_MAX:
        raise Invalid(codes.SLA_INVALID, f"slaInSeconds must be from 0 to {INT32_MAX}")
    return value


def _changes(body: WebhookIn, current: Webhook | None) -> dict[str, Any]:
    """Validate the body and return the attributes it sets."""
    creating = current is None
    changes: dict[str, Any] = {
        "name": _name(body.name),
        "event_names": _event_names(body.event_names),
        "max_connections": _max_connections(body.max_allowed_connections, required=creating),
        "kind": _enum(
            body.webhook_type, tuple(WebhookType), codes.TYPE_INVALID, "webHookType", TYPE_ALIASES
        ),
        "method": _enum(body.method_type, METHODS, codes.METHOD_INVALID, "methodType"),
        "payload_format": _enum(
            body.payload_format, tuple(PayloadFormat), codes.PAYLOAD_FORMAT_INVALID, "payloadFormat"
        ),
        "headers": static_headers(body.webhook_headers, current.headers if current else {}),
        "is_active": body.active,
        "sla_seconds": _sla(body.sla_in_seconds),
        "identifiers_to_enrich": identifier_types(body.customer_identifiers_to_be_enriched),
        "url": body.webhook_url.strip() if body.webhook_url is not None else None,
    }
    if creating:
        if changes["name"] is None:
            raise Invalid(codes.NAME_INVALID, "name is required")
        if changes["event_names"] is None:
            raise Invalid(codes.EVENT_NAMES_INVALID, "eventNames is required")
        if not changes["url"]:
            raise codes.url_invalid("webHookUrl is required")
    return {key: value for key, value in changes.items() if value is not None}


def _check_url(url: str, kind: str, principal: Principal, settings: Settings) -> None:
    destination = parse_destination(url, WebhookType(kind))
    check_destination(destination, allow_private=may_reach_private(principal, settings))


@contextmanager
def _unique_name(session: Session, name: str) -> Iterator[None]:
    """Apply the block's changes in a savepoint; a taken name becomes the documented conflict."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError:
        raise codes.name_taken(name) from None


def create_webhook(
    session: Session, principal: Principal, body: WebhookIn, settings: Settings
) -> Created:
    """Create a webhook with a fresh signing secret and consumer group."""
    changes = _changes(body, None)
    now = clock.now()
    secret = new_secret()
    webhook = Webhook(
        org_id=principal.org_id,
        kind=WebhookType.HTTP.value,
        method="POST",
        headers={},
        is_active=True,
        identifiers_to_enrich=[],
        payload_format=PayloadFormat.ENRICHED.value,
        consumer_group_id=str(uuid.uuid4()),
        secret=secret,
        consecutive_failures=0,
        created_at=now,
        created_by=principal.till_code,
        updated_at=now,
        updated_by=principal.till_code,
    )
    for key, value in changes.items():
        setattr(webhook, key, value)
    _check_url(webhook.url, webhook.kind, principal, settings)
    with _unique_name(session, webhook.name):
        session.add(webhook)
    return Created(webhook, secret)


def get_webhook(session: Session, principal: Principal, webhook_id: int) -> Webhook:
    """Return the org's webhook or raise NotFound."""
    webhook = repository.get_webhook(session, principal.org_id, webhook_id)
    if webhook is None:
        raise codes.webhook_not_found(webhook_id)
    return webhook


def list_webhooks(session: Session, principal: Principal) -> list[Webhook]:
    """Return the org's webhooks."""
    return repository.list_webhooks(session, principal.org_id)


def update_webhook(
    session: Session, principal: Principal, webhook_id: int, body: WebhookIn, settings: Settings
) -> Webhook:
    """Update the fields the body names; deactivating pauses what is still pending."""
    webhook = get_webhook(session, principal, webhook_id)
    changes = _changes(body, webhook)
    if "url" in changes or "kind" in changes:
        url, kind = changes.get("url", webhook.url), changes.get("kind", webhook.kind)
        _check_url(url, kind, principal, settings)
    was_active = webhook.is_active
    with _unique_name(session, changes.get("name", webhook.name)):
        for key, value in changes.items():
            setattr(webhook, key, value)
        if was_active and not webhook.is_active:
            repository.pause_pending(session, webhook.id)
        if webhook.is_active and not was_active:
            webhook.disabled_reason = None
            webhook.failing_since = None
            webhook.consecutive_failures = 0
        webhook.updated_at = clock.now()
        webhook.updated_by = principal.till_code
    return webhook


def delete_webhook(session: Session, principal: Principal, webhook_id: int) -> None:
    """Delete a webhook with its deliveries and their log."""
    webhook = get_webhook(session, principal, webhook_id)
    session.delete(webhook)
    session.flush()


def rotate_secret(
    session: Session, principal: Principal, webhook_id: int, settings: Settings
) -> Created:
    """Replace the signing secret; the old one keeps signing during the overlap window."""
    webhook = get_webhook(session, principal, webhook_id)
    now = clock.now()
    secret = new_secret()
    webhook.previous_secret = webhook.secret
    webhook.previous_secret_until = now + dt.timedelta(
        seconds=settings.webhook_secret_overlap_seconds
    )
    webhook.secret = secret
    webhook.updated_at = now
    webhook.updated_by = principal.till_code
    session.flush()
    return Created(webhook, secret)
