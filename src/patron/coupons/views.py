"""What coupons look like on the wire: issue answers, side effects and the customer views.

The basic view (``GET /v2/customers/coupons``) and the detailed one
(``GET /v2/customers/{id}/coupons``) follow the hosted samples key by key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from patron.coupons import repository
from patron.coupons.codes import OK, OK_MESSAGE
from patron.coupons.models import Coupon, CouponRedemption
from patron.coupons.series import (
    StoredSeries,
    redeemable_from,
    render_series,
    series_end,
    stored_by_pk,
)
from patron.customers import repository as customers_repository
from patron.customers.lookup import customer_names
from patron.errors import Invalid
from patron.kit import clock
from patron.orgs.config import OrgConfig
from patron.orgs.coupons import DiscountType

INVALID_INPUT = 400


def _money(value: Decimal) -> float:
    return float(value)


def customer_info(session: Session, customer_id: int) -> dict[str, Any]:
    """Render a customer as coupon answers name it: id, names and first identifiers."""
    first, last = customer_names(session, {customer_id})[customer_id]
    found: dict[str, str] = {}
    for ident in customers_repository.list_identifiers(session, customer_id):
        found.setdefault(ident.type, ident.value)
    return {
        "id": customer_id,
        "firstname": first,
        "lastname": last,
        "mobile": found.get("mobile"),
        "email": found.get("email"),
        "externalId": found.get("externalId"),
    }


def render_issued(
    session: Session, org: OrgConfig, series: StoredSeries, coupon: Coupon
) -> dict[str, Any]:
    """Render the answer of ``POST /v2/coupon/issue``."""
    d = series.definition
    return {
        "code": coupon.code,
        "seriesId": d.series_id,
        "description": d.description,
        "discountCode": d.discount_code,
        "validTill": clock.iso(coupon.valid_till, org.zone),
        "discountType": d.discount_type.value,
        "discountValue": _money(d.discount_value),
        "discountUpto": _money(d.discount_upto),
        "discountOn": "BILL",
        "customer": customer_info(session, coupon.customer_id),
        "redemptionCount": coupon.redemption_count,
        "id": coupon.id,
        "warnings": [],
    }


def side_effect(org: OrgConfig, series: StoredSeries, coupon: Coupon) -> dict[str, Any]:
    """Render a coupon issued as a reward as its ``sideEffects`` item."""
    d = series.definition
    return {
        "id": coupon.id,
        "entityType": "USER",
        "couponType": "PE",
        "couponCode": coupon.code,
        "validTill": clock.iso(coupon.valid_till, org.zone),
        "description": d.description,
        "discountCode": d.discount_code,
        "trimmedCouponCode": coupon.code.strip(),
        "type": "coupon",
    }


def redemptions_left(coupon: Coupon) -> int:
    """Return how often the coupon may still be redeemed (-1: without limit)."""
    if coupon.redemption_limit < 0:
        return -1
    return max(coupon.redemption_limit - coupon.redemption_count, 0)


def render_redemption(org: OrgConfig, redemption: CouponRedemption) -> dict[str, Any]:
    """Render one standing redemption of a coupon."""
    return {
        "id": redemption.id,
        "transactionNumber": redemption.transaction_number,
        "redemptionTime": clock.iso(redemption.redeemed_at, org.zone),
        "billAmount": _money(redemption.bill_amount),
        "couponValue": _money(redemption.coupon_value),
        "redeemedAt": {"code": redemption.store_code, "name": redemption.store_name},
    }


@dataclass(frozen=True)
class CouponState:
    """A coupon with its series, as of one moment."""

    coupon: Coupon
    series: StoredSeries
    now: dt.datetime
    zone: dt.tzinfo

    @property
    def is_expired(self) -> bool:
        """Tell whether the coupon (or its series) has ended."""
        ends = min(self.coupon.valid_till, series_end(self.series.definition, self.zone))
        return ends < self.now

    @property
    def is_redeemed(self) -> bool:
        """Tell whether the coupon has a standing redemption."""
        return self.coupon.redemption_count > 0

    @property
    def is_active(self) -> bool:
        """Tell whether the coupon has not ended."""
        return not self.is_expired

    @property
    def is_redeemable(self) -> bool:
        """Tell whether the coupon can be redeemed now: active, started, with uses left."""
        row = self.series.row
        starts = redeemable_from(self.series.definition, self.zone)
        series_left = row is None or row.max_redeem < 0 or row.num_redeemed < row.max_redeem
        return (
            self.is_active
            and (starts is None or starts <= self.now)
            and redemptions_left(self.coupon) != 0
            and series_left
        )


STATUS_FILTERS: dict[str, Callable[[CouponState], bool]] = {
    "REDEEMED": lambda s: s.is_redeemed,
    "UNREDEEMED": lambda s: not s.is_redeemed,
    "ACTIVE": lambda s: s.is_active,
    "UNEXPIRED": lambda s: s.is_active,
    "EXPIRED": lambda s: s.is_expired,
    "ACTIVE_REDEEMED": lambda s: s.is_active and s.is_redeemed,
    "ACTIVE_UNREDEEMED": lambda s: s.is_active and not s.is_redeemed,
    "EXPIRED_REDEEMED": lambda s: s.is_expired and s.is_redeemed,
    "EXPIRED_UNREDEEMED": lambda s: s.is_expired and not s.is_redeemed,
    "REDEEMABLE": lambda s: s.is_redeemable,
}


def _states(session: Session, org: OrgConfig, customer_id: int) -> list[CouponState]:
    coupons = repository.customer_coupons(session, org.id, customer_id)
    series = stored_by_pk(session, org, {c.series_pk for c in coupons})
    now = clock.now()
    return [CouponState(c, series[c.series_pk], now, org.zone) for c in coupons]


def _code_case(code: str, case: str | None) -> str:
    if case == "UPPER":
        return code.upper()
    if case == "LOWER":
        return code.lower()
    return code


def _option(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    if value is None or not value.strip():
        return None
    wanted = value.strip().upper()
    if wanted not in allowed:
        raise Invalid(
            INVALID_INPUT, f"Input is invalid: {name} must be one of {', '.join(allowed)}"
        )
    return wanted


@dataclass(frozen=True)
class ListOptions:
    """The filters, order and window of the basic coupons view."""

    status: str | None = None
    code_case: str | None = None
    sort_order: str | None = None
    limit: int = 100
    offset: int = 0

    @classmethod
    def parse(
        cls,
        status: str | None,
        code_case: str | None,
        sort_order: str | None,
        limit: int | None,
        offset: int | None,
    ) -> ListOptions:
        """Check the view's query parameters (any case) and return them (400 when bad)."""
        return cls(
            status=_option(status, tuple(STATUS_FILTERS), "status"),
            code_case=_option(code_case, ("UPPER", "LOWER"), "coupon_code_case"),
            sort_order=_option(sort_order, ("ASC", "DESC"), "sort_order"),
            limit=100 if limit is None else limit,
            offset=0 if offset is None else offset,
        )


def basic_view(
    session: Session, org: OrgConfig, customer_id: int, options: ListOptions
) -> dict[str, Any]:
    """Render ``GET /v2/customers/coupons`` for one customer."""
    states = _states(session, org, customer_id)
    if options.status is not None:
        states = [s for s in states if STATUS_FILTERS[options.status](s)]
    states.sort(key=lambda s: (s.coupon.created_at, s.coupon.id))
    if options.sort_order != "ASC":
        states.reverse()
    window = states[options.offset : options.offset + options.limit]
    redemptions = repository.coupon_redemptions(session, [s.coupon.id for s in window])
    info = customer_info(session, customer_id)
    coupons = []
    for state in window:
        coupon, d = state.coupon, state.series.definition
        coupons.append(
            {
                "code": _code_case(coupon.code, options.code_case),
                "seriesId": d.series_id,
                "description": d.description,
                "validTill": clock.iso(coupon.valid_till, org.zone),
                "discountType": d.discount_type.value,
                "discountValue": _money(d.discount_value),
                "discountUpto": _money(d.discount_upto),
                "redemptionCount": coupon.redemption_count,
                "redemptionsLeft": redemptions_left(coupon),
                "id": coupon.id,
                "createdDate": clock.iso(coupon.created_at, org.zone),
                "transactionNumber": coupon.transaction_number,
                "issuedAt": {"code": coupon.store_code, "name": coupon.store_name},
                "redemptions": [render_redemption(org, r) for r in redemptions[coupon.id]],
            }
        )
    return {
        "entity": {
            "pagination": {
                "limit": str(options.limit),
                "offset": str(options.offset),
                "total": len(states),
            },
            "customers": [
                {
                    "firstname": info["firstname"],
                    "lastname": info["lastname"],
                    "mobile": info["mobile"],
                    "id": customer_id,
                    "coupons": coupons,
                }
            ],
        },
        "warnings": [],
        "errors": [],
        "success": True,
    }


def _status(code: int, message: str) -> dict[str, Any]:
    return {
        "statusCode": {"status": True, "code": code, "message": message},
        "warnings": [],
        "warningsAsStatusCode": [],
        "code": code,
        "success": True,
        "message": message,
    }


def _detailed(
    org: OrgConfig, state: CouponState, redemptions: list[CouponRedemption]
) -> dict[str, Any]:
    coupon, series = state.coupon, state.series
    d = series.definition
    zone = org.zone
    issued_day = clock.start_of_day(coupon.created_at.astimezone(zone).date(), zone)
    starts = redeemable_from(d, zone)
    active_from = max(issued_day, starts) if starts is not None else issued_day
    return {
        "id": coupon.id,
        "seriesId": d.series_id,
        "series": render_series(org, series),
        "code": coupon.code,
        "description": d.description,
        "createdDate": clock.iso(coupon.created_at, zone),
        "validTill": clock.iso(coupon.valid_till, zone),
        "isRedeemed": state.is_redeemed,
        "issuedTo": coupon.customer_id,
        "issuedBy": coupon.issued_by or 0,
        "orgId": org.id,
        "refId": 0,
        "issuedAt": {
            "id": coupon.store_id or 0,
            "code": coupon.store_code,
            "description": "",
            "name": coupon.store_name,
            "type": "STORE",
            "adminType": "GENERAL",
            "isOrgUnit": False,
        },
        "status": _status(OK, OK_MESSAGE),
        "couponDiscountType": d.discount_type.value,
        "issuedOn": clock.iso(coupon.created_at, zone),
        "activeFrom": clock.iso(active_from, zone),
        "redemptionsLeft": redemptions_left(coupon),
        "couponStatus": _status(200, "Success"),
        "redemptionInfo": [render_redemption(org, r) for r in redemptions],
        # The hosted view's boolean: true for an absolute discount.
        "discountType": d.discount_type is DiscountType.ABS,
        "discountValue": _money(d.discount_value),
        "discountUpto": _money(d.discount_upto),
        "redeemed": state.is_redeemed,
        "seriesName": d.description,
        "trimmedCode": coupon.code.strip(),
    }


def detailed_view(session: Session, org: OrgConfig, customer_id: int) -> dict[str, Any]:
    """Render ``GET /v2/customers/{id}/coupons``: every coupon, newest first, with its series."""
    states = _states(session, org, customer_id)
    states.sort(key=lambda s: (s.coupon.created_at, s.coupon.id), reverse=True)
    redemptions = repository.coupon_redemptions(session, [s.coupon.id for s in states])
    return {
        "entity": [_detailed(org, s, redemptions[s.coupon.id]) for s in states],
        "warnings": [],
        "errors": [],
        "success": True,
    }
