"""The authenticated caller: a till of one org."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from patron.orgs.config import OrgConfig, StoreInfo


@dataclass(frozen=True)
class Principal:
    """Who is calling: the till (and its store and org) that writes are attributed to.

    That is the authenticated till, or the till of the same org that the call's attribution
    headers name (see ``auth.service.attribute``).
    """

    org: OrgConfig
    till_id: int
    till_code: str
    till_name: str
    store: StoreInfo

    @property
    def org_id(self) -> int:
        """The org every query of this caller is scoped to."""
        return self.org.id

    def attribution(self) -> dict[str, Any]:
        """Render the till as the documented ``createdBy``/``modifiedBy`` entity."""
        return {
            "id": self.till_id,
            "code": self.till_code,
            "description": "",
            "name": self.till_name,
            "type": "TILL",
        }
