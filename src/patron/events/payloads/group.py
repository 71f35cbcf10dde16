"""Payloads of the group (hierarchy) events.

groupCreated, groupUpdated, groupMemberAdded and groupMemberRemoved carry the group, its
primary member, the member concerned and who made the change; pointsContributionToGroup
carries the contributing member, the activity that earned the points and the program.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from patron.events.catalogue import EventName
from patron.events.payloads.common import (
    enriched_identifiers,
    entered_at,
    entity_information,
    key_values,
    raw_data,
    without_user,
)
from patron.events.payloads.envelope import EventShape

# Keys of ``data`` that hold a member (``{firstName, lastName, role, customerIdentifiers}``).
MEMBER_KEYS = ("primaryMember", "memberAdded", "memberRemoved", "contributingMember")


def group_member(
    first_name: str, last_name: str, role: str, customer_identifiers: Mapping[str, Any]
) -> dict[str, Any]:
    """Render a group member: name, role in the group and identifiers by source."""
    return {
        "firstName": first_name,
        "lastName": last_name,
        "role": role,
        "customerIdentifiers": copy.deepcopy(dict(customer_identifiers)),
    }


def group_event_data(
    *,
    group_id: int,
    group_name: str,
    primary_member: Mapping[str, Any] | None,
    entered_by: Mapping[str, Any],
    changed_at: dt.datetime,
    member_added: Mapping[str, Any] | None = None,
    member_removed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the ``data`` of groupCreated/groupUpdated/groupMemberAdded/groupMemberRemoved.

    Pass ``member_added`` for groupMemberAdded and ``member_removed`` for groupMemberRemoved;
    ``primaryMember`` is null while a group has no primary member.
    """
    data: dict[str, Any] = {
        "groupId": group_id,
        "groupName": group_name,
        "primaryMember": dict(primary_member) if primary_member is not None else None,
    }
    if member_added is not None:
        data["memberAdded"] = dict(member_added)
    if member_removed is not None:
        data["memberRemoved"] = dict(member_removed)
    data["enteredAt"] = entered_at(changed_at)
    data["enteredBy"] = copy.deepcopy(dict(entered_by))
    return data


def contribution_activity(
    *,
    name: str,
    identifiers: Mapping[str, Any],
    entered_by: Mapping[str, Any],
    entity_type: str,
    entity_id: int,
    additional_attributes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Render the activity (a transaction…) whose points were contributed to the group."""
    return {
        "name": name,
        "identifiers": key_values(identifiers),
        "enteredBy": without_user(entered_by),
        "entityInformation": entity_information(entity_type, entity_id),
        "additionalAttributes": key_values(additional_attributes or {}),
    }


def loyalty_program_details(
    *,
    program_id: int,
    name: str,
    is_default: bool,
    points_to_currency_ratio: float,
    tiers: Sequence[tuple[int, str]],
) -> dict[str, Any]:
    """Render a loyalty program with its tiers as ``(tierNumber, tierName)`` pairs."""
    return {
        "id": program_id,
        "name": name,
        "isDefault": is_default,
        "pointsToCurrencyRatio": points_to_currency_ratio,
        "tiers": [{"tierNumber": number, "tierName": tier} for number, tier in tiers],
    }


def points_contribution_data(
    *,
    group_id: int,
    group_name: str,
    primary_member: Mapping[str, Any] | None,
    contributing_member: Mapping[str, Any],
    activity: Mapping[str, Any],
    program: Mapping[str, Any],
    points: float,
) -> dict[str, Any]:
    """Return pointsContributionToGroup ``data``."""
    return {
        "groupId": group_id,
        "groupName": group_name,
        "primaryMember": dict(primary_member) if primary_member is not None else None,
        "contributingMember": dict(contributing_member),
        "triggeringActivity": copy.deepcopy(dict(activity)),
        "loyaltyProgramDetails": copy.deepcopy(dict(program)),
        "loyaltyProgramId": program["id"],
        "pointsContributedToGroup": points,
    }


def enriched_group_event(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape enriched group ``data``: members' identifiers reduced, ``enteredBy`` without user."""
    out = copy.deepcopy(dict(data))
    for key in MEMBER_KEYS:
        member = out.get(key)
        if member is not None:
            member["customerIdentifiers"] = enriched_identifiers(member["customerIdentifiers"])
    if "enteredBy" in out:
        out["enteredBy"] = without_user(out["enteredBy"])
    activity = out.get("triggeringActivity")
    if activity is not None and "enteredBy" in activity:
        activity["enteredBy"] = without_user(activity["enteredBy"])
    return out


_GROUP_EVENTS = (
    EventName.GROUP_CREATED,
    EventName.GROUP_UPDATED,
    EventName.GROUP_MEMBER_ADDED,
    EventName.GROUP_MEMBER_REMOVED,
    EventName.POINTS_CONTRIBUTION_TO_GROUP,
)

SHAPES: dict[EventName, EventShape] = {
    name: EventShape(enriched=enriched_group_event, raw=raw_data) for name in _GROUP_EVENTS
}
