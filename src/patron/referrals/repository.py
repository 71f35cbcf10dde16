"""Queries of the referrals domain."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from patron.referrals.models import (
    ReferralAward,
    ReferralCode,
    ReferralEvent,
    ReferralInvitation,
    ReferralLink,
)

REGISTRATION = "REGISTRATION"
TRANSACTION = "TRANSACTION"


def primary_code(
    session: Session, org_id: int, campaign_id: int, customer_id: int
) -> ReferralCode | None:
    """Return the customer's primary code in the campaign."""
    return session.scalars(
        select(ReferralCode).where(
            ReferralCode.org_id == org_id,
            ReferralCode.campaign_id == campaign_id,
            ReferralCode.customer_id == customer_id,
            ReferralCode.is_primary.is_(True),
        )
    ).first()


def find_code(session: Session, org_id: int, code: str) -> ReferralCode | None:
    """Return the org's code ``code`` (stored form)."""
    return session.scalars(
        select(ReferralCode).where(ReferralCode.org_id == org_id, ReferralCode.code == code)
    ).first()


def codes_of(session: Session, org_id: int, customer_id: int) -> list[ReferralCode]:
    """Return every code of the customer, primary ones first."""
    query = select(ReferralCode).where(
        ReferralCode.org_id == org_id, ReferralCode.customer_id == customer_id
    )
    return list(session.scalars(query.order_by(ReferralCode.is_primary.desc(), ReferralCode.id)))


def count_up(session: Session, code_id: int, event_type: str) -> int:
    """Add one to the code's counter of ``event_type`` and return the new count.

    The conditional UPDATE takes the row's lock: two referees counted at once for one
    referrer get consecutive numbers, never the same one.
    """
    column = ReferralCode.registrations if event_type == REGISTRATION else ReferralCode.transactions
    counted = session.execute(
        update(ReferralCode)
        .where(ReferralCode.id == code_id)
        .values({column: column + 1})
        .returning(column)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return int(counted)


def link_of_referee(session: Session, org_id: int, referee_id: int) -> ReferralLink | None:
    """Return the referee's link to its referrer."""
    return session.scalars(
        select(ReferralLink).where(
            ReferralLink.org_id == org_id, ReferralLink.referee_id == referee_id
        )
    ).first()


def links_of_referrer(session: Session, org_id: int, referrer_id: int) -> list[ReferralLink]:
    """Return the referrer's referee links, oldest first."""
    query = select(ReferralLink).where(
        ReferralLink.org_id == org_id, ReferralLink.referrer_id == referrer_id
    )
    return list(session.scalars(query.order_by(ReferralLink.id)))


def event_of_bill(
    session: Session, org_id: int, campaign_id: int, bill_id: int
) -> ReferralEvent | None:
    """Return the event a purchase was already counted as, if any."""
    return session.scalars(
        select(ReferralEvent).where(
            ReferralEvent.org_id == org_id,
            ReferralEvent.campaign_id == campaign_id,
            ReferralEvent.bill_id == bill_id,
        )
    ).first()


def invitation(
    session: Session, campaign_id: int, referrer_id: int, kind: str, identifier: str
) -> ReferralInvitation | None:
    """Return the referrer's invitation of ``identifier`` in the campaign."""
    return session.scalars(
        select(ReferralInvitation).where(
            ReferralInvitation.campaign_id == campaign_id,
            ReferralInvitation.referrer_id == referrer_id,
            ReferralInvitation.type == kind,
            ReferralInvitation.identifier == identifier,
        )
    ).first()


def invitations(
    session: Session, org_id: int, campaign_id: int, referrer_id: int
) -> list[ReferralInvitation]:
    """Return the referrer's invitations in the campaign, in the order they were made."""
    query = select(ReferralInvitation).where(
        ReferralInvitation.org_id == org_id,
        ReferralInvitation.campaign_id == campaign_id,
        ReferralInvitation.referrer_id == referrer_id,
    )
    return list(
        session.scalars(query.order_by(ReferralInvitation.invited_at, ReferralInvitation.id))
    )


def events(
    session: Session, org_id: int, campaign_id: int, referrer_id: int
) -> list[ReferralEvent]:
    """Return the events counted for the referrer in the campaign, oldest first."""
    query = select(ReferralEvent).where(
        ReferralEvent.org_id == org_id,
        ReferralEvent.campaign_id == campaign_id,
        ReferralEvent.referrer_id == referrer_id,
    )
    return list(session.scalars(query.order_by(ReferralEvent.id)))


def awards(
    session: Session, org_id: int, campaign_id: int, referrer_id: int
) -> list[ReferralAward]:
    """Return the incentives given for the referrer's referees in the campaign, oldest first."""
    query = select(ReferralAward).where(
        ReferralAward.org_id == org_id,
        ReferralAward.campaign_id == campaign_id,
        ReferralAward.referrer_id == referrer_id,
    )
    return list(session.scalars(query.order_by(ReferralAward.id)))


def add(session: Session, *rows: object) -> None:
    """Insert rows and flush them."""
    session.add_all(rows)
    session.flush()


def reassign(
    session: Session,
    model: type[ReferralCode | ReferralInvitation | ReferralLink | ReferralEvent | ReferralAward],
    column: str,
    org_id: int,
    victim_id: int,
    survivor_id: int,
) -> None:
    """Point ``column`` of the org's rows of ``model`` from the victim to the survivor."""
    attribute = getattr(model, column)
    session.execute(
        update(model)
        .where(model.org_id == org_id, attribute == victim_id)
        .values({column: survivor_id})
        .execution_options(synchronize_session=False)
    )


def delete_rows(session: Session, rows: Sequence[object]) -> None:
    """Delete rows and flush."""
    for row in rows:
        session.delete(row)
    session.flush()


def delete_invitations(session: Session, org_id: int, referrer_id: int) -> None:
    """Delete every invitation the referrer made."""
    session.execute(
        delete(ReferralInvitation).where(
            ReferralInvitation.org_id == org_id, ReferralInvitation.referrer_id == referrer_id
        )
    )


def invitations_of(session: Session, org_id: int, referrer_id: int) -> list[ReferralInvitation]:
    """Return every invitation the referrer made, in any campaign."""
    query = select(ReferralInvitation).where(
        ReferralInvitation.org_id == org_id, ReferralInvitation.referrer_id == referrer_id
    )
    return list(session.scalars(query.order_by(ReferralInvitation.id)))


def delete_invitations_of(session: Session, org_id: int, kind: str, identifier: str) -> None:
    """Delete every invitation of the org naming ``identifier`` of type ``kind``."""
    session.execute(
        delete(ReferralInvitation).where(
            ReferralInvitation.org_id == org_id,
            ReferralInvitation.type == kind,
            ReferralInvitation.identifier == identifier,
        )
    )
