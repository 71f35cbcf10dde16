"""Extension points: rewards other domains give beside points.

A domain that rewards purchases (referral incentives for a referee's transaction) registers a
purchase hook here through ``patron.wiring``; the loyalty domain calls every hook after a
purchase is stored, in the same unit of work, and lists what they return in the
transaction's ``sideEffects``. The coupons domain registers the coupon issuer that earn rules
(``couponSeriesId``) and goodwill coupon requests use. The loyalty domain never imports those
domains.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.errors import Invalid
from patron.loyalty.models import Bill
from patron.orgs.config import OrgConfig

INVALID_SERIES = 707

# (session, principal, bill): the ``sideEffects`` items of what the hook gave for the stored
# purchase ``bill`` (its customer is ``bill.customer_id``); [] when it gave nothing.
PurchaseHook = Callable[[Session, Principal, Bill], list[dict[str, Any]]]

purchase_hooks: list[PurchaseHook] = []


def reward_purchase(session: Session, principal: Principal, bill: Bill) -> list[dict[str, Any]]:
    """Run every purchase hook for ``bill``; return their side effects in hook order."""
    out: list[dict[str, Any]] = []
    for hook in purchase_hooks:
        out.extend(hook(session, principal, bill))
    return out


# (session, principal, customer_id, series_id): issue one coupon of the series to the customer
# in the caller's unit of work; return its ``sideEffects`` item (``type: "coupon"``), or raise
# the coupon domain's documented error.
CouponIssuer = Callable[[Session, Principal, int, int], dict[str, Any]]
# (session, org, series_id): whether the org has that coupon series.
CouponSeriesCheck = Callable[[Session, OrgConfig, int], bool]

coupon_issuers: list[CouponIssuer] = []
coupon_series_checks: list[CouponSeriesCheck] = []


def has_coupon_series(session: Session, org: OrgConfig, series_id: int) -> bool:
    """Tell whether a registered coupon domain knows the org's series ``series_id``."""
    return any(check(session, org, series_id) for check in coupon_series_checks)


def issue_coupon(
    session: Session, principal: Principal, customer_id: int, series_id: int
) -> dict[str, Any]:
    """Issue a coupon of ``series_id`` to the customer; return its side effect (707 when no
    coupon domain is registered)."""
    if not coupon_issuers:
        raise Invalid(INVALID_SERIES, f"Invalid coupon series {series_id}: coupons are not issued")
    return coupon_issuers[0](session, principal, customer_id, series_id)
