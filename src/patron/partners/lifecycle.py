"""What happens to partner memberships when a customer is merged away or scrubbed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from patron.kit.blobs import BlobStore
from patron.partners import repository


def move_partner_memberships(
    session: Session, org_id: int, victim_id: int, survivor_id: int
) -> None:
    """Give the victim's memberships to the survivor; one the survivor already holds (same
    program) is kept and the victim's is dropped."""
    held = {m.partner_program_id for m in repository.list_memberships(session, org_id, survivor_id)}
    for membership in repository.list_memberships(session, org_id, victim_id):
        if membership.partner_program_id in held:
            repository.delete_membership(session, membership)
        else:
            repository.move_membership(session, membership, survivor_id)


def delete_partner_memberships(
    session: Session, org_id: int, customer_id: int, _: BlobStore
) -> None:
    """Delete the customer's memberships (their partner numbers are personal data)."""
    repository.delete_customer_memberships(session, org_id, customer_id)
