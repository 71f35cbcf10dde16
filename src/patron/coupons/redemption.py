"""Redeeming coupons on a bill, checking whether they can be, and undoing redemptions.

A redemption is money-like: the coupon's use counter and the series' ``numRedeemed`` move by
conditional UPDATEs that cannot pass their limits (and CHECK constraints back them), and the
redemption row is written in the same unit of work. Concurrent redemptions of a single-use
coupon therefore leave one standing; the other answers 711. A redemption request is all or
nothing: one refused coupon refuses the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.coupons import repository
from patron.coupons.codes import (
    ALREADY_REDEEMED,
    CODE_DOES_NOT_EXIST,
    COUPON_EXPIRED,
    CUSTOMER_MAX_REDEMPTIONS,
    INVALID_AMOUNT,
    INVALID_CODE,
    MANDATORY_MISSING,
    MAX_REDEMPTIONS,
    NOT_ISSUED_TO_CUSTOMER,
    NOT_REDEEMABLE_BY_CUSTOMER,
    NOT_REDEEMABLE_YET,
    OK,
    OK_MESSAGE,
    SAME_COUPON_TWICE,
    SERIES_EXPIRED,
    SERIES_MAX_REDEMPTIONS,
    coupon_error,
)
from patron.coupons.models import Coupon, CouponRedemption
from patron.coupons.schemas import CustomerIn, ReactivateIn, RedeemIn
from patron.coupons.series import (
    StoredSeries,
    list_series,
    redeemable_from,
    series_end,
    store_file_series,
    stored_by_pk,
)
from patron.coupons.service import find_customer
from patron.coupons.views import customer_info, redemptions_left
from patron.customers.models import Customer
from patron.errors import Conflict, Invalid, NotFound, PatronError
from patron.kit import clock
from patron.orgs.config import OrgConfig
from patron.orgs.coupons import ClientHandlingType, DiscountType

MAX_AMOUNT = Decimal("1e12")
CENT = Decimal("0.01")
MAX_BATCH = 100
INVALID_INPUT = 400


@dataclass(frozen=True)
class Found:
    """A coupon named in a request, with its series."""

    coupon: Coupon
    series: StoredSeries


def parse_amount(value: Any, *, required: bool) -> Decimal | None:
    """Return a bill amount (a number from 0 up, three decimals at most): 756 missing, 733 bad."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: billAmount")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Invalid(INVALID_AMOUNT, f"Invalid amount: {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid(INVALID_AMOUNT, f"Invalid amount: {value!r}") from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise Invalid(INVALID_AMOUNT, f"Invalid amount: {value!r}")
    if amount != amount.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP):
        raise Invalid(INVALID_AMOUNT, f"Invalid amount: {value!r} has more than 3 decimals")
    return amount


def coupon_value(series: StoredSeries, bill: Decimal) -> Decimal:
    """Return what a coupon takes off a bill: an amount (at most the bill) or a percentage of
    it, capped by ``discountUpto`` when that is set."""
    d = series.definition
    if d.discount_type is DiscountType.ABS:
        return min(d.discount_value, bill)
    value = (bill * d.discount_value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    if d.discount_upto > 0:
        value = min(value, d.discount_upto)
    return value


def _codes(items: list[Any] | None) -> list[str]:
    if not items:
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: redemptionRequestList")
    codes: list[str] = []
    for item in items:
        code = (item.code or "").strip()
        if not code:
            raise Invalid(INVALID_CODE, "Invalid coupon code: code is required")
        if code.upper() in {c.upper() for c in codes}:
            raise Invalid(SAME_COUPON_TWICE, f"Coupon {code} is given more than once")
        codes.append(code)
    return codes


def _split(text: str | None) -> list[str]:
    codes: list[str] = []
    for part in (text or "").split(","):
        code = part.strip()
        if not code:
            continue
        if code.upper() in {c.upper() for c in codes}:
            raise Invalid(SAME_COUPON_TWICE, f"Coupon {code} is given more than once")
        codes.append(code)
    if not codes:
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: code")
    return codes


def find_coupon(session: Session, org: OrgConfig, customer_id: int, code: str) -> Found:
    """Return the coupon of a code: its own code, else the customer's coupon of the GENERIC
    series of that code that still has uses left (719 when none)."""
    coupon = repository.find_coupon_by_code(session, org.id, code)
    if coupon is not None:
        series = stored_by_pk(session, org, {coupon.series_pk})[coupon.series_pk]
        return Found(coupon, series)
    pks = stored_by_pk(session, org, _generic_pks(session, org, code))
    held = repository.generic_coupons(session, org.id, pks, customer_id)
    if held:
        usable = [c for c in held if redemptions_left(c) != 0]
        chosen = usable[0] if usable else held[-1]
        return Found(chosen, pks[chosen.series_pk])
    others = repository.generic_coupons(session, org.id, pks, None)
    if others:
        return Found(others[0], pks[others[0].series_pk])
    raise coupon_error(CODE_DOES_NOT_EXIST, f"Coupon code {code} does not exist")


def _generic_pks(session: Session, org: OrgConfig, code: str) -> set[int]:
    wanted = code.upper()
    return {
        s.pk
        for s in list_series(session, org)
        if s.row is not None
        and s.definition.client_handling_type is ClientHandlingType.GENERIC
        and (s.definition.generic_code or "").upper() == wanted
    }


def check(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    found: Found,
    bill: Decimal | None,
    now: dt.datetime,
) -> None:
    """Refuse a coupon the customer cannot redeem now, with its documented code."""
    coupon, d = found.coupon, found.series.definition
    code = coupon.code
    if not d.any_user and coupon.customer_id != customer.id:
        raise coupon_error(NOT_ISSUED_TO_CUSTOMER, f"Coupon {code} is not issued to this customer")
    if series_end(d, org.zone) < now:
        raise coupon_error(SERIES_EXPIRED, f"Coupon series {d.series_id} has expired")
    if coupon.valid_till < now:
        raise coupon_error(COUPON_EXPIRED, f"Coupon {code} has expired")
    starts = redeemable_from(d, org.zone)
    if starts is not None and now < starts:
        raise coupon_error(
            NOT_REDEEMABLE_YET, f"Coupon {code} is redeemable from {clock.iso(starts, org.zone)}"
        )
    if redemptions_left(coupon) == 0:
        if coupon.redemption_limit == 1:
            raise coupon_error(ALREADY_REDEEMED, f"Coupon {code} is already redeemed")
        raise coupon_error(MAX_REDEMPTIONS, f"Coupon {code} has reached its maximum redemptions")
    row = found.series.row
    if row is not None and 0 <= row.max_redeem <= row.num_redeemed:
        raise coupon_error(
            SERIES_MAX_REDEMPTIONS, f"Coupon series {d.series_id} has reached maxRedeem"
        )
    mine = repository.customer_redemptions(session, customer.id, found.series.pk)
    if not d.same_user_multiple_redeem and any(r.coupon_id == coupon.id for r in mine):
        raise coupon_error(
            NOT_REDEEMABLE_BY_CUSTOMER, f"Coupon {code} was already redeemed by this customer"
        )
    if 0 <= d.max_redemptions_in_series_per_user <= len(mine):
        raise coupon_error(
            CUSTOMER_MAX_REDEMPTIONS,
            f"The customer has redeemed series {d.series_id} the most times allowed",
        )
    if d.min_days_between_redemption > 0 and mine:
        next_day = mine[-1].redeemed_at + dt.timedelta(days=d.min_days_between_redemption)
        if now < next_day:
            raise coupon_error(
                NOT_REDEEMABLE_YET,
                f"Coupon {code} is redeemable again from {clock.iso(next_day, org.zone)}",
            )
    if bill is not None:
        if bill < d.min_bill_amount:
            raise coupon_error(
                INVALID_AMOUNT, f"Invalid amount: the bill is below {d.min_bill_amount}"
            )
        if d.max_bill_amount is not None and bill > d.max_bill_amount:
            raise coupon_error(
                INVALID_AMOUNT, f"Invalid amount: the bill is above {d.max_bill_amount}"
            )


def _ok() -> dict[str, Any]:
    return {"status": True, "code": OK, "message": OK_MESSAGE}


def _redeem_one(
    session: Session,
    principal: Principal,
    customer: Customer,
    found: Found,
    body: RedeemIn,
    bill: Decimal,
    now: dt.datetime,
) -> dict[str, Any]:
    coupon, series = found.coupon, found.series
    d = series.definition
    if not repository.use_coupon(session, coupon.id):
        # Another unit of work used it up since it was read.
        if coupon.redemption_limit == 1:
            raise coupon_error(ALREADY_REDEEMED, f"Coupon {coupon.code} is already redeemed")
        raise coupon_error(
            MAX_REDEMPTIONS, f"Coupon {coupon.code} has reached its maximum redemptions"
        )
    if not repository.count_redemption(session, series.pk, now):
        raise coupon_error(
            SERIES_MAX_REDEMPTIONS, f"Coupon series {d.series_id} has reached maxRedeem"
        )
    value = coupon_value(series, bill)
    redeemed_at = now
    if body.redemption_time:
        try:
            redeemed_at = clock.parse_datetime(body.redemption_time)
        except (ValueError, OverflowError):
            raise Invalid(
                INVALID_INPUT, f"Input is invalid: redemptionTime {body.redemption_time!r}"
            ) from None
    row = CouponRedemption(
        org_id=principal.org.id,
        coupon_id=coupon.id,
        series_pk=series.pk,
        customer_id=customer.id,
        transaction_number=(body.transaction_number or "").strip() or None,
        bill_amount=bill,
        coupon_value=value,
        redeemed_at=redeemed_at,
        redeemed_by=principal.till_id,
        store_code=principal.store.code,
        store_name=principal.store.name,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return {
        "id": row.id,
        "code": coupon.code,
        "discountCode": d.discount_code,
        "seriesCode": d.series_code,
        "isAbsolute": d.discount_type is DiscountType.ABS,
        "couponValue": float(value),
        "discountType": d.discount_type.value,
        "discountValue": float(d.discount_value),
        "discountUpto": float(d.discount_upto),
        "redemptionStatus": _ok(),
    }


def redeem(session: Session, principal: Principal, body: RedeemIn) -> dict[str, Any]:
    """Redeem every coupon of a request on one bill for the named customer (all or nothing)."""
    org = principal.org
    codes = _codes(body.redemption_request_list)
    if body.user is None:
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: user")
    bill = parse_amount(body.bill_amount, required=True)
    assert bill is not None
    customer = find_customer(session, org, body.user, lock=True)
    store_file_series(session, org)
    now = clock.now()
    items = []
    for code in codes:
        found = find_coupon(session, org, customer.id, code)
        check(session, org, customer, found, bill, now)
        items.append(_redeem_one(session, principal, customer, found, body, bill, now))
    return {
        "redemption": items,
        "redemptionStatus": _ok(),
        "customer": customer_info(session, customer.id),
        "warnings": [],
    }


def bulk_redeem(session: Session, principal: Principal, bodies: list[RedeemIn]) -> dict[str, Any]:
    """Redeem several requests; each answers for itself and a refused one stores nothing."""
    if not bodies:
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: redemption requests")
    if len(bodies) > MAX_BATCH:
        raise Invalid(INVALID_INPUT, f"At most {MAX_BATCH} redemption requests per call")
    answers: list[dict[str, Any]] = []
    for body in bodies:
        try:
            with session.begin_nested():
                result = redeem(session, principal, body)
        except PatronError as error:
            answers.append({"result": None, "errors": [error.notice.as_dict()], "warnings": []})
            continue
        answers.append({"result": result, "errors": [], "warnings": []})
    return {
        "response": answers,
        "totalCount": len(answers),
        "failureCount": sum(1 for a in answers if a["errors"]),
    }


def is_redeemable(
    session: Session,
    org: OrgConfig,
    named: CustomerIn,
    codes_text: str | None,
    bill_amount: str | None,
    details: bool,
) -> dict[str, Any]:
    """Tell for each code whether the customer can redeem it now, and why not."""
    codes = _split(codes_text)
    customer = find_customer(session, org, named, lock=False)
    bill = parse_amount(bill_amount, required=False)
    now = clock.now()
    items: list[dict[str, Any]] = []
    for code in codes:
        item: dict[str, Any] = {"code": code}
        try:
            found = find_coupon(session, org, customer.id, code)
        except PatronError as error:
            items.append({**item, "isRedeemable": False, "redemptionStatus": _failed(error)})
            continue
        coupon, d = found.coupon, found.series.definition
        mine = repository.customer_redemptions(session, customer.id, found.series.pk)
        item.update(
            {
                "isRedeemable": True,
                "isAbsolute": d.discount_type is DiscountType.ABS,
                "numberOfRedemptionsByUser": sum(1 for r in mine if r.coupon_id == coupon.id),
                "redemptionsLeft": redemptions_left(coupon),
            }
        )
        if details:
            item.update(
                {
                    "seriesId": d.series_id,
                    "description": d.description,
                    "discountCode": d.discount_code,
                    "discountType": d.discount_type.value,
                    "discountValue": float(d.discount_value),
                    "discountUpto": float(d.discount_upto),
                    "validTill": clock.iso(coupon.valid_till, org.zone),
                }
            )
        try:
            check(session, org, customer, found, bill, now)
        except PatronError as error:
            item.update({"isRedeemable": False, "redemptionStatus": _failed(error)})
        else:
            item["redemptionStatus"] = _ok()
        items.append(item)
    refused = next((i["redemptionStatus"] for i in items if not i["isRedeemable"]), None)
    return {
        "customer": customer_info(session, customer.id),
        "redemption": items,
        "redemptionStatus": refused or _ok(),
        "warnings": [],
    }


def _failed(error: PatronError) -> dict[str, Any]:
    return {"status": False, "code": error.code, "message": error.message}


def reactivate(session: Session, principal: Principal, body: ReactivateIn) -> dict[str, Any]:
    """Undo redemptions: each coupon regains the use and its series the count (all or none)."""
    ids = list(dict.fromkeys(body.redemption_ids or []))
    if not ids:
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: redemptionIds")
    now = clock.now()
    for redemption_id in ids:
        row = repository.lock_redemption(session, principal.org.id, redemption_id)
        if row is None:
            raise NotFound(CODE_DOES_NOT_EXIST, f"Redemption {redemption_id} does not exist")
        if not repository.reactivate(session, redemption_id, now, principal.till_id):
            raise Conflict(
                CODE_DOES_NOT_EXIST, f"Redemption {redemption_id} is already reactivated"
            )
        repository.unuse_coupon(session, row.coupon_id)
        repository.uncount_redemption(session, row.series_pk)
    return {"warnings": [], "errors": [], "success": True}
