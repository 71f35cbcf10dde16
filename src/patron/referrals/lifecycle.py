"""What merges and PII deletion do to referrals.

A merged-away referrer's codes, invitations, referees, events and incentives go to the
survivor; where the survivor already has a code in the campaign, the victim's stays valid as
a secondary code of the survivor and its counts are added to the survivor's. A merged-away
referee's link goes to the survivor unless the survivor has a referrer of its own.
A scrubbed customer's invitations (the invitees' identifiers and names it gave) are deleted,
and so are invitations naming the scrubbed customer's own mobile or email.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from patron.customers import repository as customers
from patron.kit.blobs import BlobStore
from patron.referrals import repository
from patron.referrals.models import ReferralAward, ReferralEvent

INVITEE_TYPES = {"mobile": "MOBILE", "email": "EMAIL"}


def move_referrals(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Give the victim's referral codes, invitations, referees and awards to the survivor."""
    _move_codes(session, org_id, victim_id, survivor_id)
    _move_invitations(session, org_id, victim_id, survivor_id)
    _move_links(session, org_id, victim_id, survivor_id)
    for model, column in (
        (ReferralEvent, "referrer_id"),
        (ReferralEvent, "referee_id"),
        (ReferralAward, "referrer_id"),
        (ReferralAward, "customer_id"),
    ):
        repository.reassign(session, model, column, org_id, victim_id, survivor_id)
    session.flush()


def _move_codes(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    for code in repository.codes_of(session, org_id, victim_id):
        if code.is_primary:
            held = repository.primary_code(session, org_id, code.campaign_id, survivor_id)
            if held is not None:
                held.registrations += code.registrations
                held.transactions += code.transactions
                code.is_primary = False
        code.customer_id = survivor_id
        session.flush()


def _move_invitations(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    held = {
        (i.campaign_id, i.type, i.identifier)
        for i in repository.invitations_of(session, org_id, survivor_id)
    }
    for invitation in repository.invitations_of(session, org_id, victim_id):
        if (invitation.campaign_id, invitation.type, invitation.identifier) in held:
            session.delete(invitation)
        else:
            invitation.referrer_id = survivor_id
    session.flush()


def _move_links(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    own = repository.link_of_referee(session, org_id, victim_id)
    if own is not None:
        has_referrer = repository.link_of_referee(session, org_id, survivor_id) is not None
        if has_referrer or own.referrer_id == survivor_id:
            session.delete(own)
        else:
            own.referee_id = survivor_id
        session.flush()
    for link in repository.links_of_referrer(session, org_id, victim_id):
        if link.referee_id == survivor_id:
            # The survivor would refer itself.
            session.delete(link)
        else:
            link.referrer_id = survivor_id
    session.flush()


def scrub_referrals(session: Session, org_id: int, customer_id: int, _: BlobStore) -> None:
    """Delete the invitations the customer made and those naming its mobile or email."""
    repository.delete_invitations(session, org_id, customer_id)
    for ident in customers.list_identifiers(session, customer_id):
        kind = INVITEE_TYPES.get(ident.type)
        if kind is not None:
            repository.delete_invitations_of(session, org_id, kind, ident.value)
    session.flush()
