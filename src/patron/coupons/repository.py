"""Queries of the coupons domain, among them the conditional counter updates that hold limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from patron.coupons.models import Coupon, CouponRedemption, CouponSeries


def get_series(
    session: Session, org_id: int, series_id: int, *, lock: bool = False
) -> CouponSeries | None:
    """Return the stored series with the org's ``seriesId`` (locked when asked), or None."""
    query = select(CouponSeries).where(
        CouponSeries.org_id == org_id, CouponSeries.series_id == series_id
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def find_series_by_code(session: Session, org_id: int, code: str) -> CouponSeries | None:
    """Return the stored series ``code`` (any case), or None."""
    query = select(CouponSeries).where(
        CouponSeries.org_id == org_id, func.lower(CouponSeries.code) == code.lower()
    )
    return session.scalars(query).first()


def list_series(session: Session, org_id: int) -> list[CouponSeries]:
    """Return the org's stored series by ``seriesId``."""
    query = (
        select(CouponSeries).where(CouponSeries.org_id == org_id).order_by(CouponSeries.series_id)
    )
    return list(session.scalars(query))


def series_by_pks(session: Session, pks: Iterable[int]) -> dict[int, CouponSeries]:
    """Return the stored series of these row ids, by row id."""
    wanted = set(pks)
    if not wanted:
        return {}
    query = select(CouponSeries).where(CouponSeries.id.in_(wanted))
    return {s.id: s for s in session.scalars(query)}


def max_series_id(session: Session, org_id: int) -> int:
    """Return the largest stored ``seriesId`` of the org (0 when none)."""
    query = select(func.max(CouponSeries.series_id)).where(CouponSeries.org_id == org_id)
    return int(session.scalar(query) or 0)


def count_issue(session: Session, series_pk: int) -> bool:
    """Count one more coupon issued, unless the series' ``maxCreate`` is reached."""
    statement = (
        update(CouponSeries)
        .where(
            CouponSeries.id == series_pk,
            or_(CouponSeries.max_create < 0, CouponSeries.num_issued < CouponSeries.max_create),
        )
        .values(num_issued=CouponSeries.num_issued + 1)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def count_redemption(session: Session, series_pk: int, at: dt.datetime) -> bool:
    """Count one more redemption of the series, unless its ``maxRedeem`` is reached."""
    statement = (
        update(CouponSeries)
        .where(
            CouponSeries.id == series_pk,
            or_(
                CouponSeries.max_redeem < 0,
                CouponSeries.num_redeemed < CouponSeries.max_redeem,
            ),
        )
        .values(num_redeemed=CouponSeries.num_redeemed + 1, last_used=at)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def uncount_redemption(session: Session, series_pk: int) -> None:
    """Take one redemption off the series' counter (a reactivation)."""
    statement = (
        update(CouponSeries)
        .where(CouponSeries.id == series_pk, CouponSeries.num_redeemed > 0)
        .values(num_redeemed=CouponSeries.num_redeemed - 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(statement)


def use_coupon(session: Session, coupon_id: int) -> bool:
    """Count one more use of the coupon, unless its redemption limit is reached."""
    statement = (
        update(Coupon)
        .where(
            Coupon.id == coupon_id,
            or_(Coupon.redemption_limit < 0, Coupon.redemption_count < Coupon.redemption_limit),
        )
        .values(redemption_count=Coupon.redemption_count + 1)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def unuse_coupon(session: Session, coupon_id: int) -> bool:
    """Take one use off the coupon's count (a reactivation); tell whether there was one."""
    statement = (
        update(Coupon)
        .where(Coupon.id == coupon_id, Coupon.redemption_count > 0)
        .values(redemption_count=Coupon.redemption_count - 1)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def get_coupon(session: Session, org_id: int, coupon_id: int) -> Coupon | None:
    """Return a coupon by id, fresh from the database, or None."""
    query = (
        select(Coupon)
        .where(Coupon.org_id == org_id, Coupon.id == coupon_id)
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def find_coupon_by_code(session: Session, org_id: int, code: str) -> Coupon | None:
    """Return the coupon whose own code is ``code`` (any case), or None."""
    query = select(Coupon).where(Coupon.org_id == org_id, Coupon.code_key == code.upper())
    return session.scalars(query).first()


def generic_coupons(
    session: Session, org_id: int, series_pks: Iterable[int], customer_id: int | None
) -> list[Coupon]:
    """Return the coupons of these GENERIC series, of one customer when named, oldest first."""
    wanted = set(series_pks)
    if not wanted:
        return []
    query = select(Coupon).where(Coupon.org_id == org_id, Coupon.series_pk.in_(wanted))
    if customer_id is not None:
        query = query.where(Coupon.customer_id == customer_id)
    return list(session.scalars(query.order_by(Coupon.id)))


def count_held(session: Session, series_pk: int, customer_id: int) -> int:
    """Return how many coupons of the series the customer was issued."""
    query = select(func.count(Coupon.id)).where(
        Coupon.series_pk == series_pk, Coupon.customer_id == customer_id
    )
    return int(session.scalar(query) or 0)


def customer_coupons(session: Session, org_id: int, customer_id: int) -> list[Coupon]:
    """Return the customer's coupons, oldest first."""
    query = (
        select(Coupon)
        .where(Coupon.org_id == org_id, Coupon.customer_id == customer_id)
        .order_by(Coupon.created_at, Coupon.id)
    )
    return list(session.scalars(query))


def coupon_redemptions(
    session: Session, coupon_ids: Iterable[int]
) -> dict[int, list[CouponRedemption]]:
    """Return the standing (not reactivated) redemptions of these coupons, by coupon id."""
    wanted = set(coupon_ids)
    found: dict[int, list[CouponRedemption]] = {c: [] for c in wanted}
    if not wanted:
        return found
    query = (
        select(CouponRedemption)
        .where(
            CouponRedemption.coupon_id.in_(wanted),
            CouponRedemption.reactivated_at.is_(None),
        )
        .order_by(CouponRedemption.id)
    )
    for row in session.scalars(query):
        found[row.coupon_id].append(row)
    return found


def customer_redemptions(
    session: Session, customer_id: int, series_pk: int
) -> list[CouponRedemption]:
    """Return the customer's standing redemptions of a series, oldest first."""
    query = (
        select(CouponRedemption)
        .where(
            CouponRedemption.customer_id == customer_id,
            CouponRedemption.series_pk == series_pk,
            CouponRedemption.reactivated_at.is_(None),
        )
        .order_by(CouponRedemption.id)
    )
    return list(session.scalars(query))


def lock_redemption(session: Session, org_id: int, redemption_id: int) -> CouponRedemption | None:
    """Return a redemption locked for update, or None."""
    query = (
        select(CouponRedemption)
        .where(CouponRedemption.org_id == org_id, CouponRedemption.id == redemption_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def reactivate(session: Session, redemption_id: int, at: dt.datetime, till_id: int) -> bool:
    """Mark a standing redemption reactivated; tell whether this call did it."""
    statement = (
        update(CouponRedemption)
        .where(CouponRedemption.id == redemption_id, CouponRedemption.reactivated_at.is_(None))
        .values(reactivated_at=at, reactivated_by=till_id)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined, no-any-return]
