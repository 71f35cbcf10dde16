"""Wire models of hierarchies and companies (documented camelCase names; unknown keys ignored).

A hierarchy definition is read by ``patron.orgs.hierarchies.HierarchyDef`` in the service, so
what it breaks is answered with 1603 rather than a generic schema error.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored, numbers taken as text."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", coerce_numbers_to_str=True)


class CompanyRefIn(Wire):
    """A company named by its external id."""

    external_id: str | None = Field(default=None, alias="externalId")


class CompanyIn(Wire):
    """Body of ``POST /v2/companies``."""

    # Mandatory in the document; the service answers a missing one with 400 / 1602.
    model_config = ConfigDict(
        json_schema_extra={"required": ["name", "externalId", "hierarchyDefinitionCode"]}
    )

    name: str | None = None
    external_id: str | None = Field(default=None, alias="externalId")
    hierarchy_definition_code: str | None = Field(default=None, alias="hierarchyDefinitionCode")
    parent_company: CompanyRefIn | None = Field(default=None, alias="parentCompany")


class EntityOut(BaseModel):
    """Answer of a definition: the entity and warnings."""

    entity: Any
    warnings: list[NoticeOut] = Field(default_factory=list)


class ListOut(BaseModel):
    """Answer of a listing."""

    data: list[dict[str, Any]]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)
