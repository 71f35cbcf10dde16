"""Which role a customer, its parent and its children take in a hierarchy.

Roles form one chain from the top role down (``childRoleCode``). A child takes the role right
below its parent's; with ``skipRoleAllowed`` it may take any role further down.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from patron.errors import Invalid, NotFound
from patron.groups.hierarchies import (
    StoredHierarchy,
    default_hierarchy,
    require_hierarchy,
)
from patron.orgs.config import OrgConfig
from patron.orgs.hierarchies import RoleDef

INVALID_HIERARCHY = 1602
INVALID_ROLE = 1604


def hierarchy_for(session: Session, org: OrgConfig, code: str | None) -> StoredHierarchy:
    """Return the hierarchy ``code`` names, or the org's default one when it names none (1602)."""
    if code is not None and code.strip():
        return require_hierarchy(session, org, code)
    found = default_hierarchy(session, org)
    if found is None:
        raise NotFound(
            INVALID_HIERARCHY, "Invalid hierarchy code: none given and the org has no default"
        )
    return found


def levels(hierarchy: StoredHierarchy) -> dict[str, int]:
    """Return each role's depth in the chain (0 for the top role), by lower-cased code."""
    definition = hierarchy.definition
    children = {(r.child_role_code or "").lower() for r in definition.roles}
    role = next((r for r in definition.roles if r.code.lower() not in children), None)
    out: dict[str, int] = {}
    while role is not None and role.code.lower() not in out:
        out[role.code.lower()] = len(out)
        role = definition.role(role.child_role_code) if role.child_role_code else None
    return out


def require_role(hierarchy: StoredHierarchy, code: str | None) -> RoleDef:
    """Return the hierarchy's role ``code``, or refuse a missing or unknown one (1604)."""
    if code is None or not code.strip():
        raise Invalid(INVALID_ROLE, "Invalid role code: roleCode is required")
    role = hierarchy.role(code)
    if role is None:
        raise Invalid(
            INVALID_ROLE, f"Invalid role code {code!r}: not a role of hierarchy {hierarchy.code}"
        )
    return role


def child_role(hierarchy: StoredHierarchy, role: RoleDef, code: str | None) -> RoleDef | None:
    """Return the role children of ``role`` take: ``code``, else the role's child role.

    ``code`` must be the role's child role, or with ``skipRoleAllowed`` any role below (1604).
    """
    if code is None or not code.strip():
        return hierarchy.role(role.child_role_code) if role.child_role_code else None
    child = require_role(hierarchy, code)
    if not may_be_below(hierarchy, role, child):
        raise Invalid(
            INVALID_ROLE,
            f"Invalid role code {child.code}: it is not the child role of {role.code}"
            + (" nor below it" if hierarchy.definition.skip_role_allowed else ""),
        )
    return child


def may_be_below(hierarchy: StoredHierarchy, parent: RoleDef, child: RoleDef) -> bool:
    """Tell whether a customer of role ``child`` may have a parent of role ``parent``."""
    depth = levels(hierarchy)
    gap = depth.get(child.code.lower(), 0) - depth.get(parent.code.lower(), 0)
    return gap == 1 or (gap > 1 and hierarchy.definition.skip_role_allowed)


def parent_role(hierarchy: StoredHierarchy, role: RoleDef) -> RoleDef | None:
    """Return the role right above ``role`` (None for the top role)."""
    return hierarchy.definition.parent_role(role.code)
