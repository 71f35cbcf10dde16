"""Rendering user groups and their members as ``/v2/userGroup2`` answers them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.customers.lookup import customer_names
from patron.groups import repository
from patron.groups.models import GroupMember, UserGroup
from patron.kit import clock
from patron.orgs.config import OrgConfig


def _iso(org: OrgConfig, moment: Any) -> str:
    return clock.iso(moment, org.zone) or ""


def render_group(session: Session, org: OrgConfig, group: UserGroup) -> dict[str, Any]:
    """Render a group with its primary member's name and its attribution."""
    primary = repository.find_primary(session, group.id)
    person = None
    if primary is not None:
        first, last = customer_names(session, {primary.customer_id})[primary.customer_id]
        person = {"userId": primary.customer_id, "firstName": first, "lastName": last}
    return {
        "id": group.id,
        "externalId": group.external_id,
        "groupStatus": group.status,
        "groupName": group.name,
        "maxGroupSize": group.max_size,
        "memberCount": group.member_count,
        "primaryMember": person,
        "extendedFields": dict(group.extended_fields or {}),
        "createdBy": group.created_by,
        "createdOn": _iso(org, group.created_at),
        "lastUpdatedBy": group.updated_by,
        "lastUpdatedOn": _iso(org, group.updated_at),
        "warnings": [],
    }


def render_membership(member: GroupMember, *, active: bool = True) -> dict[str, Any]:
    """Render a membership as member answers carry it (``entityId``)."""
    return {
        "userId": member.customer_id,
        "groupId": member.group_id,
        "permissions": list(member.permissions or []),
        "defaultGroup": member.is_default,
        "active": active,
        "primaryMember": member.is_primary,
    }


def membership_item(org: OrgConfig, member: GroupMember, group: UserGroup) -> dict[str, Any]:
    """Render one member call's success: the membership and what it left."""
    return {
        "entityId": render_membership(member),
        "result": {
            "role": member.role,
            "joinedOn": _iso(org, member.joined_at),
            "memberCount": group.member_count,
        },
        "warnings": [],
        "errors": [],
    }


def render_members(session: Session, org: OrgConfig, group: UserGroup) -> dict[str, Any]:
    """Render a group with its members, the primary first, then by joining order."""
    members = repository.list_members(session, group.id)
    names = customer_names(session, {m.customer_id for m in members})
    return {
        "id": group.id,
        "externalId": group.external_id,
        "groupName": group.name,
        "groupStatus": group.status,
        "maxGroupSize": group.max_size,
        "memberCount": group.member_count,
        "members": [
            {
                "userId": m.customer_id,
                "firstName": names[m.customer_id][0],
                "lastName": names[m.customer_id][1],
                "role": m.role,
                "primaryMember": m.is_primary,
                "permissions": list(m.permissions or []),
                "defaultGroup": m.is_default,
                "joinedOn": _iso(org, m.joined_at),
            }
            for m in members
        ],
    }
