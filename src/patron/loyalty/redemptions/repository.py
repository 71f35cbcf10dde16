"""Queries of redemptions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from patron.loyalty.models import Redemption


def get_redemption(session: Session, org_id: int, redemption_id: int) -> Redemption | None:
    """Return the org's redemption ``redemption_id``."""
    query = select(Redemption).where(Redemption.org_id == org_id, Redemption.id == redemption_id)
    return session.scalars(query).first()


def lock_redemption(session: Session, redemption: Redemption) -> Redemption:
    """Take the redemption's row lock and reload it (what a concurrent reversal left)."""
    session.refresh(redemption, with_for_update=True)
    return redemption


def find_by_reference(session: Session, org_id: int, reference: str) -> Redemption | None:
    """Return the org's redemption made under ``externalReferenceNumber`` ``reference``."""
    query = select(Redemption).where(
        Redemption.org_id == org_id, Redemption.external_reference == reference
    )
    return session.scalars(query).first()


def add_redemption(session: Session, redemption: Redemption) -> Redemption:
    """Store a new redemption (its id assigned)."""
    session.add(redemption)
    session.flush()
    return redemption
