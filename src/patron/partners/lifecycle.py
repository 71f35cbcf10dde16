"""What happens to partner memberships when a customer is merged away or scrubbed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from patron.customers import repository as customers
from patron.kit.blobs import BlobStore
from patron.kit.context import current_request_id
from patron.orgs.service import load_org_config
from patron.partners import repository
from patron.partners.events import record_partner_event
from patron.partners.views import partner_program


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
    """Delete the customer's memberships (their partner numbers are personal data), each with
    partnerProgramDelinked.

    Scrub hooks run before the customer's identifiers are deleted, so each event still names
    the customer as it was; a queued relink goes with its membership.
    """
    memberships = repository.list_memberships(session, org_id, customer_id, lock=True)
    if not memberships:
        return
    org = load_org_config(session, org_id)
    customer = customers.get_customer(session, org_id, customer_id)
    request_id = current_request_id()
    for membership in memberships:
        program = partner_program(org, membership.partner_program_id) if org else None
        repository.delete_membership(session, membership)
        if org is not None and customer is not None and program is not None:
            record_partner_event(session, org, customer, program, "delinked", request_id)
