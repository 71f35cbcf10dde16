"""Hierarchy definitions: the roles a parent customer and its children take in a fleet or family.

The org file's ``hierarchies`` and the body of ``POST /v2/fleetHierarchy`` validate into these
frozen models; the groups domain stores them and consults nothing else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

MIN_ROLES = 2
MAX_ROLES = 8
MAX_CODE = 50


class _Definition(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class PermissionCode(StrEnum):
    """What a role's members may do with points."""

    BLOCK_POINTS_REDEMPTION = "block_points_redemption"
    BLOCK_POINTS_TRANSFER = "block_points_transfer"
    EARN_POINTS = "earn_points"


class RolePermission(_Definition):
    """One permission of a role and its value."""

    permission_code: PermissionCode = Field(alias="permissionCode")
    permission_value: bool = Field(default=True, alias="permissionValue")


class RoleDef(_Definition):
    """A role: its code, the role of its children, how many children, whether it pools points."""

    code: str = Field(min_length=1, max_length=MAX_CODE)
    name: str = Field(default="", max_length=100)
    child_role_code: str | None = Field(default=None, alias="childRoleCode", max_length=MAX_CODE)
    max_child: int | None = Field(default=None, alias="maxChild", ge=1)
    points_aggregation_role: bool = Field(default=False, alias="pointsAggregationRole")
    permissions: tuple[RolePermission, ...] = ()

    def allows(self, code: PermissionCode) -> bool:
        """Tell whether the role has ``code`` set: a block is off and earning on unless set."""
        for permission in self.permissions:
            if permission.permission_code is code:
                return permission.permission_value
        return code is PermissionCode.EARN_POINTS


class HierarchyDef(_Definition):
    """A hierarchy: 2 to 8 roles chained by ``childRoleCode``, and how associations behave."""

    code: str = Field(min_length=1, max_length=MAX_CODE)
    name: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=500)
    roles: tuple[RoleDef, ...]
    auto_group_creation_enabled: bool = Field(default=False, alias="autoGroupCreationEnabled")
    hierarchy_creation_strict: bool = Field(default=False, alias="hierarchyCreationStrict")
    skip_role_allowed: bool = Field(default=False, alias="skipRoleAllowed")
    default: bool = False

    @model_validator(mode="after")
    def _roles_chain(self) -> Self:
        problem = role_problem(self.roles)
        if problem is not None:
            raise ValueError(problem)
        return self

    def role(self, code: str) -> RoleDef | None:
        """Return the role ``code`` (compared case-insensitively), or None."""
        wanted = code.strip().lower()
        return next((r for r in self.roles if r.code.lower() == wanted), None)

    def parent_role(self, code: str) -> RoleDef | None:
        """Return the role whose children take role ``code``, or None for the top role."""
        wanted = code.strip().lower()
        return next((r for r in self.roles if (r.child_role_code or "").lower() == wanted), None)

    @property
    def aggregation_role(self) -> RoleDef | None:
        """Return the role that pools its descendants' points, or None."""
        return next((r for r in self.roles if r.points_aggregation_role), None)


def role_problem(roles: tuple[RoleDef, ...]) -> str | None:
    """Say what is wrong with a role list (None: nothing): count, unique codes, one chain."""
    if not MIN_ROLES <= len(roles) <= MAX_ROLES:
        return f"a hierarchy has {MIN_ROLES} to {MAX_ROLES} roles, not {len(roles)}"
    codes = [r.code.lower() for r in roles]
    if len(set(codes)) != len(codes):
        return "role codes must be unique"
    for role in roles:
        child = (role.child_role_code or "").lower()
        if child and child not in codes:
            return f"role {role.code}: childRoleCode {role.child_role_code} is not a role"
        if child == role.code.lower():
            return f"role {role.code} cannot be its own child role"
    children = [(r.child_role_code or "").lower() for r in roles if r.child_role_code]
    if len(set(children)) != len(children):
        return "two roles name the same child role"
    tops = [r for r in roles if r.code.lower() not in children]
    if len(tops) != 1:
        return "the roles must form one chain from a single top role"
    seen: set[str] = set()
    code: str | None = tops[0].code.lower()
    by_code = {r.code.lower(): r for r in roles}
    while code:
        if code in seen:
            return "the roles' child roles form a cycle"
        seen.add(code)
        code = (by_code[code].child_role_code or "").lower() or None
    if len(seen) != len(roles):
        return "the roles must form one chain from a single top role"
    if sum(r.points_aggregation_role for r in roles) > 1:
        return "at most one role aggregates points"
    return None
