"""Hierarchy definitions as stored: the org file's, kept in step with the file, and the API's.

A hierarchy of the org file is stored the first time it is needed (and updated when the file
changes it), so its id and its roles' ids are stable and every association refers to a row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.errors import Conflict, NotFound
from patron.groups import repository
from patron.groups.models import Hierarchy, HierarchyRole
from patron.kit import clock
from patron.orgs.config import OrgConfig
from patron.orgs.hierarchies import HierarchyDef, RoleDef

FROM_FILE = "FILE"
FROM_API = "API"
HIERARCHY_EXISTS = 1601
INVALID_HIERARCHY = 1602


@dataclass(frozen=True)
class StoredHierarchy:
    """A hierarchy with its definition and the ids of its roles."""

    row: Hierarchy
    definition: HierarchyDef
    role_ids: dict[str, int]

    @property
    def id(self) -> int:
        """The hierarchy's id (``hierarchyId`` in answers)."""
        return self.row.id

    @property
    def code(self) -> str:
        """The hierarchy's code as defined."""
        return self.definition.code

    def role(self, code: str) -> RoleDef | None:
        """Return the role ``code`` (any case), or None."""
        return self.definition.role(code)

    def role_id(self, role: RoleDef) -> int:
        """Return the id of one of the hierarchy's roles."""
        return self.role_ids[role.code.lower()]

    def role_of_id(self, role_id: int) -> RoleDef | None:
        """Return the role with id ``role_id``, or None."""
        code = next((c for c, i in self.role_ids.items() if i == role_id), None)
        return self.definition.role(code) if code is not None else None


def find_hierarchy(session: Session, org: OrgConfig, code: str) -> StoredHierarchy | None:
    """Return the hierarchy ``code``: the org file's (stored or brought up to date, so only
    write paths call this) or the API's."""
    code = code.strip()
    if not code:
        return None
    in_file = org.hierarchy(code)
    row = repository.find_hierarchy(session, org.id, in_file.code if in_file else code)
    if in_file is not None:
        return _stored(session, _sync(session, org.id, row, in_file))
    return _stored(session, row) if row is not None else None


def require_hierarchy(session: Session, org: OrgConfig, code: str | None) -> StoredHierarchy:
    """Return the hierarchy ``code``, or refuse with 1602."""
    found = find_hierarchy(session, org, code or "")
    if found is None:
        raise NotFound(INVALID_HIERARCHY, f"Invalid hierarchy code {code!r}")
    return found


def get_hierarchy(session: Session, org: OrgConfig, hierarchy_id: int) -> StoredHierarchy:
    """Return a stored hierarchy by id, as the org file now defines it; never writes, so read
    paths may call it (a role the file added since is stored by the next write that needs it)."""
    row = repository.get_hierarchy(session, org.id, hierarchy_id)
    if row is None:
        raise NotFound(INVALID_HIERARCHY, f"Invalid hierarchy id {hierarchy_id}")
    in_file = org.hierarchy(row.code) if row.origin == FROM_FILE else None
    stored = _stored(session, row)
    if in_file is None:
        return stored
    return StoredHierarchy(row=row, definition=in_file, role_ids=stored.role_ids)


def default_hierarchy(session: Session, org: OrgConfig) -> StoredHierarchy | None:
    """Return the org's default hierarchy (the file's, then the API's), or None (writes, as
    ``find_hierarchy`` does)."""
    in_file = next((h for h in org.hierarchies if h.default), None)
    if in_file is not None:
        return find_hierarchy(session, org, in_file.code)
    for row in repository.list_hierarchies(session, org.id):
        definition = HierarchyDef.model_validate(row.definition)
        if definition.default and row.origin == FROM_API:
            return _stored(session, row)
    return None


def create_hierarchy(
    session: Session, principal: Principal, definition: HierarchyDef
) -> StoredHierarchy:
    """Store a hierarchy defined through the API; its code must be new (1601)."""
    org = principal.org
    taken = org.hierarchy(definition.code) is not None or (
        repository.find_hierarchy(session, org.id, definition.code) is not None
    )
    if taken:
        raise Conflict(HIERARCHY_EXISTS, f"Hierarchy code {definition.code} already exists")
    try:
        with session.begin_nested():
            row = _insert(session, org.id, definition, FROM_API, principal.till_id)
    except IntegrityError:
        raise Conflict(
            HIERARCHY_EXISTS, f"Hierarchy code {definition.code} already exists"
        ) from None
    return _stored(session, row)


def _insert(
    session: Session, org_id: int, definition: HierarchyDef, origin: str, till_id: int | None
) -> Hierarchy:
    now = clock.now()
    row = Hierarchy(
        org_id=org_id,
        code=definition.code,
        origin=origin,
        definition=definition.model_dump(mode="json", by_alias=True),
        created_by=till_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    _add_roles(session, row, definition)
    return row


def _add_roles(session: Session, row: Hierarchy, definition: HierarchyDef) -> None:
    have = {r.code.lower() for r in repository.list_roles(session, row.id)}
    for role in definition.roles:
        if role.code.lower() not in have:
            session.add(HierarchyRole(org_id=row.org_id, hierarchy_id=row.id, code=role.code))
    session.flush()


def _sync(
    session: Session, org_id: int, row: Hierarchy | None, definition: HierarchyDef
) -> Hierarchy:
    """Store the org file's hierarchy, or bring the stored one up to date with the file."""
    wanted = definition.model_dump(mode="json", by_alias=True)
    if row is None:
        try:
            with session.begin_nested():
                return _insert(session, org_id, definition, FROM_FILE, None)
        except IntegrityError:
            # A concurrent unit of work stored it first.
            row = repository.find_hierarchy(session, org_id, definition.code)
            if row is None:
                raise
    if row.definition != wanted:
        row.definition = wanted
        row.updated_at = clock.now()
        _add_roles(session, row, definition)
    return row


def _stored(session: Session, row: Hierarchy) -> StoredHierarchy:
    definition = HierarchyDef.model_validate(row.definition)
    ids = {r.code.lower(): r.id for r in repository.list_roles(session, row.id)}
    return StoredHierarchy(row=row, definition=definition, role_ids=ids)
