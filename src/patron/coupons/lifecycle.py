"""Coupons through a customer's lifecycle: a merge gives the survivor the victim's coupons."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from patron.coupons.models import Coupon, CouponRedemption


def move_coupons(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Give the survivor of a merge the victim's coupons and redemptions; the victim's coupons
    are numbered after the survivor's own in each series (the per-customer limit counts both)."""
    victims = list(
        session.scalars(
            select(Coupon)
            .where(Coupon.org_id == org_id, Coupon.customer_id == victim_id)
            .order_by(Coupon.id)
        )
    )
    rows = session.execute(
        select(Coupon.series_pk, func.max(Coupon.holder_seq))
        .where(Coupon.org_id == org_id, Coupon.customer_id == survivor_id)
        .group_by(Coupon.series_pk)
    )
    highest: dict[int, int] = {int(pk): int(seq) for pk, seq in rows}
    for coupon in victims:
        seq = highest.get(coupon.series_pk, 0) + 1
        highest[coupon.series_pk] = seq
        coupon.customer_id = survivor_id
        coupon.holder_seq = seq
    session.flush()
    session.execute(
        update(CouponRedemption)
        .where(CouponRedemption.org_id == org_id, CouponRedemption.customer_id == victim_id)
        .values(customer_id=survivor_id)
        .execution_options(synchronize_session=False)
    )
