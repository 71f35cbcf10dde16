"""Queries of the partners domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from patron.partners.models import PartnerMembership


def find_membership(
    session: Session, customer_id: int, partner_program_id: int, *, lock: bool = False
) -> PartnerMembership | None:
    """Return the customer's membership of a partner program (locked for a change if asked)."""
    query = select(PartnerMembership).where(
        PartnerMembership.customer_id == customer_id,
        PartnerMembership.partner_program_id == partner_program_id,
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def get_membership(session: Session, membership_id: int) -> PartnerMembership | None:
    """Return a membership by id."""
    return session.get(PartnerMembership, membership_id)


def list_memberships(session: Session, org_id: int, customer_id: int) -> list[PartnerMembership]:
    """Return the customer's memberships, oldest program id first."""
    query = (
        select(PartnerMembership)
        .where(PartnerMembership.org_id == org_id, PartnerMembership.customer_id == customer_id)
        .order_by(PartnerMembership.partner_program_id)
    )
    return list(session.scalars(query))


def add_membership(session: Session, membership: PartnerMembership) -> PartnerMembership:
    """Store a new membership."""
    session.add(membership)
    session.flush()
    return membership


def delete_membership(session: Session, membership: PartnerMembership) -> None:
    """Remove a membership."""
    session.delete(membership)
    session.flush()


def delete_customer_memberships(session: Session, org_id: int, customer_id: int) -> None:
    """Remove every membership of a customer."""
    session.execute(
        delete(PartnerMembership).where(
            PartnerMembership.org_id == org_id, PartnerMembership.customer_id == customer_id
        )
    )


def move_membership(session: Session, membership: PartnerMembership, customer_id: int) -> None:
    """Give a membership to another customer."""
    membership.customer_id = customer_id
    session.flush()


def due_expiries(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    """Return the ids (above ``after``) of memberships whose expiry has passed by ``now``."""
    query = select(PartnerMembership.id).where(
        PartnerMembership.expires_at.is_not(None),
        PartnerMembership.expires_at <= now,
        PartnerMembership.id > after,
    )
    if org_id is not None:
        query = query.where(PartnerMembership.org_id == org_id)
    return list(session.scalars(query.order_by(PartnerMembership.id).limit(limit)))


def due_reminders(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    """Return the ids (above ``after``) of memberships whose expiry reminder is due by ``now``."""
    query = select(PartnerMembership.id).where(
        PartnerMembership.remind_at.is_not(None),
        PartnerMembership.remind_at <= now,
        PartnerMembership.id > after,
    )
    if org_id is not None:
        query = query.where(PartnerMembership.org_id == org_id)
    return list(session.scalars(query.order_by(PartnerMembership.id).limit(limit)))


def claim_reminder(session: Session, membership_id: int, now: dt.datetime) -> bool:
    """Mark a membership's due reminder sent; False when another sweep already did (the
    conditional update waits for a concurrent claim, then finds nothing left to change)."""
    result = session.execute(
        update(PartnerMembership)
        .where(
            PartnerMembership.id == membership_id,
            PartnerMembership.remind_at.is_not(None),
            PartnerMembership.remind_at <= now,
            PartnerMembership.expires_at > now,
        )
        .values(remind_at=None, reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def claim_expiry(session: Session, membership_id: int, now: dt.datetime) -> bool:
    """Delete a membership whose expiry has passed; False when it is gone or was renewed."""
    result = session.execute(
        delete(PartnerMembership)
        .where(
            PartnerMembership.id == membership_id,
            PartnerMembership.expires_at.is_not(None),
            PartnerMembership.expires_at <= now,
        )
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
