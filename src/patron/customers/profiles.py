"""Writing identifiers, identity claims and channels of a profile."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from patron.customers.drafts import ChannelDraft, IdentifierDraft
from patron.customers.identifiers import CARD_EXTERNAL_ID
from patron.customers.models import CommChannel, Customer, Identifier, Identity, Profile
from patron.kit import clock


def add_identifier(session: Session, profile: Profile, draft: IdentifierDraft) -> Identifier:
    """Add an identifier to a profile (the unique index guards its source account)."""
    ident = Identifier(
        org_id=profile.org_id,
        customer_id=profile.customer_id,
        profile_id=profile.id,
        source=profile.source,
        account_id=profile.account_id,
        type=draft.type,
        value=draft.value,
        attrs=draft.attrs,
        created_at=clock.now(),
    )
    session.add(ident)
    return ident


def claim(session: Session, customer: Customer, pairs: list[tuple[str, str]]) -> None:
    """Record that the customer holds these (type, value) pairs across the org."""
    for id_type, value in pairs:
        if session.get(Identity, (customer.org_id, id_type, value)) is None:
            session.add(
                Identity(org_id=customer.org_id, type=id_type, value=value, customer_id=customer.id)
            )


def claims_of(ident: Identifier) -> list[tuple[str, str]]:
    """Return the identity claims an identifier row stands for."""
    pairs = [(ident.type, ident.value)]
    external = (ident.attrs or {}).get("cardExternalId")
    if external:
        pairs.append((CARD_EXTERNAL_ID, str(external)))
    return pairs


def _still_held(session: Session, customer_id: int, pair: tuple[str, str]) -> bool:
    id_type, value = pair
    if id_type == CARD_EXTERNAL_ID:
        cards = select(Identifier).where(
            Identifier.customer_id == customer_id, Identifier.type == "cardnumber"
        )
        return any(pair in claims_of(card) for card in session.scalars(cards))
    query = select(Identifier.id).where(
        Identifier.customer_id == customer_id, Identifier.type == id_type, Identifier.value == value
    )
    return session.scalar(query.limit(1)) is not None


def remove_identifier(session: Session, ident: Identifier) -> None:
    """Delete an identifier, releasing its claims when no other profile of the customer holds it."""
    session.delete(ident)
    session.flush()
    for id_type, value in claims_of(ident):
        if not _still_held(session, ident.customer_id, (id_type, value)):
            session.execute(
                delete(Identity).where(
                    Identity.org_id == ident.org_id,
                    Identity.type == id_type,
                    Identity.value == value,
                    Identity.customer_id == ident.customer_id,
                )
            )


def add_channel(session: Session, profile: Profile, draft: ChannelDraft) -> CommChannel:
    """Add a communication channel to a profile."""
    channel = CommChannel(
        customer_id=profile.customer_id,
        profile_id=profile.id,
        type=draft.type,
        value=draft.value,
        is_primary=draft.primary,
        is_verified=draft.verified,
        meta=draft.meta,
        attributes=draft.attributes,
    )
    session.add(channel)
    return channel
