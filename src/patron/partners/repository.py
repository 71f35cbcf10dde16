"""Queries of the partners domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, delete, exists, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from patron.partners.models import PartnerMembership, PartnerRelink


def _without_relink() -> ColumnElement[bool]:
    """A membership with no relink queued (its expiry and reminder wait for the relink)."""
    return ~exists().where(PartnerRelink.membership_id == PartnerMembership.id)


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


def list_memberships(
    session: Session, org_id: int, customer_id: int, *, lock: bool = False
) -> list[PartnerMembership]:
    """Return the customer's memberships, oldest program id first (locked if asked)."""
    query = (
        select(PartnerMembership)
        .where(PartnerMembership.org_id == org_id, PartnerMembership.customer_id == customer_id)
        .order_by(PartnerMembership.partner_program_id)
    )
    if lock:
        query = query.with_for_update()
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
        _without_relink(),
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
        _without_relink(),
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
            _without_relink(),
        )
        .values(remind_at=None, reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def claim_expiry(session: Session, membership_id: int, now: dt.datetime) -> bool:
    """Delete a membership whose expiry has passed; False when it is gone, was renewed or has a
    relink queued."""
    result = session.execute(
        delete(PartnerMembership)
        .where(
            PartnerMembership.id == membership_id,
            PartnerMembership.expires_at.is_not(None),
            PartnerMembership.expires_at <= now,
            _without_relink(),
        )
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def find_relink(session: Session, membership_id: int) -> PartnerRelink | None:
    """Return the relink queued for a membership, if any."""
    return session.scalars(
        select(PartnerRelink).where(PartnerRelink.membership_id == membership_id)
    ).first()


def add_relink(session: Session, relink: PartnerRelink) -> PartnerRelink:
    """Queue a relink (the unique membership id refuses a second one)."""
    session.add(relink)
    session.flush()
    return relink


def delete_relink(session: Session, relink_id: int) -> bool:
    """Delete a queued relink; False when it is already gone (applied or cancelled)."""
    result = session.execute(
        delete(PartnerRelink)
        .where(PartnerRelink.id == relink_id)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def get_relink(session: Session, relink_id: int) -> PartnerRelink | None:
    """Return a queued relink by id."""
    return session.get(PartnerRelink, relink_id)


def due_relinks(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[int]:
    """Return the ids (above ``after``) of relinks whose start has come by ``now``."""
    query = select(PartnerRelink.id).where(PartnerRelink.starts_at <= now, PartnerRelink.id > after)
    if org_id is not None:
        query = query.where(PartnerRelink.org_id == org_id)
    return list(session.scalars(query.order_by(PartnerRelink.id).limit(limit)))


def claim_relink(session: Session, relink_id: int, now: dt.datetime) -> bool:
    """Delete a relink whose start has come; False when another sweep or a cancellation
    already removed it (the delete waits for a concurrent one, then finds nothing)."""
    result = session.execute(
        delete(PartnerRelink)
        .where(PartnerRelink.id == relink_id, PartnerRelink.starts_at <= now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
