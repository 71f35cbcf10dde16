"""Concurrent redemptions and issues (PostgreSQL): the database holds every limit."""

from __future__ import annotations

import pytest

from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.coupons.support import error, issue, issued, new_customer, new_series, ok, redeem


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(3))
def test_two_redemptions_of_a_single_use_coupon_leave_one(api: Api, round_: int) -> None:
    customer = new_customer(api)["id"]
    code = issued(api, customer)["code"]
    results = concurrently(
        lambda: redeem(api, customer, code, number="A"),
        lambda: redeem(api, customer, code, number="B"),
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    (loser,) = [r for r in results if r.status_code == 409]
    assert error(loser)[1] in (711, 714)
    view = ok(api.get("/v2/customers/coupons", params={"id": customer}))
    (coupon,) = view["entity"]["customers"][0]["coupons"]
    assert (coupon["redemptionCount"], len(coupon["redemptions"])) == (1, 1)
    series = ok(api.get("/v2/coupon/series", params={"ids": "1"}))["entity"][0]
    assert series["numRedeemed"] == 1


@pytest.mark.parametrize("round_", range(3))
def test_two_customers_redeeming_one_shared_coupon_leave_one(api: Api, round_: int) -> None:
    series_id = new_series(api, anyUser=True)
    owner, first, second = (new_customer(api)["id"] for _ in range(3))
    code = issued(api, owner, series_id)["code"]
    results = concurrently(lambda: redeem(api, first, code), lambda: redeem(api, second, code))
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    (loser,) = [r for r in results if r.status_code == 409]
    assert error(loser)[1] in (711, 714)


@pytest.mark.parametrize("round_", range(3))
def test_two_redemptions_at_the_series_limit_leave_one(api: Api, round_: int) -> None:
    series_id = new_series(api, maxRedeem=1)
    first, second = new_customer(api)["id"], new_customer(api)["id"]
    one, two = issued(api, first, series_id)["code"], issued(api, second, series_id)["code"]
    results = concurrently(lambda: redeem(api, first, one), lambda: redeem(api, second, two))
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    (loser,) = [r for r in results if r.status_code == 409]
    assert error(loser)[1] == 728


@pytest.mark.parametrize("round_", range(3))
def test_two_issues_at_max_create_leave_one(api: Api, round_: int) -> None:
    series_id = new_series(api, maxCreate=1)
    first, second = new_customer(api)["id"], new_customer(api)["id"]
    results = concurrently(
        lambda: issue(api, first, series_id), lambda: issue(api, second, series_id)
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    (loser,) = [r for r in results if r.status_code == 409]
    assert error(loser)[1] == 722


@pytest.mark.parametrize("round_", range(3))
def test_two_issues_to_one_customer_of_a_single_voucher_series_leave_one(
    api: Api, round_: int
) -> None:
    series_id = new_series(api, isMultipleVouchersPerUserAllowed=False)
    customer = new_customer(api)["id"]
    results = concurrently(
        lambda: issue(api, customer, series_id), lambda: issue(api, customer, series_id)
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    (loser,) = [r for r in results if r.status_code == 409]
    assert error(loser)[1] == 722
