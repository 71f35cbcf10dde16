"""Queries of the cards domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from patron.cards.models import Card, CardLabelRow, CardSeries, CardStatusChange

# Statuses a linked card counts against ``maxActiveCardsPerCustomer`` in.
HELD_STATUSES = ("ISSUED", "ACTIVE", "SUSPENDED")


def find_series(session: Session, org_id: int, code: str) -> CardSeries | None:
    """Return the stored series ``code`` (any case), or None."""
    query = select(CardSeries).where(
        CardSeries.org_id == org_id, func.lower(CardSeries.code) == code.lower()
    )
    return session.scalars(query).first()


def get_series(
    session: Session, org_id: int, series_id: int, *, lock: bool = False
) -> CardSeries | None:
    """Return a stored series by id (locked for update when asked), or None."""
    query = select(CardSeries).where(CardSeries.org_id == org_id, CardSeries.id == series_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def list_series(session: Session, org_id: int) -> list[CardSeries]:
    """Return the org's stored series, oldest first."""
    query = select(CardSeries).where(CardSeries.org_id == org_id).order_by(CardSeries.id)
    return list(session.scalars(query))


def series_by_ids(session: Session, org_id: int, ids: Iterable[int]) -> dict[int, CardSeries]:
    """Return the stored series of these ids, by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    query = select(CardSeries).where(CardSeries.org_id == org_id, CardSeries.id.in_(wanted))
    return {s.id: s for s in session.scalars(query)}


def find_card(session: Session, org_id: int, number: str, *, lock: bool = False) -> Card | None:
    """Return the card ``number`` (locked for update when asked), or None."""
    query = select(Card).where(Card.org_id == org_id, Card.number == number)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def external_id_taken(session: Session, org_id: int, external_id: str) -> bool:
    """Tell whether a card already has this external id."""
    query = select(Card.id).where(Card.org_id == org_id, Card.external_id == external_id)
    return session.scalar(query.limit(1)) is not None


def existing_numbers(session: Session, org_id: int, numbers: Sequence[str]) -> set[str]:
    """Return which of these card numbers exist already."""
    found: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        query = select(Card.number).where(Card.org_id == org_id, Card.number.in_(chunk))
        found.update(session.scalars(query))
    return found


def customer_cards(session: Session, org_id: int, customer_id: int) -> list[Card]:
    """Return the cards linked to a customer, oldest first."""
    query = (
        select(Card).where(Card.org_id == org_id, Card.customer_id == customer_id).order_by(Card.id)
    )
    return list(session.scalars(query))


def count_held(session: Session, org_id: int, customer_id: int, series_id: int) -> int:
    """Count the customer's cards of a series that are issued, active or suspended."""
    query = select(func.count(Card.id)).where(
        Card.org_id == org_id,
        Card.customer_id == customer_id,
        Card.series_id == series_id,
        Card.status.in_(HELD_STATUSES),
    )
    return int(session.scalar(query) or 0)


def list_labels(session: Session, org_id: int) -> list[CardLabelRow]:
    """Return the org's stored labels, oldest first."""
    query = select(CardLabelRow).where(CardLabelRow.org_id == org_id).order_by(CardLabelRow.id)
    return list(session.scalars(query))


def status_log(session: Session, card_id: int) -> list[CardStatusChange]:
    """Return the statuses a card took, oldest first."""
    query = (
        select(CardStatusChange)
        .where(CardStatusChange.card_id == card_id)
        .order_by(CardStatusChange.id)
    )
    return list(session.scalars(query))


def latest_changes(session: Session, card_ids: Sequence[int]) -> dict[int, CardStatusChange]:
    """Return the newest status change of each card, by card id."""
    if not card_ids:
        return {}
    newest = (
        select(func.max(CardStatusChange.id))
        .where(CardStatusChange.card_id.in_(card_ids))
        .group_by(CardStatusChange.card_id)
    )
    query = select(CardStatusChange).where(CardStatusChange.id.in_(newest))
    return {c.card_id: c for c in session.scalars(query)}


def due_expiries(
    session: Session, org_id: int | None, now: dt.datetime, after: int, limit: int
) -> list[tuple[int, int]]:
    """Return (card id, org id) of the cards (ids above ``after``) whose expiry has passed."""
    query = select(Card.id, Card.org_id).where(
        Card.expires_at.is_not(None),
        Card.expires_at <= now,
        Card.status.in_(HELD_STATUSES),
        Card.id > after,
    )
    if org_id is not None:
        query = query.where(Card.org_id == org_id)
    rows = session.execute(query.order_by(Card.id).limit(limit))
    return [(card_id, card_org) for card_id, card_org in rows]


def claim_expiries(
    session: Session, org_id: int, card_ids: Sequence[int], now: dt.datetime, label: str
) -> list[tuple[int, int | None]]:
    """Move these cards to EXPIRED with ``label`` where their expiry has still passed; return
    (card id, customer id) of those moved.

    On PostgreSQL the rows are locked first, in id order, skipping those another sweep holds:
    two sweeps never wait on each other nor move a card twice. On SQLite the unit of work
    began with ``BEGIN IMMEDIATE``, which already serialises writers; the conditional update
    finds nothing left to move in a card another sweep expired.
    """
    due = (
        Card.org_id == org_id,
        Card.id.in_(card_ids),
        Card.expires_at.is_not(None),
        Card.expires_at <= now,
        Card.status.in_(HELD_STATUSES),
    )
    wanted = list(card_ids)
    if session.get_bind().dialect.name == "postgresql":
        locked = select(Card.id).where(*due).order_by(Card.id).with_for_update(skip_locked=True)
        wanted = list(session.scalars(locked))
        if not wanted:
            return []
    statement = (
        update(Card)
        .where(*due, Card.id.in_(wanted))
        .values(status="EXPIRED", label=label, expires_at=None, updated_at=now)
        .returning(Card.id, Card.customer_id)
        .execution_options(synchronize_session=False)
    )
    return sorted((card_id, customer_id) for card_id, customer_id in session.execute(statement))
