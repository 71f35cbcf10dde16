"""Extension point: the partner programs a customer is linked to, shown in ``loyaltyDetails``.

The partners domain registers its reader here through ``patron.wiring``, so the loyalty domain
never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from patron.orgs.config import OrgConfig

# (session, org, customer_id, program_id): ``linkedPartnerPrograms`` of one loyalty program.
LinkedPartnersHook = Callable[[Session, OrgConfig, int, int], list[dict[str, Any]]]

linked_partner_hooks: list[LinkedPartnersHook] = []


def linked_partner_programs(
    session: Session, org: OrgConfig, customer_id: int, program_id: int
) -> list[dict[str, Any]]:
    """Return the customer's linked partner programs of ``program_id`` (none when unregistered)."""
    out: list[dict[str, Any]] = []
    for hook in linked_partner_hooks:
        out.extend(hook(session, org, customer_id, program_id))
    return out
