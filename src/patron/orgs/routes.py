"""HTTP endpoints of the orgs domain."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from patron.auth.dependencies import CurrentPrincipal
from patron.web import Route

router = APIRouter(tags=["config"], route_class=Route)


@router.get("/v2/extendedFields")
def extended_fields(principal: CurrentPrincipal) -> dict[str, Any]:
    """List the org's extended fields per entity."""
    entities: dict[str, list[dict[str, Any]]] = {"customer": []}
    for field in principal.org.extended_fields.values():
        entities.setdefault(field.entity, []).append(
            {
                "id": field.id,
                "name": field.name,
                "label": field.label,
                "dataType": field.data_type,
                "parentId": field.parent_id,
                "scope": field.entity.upper(),
                "possibleValues": list(field.allowed_values or []),
                "isActive": True,
            }
        )
    return {"entity": entities, "warnings": [], "errors": []}
