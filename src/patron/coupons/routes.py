"""HTTP endpoints of coupons: series, issue, redemption, checks, reactivation, and the
customer's coupon views."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from patron.auth.dependencies import CurrentPrincipal
from patron.coupons.redemption import bulk_redeem, is_redeemable, reactivate, redeem
from patron.coupons.schemas import BulkIssueIn, CustomerIn, IssueIn, ReactivateIn, RedeemIn
from patron.coupons.series import create_series, render_series, select_series, update_series
from patron.coupons.service import (
    bulk_issue,
    customer_coupons,
    customer_coupons_detailed,
    issue,
)
from patron.coupons.views import ListOptions
from patron.web import Offset, PathId, ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 702 invalid code, 703 not issued to this customer, 707 invalid "
        "series, 712 series expired, 713 coupon expired, 716 same coupon twice, 723 not "
        "redeemable yet, 733 invalid amount, 756 mandatory fields missing, 400 malformed input",
        404: "Customer not found (701, 8015), unknown series (707), code or redemption (719)",
        409: "Limits: 710 already redeemed by this customer, 711 already redeemed, 714 coupon "
        "max redemptions, 722 unable to issue, 728 series maxRedeem, 736 customer's series "
        "limit; 707 series code taken or series of the org file; 719 already reactivated",
    }
)

router = APIRouter(tags=["coupons"], responses=ERRORS, route_class=Route)

Text = Annotated[str | None, Query(max_length=255)]


@router.post("/v2/coupon/series")
def post_series(
    body: Annotated[dict[str, Any], Body()], principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Create a coupon series: `{"CouponSeriesV2": {description*, discountCode*,
    validTillDate*, anyUser*, discountValue*, discountType* ABS|PERC, clientHandlingType*
    DISC_CODE|GENERIC|DISC_CODE_PIN, expiryStrategyType* SERIES_EXPIRY|DAYS|MONTHS_END,
    expiryStrategyValue, maxCreate, maxRedeem, redemptionPerCouponMaxLimit, …}}`. The series
    gets the next `seriesId` above every series of the org (the org file's included)."""
    series = create_series(session, principal, body)
    return {"entity": render_series(principal.org, series), "warnings": []}


@router.put("/v2/coupon/series/{series_id}")
def put_series(
    series_id: PathId,
    body: Annotated[dict[str, Any], Body()],
    principal: CurrentPrincipal,
    session: WriteSession,
) -> dict[str, Any]:
    """Change a series made through the API with the `CouponSeriesV2` keys given; series of
    the org file change through the org file (707)."""
    series = update_series(session, principal, series_id, body)
    return {"entity": render_series(principal.org, series), "warnings": []}


@router.get("/v2/coupon/series")
def get_series(
    principal: CurrentPrincipal,
    session: ReadSession,
    ids: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    """List the org's coupon series, or those of `ids` (comma-separated `seriesId`s), with
    their counters `numIssued` and `numRedeemed`."""
    found = select_series(session, principal.org, ids)
    return {"entity": [render_series(principal.org, s) for s in found], "warnings": []}


@router.post("/v2/coupon/issue")
def post_issue(body: IssueIn, principal: CurrentPrincipal, session: WriteSession) -> dict[str, Any]:
    """Issue a coupon of `seriesId`* to `customer`* (`id`, `mobile`, `email` or
    `externalId`). Answers the coupon with its `code` and `validTill`."""
    return issue(session, principal, body)


@router.post("/v2/coupon/bulk/issue")
def post_bulk_issue(
    body: BulkIssueIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    source: Text = None,
) -> dict[str, Any]:
    """Issue one coupon of each of `seriesIds`* to `customer`*; each series answers for
    itself in `response` (`result` or `errors`)."""
    return bulk_issue(session, principal, body)


@router.post("/v2/coupon/redeem")
def post_redeem(
    body: RedeemIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Redeem the coupons of `redemptionRequestList`* (`[{code}]`) for `user`* on a bill of
    `billAmount`*, tagged to its `transactionNumber`. All or nothing: a coupon that cannot
    be redeemed refuses the request with its code. Each `redemption[].id` can be reactivated."""
    return redeem(session, principal, body)


@router.post("/v2/coupon/bulk/redeem")
def post_bulk_redeem(
    body: list[RedeemIn],
    principal: CurrentPrincipal,
    session: WriteSession,
    source: Text = None,
) -> dict[str, Any]:
    """Redeem up to 100 redemption requests (each as `POST /v2/coupon/redeem` takes it);
    each answers for itself in `response`."""
    return bulk_redeem(session, principal, body)


@router.get("/v2/coupon/is_redeemable")
def get_is_redeemable(
    principal: CurrentPrincipal,
    session: ReadSession,
    code: Annotated[str | None, Query(max_length=2000)] = None,
    mobile: Text = None,
    email: Text = None,
    external_id: Annotated[str | None, Query(alias="externalId", max_length=255)] = None,
    customer_id: Annotated[int | None, Query(alias="id", ge=1, le=2**63 - 1)] = None,
    details: bool = False,
    bill_amount: Annotated[str | None, Query(alias="billAmount", max_length=40)] = None,
) -> dict[str, Any]:
    """Tell whether the customer can redeem each of `code` (comma-separated) now; a coupon
    that cannot be redeemed carries its code in `redemptionStatus`."""
    named = CustomerIn(id=customer_id, mobile=mobile, email=email, externalId=external_id)
    return is_redeemable(session, principal.org, named, code, bill_amount, details)


@router.post("/v2/coupon/reactivate")
def post_reactivate(
    body: ReactivateIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Undo the redemptions `redemptionIds`*: their coupons can be redeemed again."""
    return reactivate(session, principal, body)


@router.get("/v2/customers/coupons")
def get_customer_coupons(
    principal: CurrentPrincipal,
    session: ReadSession,
    mobile: Text = None,
    email: Text = None,
    external_id: Annotated[str | None, Query(alias="externalId", max_length=255)] = None,
    external_id_alias: Annotated[str | None, Query(alias="external_Id", max_length=255)] = None,
    customer_id: Annotated[int | None, Query(alias="id", ge=1, le=2**63 - 1)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    coupon_code_case: Annotated[str | None, Query(max_length=10)] = None,
    sort_order: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    offset: Offset | None = None,
) -> dict[str, Any]:
    """List a customer's coupons with their redemptions. `status` (any case): REDEEMED,
    UNREDEEMED, ACTIVE, UNEXPIRED, EXPIRED, ACTIVE_REDEEMED, ACTIVE_UNREDEEMED,
    EXPIRED_REDEEMED, EXPIRED_UNREDEEMED, REDEEMABLE; `coupon_code_case` upper|lower;
    `sort_order` asc|desc by issue (default desc); `limit` (default 100) and `offset`."""
    named = CustomerIn(
        id=customer_id, mobile=mobile, email=email, externalId=external_id or external_id_alias
    )
    options = ListOptions.parse(status, coupon_code_case, sort_order, limit, offset)
    return customer_coupons(session, principal.org, named, options)


@router.get("/v2/customers/{customer_id:int}/coupons")
def get_customer_coupons_detailed(
    customer_id: PathId, principal: CurrentPrincipal, session: ReadSession
) -> dict[str, Any]:
    """List a customer's coupons, newest first, each with its series and redemptions."""
    return customer_coupons_detailed(session, principal.org, customer_id)
