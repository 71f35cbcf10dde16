"""Payloads of the partner program events.

partnerProgramLinked, partnerProgramUpdated and partnerProgramDelinked report a customer's
membership of a partner program; supplementaryMembershipExpiryReminder is written by a
scheduler ahead of a supplementary membership's expiry.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from patron.events.catalogue import EventName
from patron.events.payloads.common import enriched_identifiers, entity_information, raw_data
from patron.events.payloads.envelope import EventShape


class PartnerProgramType(StrEnum):
    """Kinds of partner program."""

    SUPPLEMENTARY = "SUPPLEMENTARY"
    EXTERNAL = "EXTERNAL"


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def partner_membership(
    *,
    membership_number: str | None = None,
    membership_expiry_date: dt.date | None = None,
    partner_tier_number: int | None = None,
    partner_tier_expiry_date: dt.date | None = None,
) -> dict[str, Any]:
    """Render ``customerPartnerProgramDetails``: the customer's membership of the program."""
    return {
        "partnerTierExpiryDate": _date(partner_tier_expiry_date),
        "partnerTierNumber": partner_tier_number,
        "membershipNumber": membership_number,
        "membershipExpiryDate": _date(membership_expiry_date),
    }


def partner_program_data(
    *,
    customer_identifiers: Mapping[str, Any],
    customer_id: int,
    loyalty_program_id: int,
    partner_program_id: int,
    partner_program_name: str,
    partner_program_type: PartnerProgramType,
    membership: Mapping[str, Any] | None = None,
    update_type: str | None = None,
) -> dict[str, Any]:
    """Return the ``data`` of partnerProgramLinked, partnerProgramUpdated or partnerProgramDelinked.

    Linked passes ``membership``; updated passes ``membership`` and ``update_type``
    (``UPGRADE``…); delinked passes neither.
    """
    data: dict[str, Any] = {
        "customerIdentifiers": copy.deepcopy(dict(customer_identifiers)),
        "entityInformation": entity_information("USER", customer_id),
        "loyaltyProgramId": loyalty_program_id,
        "partnerProgramId": partner_program_id,
        "partnerProgramName": partner_program_name,
        "partnerProgramType": partner_program_type.value,
    }
    if update_type is not None:
        data["updateType"] = update_type
    if membership is not None:
        data["customerPartnerProgramDetails"] = dict(membership)
    return data


def expiry_reminder_data(
    *,
    customer_identifiers: Mapping[str, Any],
    loyalty_program_id: int,
    partner_program_id: int,
    partner_program_name: str,
    scheduled_expiry_date: dt.date,
) -> dict[str, Any]:
    """Return supplementaryMembershipExpiryReminder ``data``."""
    return {
        "customerIdentifiers": copy.deepcopy(dict(customer_identifiers)),
        "loyaltyProgramId": loyalty_program_id,
        "partnerProgramId": partner_program_id,
        "partnerProgramName": partner_program_name,
        "scheduledExpiryDate": scheduled_expiry_date.isoformat(),
    }


def _program(data: Mapping[str, Any], *, with_entity: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"customerIdentifiers": enriched_identifiers(data["customerIdentifiers"])}
    if with_entity:
        out["entityInformation"] = copy.deepcopy(data["entityInformation"])
    for key in ("loyaltyProgramId", "partnerProgramId", "partnerProgramName"):
        out[key] = data[key]
    return out


def _membership(data: Mapping[str, Any]) -> dict[str, Any]:
    details = data.get("customerPartnerProgramDetails") or {}
    return {key: value for key, value in details.items() if value is not None}


def enriched_partner_program_linked(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape enriched partnerProgramLinked ``data``: only the membership details that are set."""
    out = _program(data, with_entity=True)
    out["partnerProgramType"] = data["partnerProgramType"]
    out["customerPartnerProgramDetails"] = _membership(data)
    return out


def enriched_partner_program_updated(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape enriched partnerProgramUpdated ``data`` after the document's sample (no entity)."""
    out = _program(data, with_entity=False)
    out["partnerProgramType"] = data["partnerProgramType"]
    out["updateType"] = data["updateType"]
    out["customerPartnerProgramDetails"] = _membership(data)
    return out


def enriched_partner_program_delinked(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape enriched partnerProgramDelinked ``data``."""
    out = _program(data, with_entity=True)
    out["partnerProgramType"] = data["partnerProgramType"]
    return out


def enriched_expiry_reminder(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape enriched supplementaryMembershipExpiryReminder ``data``."""
    out = _program(data, with_entity=False)
    out["scheduledExpiryDate"] = data["scheduledExpiryDate"]
    return out


SHAPES: dict[EventName, EventShape] = {
    EventName.PARTNER_PROGRAM_LINKED: EventShape(
        enriched=enriched_partner_program_linked, raw=raw_data
    ),
    EventName.PARTNER_PROGRAM_UPDATED: EventShape(
        enriched=enriched_partner_program_updated, raw=raw_data
    ),
    EventName.PARTNER_PROGRAM_DELINKED: EventShape(
        enriched=enriched_partner_program_delinked, raw=raw_data
    ),
    EventName.SUPPLEMENTARY_MEMBERSHIP_EXPIRY_REMINDER: EventShape(
        enriched=enriched_expiry_reminder, raw=raw_data
    ),
}
