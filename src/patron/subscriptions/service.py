"""Rules of subscriptions: validate a change, apply it, report what changed, list the state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.events import entered_by, load_customer_identifiers
from patron.customers.lookup import get_customer
from patron.customers.sources import resolve_source_account
from patron.errors import Conflict, Invalid
from patron.events.catalogue import EventName
from patron.events.outbox import record_event
from patron.kit import clock
from patron.orgs.catalog import Source
from patron.orgs.config import OrgConfig
from patron.subscriptions import repository
from patron.subscriptions.models import Subscription
from patron.subscriptions.repository import Key
from patron.subscriptions.schemas import ScopeIn, SubscriptionIn, UpdateSubscriptionsIn
from patron.subscriptions.vocabulary import (
    CHANNEL_ORDER,
    DEFAULT_STATUS,
    PRIORITY_ORDER,
    Channel,
    Priority,
    Status,
    parse_channel,
    parse_priority,
    parse_status,
)

INVALID_CHANNEL = 1101
INVALID_PRIORITY = 1102
INVALID_SCOPE = 1103
INVALID_IDENTIFIER = 1104
MULTIPLE_SCOPES = 1105
INVALID_STATUS = 1106
INVALID_CAMPAIGN = 1107
INVALID_COMMUNICATION = 1108
NOTHING_TO_UPDATE = 1109
UPDATE_FAILED = 1110
INVALID_INPUT = 400

USER_SCOPE = "USER"
NO_SUB_SCOPE = "NONE"
NOT_SET = -1  # campaignId, communicationId and ouId when the request names none
MAX_ID = 2**63 - 1

# Channels listed even when never set: the GET sample lists email and SMS, the embed sample
# adds the app channels.
LISTED_CHANNELS = (Channel.EMAIL, Channel.MOBILE)
EMBED_CHANNELS = (Channel.EMAIL, Channel.MOBILE, Channel.ANDROID, Channel.IOS)


@dataclass(frozen=True)
class Change:
    """One validated item of an update."""

    key: Key
    status: Status
    org_unit_id: int | None


@dataclass(frozen=True)
class Update:
    """A validated update request."""

    changes: tuple[Change, ...]
    campaign_id: int
    communication_id: int
    reason: str
    scope: dict[str, Any]


def parse_customer_id(text: str) -> int:
    """Return the customer id of a path; anything but a positive integer is 1104."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
        raise Invalid(INVALID_IDENTIFIER, f"Invalid identifier or no identifier passed: {text!r}")
    return int(value)


def _optional_id(text: str | None, code: int, name: str) -> int:
    if text is None or not text.strip():
        return NOT_SET
    value = text.strip()
    digits = value.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or not NOT_SET <= int(value) <= MAX_ID:
        raise Invalid(code, f"Invalid {name} passed: {text!r}")
    return int(value)


def _scope(scope: ScopeIn | list[ScopeIn] | str | None) -> dict[str, Any]:
    if isinstance(scope, list):
        if len(scope) > 1:
            raise Invalid(MULTIPLE_SCOPES, "Multiple scopes are not allowed")
        scope = scope[0] if scope else None
    if isinstance(scope, str):
        scope = ScopeIn(scope=scope)
    given = scope or ScopeIn()
    name = (given.scope or USER_SCOPE).strip().upper()
    sub_scope = (given.sub_scope or NO_SUB_SCOPE).strip().upper()
    if name != USER_SCOPE or sub_scope != NO_SUB_SCOPE:
        raise Invalid(
            INVALID_SCOPE, f"Invalid scope: {name}/{sub_scope}; only USER/NONE is supported"
        )
    scope_id = _optional_id(given.scope_id, INVALID_SCOPE, "scope id")
    return {
        "scopeId": max(scope_id, 0),
        "scope": name,
        "subScope": sub_scope,
        "setCreatedOn": False,
        "setPriority": False,
        "setScopeId": given.scope_id is not None,
        "setScope": given.scope is not None,
        "setSubScope": given.sub_scope is not None,
    }


def _change(org: OrgConfig, item: SubscriptionIn) -> Change:
    channel = parse_channel(item.channel)
    if channel is None:
        raise Invalid(INVALID_CHANNEL, f"Invalid channel type: {item.channel!r}")
    priority = parse_priority(item.priority)
    if priority is None:
        raise Invalid(INVALID_PRIORITY, f"Invalid priority type: {item.priority!r}")
    status = parse_status(item.type)
    if status is None:
        raise Invalid(INVALID_STATUS, f"Invalid subscription status passed: {item.type!r}")
    where = resolve_source_account(org, item.source_name or Source.INSTORE, item.account_id)
    assert where is not None  # ALL is not allowed here
    org_unit = _optional_id(item.org_unit_id, INVALID_INPUT, "orgUnitId")
    return Change(
        Key(channel.value, priority.value, where.source.value, where.account_id),
        status,
        org_unit if org_unit != NOT_SET else None,
    )


def parse_update(org: OrgConfig, body: UpdateSubscriptionsIn) -> Update:
    """Validate an update request; every invalid part answers its documented code."""
    if not body.subscriptions:
        raise Invalid(
            NOTHING_TO_UPDATE, "Unable to update subscription details: no subscriptions passed"
        )
    return Update(
        changes=tuple(_change(org, item) for item in body.subscriptions),
        campaign_id=_optional_id(body.campaign_id, INVALID_CAMPAIGN, "campaign id"),
        communication_id=_optional_id(body.communication_id, INVALID_COMMUNICATION, "outbox id"),
        reason=body.reason or "",
        scope=_scope(body.scope),
    )


def _item(key: Key, status: str) -> dict[str, Any]:
    return {"channel": Channel(key.channel).wire_name, "priority": key.priority, "type": status}


def _listed_item(key: Key, status: str) -> dict[str, Any]:
    if key.source == Source.INSTORE:
        return _item(key, status)
    return {**_item(key, status), "accountId": key.account_id, "sourceName": key.source}


def _event_item(key: Key, previous: str, row: Subscription) -> dict[str, Any]:
    return {
        "sourceAccountId": key.account_id,
        "previousStatus": previous,
        "currentStatus": row.status,
        "channel": Channel(key.channel).wire_name,
        "sourceName": key.source,
        "priority": key.priority,
        "ouId": row.org_unit_id if row.org_unit_id is not None else NOT_SET,
        "ouCode": "",
    }


def update_subscriptions(
    session: Session,
    principal: Principal,
    customer_id: int,
    body: UpdateSubscriptionsIn,
    api_request_id: str,
) -> dict[str, Any]:
    """Opt a customer in or out; write one customerSubscription event if any status changed."""
    update = parse_update(principal.org, body)
    customer = get_customer(session, principal.org_id, customer_id)
    final: dict[Key, Change] = {}
    for change in update.changes:
        final.pop(change.key, None)
        final[change.key] = change  # the last item for a key wins, in request order
    now = clock.now()
    try:
        rows = repository.lock_subscriptions(
            session,
            principal.org_id,
            customer.id,
            list(final),
            default_status=DEFAULT_STATUS.value,
            at=now,
        )
        changed: list[dict[str, Any]] = []
        for key, change in final.items():
            row = rows[key]
            previous = row.status
            row.status = change.status.value
            row.org_unit_id = change.org_unit_id
            row.campaign_id = update.campaign_id
            row.communication_id = update.communication_id
            row.reason = update.reason or None
            row.updated_at = now
            row.updated_by = principal.till_id
            if previous != row.status:
                changed.append(_event_item(key, previous, row))
        session.flush()
    except IntegrityError as exc:
        raise Conflict(UPDATE_FAILED, "Unable to update subscription details") from exc
    if changed:
        record_event(
            session,
            org_id=principal.org_id,
            name=EventName.CUSTOMER_SUBSCRIPTION,
            entity_id=customer.id,
            data={
                "customerIdentifiers": load_customer_identifiers(session, customer),
                "subscriptions": changed,
                "enteredBy": entered_by(principal),
            },
            api_request_id=api_request_id,
        )
        session.flush()
    return {
        "scope": update.scope,
        "subscriptions": [
            {
                "channel": Channel(change.key.channel).wire_name,
                "accountId": change.key.account_id,
                "priority": change.key.priority,
                "type": change.status.value,
            }
            for change in update.changes
        ],
        "campaignId": update.campaign_id,
        "communicationId": update.communication_id,
        "reason": update.reason,
        "warnings": [],
    }


def _listing(rows: Iterable[Subscription], channels: Sequence[Channel]) -> list[dict[str, Any]]:
    status: dict[Key, str] = {
        Key(channel.value, priority.value, Source.INSTORE.value, ""): DEFAULT_STATUS.value
        for priority in Priority
        for channel in channels
    }
    status.update({repository.key_of(row): row.status for row in rows})

    def order(key: Key) -> tuple[int, bool, str, str, int]:
        return (
            PRIORITY_ORDER[Priority(key.priority)],
            key.source != Source.INSTORE,
            key.source,
            key.account_id,
            CHANNEL_ORDER[Channel(key.channel)],
        )

    return [_listed_item(key, status[key]) for key in sorted(status, key=order)]


def get_subscriptions(session: Session, org_id: int, customer_id: int) -> dict[str, Any]:
    """Return the customer's subscriptions as ``GET …/subscriptions`` documents them."""
    customer = get_customer(session, org_id, customer_id)
    rows = repository.list_subscriptions(session, org_id, customer.id)
    return {
        "subscriptions": _listing(rows, LISTED_CHANNELS),
        "campaignId": 0,
        "communicationId": 0,
        "warnings": [],
    }


def subscription_info(session: Session, org_id: int, customer_id: int) -> dict[str, Any]:
    """Return the ``subscriptionInfo`` object of a customer fetched with ``embed=subscriptions``."""
    rows = repository.list_subscriptions(session, org_id, customer_id)
    return {"subscriptions": _listing(rows, EMBED_CHANNELS)}


def move_subscriptions(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Give the victim's subscriptions to the survivor, which keeps its own on a collision."""
    kept = {
        repository.key_of(row)
        for row in repository.list_subscriptions(session, org_id, survivor_id)
    }
    for row in repository.list_subscriptions(session, org_id, victim_id):
        if repository.key_of(row) in kept:
            session.delete(row)
        else:
            row.customer_id = survivor_id
    session.flush()


def delete_subscriptions(session: Session, org_id: int, customer_id: int) -> None:
    """Delete every subscription of the customer."""
    repository.delete_subscriptions(session, org_id, customer_id)
    session.flush()
