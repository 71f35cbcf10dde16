"""Pieces of ``data`` that several events share, in their raw and enriched forms."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from patron.kit import clock

# Keys of ``customerIdentifiers`` that only the raw format carries.
_IDENTIFIER_HEADER_KEYS = frozenset({"firstName", "lastName", "loyaltyType"})


def key_values(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Render a map as the documented ``[{key, value}]`` list."""
    return [{"key": key, "value": value} for key, value in values.items()]


def entity_information(entity_type: str, entity_id: int) -> dict[str, Any]:
    """Render the documented ``entityInformation`` block."""
    return {"entityType": entity_type, "entityId": entity_id}


def entered_at(moment: dt.datetime) -> int:
    """Render the ``enteredAt`` of a change (Unix milliseconds)."""
    return clock.epoch_ms(moment)


def without_user(entered_by: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``enteredBy`` without its ``user``: the till and its store only."""
    return {key: copy.deepcopy(value) for key, value in entered_by.items() if key != "user"}


def enriched_identifiers(
    identifiers: Mapping[str, Any], *, keep_empty_card_list: bool = False
) -> dict[str, Any]:
    """Reduce ``customerIdentifiers`` to ``customerId`` and the per-source blocks.

    The instore block loses its profile ``id``; ``cardNumbers`` is dropped when empty unless
    ``keep_empty_card_list`` (the enriched customerUpdated sample keeps ``[]``).
    """
    out: dict[str, Any] = {}
    for key, value in identifiers.items():
        if key in _IDENTIFIER_HEADER_KEYS:
            continue
        if key == "instore":
            block = {k: copy.deepcopy(v) for k, v in value.items() if k != "id"}
            if not block.get("cardNumbers") and not keep_empty_card_list:
                block.pop("cardNumbers", None)
            out[key] = block
        else:
            out[key] = copy.deepcopy(value)
    return out


def _keeps(key: str, types: frozenset[str]) -> bool:
    """Tell whether an ``instore`` key carries one of ``types`` (lower-case names)."""
    if key == "cardNumbers":
        return "cardnumber" in types
    return key.lower() in types


def restricted_identifiers(
    identifiers: Mapping[str, Any], types: Collection[str]
) -> dict[str, Any]:
    """Keep ``customerId`` and every source block, each with only the identifier types named.

    ``instore`` keeps the keys of those types (``cardnumber`` also keeps ``cardNumbers``,
    ``cardExternalId`` keeps ``cardexternalid``); every account of another source keeps its
    ``accountId`` and the identifiers of those types. Names compare case-insensitively.
    """
    wanted = frozenset(t.lower() for t in types)
    out: dict[str, Any] = {}
    for key, value in identifiers.items():
        if key == "instore" and isinstance(value, Mapping):
            out[key] = {k: copy.deepcopy(v) for k, v in value.items() if _keeps(k, wanted)}
        elif isinstance(value, Mapping) and isinstance(value.get("accounts"), list):
            out[key] = {
                **copy.deepcopy(dict(value)),
                "accounts": [_restricted_account(a, wanted) for a in value["accounts"]],
            }
        else:
            out[key] = copy.deepcopy(value)
    return out


def _restricted_account(account: Mapping[str, Any], wanted: frozenset[str]) -> dict[str, Any]:
    out = copy.deepcopy(dict(account))
    out["identifiers"] = [
        i for i in out.get("identifiers", []) if str(i.get("identifierType", "")).lower() in wanted
    ]
    return out


def restrict_customer_identifiers(data: Any, types: Collection[str]) -> Any:
    """Restrict every ``customerIdentifiers`` block in enriched ``data`` (members' too)."""
    if isinstance(data, dict):
        return {
            key: restricted_identifiers(value, types)
            if key == "customerIdentifiers" and isinstance(value, Mapping)
            else restrict_customer_identifiers(value, types)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [restrict_customer_identifiers(item, types) for item in data]
    return data


def raw_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return stored ``data`` as the raw format sends it: the outbox holds the raw object."""
    return copy.deepcopy(dict(data))
