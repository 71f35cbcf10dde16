"""Redeeming coupons on bills: values, every refusal code, bulk, checks and reactivation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Api
from tests.coupons.support import (
    coupons_of,
    error,
    issued,
    new_customer,
    new_series,
    ok,
    redeem,
)

MoveClock = Callable[[dt.timedelta], None]


def one_coupon(api: Api, series_id: int = 1) -> tuple[int, str]:
    customer = new_customer(api)
    return customer["id"], issued(api, customer["id"], series_id)["code"]


@pytest.mark.parametrize(
    ("overrides", "bill", "value"),
    [
        ({}, 500, 50),
        ({}, "123.45", 12.35),
        ({}, 5000, 100),
        ({"discountType": "ABS", "discountValue": 50, "discountUpto": 0}, 500, 50),
        ({"discountType": "ABS", "discountValue": 50, "discountUpto": 0}, 20, 20),
        ({"discountType": "PERC", "discountValue": 20, "discountUpto": 0}, 5000, 1000),
    ],
)
def test_a_redemption_takes_its_value_off_the_bill(
    api: Api, overrides: dict[str, Any], bill: Any, value: float
) -> None:
    series = {"discountType": "PERC", "discountValue": 10, "discountUpto": 100, **overrides}
    customer_id, code = one_coupon(api, new_series(api, **series))
    answer = ok(redeem(api, customer_id, code, bill=bill))
    (item,) = answer["redemption"]
    assert item["couponValue"] == value
    assert item["redemptionStatus"]["code"] == 700
    assert answer["redemptionStatus"] == {
        "status": True,
        "code": 700,
        "message": "Coupon processing successful",
    }
    assert answer["customer"]["id"] == customer_id


def test_a_single_use_coupon_is_redeemed_once(api: Api) -> None:
    customer_id, code = one_coupon(api)
    ok(redeem(api, customer_id, code))
    assert error(redeem(api, customer_id, code, number="BILL-2")) == (409, 711)
    (coupon,) = coupons_of(api, customer_id)
    assert (coupon["redemptionCount"], coupon["redemptionsLeft"]) == (1, 0)
    assert [r["transactionNumber"] for r in coupon["redemptions"]] == ["BILL-1"]


def test_a_code_is_matched_in_any_case(api: Api) -> None:
    customer_id, code = one_coupon(api)
    ok(redeem(api, customer_id, code.lower()))


@pytest.mark.parametrize(
    ("overrides", "uses", "code"),
    [
        ({"redemptionPerCouponMaxLimit": 2, "sameUserMultipleRedeem": True}, 2, 714),
        ({"redemptionPerCouponMaxLimit": 3, "sameUserMultipleRedeem": True}, 3, 714),
        ({"redemptionPerCouponMaxLimit": 3, "sameUserMultipleRedeem": False}, 1, 710),
        (
            {
                "redemptionPerCouponMaxLimit": -1,
                "sameUserMultipleRedeem": True,
                "maxRedemptionsInSeriesPerUser": 2,
            },
            2,
            736,
        ),
        (
            {"redemptionPerCouponMaxLimit": -1, "sameUserMultipleRedeem": True, "maxRedeem": 2},
            2,
            728,
        ),
    ],
)
def test_a_coupon_is_redeemed_as_often_as_its_limits_allow(
    api: Api, overrides: dict[str, Any], uses: int, code: int
) -> None:
    customer_id, coupon = one_coupon(api, new_series(api, **overrides))
    for n in range(uses):
        ok(redeem(api, customer_id, coupon, number=f"B{n}"))
    assert error(redeem(api, customer_id, coupon, number="LAST")) == (409, code)


def test_an_unlimited_coupon_keeps_redeeming(api: Api) -> None:
    series_id = new_series(api, redemptionPerCouponMaxLimit=-1, sameUserMultipleRedeem=True)
    customer_id, coupon = one_coupon(api, series_id)
    for n in range(4):
        ok(redeem(api, customer_id, coupon, number=f"B{n}"))
    assert coupons_of(api, customer_id)[0]["redemptionsLeft"] == -1


def test_a_coupon_of_another_customer_is_refused_unless_any_user(api: Api) -> None:
    _, code = one_coupon(api)
    stranger = new_customer(api)["id"]
    assert error(redeem(api, stranger, code)) == (400, 703)
    _, shared = one_coupon(api, new_series(api, anyUser=True))
    ok(redeem(api, stranger, shared))


def test_a_series_limit_per_customer_counts_every_coupon_of_it(api: Api) -> None:
    series_id = new_series(api, maxRedemptionsInSeriesPerUser=1)
    customer = new_customer(api)
    first = issued(api, customer["id"], series_id)["code"]
    second = issued(api, customer["id"], series_id)["code"]
    ok(redeem(api, customer["id"], first))
    assert error(redeem(api, customer["id"], second)) == (409, 736)


def test_redemptions_keep_the_days_between_them(api: Api, move_clock: MoveClock) -> None:
    series_id = new_series(api, minDaysBetweenRedemption=2)
    customer = new_customer(api)
    first = issued(api, customer["id"], series_id)["code"]
    second = issued(api, customer["id"], series_id)["code"]
    ok(redeem(api, customer["id"], first))
    assert error(redeem(api, customer["id"], second)) == (400, 723)
    move_clock(dt.timedelta(days=2, minutes=1))
    ok(redeem(api, customer["id"], second))


def test_a_coupon_is_redeemable_from_its_series_start(api: Api, move_clock: MoveClock) -> None:
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).date().isoformat()
    customer_id, code = one_coupon(api, new_series(api, redemptionValidFrom=start))
    assert error(redeem(api, customer_id, code)) == (400, 723)
    move_clock(dt.timedelta(days=4))
    ok(redeem(api, customer_id, code))


def test_an_expired_coupon_is_refused(api: Api, move_clock: MoveClock) -> None:
    customer_id, code = one_coupon(api)
    move_clock(dt.timedelta(days=32))
    assert error(redeem(api, customer_id, code)) == (400, 713)


def test_a_coupon_of_an_ended_series_is_refused(api: Api, move_clock: MoveClock) -> None:
    end = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    customer_id, code = one_coupon(api, new_series(api, validTillDate=end))
    move_clock(dt.timedelta(days=5))
    assert error(redeem(api, customer_id, code)) == (400, 712)


@pytest.mark.parametrize(
    ("bill", "code"),
    [
        (None, 756),
        ("", 756),
        ("abc", 733),
        (-1, 733),
        ("1.0001", 733),
        (True, 733),
        (999, 733),
        (5001, 733),
    ],
)
def test_a_bill_outside_the_series_bounds_is_refused(api: Api, bill: Any, code: int) -> None:
    series_id = new_series(api, minBillAmount=1000, maxBillAmount=5000)
    customer_id, coupon = one_coupon(api, series_id)
    assert error(redeem(api, customer_id, coupon, bill=bill)) == (400, code)
    ok(redeem(api, customer_id, coupon, bill=1000))


def test_a_request_naming_nothing_valid_is_refused(api: Api) -> None:
    customer_id, code = one_coupon(api)
    base = {"user": {"id": customer_id}, "billAmount": 100}
    cases = [
        ({**base}, (400, 756)),
        ({**base, "redemptionRequestList": []}, (400, 756)),
        ({**base, "redemptionRequestList": [{"code": " "}]}, (400, 702)),
        ({**base, "redemptionRequestList": [{"code": code}, {"code": code.lower()}]}, (400, 716)),
        ({**base, "redemptionRequestList": [{"code": "NOSUCH99"}]}, (404, 719)),
        ({"billAmount": 100, "redemptionRequestList": [{"code": code}]}, (400, 756)),
        (
            {**base, "user": {"id": 999_999_999}, "redemptionRequestList": [{"code": code}]},
            (404, 701),
        ),
    ]
    for body, expected in cases:
        assert error(api.post("/v2/coupon/redeem", json=body)) == expected, body
    ok(redeem(api, customer_id, code))


def test_a_request_is_redeemed_all_or_nothing(api: Api) -> None:
    customer = new_customer(api)
    first = issued(api, customer["id"])["code"]
    assert error(redeem(api, customer["id"], first, "NOSUCH99")) == (404, 719)
    assert coupons_of(api, customer["id"])[0]["redemptionCount"] == 0
    second = issued(api, customer["id"])["code"]
    answer = ok(redeem(api, customer["id"], first, second))
    assert [r["code"] for r in answer["redemption"]] == [first, second]


def test_a_generic_code_redeems_the_customers_coupon(api: Api) -> None:
    series_id = new_series(api, clientHandlingType="GENERIC", genericCode="WELCOME")
    first, second = new_customer(api), new_customer(api)
    issued(api, first["id"], series_id)
    issued(api, second["id"], series_id)
    ok(redeem(api, first["id"], "welcome"))
    ok(redeem(api, second["id"], "WELCOME"))
    assert error(redeem(api, first["id"], "WELCOME")) == (409, 711)


def test_bulk_redemption_answers_each_request(api: Api) -> None:
    customer_id, code = one_coupon(api)
    item = {
        "user": {"id": customer_id},
        "billAmount": 100,
        "redemptionRequestList": [{"code": code}],
    }
    answer = ok(api.post("/v2/coupon/bulk/redeem?source=INSTORE", json=[item, item]))
    assert (answer["totalCount"], answer["failureCount"]) == (2, 1)
    done, refused = answer["response"]
    assert done["result"]["redemption"][0]["code"] == code
    assert refused["errors"][0]["code"] == 711
    assert error(api.post("/v2/coupon/bulk/redeem", json=[])) == (400, 756)


def check(api: Api, **params: Any) -> dict[str, Any]:
    return ok(api.get("/v2/coupon/is_redeemable", params=params))


def test_is_redeemable_tells_each_code(api: Api) -> None:
    customer_id, code = one_coupon(api)
    answer = check(api, id=customer_id, code=f"{code},NOSUCH99")
    mine, unknown = answer["redemption"]
    assert (mine["code"], mine["isRedeemable"], mine["isAbsolute"]) == (code, True, False)
    assert (mine["numberOfRedemptionsByUser"], mine["redemptionsLeft"]) == (0, 1)
    assert (unknown["isRedeemable"], unknown["redemptionStatus"]["code"]) == (False, 719)
    assert answer["redemptionStatus"]["code"] == 719
    ok(redeem(api, customer_id, code))
    (after,) = check(api, id=customer_id, code=code, details="true")["redemption"]
    assert (after["isRedeemable"], after["redemptionStatus"]["code"]) == (False, 711)
    assert (after["numberOfRedemptionsByUser"], after["redemptionsLeft"]) == (1, 0)
    assert after["seriesId"] == 1


def test_is_redeemable_checks_the_bill_when_given(api: Api) -> None:
    customer_id, code = one_coupon(api, new_series(api, minBillAmount=1000))
    assert check(api, id=customer_id, code=code)["redemption"][0]["isRedeemable"] is True
    (item,) = check(api, id=customer_id, code=code, billAmount="10")["redemption"]
    assert (item["isRedeemable"], item["redemptionStatus"]["code"]) == (False, 733)


def test_is_redeemable_needs_a_known_customer_and_a_code(api: Api) -> None:
    customer_id, code = one_coupon(api)
    assert error(api.get("/v2/coupon/is_redeemable", params={"id": 999_999_999, "code": code})) == (
        404,
        701,
    )
    assert error(api.get("/v2/coupon/is_redeemable", params={"code": code})) == (400, 756)
    assert error(api.get("/v2/coupon/is_redeemable", params={"id": customer_id})) == (400, 756)


def test_reactivation_undoes_a_redemption(api: Api) -> None:
    customer_id, code = one_coupon(api)
    (done,) = ok(redeem(api, customer_id, code))["redemption"]
    answer = ok(api.post("/v2/coupon/reactivate", json={"redemptionIds": [done["id"]]}))
    assert answer == {"warnings": [], "errors": [], "success": True}
    (coupon,) = coupons_of(api, customer_id)
    assert (coupon["redemptionCount"], coupon["redemptionsLeft"], coupon["redemptions"]) == (
        0,
        1,
        [],
    )
    series = ok(api.get("/v2/coupon/series", params={"ids": "1"}))["entity"][0]
    assert series["numRedeemed"] == 0
    ok(redeem(api, customer_id, code, number="BILL-2"))


def test_a_redemption_is_reactivated_once(api: Api) -> None:
    customer_id, code = one_coupon(api)
    (done,) = ok(redeem(api, customer_id, code))["redemption"]
    ok(api.post("/v2/coupon/reactivate", json={"redemptionIds": [done["id"]]}))
    again = api.post("/v2/coupon/reactivate", json={"redemptionIds": [done["id"]]})
    assert error(again) == (409, 719)
    unknown = api.post("/v2/coupon/reactivate", json={"redemptionIds": [999_999_999]})
    assert error(unknown) == (404, 719)
    assert error(api.post("/v2/coupon/reactivate", json={"redemptionIds": []})) == (400, 756)


@pytest.mark.parametrize(
    "changes",
    [
        {"transactionNumber": "x" * 101},
        {"user": {"id": 2**63}},
        {"redemptionRequestList": [{"code": "x" * 101}]},
        {"billAmount": "1e400"},
    ],
)
def test_inputs_no_backend_holds_are_refused_alike(api: Api, changes: dict[str, Any]) -> None:
    customer_id, code = one_coupon(api)
    body = {
        "redemptionRequestList": [{"code": code}],
        "user": {"id": customer_id},
        "billAmount": 100,
        **changes,
    }
    status, _ = error(api.post("/v2/coupon/redeem", json=body))
    assert status == 400
