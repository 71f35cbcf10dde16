"""Helpers of the coupons tests: customers, series, issuing and redeeming through the API."""

from __future__ import annotations

import itertools
from typing import Any

from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

DEMO_SERIES = 1
_emails = itertools.count(1)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error(response: Any) -> tuple[int, int]:
    """Return (HTTP status, first error code)."""
    return response.status_code, int(response.json()["errors"][0]["code"])


def new_customer(api: Api) -> dict[str, Any]:
    """Register a loyalty customer with a mobile and an email; return id, mobile and email."""
    mobile, email = unique_mobile(), f"coupon{next(_emails)}.{api.org.org_id}@example.com"
    identifiers = [{"type": "mobile", "value": mobile}, {"type": "email", "value": email}]
    body = registration(profile(identifiers=identifiers, firstName="Tom", lastName="Sawyer"))
    created = ok(api.post("/v2/customers", json=body))
    return {"id": int(created["createdId"]), "mobile": mobile, "email": email}


def series_body(**overrides: Any) -> dict[str, Any]:
    """Return a ``CouponSeriesV2`` body: 50 off, one use, valid till 2099."""
    series: dict[str, Any] = {
        "description": "Fifty off",
        "discountCode": "FIFTY",
        "validTillDate": "2099-12-31",
        "anyUser": False,
        "discountValue": 50,
        "discountType": "ABS",
        "clientHandlingType": "DISC_CODE",
        "expiryStrategyType": "SERIES_EXPIRY",
        **overrides,
    }
    return {"CouponSeriesV2": series}


def new_series(api: Api, **overrides: Any) -> int:
    """Create a series through the API; return its seriesId."""
    return int(ok(api.post("/v2/coupon/series", json=series_body(**overrides)))["entity"]["id"])


def issue(api: Api, customer_id: int, series_id: int = DEMO_SERIES) -> Any:
    """Issue a coupon of a series to a customer (the raw response)."""
    return api.post(
        "/v2/coupon/issue", json={"seriesId": series_id, "customer": {"id": customer_id}}
    )


def issued(api: Api, customer_id: int, series_id: int = DEMO_SERIES) -> dict[str, Any]:
    """Issue a coupon and return the answer."""
    return ok(issue(api, customer_id, series_id))


def redeem(api: Api, customer_id: int, *codes: str, bill: Any = 500, number: str = "BILL-1") -> Any:
    """Redeem coupons for a customer on a bill (the raw response)."""
    body = {
        "redemptionRequestList": [{"code": c} for c in codes],
        "user": {"id": customer_id},
        "billAmount": bill,
        "transactionNumber": number,
    }
    return api.post("/v2/coupon/redeem", json=body)


def basic(api: Api, **params: Any) -> dict[str, Any]:
    """Return the basic coupons view."""
    return ok(api.get("/v2/customers/coupons", params=params))


def coupons_of(api: Api, customer_id: int, **params: Any) -> list[dict[str, Any]]:
    """Return the customer's coupons of the basic view."""
    body = basic(api, id=customer_id, **params)
    found: list[dict[str, Any]] = body["entity"]["customers"][0]["coupons"]
    return found


def shape(value: Any) -> Any:
    """Return the keys (recursively) and JSON kinds of a value, for comparing with a sample."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def principal_of(db: Any, api: Api) -> Any:
    """Return the principal of the test org's till (for service-level calls)."""
    from patron.auth.service import principal_of_till
    from patron.db import unit_of_work
    from patron.orgs import repository as orgs_repository

    with unit_of_work(db.read_session) as session:
        till = orgs_repository.find_till_by_code(session, api.org.till_code)
        assert till is not None
        return principal_of_till(session, till.id)
