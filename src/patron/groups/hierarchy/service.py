"""Hierarchy definitions through the API: define one, read one or all.

A definition is validated by ``patron.orgs.hierarchies.HierarchyDef`` (the org file's rules);
what it breaks is answered with 1603 and the problem in the message. Reading never writes: an
org file's hierarchy that no call has used yet is shown without ids.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.errors import Invalid, NotFound
from patron.groups import repository
from patron.groups.hierarchies import (
    FROM_API,
    FROM_FILE,
    INVALID_HIERARCHY,
    StoredHierarchy,
    create_hierarchy,
    get_hierarchy,
)
from patron.groups.models import Hierarchy
from patron.kit.clock import iso
from patron.orgs.config import OrgConfig
from patron.orgs.hierarchies import HierarchyDef

INVALID_DEFINITION = 1603
# More children than any fleet has; larger numbers would not survive the JSON answers.
MAX_CHILD = 1_000_000
_PROBLEMS_SHOWN = 5


def read_definition(body: Any) -> HierarchyDef:
    """Validate a hierarchy definition, or refuse it with 1603 naming what is wrong."""
    if not isinstance(body, dict):
        raise Invalid(INVALID_DEFINITION, "Invalid hierarchy definition: expected a JSON object")
    try:
        definition = HierarchyDef.model_validate(body)
    except ValidationError as exc:
        raise Invalid(
            INVALID_DEFINITION, "Invalid hierarchy definition: " + _problems(exc)
        ) from None
    blank = [c for c in (definition.code, *(r.code for r in definition.roles)) if _is_blank(c)]
    if blank:
        raise Invalid(
            INVALID_DEFINITION,
            "Invalid hierarchy definition: codes cannot be blank or start or end with spaces",
        )
    too_many = next((r for r in definition.roles if (r.max_child or 0) > MAX_CHILD), None)
    if too_many is not None:
        raise Invalid(
            INVALID_DEFINITION,
            f"Invalid hierarchy definition: role {too_many.code}: maxChild is more than {MAX_CHILD}",
        )
    return definition


def _is_blank(code: str) -> bool:
    return not code.strip() or code != code.strip()


def _problems(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:_PROBLEMS_SHOWN]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def define_hierarchy(session: Session, principal: Principal, body: Any) -> dict[str, Any]:
    """Store a hierarchy defined through the API (1603 invalid, 1601 code taken); render it."""
    stored = create_hierarchy(session, principal, read_definition(body))
    return render_hierarchy(principal.org, stored.definition, stored, FROM_API)


def show_hierarchy(session: Session, org: OrgConfig, code: str) -> dict[str, Any]:
    """Render the hierarchy ``code`` (the org file's or the API's), or answer 1602."""
    wanted = code.strip()
    in_file = org.hierarchy(wanted) if wanted else None
    row = repository.find_hierarchy(session, org.id, in_file.code if in_file else wanted)
    if in_file is not None:
        return _render_file_hierarchy(session, org, in_file, row)
    if not wanted or row is None:
        raise NotFound(INVALID_HIERARCHY, f"Invalid hierarchy code {code!r}")
    stored = get_hierarchy(session, org, row.id)
    return render_hierarchy(org, stored.definition, stored, row.origin)


def list_all_hierarchies(session: Session, org: OrgConfig) -> list[dict[str, Any]]:
    """Render every hierarchy of the org: the org file's first, then the API's, oldest first."""
    rows = repository.list_hierarchies(session, org.id)
    by_code = {row.code.lower(): row for row in rows}
    out = [
        _render_file_hierarchy(session, org, h, by_code.get(h.code.lower()))
        for h in org.hierarchies
    ]
    for row in rows:
        if row.origin == FROM_API and org.hierarchy(row.code) is None:
            stored = get_hierarchy(session, org, row.id)
            out.append(render_hierarchy(org, stored.definition, stored, FROM_API))
    return out


def _render_file_hierarchy(
    session: Session, org: OrgConfig, definition: HierarchyDef, row: Hierarchy | None
) -> dict[str, Any]:
    stored = get_hierarchy(session, org, row.id) if row is not None else None
    return render_hierarchy(org, definition, stored, FROM_FILE)


def render_hierarchy(
    org: OrgConfig, definition: HierarchyDef, stored: StoredHierarchy | None, origin: str
) -> dict[str, Any]:
    """Render a definition with its id and its roles' ids (None until it is first used)."""
    body = definition.model_dump(mode="json", by_alias=True)
    role_ids = stored.role_ids if stored is not None else {}
    roles = [{"id": role_ids.get(str(r["code"]).lower()), **r} for r in body.pop("roles")]
    return {
        "id": stored.id if stored is not None else None,
        **body,
        "roles": roles,
        "definedIn": origin,
        "createdOn": iso(stored.row.created_at, org.zone) if stored is not None else None,
    }
