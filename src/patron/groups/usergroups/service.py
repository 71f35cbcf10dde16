"""User groups through the API: creating, changing, reading and deleting a group, and listing
members by group or by customer.

Every write locks the group's row first, so a change, a deletion and member calls on one group
follow each other and each sees the group as the previous one left it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import get_customer, resolve_identifier
from patron.customers.models import Customer
from patron.errors import Conflict, Invalid, NotFound
from patron.events.catalogue import EventName
from patron.groups import repository
from patron.groups.events import record_group_event
from patron.groups.membership import (
    ACTIVE,
    DELETED,
    EXTERNAL_ID_EXISTS,
    INVALID_GROUP,
    MAX_GROUP_SIZE,
    PRIMARY_ELSEWHERE,
    SIZE_NOT_POSITIVE,
    GroupRef,
    create_group,
    find_any_group,
    find_group,
    keep_a_default,
)
from patron.groups.models import UserGroup
from patron.groups.usergroups.schemas import GroupChangeIn, GroupIn
from patron.groups.usergroups.views import render_group, render_members
from patron.kit import clock
from patron.kit.ids import parse_id
from patron.orgs.config import OrgConfig

INVALID_INPUT = 400
CUSTOMER_NOT_FOUND = 8015
INVALID_IDENTIFIER = 8013
ALL_SOURCES = "ALL"
MAX_FIELDS = 50
MAX_FIELD_NAME = 100
MAX_FIELD_TEXT = 255


@dataclass(frozen=True)
class Lookup:
    """How a call names a customer: ``identifierName`` (``id`` for the customer id) and
    ``identifierValue``, in ``source``/``accountId`` (absent: every source)."""

    source: str | None = None
    account_id: str | None = None
    identifier_name: str | None = None
    identifier_value: str | None = None

    @property
    def is_empty(self) -> bool:
        """Tell whether the call named no customer."""
        return not (self.identifier_name or "").strip() and not (self.identifier_value or "")


def find_customer(session: Session, org: OrgConfig, lookup: Lookup) -> Customer:
    """Return the customer a lookup names: 8013 a bad identifier, 8015 unknown, 8069 merged
    (by ``id``; another identifier of a merged customer finds the survivor)."""
    name = (lookup.identifier_name or "").strip()
    value = (lookup.identifier_value or "").strip()
    if name.lower() == "id":
        if not value:
            raise Invalid(
                INVALID_IDENTIFIER, "Customer identifier is invalid: identifierValue is required"
            )
        customer_id = parse_id(value)
        if customer_id is None:
            raise NotFound(CUSTOMER_NOT_FOUND, f"Customer not found: no customer has id {value!r}")
        return get_customer(session, org.id, customer_id)
    source = (lookup.source or "").strip() or ALL_SOURCES
    customer, _ = resolve_identifier(
        session, org, source, lookup.account_id, name or None, value or None
    )
    return customer


def _size(value: int) -> int:
    if value <= 0:
        raise Invalid(SIZE_NOT_POSITIVE, "Group size must be a positive number")
    if value > MAX_GROUP_SIZE:
        raise Invalid(INVALID_INPUT, f"Input is invalid: maxGroupSize is above {MAX_GROUP_SIZE}")
    return value


def _extended_fields(fields: dict[str, Any] | None) -> dict[str, Any] | None:
    """Check a group's extended fields: at most 50 names of 1 to 100 characters, text values
    of at most 255 characters."""
    if fields is None:
        return None
    if len(fields) > MAX_FIELDS:
        raise Invalid(INVALID_INPUT, f"Input is invalid: at most {MAX_FIELDS} extendedFields")
    for name, value in fields.items():
        if not name.strip() or len(name) > MAX_FIELD_NAME:
            raise Invalid(
                INVALID_INPUT,
                f"Input is invalid: an extended field name has 1 to {MAX_FIELD_NAME} characters",
            )
        if isinstance(value, str) and len(value) > MAX_FIELD_TEXT:
            raise Invalid(
                INVALID_INPUT,
                f"Input is invalid: extendedFields.{name} is longer than {MAX_FIELD_TEXT}",
            )
    return dict(fields)


def create(
    session: Session, principal: Principal, body: GroupIn, request_id: str
) -> dict[str, Any]:
    """Create a group (with its primary member when ``primaryUserId`` is given)."""
    size = _size(body.max_group_size)
    fields = _extended_fields(body.extended_fields)
    primary = None
    if body.primary_user_id is not None:
        primary = get_customer(session, principal.org_id, body.primary_user_id)
        if repository.find_primary_membership(session, principal.org_id, primary.id):
            raise Conflict(
                PRIMARY_ELSEWHERE, f"Customer {primary.id} is the primary member of another group"
            )
    group = create_group(
        session,
        principal,
        request_id,
        external_id=body.external_id,
        name=body.group_name or "",
        max_size=size,
        extended_fields=fields,
        primary=primary,
    )
    return {"entity": group.id, "warnings": []}


def change(
    session: Session, principal: Principal, body: GroupChangeIn, request_id: str
) -> dict[str, Any]:
    """Change a group's name, size, extended fields or (named by ``id``) external id."""
    if body.id is None and not (body.external_id or "").strip():
        raise Invalid(INVALID_GROUP, "Invalid group: id or externalId is required")
    by_id = body.id is not None
    ref = GroupRef(group_id=body.id) if by_id else GroupRef(external_id=body.external_id)
    group = find_group(session, principal.org_id, ref, lock=True)
    size = _size(body.max_group_size) if body.max_group_size is not None else None
    if size is not None and size < group.member_count:
        raise Invalid(
            SIZE_NOT_POSITIVE,
            f"Invalid group size: maxGroupSize {size} is below the group's "
            f"{group.member_count} members",
        )
    new_external_id = None
    if by_id and body.external_id is not None:
        new_external_id = body.external_id.strip()
        if not new_external_id:
            raise Invalid(INVALID_INPUT, "Input is invalid: externalId must not be blank")
    changes = {
        "name": body.group_name,
        "max_size": size,
        "external_id": new_external_id,
        "extended_fields": _extended_fields(body.extended_fields),
    }
    _apply(session, principal, group, changes, request_id)
    return {"entity": group.id, "warnings": []}


def _apply(
    session: Session,
    principal: Principal,
    group: UserGroup,
    wanted: dict[str, Any],
    request_id: str,
) -> None:
    """Store what differs and write groupUpdated; nothing differing writes nothing."""
    changes = {k: v for k, v in wanted.items() if v is not None and getattr(group, k) != v}
    if not changes:
        return
    external_id = changes.get("external_id")
    if external_id is not None and repository.find_group_by_external_id(
        session, principal.org_id, external_id
    ):
        raise Conflict(EXTERNAL_ID_EXISTS, f"Group externalId {external_id} already exists")
    try:
        with session.begin_nested():
            for key, value in changes.items():
                setattr(group, key, value)
            group.updated_by = principal.till_id
            group.updated_at = clock.now()
            session.flush()
    except IntegrityError:
        # A concurrent unit of work took the same external id first.
        raise Conflict(
            EXTERNAL_ID_EXISTS, f"Group externalId {external_id} already exists"
        ) from None
    record_group_event(session, principal, group, EventName.GROUP_UPDATED, request_id)


def read(session: Session, org: OrgConfig, ref: GroupRef) -> dict[str, Any]:
    """Return a group as ``GET /v2/userGroup2`` answers it (deleted ones too)."""
    return render_group(session, org, find_any_group(session, org.id, ref))


def delete(
    session: Session, principal: Principal, ref: GroupRef, request_id: str
) -> dict[str, Any]:
    """Mark a group DELETED, release its members and write groupUpdated.

    The event names the primary member the group had; a released member whose default group
    this was gets its oldest other group as the default.
    """
    group = find_group(session, principal.org_id, ref, lock=True)
    record_group_event(session, principal, group, EventName.GROUP_UPDATED, request_id)
    members = repository.list_members(session, group.id)
    for member in members:
        session.delete(member)
    group.status = DELETED
    group.member_count = 0
    group.updated_by = principal.till_id
    group.updated_at = clock.now()
    session.flush()
    for member in members:
        keep_a_default(session, principal.org_id, member.customer_id)
    return {"entity": group.id, "warnings": []}


def list_members(session: Session, org: OrgConfig, ref: GroupRef, lookup: Lookup) -> dict[str, Any]:
    """Return one group with its members (the group named), or every group of a customer with
    theirs (the customer named), the customer's default group first."""
    if not ref.is_empty and not lookup.is_empty:
        raise Invalid(INVALID_INPUT, "Input is invalid: name either a group or a customer")
    if ref.is_empty and lookup.is_empty:
        raise Invalid(
            INVALID_GROUP,
            "Invalid group: id, externalId, primaryUserId or identifierName is needed",
        )
    if not ref.is_empty:
        groups = [find_group(session, org.id, ref)]
    else:
        customer = find_customer(session, org, lookup)
        memberships = repository.list_memberships(session, org.id, customer.id)
        found = (repository.get_group(session, org.id, m.group_id) for m in memberships)
        groups = [g for g in found if g is not None and g.status == ACTIVE]
    data = [render_members(session, org, group) for group in groups]
    return {"data": data, "warnings": [], "errors": []}
