"""Payloads of the customer events: customerAdded, customerUpdated, customerSubscription.

The outbox ``data`` of customerAdded is ``patron.customers.events.profile_event_data``;
customerUpdated adds ``updatedFields``, ``customerStatus`` and ``triggeringActivity`` to it;
customerSubscription carries the customer's identifiers and the subscription changes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from patron.events.catalogue import EventName
from patron.events.payloads.common import enriched_identifiers, raw_data, without_user
from patron.events.payloads.envelope import EventShape


class UpdatedFieldType(StrEnum):
    """What kind of field an ``updatedFields`` entry reports."""

    STANDARD = "StandardField"
    CUSTOM = "CustomField"
    EXTENDED = "ExtendedField"
    IDENTIFIER = "Identifier"


def updated_field(
    field_name: str,
    previous_value: Any,
    current_value: Any,
    field_type: UpdatedFieldType,
    *,
    source: str | None = None,
    account_id: str | None = None,
) -> dict[str, Any]:
    """Render one ``updatedFields`` entry; ``source``/``accountId`` name the profile changed."""
    entry: dict[str, Any] = {
        "fieldName": field_name,
        "previousValue": previous_value,
        "currentValue": current_value,
    }
    if source is not None:
        entry["source"] = source
    if account_id is not None:
        entry["accountId"] = account_id
    entry["fieldType"] = field_type.value
    return entry


def customer_status_change(
    *,
    previous_status: str | None,
    previous_label: str | None,
    current_status: str,
    current_label: str,
    reason: str | None,
) -> dict[str, Any]:
    """Render the ``customerStatus`` block of a status change."""
    return {
        "previousStatus": previous_status,
        "previousLabel": previous_label,
        "currentStatus": current_status,
        "currentLabel": current_label,
        "reason": reason,
    }


def triggering_activity(name: str, request_id: str) -> dict[str, Any]:
    """Render the ``triggeringActivity`` of a customer update (``PROFILE_UPDATE``…)."""
    return {"name": name, "requestId": request_id}


def customer_updated_data(
    profile_data: Mapping[str, Any],
    updated_fields: Sequence[Mapping[str, Any]],
    activity: Mapping[str, Any],
    customer_status: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return customerUpdated ``data``: the customerAdded data plus what changed and why."""
    data = copy.deepcopy(dict(profile_data))
    data["updatedFields"] = [dict(field) for field in updated_fields]
    if customer_status is not None:
        data["customerStatus"] = dict(customer_status)
    data["triggeringActivity"] = dict(activity)
    return data


def subscription_change(
    *,
    source_account_id: str,
    previous_status: str | None,
    current_status: str,
    channel: str,
    source_name: str,
    priority: str,
    ou_id: int | None = None,
    ou_code: str | None = None,
) -> dict[str, Any]:
    """Render one ``subscriptions`` entry: a channel's status before and after."""
    return {
        "sourceAccountId": source_account_id,
        "previousStatus": previous_status,
        "currentStatus": current_status,
        "channel": channel,
        "sourceName": source_name,
        "priority": priority,
        "ouId": ou_id,
        "ouCode": ou_code,
    }


def customer_subscription_data(
    customer_identifiers: Mapping[str, Any], subscriptions: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Return customerSubscription ``data``."""
    return {
        "customerIdentifiers": copy.deepcopy(dict(customer_identifiers)),
        "subscriptions": [dict(entry) for entry in subscriptions],
    }


def enriched_customer_added(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape enriched customerAdded ``data``: upper-case loyalty type, lower-case source."""
    return {
        "loyaltyType": str(data["loyaltyType"]).upper(),
        "source": str(data["source"]).lower(),
        "firstName": data["firstName"],
        "lastName": data["lastName"],
        "enteredAt": data["enteredAt"],
        "enteredBy": without_user(data["enteredBy"]),
        "customerIdentifiers": enriched_identifiers(data["customerIdentifiers"]),
    }


def _enriched_updated_field(field: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("fieldName", "previousValue", "currentValue", "fieldType")
    return {key: copy.deepcopy(field.get(key)) for key in keys}


def enriched_customer_updated(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape enriched customerUpdated ``data`` after the PII-deletion sample."""
    out: dict[str, Any] = {
        "loyaltyType": data["loyaltyType"],
        "source": data["source"],
        "accountId": data["accountId"],
        "firstName": data["firstName"],
        "lastName": data["lastName"],
        "enteredAt": data["enteredAt"],
        "enteredBy": without_user(data["enteredBy"]),
        "updatedFields": [_enriched_updated_field(f) for f in data.get("updatedFields", [])],
    }
    status = data.get("customerStatus")
    if status is not None:
        out["customerStatus"] = {
            "currentLabel": status.get("currentLabel"),
            "reason": status.get("reason"),
        }
    activity = data.get("triggeringActivity")
    if activity is not None:
        out["triggeringActivity"] = copy.deepcopy(activity)
    out["customerIdentifiers"] = enriched_identifiers(
        data["customerIdentifiers"], keep_empty_card_list=True
    )
    out["customFields"] = copy.deepcopy(data.get("customFields", []))
    out["extendedFields"] = copy.deepcopy(data.get("extendedFields", []))
    return out


def enriched_customer_subscription(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape enriched customerSubscription ``data``: reduced identifiers, every change."""
    return {
        "customerIdentifiers": enriched_identifiers(data["customerIdentifiers"]),
        "subscriptions": copy.deepcopy(data["subscriptions"]),
    }


SHAPES: dict[EventName, EventShape] = {
    EventName.CUSTOMER_ADDED: EventShape(enriched=enriched_customer_added, raw=raw_data),
    EventName.CUSTOMER_UPDATED: EventShape(enriched=enriched_customer_updated, raw=raw_data),
    EventName.CUSTOMER_SUBSCRIPTION: EventShape(
        enriched=enriched_customer_subscription, raw=raw_data
    ),
}
