"""Merging a victim customer into a survivor: everything the victim has moves, and is recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers import repository
from patron.customers.history import record_change
from patron.customers.hooks import run_merge_hooks
from patron.customers.models import CommChannel, Customer, Identifier, Identity, Profile
from patron.errors import Conflict
from patron.kit import clock

SAME_SOURCE = 8066


def merge_customers(
    session: Session, principal: Principal, victim: Customer, survivor: Customer
) -> dict[str, Any]:
    """Move the victim's profiles, identifiers, channels, fields and attached data to the survivor.

    Both customers must be locked by the caller. The victim keeps answering with the survivor's
    id; a MERGE change request on both records what moved and from where.
    """
    victim_profiles = repository.list_profiles(session, victim.id)
    taken = {(p.source, p.account_id) for p in repository.list_profiles(session, survivor.id)}
    for profile in victim_profiles:
        if (profile.source, profile.account_id) in taken:
            raise Conflict(
                SAME_SOURCE,
                f"Unable to combine,User id already used in same source ({profile.source}): customers {victim.id} and {survivor.id}",
            )
    identifiers = repository.list_identifiers(session, victim.id)
    channels = repository.list_channels(session, victim.id)
    moved: dict[str, Any] = {
        "profiles": [
            {"profileId": p.id, "source": p.source, "accountId": p.account_id}
            for p in victim_profiles
        ],
        "identifiers": [
            {"type": i.type, "value": i.value, "source": i.source, "accountId": i.account_id}
            for i in identifiers
        ],
        "commChannels": [{"type": c.type, "value": c.value} for c in channels],
        "extendedFields": sorted(
            set(victim.extended_fields or {}) - set(survivor.extended_fields or {})
        ),
    }
    for model in (Profile, Identifier, CommChannel, Identity):
        session.execute(
            update(model).where(model.customer_id == victim.id).values(customer_id=survivor.id)
        )
    session.execute(
        update(Customer)
        .where(Customer.merged_into_id == victim.id)
        .values(merged_into_id=survivor.id)
    )
    survivor.extended_fields = {
        **(victim.extended_fields or {}),
        **(survivor.extended_fields or {}),
    }
    if victim.loyalty_type == "loyalty":
        survivor.loyalty_type = "loyalty"
    run_merge_hooks(session, principal.org_id, victim.id, survivor.id)
    now = clock.now()
    victim.merged_into_id = survivor.id
    victim.updated_at = survivor.updated_at = now
    victim.updated_by = survivor.updated_by = principal.till_id
    details = {"victimId": victim.id, "survivorId": survivor.id, "moved": moved}
    for customer_id in (survivor.id, victim.id):
        record_change(session, principal, customer_id, "MERGE", details)
    session.flush()
    session.expire_all()
    return details
